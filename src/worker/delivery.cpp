#include "worker/delivery.h"

#include <algorithm>

#include "common/log.h"
#include "common/metrics.h"

namespace worthit::worker {
namespace {

metrics::Histogram& LimiterWait() {
  static auto& h = metrics::Registry::Global().GetHistogram(
      "worthit_limiter_wait_seconds", "Time a delivery waited for the outbound rate limiter or a 429 pause");
  return h;
}

metrics::Counter& RateLimited() {
  static auto& c = metrics::Registry::Global().GetCounter("worthit_telegram_rate_limited_total",
                                                          "Bot API calls answered 429 (chat paused for retry_after)");
  return c;
}

}  // namespace

Deliverer::Deliverer(telegram::BotApi& api, telegram::OutboundLimiter& limiter, store::ResultStore& results,
                     Clock& clock, Sleeper sleeper, DeliveryOptions options)
    : api_(api), limiter_(limiter), results_(results), clock_(clock), sleeper_(std::move(sleeper)), options_(options) {}

bool Deliverer::AwaitToken(const DeliveryTarget& target, int64_t deadline_ms,
                           std::optional<std::chrono::milliseconds>& asked) {
  const int64_t start = clock_.NowMillis();
  // Bounded: each round either takes a token or sleeps at least 1 ms of the remaining budget.
  for (int round = 0; round < 100000; ++round) {
    auto wait = asked ? *asked : limiter_.TryAcquire(target.chat_id, target.is_group);
    asked.reset();
    if (wait.count() == 0) {
      if (round > 0) LimiterWait().Observe(static_cast<double>(clock_.NowMillis() - start) / 1000.0);
      return true;
    }
    const int64_t now = clock_.NowMillis();
    if (now + wait.count() > deadline_ms) return false;
    if (!sleeper_(std::max(wait, std::chrono::milliseconds(1)))) return false;
  }
  return false;
}

Status Deliverer::Deliver(const DeliveryTarget& target, const OutgoingMessage& message,
                          std::optional<std::chrono::milliseconds> token_wait) {
  const int64_t deadline = clock_.NowMillis() + options_.max_wait.count();
  bool send_new = !target.ack_message_id.has_value();
  bool claimed = false;
  std::chrono::milliseconds backoff{500};
  Error last = Error::Transient("TELEGRAM_UNAVAILABLE", "delivery not attempted");
  for (int call = 0; call < options_.max_calls; ++call) {
    if (send_new && !claimed) {
      auto claim = results_.PutDelivery("send:" + target.key, "sent");
      if (!claim.ok()) return claim.error();
      if (!*claim) {
        // An earlier attempt of this task already sent (or was about to send) the message.
        log::Info("delivery.already_sent", {{"key", target.key}});
        return OkStatus();
      }
      claimed = true;
    }
    if (!AwaitToken(target, deadline, token_wait)) {
      return Error::Transient("TELEGRAM_UNAVAILABLE", "outbound limit: no slot before the delivery deadline");
    }
    Status st = OkStatus();
    std::string method;
    if (!send_new) {
      method = "editMessageText";
      telegram::EditMessageTextRequest req;
      req.chat_id = target.chat_id;
      req.message_id = *target.ack_message_id;
      req.text = message.text;
      req.parse_mode = message.parse_mode;
      req.reply_markup = message.keyboard;
      st = api_.EditMessageText(req);
    } else {
      method = "sendMessage";
      telegram::SendMessageRequest req;
      req.chat_id = target.chat_id;
      req.text = message.text;
      req.parse_mode = message.parse_mode;
      if (message.keyboard) req.reply_markup.inline_keyboard = *message.keyboard;
      req.reply_to_message_id = target.reply_to_message_id;
      auto sent = api_.SendMessage(req);
      if (!sent.ok()) st = sent.error();
    }
    if (st.ok()) return st;
    last = st.error();
    const Error& e = st.error();
    if (e.code == "TELEGRAM_MESSAGE_NOT_FOUND" && !send_new) {
      // The acknowledgement was deleted: the result goes out as a new message.
      send_new = true;
      continue;
    }
    if (e.kind == ErrorKind::kRateLimited || e.code == "TELEGRAM_RATE_LIMITED") {
      RateLimited().Inc();
      const auto after = e.retry_after.value_or(std::chrono::seconds(1));
      limiter_.OnRetryAfter(target.chat_id, after);
      log::Warn("delivery.rate_limited", {{"chat_id", target.chat_id}, {"retry_after_s", int64_t{after.count()}}});
      // A 429'd call did not happen: trying again after the pause is still the one message.
      continue;
    }
    if (e.Retryable()) {
      // 5xx: not sent. A lost response to a send that did reach Telegram would double the
      // message here; that window (a network failure after Telegram accepted) is accepted over
      // losing the card.
      if (clock_.NowMillis() + backoff.count() > deadline || !sleeper_(backoff)) return e;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    return e;  // permanent: blocked, chat gone, bad request
  }
  return last;
}

void Deliverer::Progress(const DeliveryTarget& target, const std::string& text) {
  if (!target.ack_message_id) return;
  if (limiter_.TryAcquire(target.chat_id, target.is_group).count() != 0) return;
  telegram::EditMessageTextRequest req;
  req.chat_id = target.chat_id;
  req.message_id = *target.ack_message_id;
  req.text = text;
  auto st = api_.EditMessageText(req);
  if (!st.ok() && st.error().code == "TELEGRAM_RATE_LIMITED") {
    RateLimited().Inc();
    limiter_.OnRetryAfter(target.chat_id, st.error().retry_after.value_or(std::chrono::seconds(1)));
  }
}

}  // namespace worthit::worker
