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

TEST(Calibration, DecisionRuleIsArgmaxByDefaultAndPrefersSupportedStarsWithNeighbourUtility) {
  const std::array<double, 5> split = {0.0, 0.0, 0.3, 0.4, 0.3};   // argmax 4
  const std::array<double, 5> edge = {0.45, 0.35, 0.2, 0.0, 0.0};  // argmax 1, mass leaning to 2
  Calibration c;
  EXPECT_EQ(c.DecideStars(split), 4);
  EXPECT_EQ(c.DecideStars(edge), 1);
  // a = 0.4: star 2 scores 0.35 + 0.4 * (0.45 + 0.2) = 0.61 > star 1's 0.45 + 0.4 * 0.35 = 0.59.
  c.SetNeighbourUtility(0.4);
  EXPECT_EQ(c.DecideStars(edge), 2);
  EXPECT_EQ(c.DecideStars(split), 4);  // 0.4 + 0.4 * 0.6 beats 0.3 + 0.4 * 0.4
  // Uniform (no text): every inner star ties, the one nearest the expected 3 wins.
  EXPECT_EQ(c.DecideStars({0.2, 0.2, 0.2, 0.2, 0.2}), 3);
  EXPECT_EQ(Calibration::DecideStars({0.1, 0.1, 0.1, 0.2, 0.5}, 0.0), 5);
  c.SetNeighbourUtility(7);  // clamped below 1
  EXPECT_LT(c.neighbour_utility(), 1.0);
}

TEST(Calibration, DecisionRuleRoundTripsAndOldFilesMeanArgmax) {
  Calibration c;
  c.Set("*", {{1, 1}, {5, 5}});
  c.SetNeighbourUtility(0.35);
  const std::string text = c.Serialize();
  EXPECT_NE(text.find("decide\tneighbour\t0.350"), std::string::npos);
  auto parsed = Calibration::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_DOUBLE_EQ(parsed->neighbour_utility(), 0.35);
  EXPECT_DOUBLE_EQ(parsed->Apply("en", 3), 3.0);
  auto old = Calibration::Parse("*\t1\t1\n*\t5\t5\n");
  ASSERT_TRUE(old.ok());
  EXPECT_DOUBLE_EQ(old->neighbour_utility(), 0.0);
  EXPECT_FALSE(Calibration::Parse("decide\tneighbour\t1.5\n").ok());
  EXPECT_FALSE(Calibration::Parse("decide\tcostly\t0.3\n").ok());
  EXPECT_FALSE(Calibration::Parse("decide\tneighbour\n").ok());
}

TEST(Calibration, EnsembleCompanionRoundTripsAndIsValidated) {
  Calibration c;
  c.Set("*", {{1, 1}, {5, 5}});
  c.SetCompanion("reviews.words.ftz", 0.5);
  const std::string text = c.Serialize();
  EXPECT_NE(text.find("ensemble\treviews.words.ftz\t0.500"), std::string::npos);
  auto parsed = Calibration::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->companion(), "reviews.words.ftz");
  EXPECT_DOUBLE_EQ(parsed->main_weight(), 0.5);
  // Files without the line (every file before the ensemble): one model, full weight.
  auto old = Calibration::Parse("*\t1\t1\n");
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->companion().empty());
  EXPECT_DOUBLE_EQ(old->main_weight(), 1.0);
  EXPECT_FALSE(Calibration::Parse("ensemble\treviews.words.ftz\t1.0\n").ok());
  EXPECT_FALSE(Calibration::Parse("ensemble\treviews.words.ftz\t0\n").ok());
  EXPECT_FALSE(Calibration::Parse("ensemble\t../other/m.ftz\t0.5\n").ok());
  EXPECT_FALSE(Calibration::Parse("ensemble\treviews.words.ftz\n").ok());
  EXPECT_FALSE(Calibration::Parse("ensemble\t\t0.5\n").ok());
}

}  // namespace
}  // namespace worthit::analysis::reviews
