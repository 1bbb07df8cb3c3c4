// OutboundLimiter: the decision "may this process send to this chat now?", shared by whoever
// sends (the workers). Two implementations: the in-process OutboundRateLimiter (rate_limiter.h,
// `run` and single-process setups) and a Redis one (store/redis_stores.h) whose buckets live in
// Redis, so every `work` process on one Redis shares one global budget and one bucket per chat.
// TryAcquire returns 0 when a token was taken, else how long to wait (nothing taken).
// OnRetryAfter pauses one chat (Telegram's 429 verdict overrides the buckets).
// Thread-safety: implementations are safe from many threads. A Redis limiter that cannot reach
// Redis lets the call through (Telegram's own 429 remains the backstop) rather than stall delivery.
#pragma once

#include <chrono>
#include <cstdint>

namespace worthit::telegram {

class OutboundLimiter {
 public:
  virtual ~OutboundLimiter() = default;
  virtual std::chrono::milliseconds TryAcquire(int64_t chat_id, bool is_group) = 0;
  virtual void OnRetryAfter(int64_t chat_id, std::chrono::seconds retry_after) = 0;
};

}  // namespace worthit::telegram
