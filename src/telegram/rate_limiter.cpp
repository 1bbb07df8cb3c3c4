#include "telegram/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace worthit::telegram {

OutboundRateLimiter::OutboundRateLimiter(RateLimits limits, Clock& clock) : limits_(limits), clock_(clock) {
  global_.tokens = limits_.global_per_second;
  global_.updated_ms = clock_.NowMillis();
  last_sweep_ms_ = global_.updated_ms;
}

void OutboundRateLimiter::Refill(Bucket& b, double per_ms, double burst, int64_t now) {
  if (now > b.updated_ms) {
    b.tokens = std::min(burst, b.tokens + static_cast<double>(now - b.updated_ms) * per_ms);
    b.updated_ms = now;
  }
}

std::chrono::milliseconds OutboundRateLimiter::TryAcquire(int64_t chat_id, bool is_group) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMillis();
  ForgetIdle(now);
  const double chat_per_ms = is_group ? limits_.group_per_minute / 60000.0 : limits_.private_per_second / 1000.0;
  const double chat_burst = is_group ? kGroupBurst : kPrivateBurst;
  const double global_per_ms = limits_.global_per_second / 1000.0;
  const double global_burst = std::max(1.0, limits_.global_per_second);

  auto [it, inserted] = chats_.try_emplace(chat_id);
  Bucket& chat = it->second;
  if (inserted) {
    chat.tokens = chat_burst;
    chat.updated_ms = now;
  }
  Refill(chat, chat_per_ms, chat_burst, now);
  Refill(global_, global_per_ms, global_burst, now);

  int64_t wait = 0;
  if (chat.paused_until_ms > now) wait = chat.paused_until_ms - now;
  if (chat.tokens < 1.0) wait = std::max<int64_t>(wait, std::ceil((1.0 - chat.tokens) / chat_per_ms));
  if (global_.tokens < 1.0) wait = std::max<int64_t>(wait, std::ceil((1.0 - global_.tokens) / global_per_ms));
  if (wait > 0) return std::chrono::milliseconds(wait);
  chat.tokens -= 1.0;
  global_.tokens -= 1.0;
  return std::chrono::milliseconds(0);
}

void OutboundRateLimiter::OnRetryAfter(int64_t chat_id, std::chrono::seconds retry_after) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMillis();
  const auto capped = std::clamp(retry_after, std::chrono::seconds(1), kMaxPause);
  auto [it, inserted] = chats_.try_emplace(chat_id);
  if (inserted) it->second.updated_ms = now;  // starts empty: it was just refused
  it->second.paused_until_ms = std::max(it->second.paused_until_ms, now + capped.count() * 1000);
}

size_t OutboundRateLimiter::TrackedChats() const {
  std::lock_guard lock(mu_);
  return chats_.size();
}

void OutboundRateLimiter::ForgetIdle(int64_t now) {
  const int64_t idle = std::chrono::duration_cast<std::chrono::milliseconds>(kIdleForget).count();
  if (now - last_sweep_ms_ < idle) return;
  last_sweep_ms_ = now;
  // A bucket idle this long is full again and unpaused: forgetting it changes no decision.
  std::erase_if(chats_,
                [&](const auto& kv) { return now - kv.second.updated_ms >= idle && kv.second.paused_until_ms <= now; });
}

}  // namespace worthit::telegram
