#include "common/result.h"

#include <gtest/gtest.h>

namespace worthit {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Error::Invalid("ODD", "not even");
  return x / 2;
}

TEST(ResultTest, CarriesValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "ODD");
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(bad.error().ToString(), "ODD: not even");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, KindsTellWhetherToRetry) {
  EXPECT_TRUE(Error::Transient("X", "").Retryable());
  EXPECT_TRUE(Error::RateLimited("X", "", std::chrono::seconds(3)).Retryable());
  EXPECT_FALSE(Error::Permanent("X", "").Retryable());
  EXPECT_FALSE(Error::Invalid("X", "").Retryable());
  EXPECT_EQ(ToString(ErrorKind::kRateLimited), "rate_limited");
}

}  // namespace
}  // namespace worthit
