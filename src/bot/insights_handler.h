// InsightsHandler: the seam where features backed by the workers' stores plug into the front door.
//
// The front door owns the conversation; the history (/analisi, "📊 Le mie analisi"), the popular
// products (/popolari, "⭐️ Prodotti popolari"), the card buttons' callbacks ("🔄 Aggiorna analisi",
// re-open from history) and inline-mode sharing ("📤 Condividi") read data the worker issue owns
// (result cache, history, popularity). The worker helper implements this interface over those
// stores; until then MakeUnavailableInsights() answers honestly that the data is not there yet.
// Errors: return transient errors (STORE_UNAVAILABLE...) to make Telegram redeliver the update.
// Thread-safety: implementations must be safe from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "bot/texts.h"
#include "common/result.h"
#include "store/update_store.h"
#include "telegram/types.h"

namespace worthit::bot {

struct Reply {
  std::string text;
  std::string parse_mode;  // "" | "HTML"
  telegram::ReplyMarkup markup;
};

struct InsightsRequest {
  int64_t chat_id = 0;
  int64_t user_id = 0;
  Lang lang = Lang::kIt;
};

// What DecideLink concluded about a new product link.
struct LinkVerdict {
  std::optional<Reply> reply;     // nullopt: admit (acknowledge and enqueue)
  std::string action;             // "rate_limited" | "cached" when reply is set
  std::string served_product_id;  // a cached card served: RecordServed(product) once it is sent
};

class InsightsHandler {
 public:
  virtual ~InsightsHandler() = default;
  // Per-user abuse limits for a new product link: nullopt admits it, a Reply refuses it (sent
  // instead of the acknowledgement; nothing is enqueued). Called once per update (not again when
  // a redelivery finds the acknowledgement already sent).
  virtual Result<std::optional<Reply>> AdmitLink(const InsightsRequest&) { return std::optional<Reply>(); }

  // The same decisions as AdmitLink + CachedCard, split from their I/O (sans-I/O), so the reads fold
  // into the update's one lookup (store::LinkProbe) and the webhook's event-driven path can run them:
  // ProbeFor says what to read for a new link (nullopt: no probe, the bot calls AdmitLink and
  // CachedCard instead), on ProbeStore(); DecideLink turns what was read into the verdict (pure:
  // no I/O, safe on an event loop). A served cached card is recorded with RecordServed (history,
  // popularity), best effort.
  virtual std::optional<store::LinkProbe> ProbeFor(const InsightsRequest&, const std::string& /*url*/) {
    return std::nullopt;
  }
  virtual store::ResultStore* ProbeStore() { return nullptr; }
  virtual LinkVerdict DecideLink(const InsightsRequest&, const store::LinkProbeResult&) { return {}; }
  virtual Status RecordServed(const InsightsRequest&, const std::string& /*product_id*/) { return OkStatus(); }
  virtual Result<Reply> History(const InsightsRequest& request) = 0;
  virtual Result<Reply> Popular(const InsightsRequest& request) = 0;
  // A product link the result cache already holds: the card to send at once (marked with its age,
  // with "🔄 Aggiorna analisi"), or nullopt to acknowledge and enqueue as usual. `url` is the link
  // as detected; canonicalisation is the implementation's business.
  virtual Result<std::optional<Reply>> CachedCard(const InsightsRequest& request, const std::string& url) = 0;
  // A callback whose data the front door does not own (it owns "lang:*"). Return true when handled
  // (the handler answered the callback query itself); false lets the bot answer it empty.
  virtual Result<bool> HandleCallback(const telegram::CallbackQuery& query, Lang lang) = 0;
  // Inline mode; true when handled (answerInlineQuery called), false = the update is ignored.
  virtual Result<bool> HandleInlineQuery(const telegram::InlineQuery& query, Lang lang) = 0;
};

// Says plainly that history/popular data comes from the analysis workers and is not available yet.
std::unique_ptr<InsightsHandler> MakeUnavailableInsights();

}  // namespace worthit::bot
