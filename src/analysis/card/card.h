// The result card of PRODUCT.md, Italian and English, as Telegram HTML plus an inline keyboard.
// Pure formatting: takes the extracted page and its Analysis, returns values.
//
// - Everything that comes from a page (title, quotes, aspect phrases) is HTML-escaped.
// - Numbers in the user's locale ("1.299,99 €", "4,3/5" / "€1,299.99", "4.3/5").
// - Never over kMaxCardChars (Telegram's 4096, counted in UTF-16 units like Telegram does):
//   quotes are shortened first (to 120, 80, 50 chars), then list items dropped (last first),
//   then the title shortened.
// - Keyboard: [🔄 Aggiorna analisi: callback "refresh:<id>"] [🛒 Apri prodotto: url]
//   [📤 Condividi: switch_inline_query "<id>"]; <id> = ProductId(page), 16 hex chars, so
//   callback_data is 24 bytes (Telegram allows 64). The bot resolves <id> via the result cache.
// - Trust media/bassa: the first two reasons, then the adjusted rating and how many reviews it
//   rests on when it differs from the shown one ("(valutazione corretta 3,9/5, 48 recensioni lette)").
// - Cached variant: CardOptions::cached_age adds a first line "🕒 Analisi di 3 ore fa" and the
//   refresh button stays the way to force a fresh analysis.
// The keyboard is a neutral struct so this library does not depend on telegram/.
// Thread-safety: pure functions. Failure modes: none.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/product.h"
#include "analysis/score/analysis.h"

namespace worthit::analysis::card {

inline constexpr size_t kMaxCardChars = 4096;
inline constexpr size_t kMaxCallbackBytes = 64;

struct Button {
  std::string text;
  std::string callback_data;  // exactly one of these three is set
  std::string url;
  std::string switch_inline_query;
};
using Keyboard = std::vector<std::vector<Button>>;

struct CardOptions {
  std::string lang = "it";                         // "it" | "en"
  std::optional<std::chrono::seconds> cached_age;  // set when showing a cached analysis
};

struct Card {
  std::string html;  // parse_mode HTML
  Keyboard keyboard;
};

Card RenderCard(const ProductPage& page, const score::Analysis& analysis, const CardOptions& options);

// Stable short id of a product: ShortHash of canonical_url (or url when there is none).
std::string ProductId(const ProductPage& page);
// Prefix of the refresh callback: "refresh:<id>".
inline constexpr std::string_view kRefreshCallbackPrefix = "refresh:";

// &, <, >, " escaped for Telegram HTML.
std::string EscapeHtml(std::string_view text);
// Length as Telegram counts it (UTF-16 code units).
size_t Utf16Length(std::string_view utf8);
// At most `max_chars` code points, cut at a word boundary when one is near, with "…".
std::string ShortenText(std::string_view text, size_t max_chars);
// The first line of a cached card: "🕒 <i>Analisi di 3 ore fa</i>\n" (stored cards are kept
// without it and get it when served).
std::string CachedAgeLine(std::chrono::seconds age, const std::string& lang);
// "3 ore fa" / "3 hours ago", "2 giorni fa", "pochi minuti fa".
std::string FormatAge(std::chrono::seconds age, const std::string& lang);

}  // namespace worthit::analysis::card
