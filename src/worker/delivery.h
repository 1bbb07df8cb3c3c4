// Deliverer: sends a task's result to its user through the Bot API, within Telegram's limits.
//
// Deliver(): edits the acknowledgement ("Sto analizzando...") in place into the result (an edit
// to the same text is success, so a task delivered twice after a crash shows one card). When
// there is no acknowledgement, or Telegram says it is gone (TELEGRAM_MESSAGE_NOT_FOUND), it sends
// a new message instead, guarded by a delivery claim ("send:<key>" in the ResultStore): only the
// first attempt that claims it sends, so a re-leased task never sends a second message (the cost:
// a crash between the claim and the send leaves that user without the message — one store write
// wide, see docs/design.md "Delivery").
// Before every call the OutboundLimiter must grant a token; while it says wait, Deliver waits
// (bounded by DeliveryOptions::max_wait). A 429 pauses only that chat (OnRetryAfter, capped) and
// the same message is tried again after the pause: a card is never dropped for a 429. Telegram
// 5xx/network errors back off (0.5 s doubling to 5 s) and retry. Permanent errors (403: the user
// blocked the bot) end the delivery: TELEGRAM_FORBIDDEN & co. are returned, nothing more can help.
// If max_wait passes, TELEGRAM_UNAVAILABLE/RATE_LIMITED is returned and the caller retries the
// task later (the result is cached, so the next attempt only delivers).
// Progress(): one best-effort edit, only when the limiter grants a token at once (progress never
// delays a card or spends a paused chat's budget); errors are ignored.
// Metrics: worthit_telegram_rate_limited_total, worthit_limiter_wait_seconds (histogram of waits
// before a send); each call is counted once, by the Bot API client, in
// worthit_telegram_calls_total{method,outcome}.
// Thread-safety: safe from many threads (state lives in the limiter and the store).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "store/result_store.h"
#include "telegram/bot_api.h"
#include "telegram/outbound_limiter.h"

namespace worthit::worker {

struct DeliveryTarget {
  int64_t chat_id = 0;
  bool is_group = false;
  std::optional<int64_t> ack_message_id;
  std::optional<int64_t> reply_to_message_id;
  std::string key;  // delivery record key of the task
};

struct OutgoingMessage {
  std::string text;
  std::string parse_mode;  // "" | "HTML"
  std::optional<telegram::InlineKeyboard> keyboard;
};

struct DeliveryOptions {
  // How long one delivery may wait for the limiter and 429 pauses before giving the task back.
  // Telegram's retry_after is usually seconds; a minute covers it without holding a slot forever.
  std::chrono::milliseconds max_wait{60000};
  // Attempts per delivery (429s and 5xx together); the bound keeps a broken Telegram from
  // spinning a worker slot.
  int max_calls = 12;
};

// Sleeps up to `d` unless asked to stop; returns false when the wait was cut short.
using Sleeper = std::function<bool(std::chrono::milliseconds d)>;

class Deliverer {
 public:
  Deliverer(telegram::BotApi& api, telegram::OutboundLimiter& limiter, store::ResultStore& results, Clock& clock,
            Sleeper sleeper, DeliveryOptions options = {});

  // `token_wait`: the limiter's answer for this message's first call when the caller already asked
  // (ResultStore::PutAnalysisTakeToken: 0 = the token is taken); unset = ask the limiter here.
  Status Deliver(const DeliveryTarget& target, const OutgoingMessage& message,
                 std::optional<std::chrono::milliseconds> token_wait = std::nullopt);
  void Progress(const DeliveryTarget& target, const std::string& text);

 private:
  // Waits for a token; false when the wait would pass `deadline_ms` or the sleeper was stopped.
  // `asked`: the limiter's answer already in hand for the first round (consumed).
  bool AwaitToken(const DeliveryTarget& target, int64_t deadline_ms, std::optional<std::chrono::milliseconds>& asked);

  telegram::BotApi& api_;
  telegram::OutboundLimiter& limiter_;
  store::ResultStore& results_;
  Clock& clock_;
  Sleeper sleeper_;
  DeliveryOptions options_;
};

}  // namespace worthit::worker
