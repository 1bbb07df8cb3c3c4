#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace worthit {
namespace {

TEST(IdsTest, RandomIdsAreHexAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = RandomId(16);
    ASSERT_EQ(id.size(), 16u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, ShortHashIsStable) {
  EXPECT_EQ(ShortHash("B07FW264WL"), ShortHash("B07FW264WL"));
  EXPECT_NE(ShortHash("a"), ShortHash("b"));
  EXPECT_EQ(ShortHash("").size(), 16u);
  EXPECT_EQ(Fnv1a64(""), 14695981039346656037ULL);
}

}  // namespace
}  // namespace worthit
