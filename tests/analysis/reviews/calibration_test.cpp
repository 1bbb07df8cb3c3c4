#include "analysis/reviews/calibration.h"

#include <gtest/gtest.h>

namespace worthit::analysis::reviews {
namespace {

TEST(Calibration, IsotonicFitIsMonotoneAndPoolsViolators) {
  auto knots = Calibration::FitIsotonic({{1, 1}, {2, 3}, {3, 2}, {4, 4}, {5, 5}});
  ASSERT_EQ(knots.size(), 4u);  // (2,3) and (3,2) pooled into (2.5, 2.5)
  EXPECT_DOUBLE_EQ(knots[1].first, 2.5);
  EXPECT_DOUBLE_EQ(knots[1].second, 2.5);
  for (size_t i = 1; i < knots.size(); ++i) EXPECT_LE(knots[i - 1].second, knots[i].second);
}

TEST(Calibration, AppliesPerLanguageWithPooledFallbackAndRoundTrips) {
  Calibration c;
  c.Set("*", {{1, 1}, {5, 5}});
  c.Set("de", {{2, 1.5}, {4, 4.5}});
  EXPECT_DOUBLE_EQ(c.Apply("de", 3), 3.0);
  EXPECT_DOUBLE_EQ(c.Apply("de", 2.5), 2.25);
  EXPECT_DOUBLE_EQ(c.Apply("de", 1), 1.5);  // clamped to the end knot
  EXPECT_DOUBLE_EQ(c.Apply("it", 2.5), 2.5);
  auto parsed = Calibration::Parse(c.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_DOUBLE_EQ(parsed->Apply("de", 2.5), 2.25);
  EXPECT_DOUBLE_EQ(Calibration().Apply("en", 3.3), 3.3);
}

TEST(Calibration, RejectsMalformedText) {
  EXPECT_FALSE(Calibration::Parse("en\tx\ty\n").ok());
  EXPECT_FALSE(Calibration::Parse("en\t3\t3\nen\t2\t2\n").ok());  // x must ascend
  EXPECT_TRUE(Calibration::Parse("# only a comment\n").ok());
}

}  // namespace
}  // namespace worthit::analysis::reviews
