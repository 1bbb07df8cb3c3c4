// StoreInsights: the bot's InsightsHandler over the workers' ResultStore — per-user limits at
// intake, /analisi, /popolari, cached cards, the card buttons and inline sharing.
//
// - AdmitLink: USER_RATE_PER_MINUTE and USER_DAILY_QUOTA per Telegram user (not per IP: every
//   update comes from Telegram), refused with PRODUCT's "Hai inviato molte richieste: riprova tra
//   N minuti.".
// - CachedCard: a link whose canonical product was analysed less than CACHE_TTL_SECONDS ago →
//   the stored card in the user's language with "🕒 Analisi di ..." and the card's keyboard.
// - History / Popular: text list (title, score, date or count) + one inline button per product,
//   callback "open:<product id>" (21 bytes; Telegram allows 64) re-opening the stored card.
// - HandleCallback: "refresh:<id>" enqueues a forced fresh analysis (idempotency key
//   "callback:<query id>", so a redelivered callback enqueues nothing new) that the worker edits
//   into the same message; "open:<id>" sends the stored card with its age.
// - HandleInlineQuery: the query is a product id ("📤 Condividi" puts it there) → that card as an
//   article; an empty query → the user's recent analyses.
// Errors: STORE_UNAVAILABLE / QUEUE_UNAVAILABLE / transient Telegram errors are returned (the
// update is redelivered). Thread-safety: safe from many threads (state is in the stores).
#pragma once

#include <chrono>
#include <memory>

#include "bot/insights_handler.h"
#include "common/clock.h"
#include "queue/queue.h"
#include "store/result_store.h"
#include "telegram/bot_api.h"

namespace worthit::worker {

struct InsightsOptions {
  std::chrono::seconds cache_ttl{21600};
  int user_per_minute = 6;
  int user_per_day = 100;
};

std::unique_ptr<bot::InsightsHandler> MakeStoreInsights(store::ResultStore& results, telegram::BotApi& api,
                                                        queue::TaskQueue& queue, Clock& clock, InsightsOptions options);

inline constexpr std::string_view kOpenCallbackPrefix = "open:";

}  // namespace worthit::worker
