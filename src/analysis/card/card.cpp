#include "analysis/card/card.h"

#include <cmath>

#include "analysis/score/locale_format.h"
#include "common/ids.h"

namespace worthit::analysis::card {
namespace {

using score::FormatDecimal;
using score::FormatInteger;

struct Texts {
  const char* price;
  const char* lowest_seen;  // "minimo visto"
  const char* on_date;      // "il"
  const char* rating;
  const char* reviews_word;  // "recensioni"
  const char* score;
  const char* positive;
  const char* negative;
  const char* trust;
  const char* pros;
  const char* cons;
  const char* mentions;
  const char* mention;
  const char* too_few;
  const char* no_aspects;
  const char* refresh;
  const char* open;
  const char* share;
  const char* cached;  // "Analisi di"
  const char* no_score;
  const char* adjusted;  // "valutazione corretta"
  const char* read;      // "recensioni lette"
  const char* trust_unknown;
};

constexpr Texts kIt{"Prezzo",
                    "minimo visto",
                    "il",
                    "Valutazione",
                    "recensioni",
                    "Punteggio WorthIt",
                    "recensioni positive",
                    "negative",
                    "Affidabilità recensioni",
                    "Punti di forza",
                    "Punti deboli",
                    "menzioni",
                    "menzione",
                    "Troppo poche recensioni per indicare punti di forza e punti deboli.",
                    "Le recensioni non indicano punti di forza o deboli ricorrenti.",
                    "🔄 Aggiorna analisi",
                    "🛒 Apri prodotto",
                    "📤 Condividi",
                    "Analisi di",
                    "n/d — dati insufficienti per giudicare",
                    "valutazione corretta",
                    "recensioni lette",
                    "non valutabile: nessuna recensione da leggere"};
constexpr Texts kEn{"Price",
                    "lowest seen",
                    "on",
                    "Rating",
                    "reviews",
                    "WorthIt score",
                    "positive reviews",
                    "negative",
                    "Review reliability",
                    "Strengths",
                    "Weaknesses",
                    "mentions",
                    "mention",
                    "Too few reviews to point out strengths and weaknesses.",
                    "The reviews point to no recurring strengths or weaknesses.",
                    "🔄 Refresh analysis",
                    "🛒 Open product",
                    "📤 Share",
                    "Analysis from",
                    "n/a — not enough data to judge",
                    "adjusted rating",
                    "reviews read",
                    "not assessable: no reviews to read"};

const Texts& T(const std::string& lang) { return lang == "en" ? kEn : kIt; }

std::string Percent(double share) { return std::to_string(static_cast<int>(std::lround(share * 100))) + "%"; }

struct Layout {
  size_t quote_chars;  // 0 = no limit beyond the natural sentence
  size_t max_pros;
  size_t max_cons;
  size_t title_chars;
};

std::string Render(const ProductPage& page, const score::Analysis& a, const CardOptions& opt, const Layout& lay) {
  const auto& t = T(opt.lang);
  const std::string& lang = opt.lang;
  const auto& p = page.product;
  std::string out;
  if (opt.cached_age) out += CachedAgeLine(*opt.cached_age, lang);
  std::string title = p.title.empty() ? page.site : p.title;
  out += "<b>" + EscapeHtml(ShortenText(title, lay.title_chars)) + "</b>\n";

  if (p.price) {
    out += "💰 " + std::string(t.price) + ": " + EscapeHtml(score::FormatMoney(*p.price, p.currency, lang));
    if (a.price_history && !a.price_history->lowest.empty()) {
      out += "   (📉 " + std::string(t.lowest_seen) + ": " +
             EscapeHtml(score::FormatMoney(a.price_history->lowest, p.currency, lang));
      const std::string date = score::FormatShortDate(a.price_history->lowest_date, lang);
      if (!date.empty()) out += " " + std::string(t.on_date) + " " + date;
      out += ")";
    }
    out += "\n";
  }
  if (p.rating && p.rating->value > 0) {
    const double scale = p.rating->scale > 0 ? p.rating->scale : 5;
    out += "⭐ " + std::string(t.rating) + ": " + FormatDecimal(p.rating->value, 1, lang) + "/" +
           FormatDecimal(scale, scale == std::floor(scale) ? 0 : 1, lang);
    if (p.rating->count > 0) out += " (" + FormatInteger(p.rating->count, lang) + " " + t.reviews_word + ")";
    out += "\n";
  }
  if (a.score.has_score) {
    out += score::ScoreColour(a.score.score) + " " + t.score + ": " + FormatDecimal(a.score.score, 1, lang) + "/10 — " +
           score::BandName(a.score.band, lang) + "\n";
  } else if (a.score.too_few) {
    // The number would be mostly the prior (docs/scoring.md): say why there is none.
    const std::string n = FormatInteger(a.score.evidence, lang);
    out += "⚪ " + std::string(t.score) + ": " +
           (lang == "en" ? "n/a — only " + n + (a.score.evidence == 1 ? " rating" : " ratings") + ", too few to judge"
                         : "n/d — solo " + n + (a.score.evidence == 1 ? " valutazione" : " valutazioni") +
                               ", troppo poche per giudicare") +
           "\n";
  } else {
    out += "⚪ " + std::string(t.score) + ": " + t.no_score + "\n";
  }
  if (a.sentiment.reviews > 0) {
    out += "👍 " + Percent(a.sentiment.positive) + " " + t.positive + " · 👎 " + Percent(a.sentiment.negative) + " " +
           t.negative + "\n";
  }
  out += "🛡️ " + std::string(t.trust) + ": ";
  if (a.trust.level == score::TrustLevel::kHigh) {
    out += score::TrustLevelName(a.trust.level, lang);
  } else if (a.trust.level == score::TrustLevel::kUnknown) {
    // Unknown with a reason: there are reviews, too few to judge them (review_trust.h).
    if (a.trust.reasons.empty())
      out += t.trust_unknown;
    else
      out += std::string(lang == "en" ? "not assessable: " : "non valutabile: ") +
             EscapeHtml(a.trust.reasons.front().Text(lang));
  } else {
    out += "⚠️ " + score::TrustLevelName(a.trust.level, lang);
    if (!a.trust.reasons.empty()) out += ": " + EscapeHtml(a.trust.reasons.front().Text(lang));
    for (size_t i = 1; i < a.trust.reasons.size() && i < 2; ++i)
      out += "; " + EscapeHtml(a.trust.reasons[i].Text(lang));
    // ReviewMeta-style figure, only when it differs from the shown rating at one decimal.
    if (a.rating_adjusted && a.rating_shown && std::abs(*a.rating_adjusted - *a.rating_shown) >= 0.05 &&
        FormatDecimal(*a.rating_adjusted, 1, lang) != FormatDecimal(*a.rating_shown, 1, lang)) {
      out += " (" + std::string(t.adjusted) + " " + FormatDecimal(*a.rating_adjusted, 1, lang) + "/5, " +
             FormatInteger(a.reviews_used, lang) + " " + t.read + ")";
    }
  }
  out += "\n";

  const auto& pc = a.pros_cons;
  auto list = [&](const char* heading, const char* icon, const std::vector<score::AspectFinding>& items, size_t max) {
    if (items.empty() || max == 0) return;
    out += std::string(icon) + " " + heading + ":\n";
    for (size_t i = 0; i < items.size() && i < max; ++i) {
      const auto& f = items[i];
      const std::string quote = lay.quote_chars ? ShortenText(f.quote, lay.quote_chars) : f.quote;
      out += "• " + EscapeHtml(f.label) + ": \"" + EscapeHtml(quote) + "\" (" + std::to_string(f.mentions) + " " +
             (f.mentions == 1 ? t.mention : t.mentions) + ")\n";
    }
  };
  if (!pc.enough) {
    out += "ℹ️ " + std::string(t.too_few) + "\n";
  } else if (pc.pros.empty() && pc.cons.empty()) {
    out += "ℹ️ " + std::string(t.no_aspects) + "\n";
  } else {
    list(t.pros, "✅", pc.pros, lay.max_pros);
    list(t.cons, "❌", pc.cons, lay.max_cons);
  }
  const std::string verdict = a.lang == lang ? a.verdict : score::VerdictSentence(a, lang);
  out += "💡 " + EscapeHtml(verdict);
  return out;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += (c >= 0xF0) ? 2 : 1;          // 4-byte sequences are surrogate pairs
  }
  return n;
}

std::string ShortenText(std::string_view text, size_t max_chars) {
  // Count code points; cut at the last space in the final 30% when there is one.
  size_t count = 0, cut = text.size();
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count == max_chars) {
      cut = i;
      break;
    }
    ++count;
  }
  if (cut == text.size() || max_chars == 0) return std::string(max_chars == 0 ? "" : text);
  // Leave room for the ellipsis.
  size_t end = cut;
  do {
    --end;
  } while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80);
  std::string_view head = text.substr(0, end);
  const auto space = head.rfind(' ');
  if (space != std::string_view::npos && space >= head.size() * 7 / 10) head = head.substr(0, space);
  while (!head.empty() && (head.back() == ' ' || head.back() == ',' || head.back() == ';')) head.remove_suffix(1);
  return std::string(head) + "…";
}

std::string CachedAgeLine(std::chrono::seconds age, const std::string& lang) {
  return "🕒 <i>" + std::string(T(lang).cached) + " " + FormatAge(age, lang) + "</i>\n";
}

std::string FormatAge(std::chrono::seconds age, const std::string& lang) {
  const bool en = lang == "en";
  const auto s = age.count();
  if (s < 120) return en ? "a moment ago" : "pochi istanti fa";
  if (s < 3600) return std::to_string(s / 60) + (en ? " minutes ago" : " minuti fa");
  if (s < 2 * 3600) return en ? "1 hour ago" : "1 ora fa";
  if (s < 86400) return std::to_string(s / 3600) + (en ? " hours ago" : " ore fa");
  if (s < 2 * 86400) return en ? "1 day ago" : "1 giorno fa";
  return std::to_string(s / 86400) + (en ? " days ago" : " giorni fa");
}

std::string ProductId(const ProductPage& page) {
  return ShortHash(page.canonical_url.empty() ? page.url : page.canonical_url);
}

Card RenderCard(const ProductPage& page, const score::Analysis& analysis, const CardOptions& options) {
  Card card;
  CardOptions opt = options;
  if (opt.lang != "en") opt.lang = "it";
  // Ever shorter layouts until the card fits: quotes first, then list items, then the title.
  static constexpr Layout kLayouts[] = {{0, 3, 3, 300},  {120, 3, 3, 300}, {80, 3, 3, 300}, {50, 3, 3, 300},
                                        {50, 2, 2, 200}, {50, 1, 1, 150},  {40, 0, 0, 100}};
  for (const auto& lay : kLayouts) {
    card.html = Render(page, analysis, opt, lay);
    if (Utf16Length(card.html) <= kMaxCardChars) break;
  }
  if (Utf16Length(card.html) > kMaxCardChars) {
    // Only reachable with pathological trust reasons or verdicts; cut plain text (no open tags:
    // the card's tags all close on their own line, and the remaining lines are plain text).
    card.html = ShortenText(card.html, kMaxCardChars - 200);
    const auto amp = card.html.rfind('&');
    if (amp != std::string::npos && card.html.find(';', amp) == std::string::npos) card.html.resize(amp);
  }
  const auto& t = T(opt.lang);
  const std::string id = ProductId(page);
  std::vector<Button> row;
  row.push_back({t.refresh, std::string(kRefreshCallbackPrefix) + id, "", ""});
  const std::string& url = page.url.empty() ? page.canonical_url : page.url;
  if (url.starts_with("http://") || url.starts_with("https://")) row.push_back({t.open, "", url, ""});
  row.push_back({t.share, "", "", id});
  card.keyboard.push_back(std::move(row));
  return card;
}

}  // namespace worthit::analysis::card
