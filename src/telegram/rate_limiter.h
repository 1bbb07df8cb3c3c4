// OutboundRateLimiter: keeps the bot inside Telegram's sending limits before Telegram says 429.
//
// Token buckets (refilled continuously from the injected Clock):
//   global       TG_GLOBAL_RPS per second (Telegram: ~30 messages/s per bot), burst = one second's worth;
//   private chat TG_CHAT_RPS per second, burst kPrivateBurst (Telegram tolerates short bursts in a
//                private chat, then 429s);
//   group chat   TG_GROUP_PER_MINUTE per minute (Telegram: 20/min per group), burst kGroupBurst.
// TryAcquire(chat) takes one token from the chat's bucket and the global one only if both have
// one; otherwise it takes nothing and says how long to wait. OnRetryAfter(chat, s) pauses only that
// chat until now + s (capped at kMaxPause): Telegram's own verdict overrides the buckets.
// Pure: no sleeping, no I/O; the caller waits. Idle chat buckets are forgotten after kIdleForget so
// memory stays bounded by active chats.
// Thread-safety: all methods are safe from many threads (one mutex; operations are O(1) amortised).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "common/clock.h"
#include "telegram/outbound_limiter.h"

namespace worthit::telegram {

struct RateLimits {
  double global_per_second = 30;
  double private_per_second = 1;
  double group_per_minute = 20;
};

class OutboundRateLimiter final : public OutboundLimiter {
 public:
  // A private chat may send this many back-to-back (an ack then a quick card edit).
  static constexpr double kPrivateBurst = 3;
  // A group may get a few in a row, then 20/min on average.
  static constexpr double kGroupBurst = 5;
  // A retry_after longer than this is treated as this: the worker re-checks rather than parking a chat for hours.
  static constexpr std::chrono::seconds kMaxPause{300};
  static constexpr std::chrono::minutes kIdleForget{10};

  OutboundRateLimiter(RateLimits limits, Clock& clock);

  // 0 ms: go (a token was taken). Otherwise the time to wait before trying again (nothing taken).
  std::chrono::milliseconds TryAcquire(int64_t chat_id, bool is_group) override;
  // Telegram answered 429 for this chat: pause it for retry_after (capped).
  void OnRetryAfter(int64_t chat_id, std::chrono::seconds retry_after) override;
  size_t TrackedChats() const;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
    int64_t paused_until_ms = 0;
  };
  static void Refill(Bucket& b, double per_ms, double burst, int64_t now);
  void ForgetIdle(int64_t now);

  RateLimits limits_;
  Clock& clock_;
  mutable std::mutex mu_;
  Bucket global_;
  std::unordered_map<int64_t, Bucket> chats_;
  int64_t last_sweep_ms_ = 0;
};

}  // namespace worthit::telegram
