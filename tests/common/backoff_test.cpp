#include "common/backoff.h"

#include <gtest/gtest.h>

namespace worthit {
namespace {

TEST(BackoffTest, CeilingDoublesUpToTheCap) {
  Backoff b{std::chrono::milliseconds(1000), std::chrono::milliseconds(10000)};
  EXPECT_EQ(b.Ceiling(1).count(), 1000);
  EXPECT_EQ(b.Ceiling(2).count(), 2000);
  EXPECT_EQ(b.Ceiling(4).count(), 8000);
  EXPECT_EQ(b.Ceiling(5).count(), 10000);
  EXPECT_EQ(b.Ceiling(100).count(), 10000);
}

TEST(BackoffTest, FullJitterStaysWithinTheCeilingAndSpreads) {
  Backoff b{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000)};
  std::mt19937_64 rng(7);
  int64_t lo = 1 << 30, hi = 0;
  for (int i = 0; i < 1000; ++i) {
    const int64_t d = b.Delay(3, rng).count();
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 4000);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 400);   // full jitter reaches near zero...
  EXPECT_GT(hi, 3600);  // ...and near the ceiling
}

}  // namespace
}  // namespace worthit
