#include "telegram/rate_limiter.h"

#include <gtest/gtest.h>

namespace worthit::telegram {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(OutboundRateLimiter, PrivateChatBurstThenOnePerSecond) {
  ManualClock clock;
  OutboundRateLimiter limiter({30, 1, 20}, clock);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.TryAcquire(1, false), milliseconds(0)) << i;
  const auto wait = limiter.TryAcquire(1, false);
  EXPECT_GT(wait, milliseconds(0));
  EXPECT_LE(wait, milliseconds(1000));
  clock.Advance(wait);
  EXPECT_EQ(limiter.TryAcquire(1, false), milliseconds(0));
  // Another chat is not affected.
  EXPECT_EQ(limiter.TryAcquire(2, false), milliseconds(0));
}

TEST(OutboundRateLimiter, GroupTwentyPerMinute) {
  ManualClock clock;
  OutboundRateLimiter limiter({30, 1, 20}, clock);
  int sent = 0;
  // Over one simulated minute, a group gets its burst plus 20/min, never more.
  for (int step = 0; step < 600; ++step) {
    while (limiter.TryAcquire(-100, true) == milliseconds(0)) ++sent;
    clock.Advance(milliseconds(100));
  }
  EXPECT_GE(sent, 20);
  EXPECT_LE(sent, 20 + static_cast<int>(OutboundRateLimiter::kGroupBurst) + 1);
}

TEST(OutboundRateLimiter, GlobalLimitAcrossChats) {
  ManualClock clock;
  OutboundRateLimiter limiter({30, 1, 20}, clock);
  int sent = 0;
  for (int chat = 0; chat < 100; ++chat) sent += limiter.TryAcquire(chat, false) == milliseconds(0);
  EXPECT_EQ(sent, 30);
  const auto wait = limiter.TryAcquire(1000, false);
  EXPECT_GT(wait, milliseconds(0));
  EXPECT_LE(wait, milliseconds(40));
}

TEST(OutboundRateLimiter, RetryAfterPausesOnlyThatChat) {
  ManualClock clock;
  OutboundRateLimiter limiter({30, 1, 20}, clock);
  limiter.OnRetryAfter(7, seconds(12));
  EXPECT_EQ(limiter.TryAcquire(7, false), milliseconds(12000));
  EXPECT_EQ(limiter.TryAcquire(8, false), milliseconds(0));
  clock.Advance(seconds(12));
  EXPECT_EQ(limiter.TryAcquire(7, false), milliseconds(0));
}

TEST(OutboundRateLimiter, RetryAfterIsCapped) {
  ManualClock clock;
  OutboundRateLimiter limiter({30, 1, 20}, clock);
  limiter.OnRetryAfter(7, seconds(100000));
  EXPECT_EQ(limiter.TryAcquire(7, false), std::chrono::duration_cast<milliseconds>(OutboundRateLimiter::kMaxPause));
}

TEST(OutboundRateLimiter, IdleChatsAreForgotten) {
  ManualClock clock;
  OutboundRateLimiter limiter({30, 1, 20}, clock);
  for (int chat = 0; chat < 20; ++chat) (void)limiter.TryAcquire(chat, false);
  EXPECT_EQ(limiter.TrackedChats(), 20u);
  clock.Advance(OutboundRateLimiter::kIdleForget + seconds(1));
  (void)limiter.TryAcquire(999, false);
  EXPECT_EQ(limiter.TrackedChats(), 1u);
}

}  // namespace
}  // namespace worthit::telegram
