#include "analysis/score/worthit_score.h"

#include <gtest/gtest.h>

namespace worthit::analysis::score {
namespace {

struct Case {
  const char* name;
  ScoreInput in;
  bool has_score;
  double score;
  Band band;
};

ScoreInput Rated(double rating, int64_t count) {
  ScoreInput in;
  in.rating = rating;
  in.rating_count = count;
  in.trust = TrustLevel::kHigh;
  return in;
}

TEST(ComputeScore, TableOfCases) {
  auto with_text = [](ScoreInput in, double mean, int k) {
    in.text_mean = mean;
    in.reviews_with_text = k;
    return in;
  };
  auto with_trust = [](ScoreInput in, TrustLevel t, std::optional<double> adjusted) {
    in.trust = t;
    in.adjusted_rating = adjusted;
    return in;
  };
  auto with_price = [](ScoreInput in, double price, double typical, double lowest, int64_t obs) {
    in.price = price;
    in.typical_price = typical;
    in.lowest_price = lowest;
    in.price_observations = obs;
    return in;
  };
  const Case cases[] = {
      // Nothing to go on: no score at all (never a number made of the prior alone).
      {"no rating, no reviews", ScoreInput{}, false, 0, Band::kPoor},
      // 3 ratings of 5.0 would barely move the prior ((20*3.8 + 3*5)/23 = 3.957 -> 7.4, 87% prior):
      // too few to judge, no score.
      {"3 ratings", Rated(5.0, 3), false, 0, Band::kPoor},
      // 5 ratings is the first scored count: (76 + 25)/25 = 4.04 -> 7.6.
      {"5 ratings", Rated(5.0, 5), true, 7.6, Band::kGood},
      // 50,000 ratings: the prior vanishes: 4.6 -> (4.6-1)*2.5 = 9.0.
      {"50000 ratings", Rated(4.6, 50000), true, 9.0, Band::kGreat},
      {"1234 ratings 4.3", Rated(4.3, 1234), true, 8.2, Band::kGreat},
      {"poor product", Rated(2.1, 800), true, 2.9, Band::kPoor},
      {"average product", Rated(3.4, 500), true, 6.0, Band::kGood},
      // Only review texts: their mean shrunk towards the prior with k=10: (76 + 42)/30 = 3.933.
      {"no rating, texts only", with_text(ScoreInput{}, 4.2, 10), true, 7.3, Band::kGood},
      // Texts read worse than the stars: w = 0.3, s = 0.7*4.59 + 0.3*3.0.
      {"texts disagree", with_text(Rated(4.6, 2000), 3.0, 10), true, 7.8, Band::kGood},
      {"few texts weigh less", with_text(Rated(4.6, 2000), 3.0, 2), true, 8.7, Band::kGreat},
      // 4 texts and no rating: too few to judge.
      {"no rating, 4 texts", with_text(ScoreInput{}, 4.8, 4), false, 0, Band::kPoor},
      {"trust medium", with_trust(Rated(4.6, 2000), TrustLevel::kMedium, 4.4), true, 8.2, Band::kGreat},
      {"trust low", with_trust(Rated(4.6, 2000), TrustLevel::kLow, 4.0), true, 6.7, Band::kGood},
      // No price history: price has no effect (same as "1234 ratings 4.3").
      {"price but no history", with_price(Rated(4.3, 1234), 29.99, 0, 0, 0), true, 8.2, Band::kGreat},
      // 20% under typical and at the lowest seen: +0.5 +0.2.
      {"good price", with_price(Rated(4.3, 1234), 24.0, 30.0, 24.0, 12), true, 8.9, Band::kGreat},
      // 30% over typical: -1.0.
      {"expensive now", with_price(Rated(4.3, 1234), 39.0, 30.0, 25.0, 12), true, 7.2, Band::kGood},
      // Too few observations to call anything typical.
      {"two observations", with_price(Rated(4.3, 1234), 39.0, 30.0, 25.0, 2), true, 8.2, Band::kGreat},
      {"clamped at 0", with_trust(Rated(1.0, 10000), TrustLevel::kLow, 1.0), true, 0.0, Band::kPoor},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto r = ComputeScore(c.in);
    EXPECT_EQ(r.has_score, c.has_score);
    if (!c.has_score) continue;
    EXPECT_NEAR(r.score, c.score, 1e-9);
    EXPECT_EQ(r.band, c.band);
    EXPECT_EQ(ComputeScore(c.in).score, r.score);  // deterministic
  }
}

TEST(ComputeScore, TooFewRatingsGiveNoScoreButKeepTheTrail) {
  for (int64_t n : {1, 2, 4}) {
    const auto r = ComputeScore(Rated(4.5, n));
    EXPECT_FALSE(r.has_score) << n;
    EXPECT_TRUE(r.too_few) << n;
    EXPECT_EQ(r.evidence, n);
    EXPECT_GT(r.bayesian, kPriorRating);  // the trail is there for --json
  }
  const auto five = ComputeScore(Rated(4.5, kMinRatingsToJudge));
  EXPECT_TRUE(five.has_score);
  EXPECT_FALSE(five.too_few);
  // A page with 3 ratings but 12 readable reviews rests on the 12.
  ScoreInput in = Rated(4.5, 3);
  in.text_mean = 4.2;
  in.reviews_with_text = 12;
  EXPECT_TRUE(ComputeScore(in).has_score);
  EXPECT_FALSE(ComputeScore(ScoreInput{}).too_few);  // nothing at all is not "too few"
}

ScoreInput WithValue(ScoreInput in, int texts, int mentions, int positive, int negative) {
  in.text_mean = 3.5;
  in.reviews_with_text = texts;
  in.value_mentions = mentions;
  in.value_positive = positive;
  in.value_negative = negative;
  return in;
}

TEST(ComputeScore, ValueForMoneyFromTheReviewsPriceAspect) {
  const double base = ComputeScore(WithValue(Rated(3.8, 200), 16, 0, 0, 0)).score;
  // 8 of 16 reviews talk about the price (full breadth), 6 say it is too dear, 1 fair: net -5/7.
  const auto dear = ComputeScore(WithValue(Rated(3.8, 200), 16, 8, 1, 6));
  EXPECT_NEAR(dear.value_points, -5.0 / 7, 1e-9);
  EXPECT_NEAR(dear.score, base - 0.7, 0.051);
  // All of them complaining: the full point, never more.
  EXPECT_NEAR(ComputeScore(WithValue(Rated(3.8, 200), 16, 16, 0, 16)).value_points, -kValueNegMax, 1e-9);
  // Praise adds at most 0.3.
  EXPECT_NEAR(ComputeScore(WithValue(Rated(3.8, 200), 16, 16, 16, 0)).value_points, kValuePosMax, 1e-9);
  // Half the breadth (4 of 16 = 25% of the texts, full at 50%), all negative: -0.5.
  EXPECT_NEAR(ComputeScore(WithValue(Rated(3.8, 200), 16, 4, 0, 4)).value_points, -0.5, 1e-9);
  // An anecdote: 2 reviews, or 3 of 30 (under a fifth), move nothing.
  EXPECT_EQ(ComputeScore(WithValue(Rated(3.8, 200), 16, 2, 0, 2)).value_points, 0);
  EXPECT_EQ(ComputeScore(WithValue(Rated(3.8, 200), 30, 3, 0, 3)).value_points, 0);
  // Mentions with no opinion either way: nothing.
  EXPECT_EQ(ComputeScore(WithValue(Rated(3.8, 200), 16, 8, 0, 0)).value_points, 0);
}

TEST(ComputeScore, MoreRatingsMoveTheScoreAwayFromThePrior) {
  double last = 0;
  for (int64_t n : {5, 10, 100, 1000, 50000}) {
    const double s = ComputeScore(Rated(4.8, n)).score;
    EXPECT_GE(s, last) << n;
    last = s;
  }
  EXPECT_LT(ComputeScore(Rated(1.5, 50000)).score, ComputeScore(Rated(1.5, 5)).score);
}

TEST(Bands, ColoursAndNamesFollowProductMd) {
  EXPECT_EQ(ScoreColour(7.0), "🟢");
  EXPECT_EQ(ScoreColour(6.9), "🟡");
  EXPECT_EQ(ScoreColour(5.0), "🟡");
  EXPECT_EQ(ScoreColour(4.9), "🔴");
  EXPECT_EQ(BandName(BandFor(8.0), "it"), "Ottimo acquisto");
  EXPECT_EQ(BandName(BandFor(7.9), "it"), "Buon acquisto");
  EXPECT_EQ(BandName(BandFor(6.0), "it"), "Buon acquisto");
  EXPECT_EQ(BandName(BandFor(5.9), "it"), "Nella media: valuta le alternative");
  EXPECT_EQ(BandName(BandFor(4.0), "it"), "Nella media: valuta le alternative");
  EXPECT_EQ(BandName(BandFor(3.9), "it"), "Non consigliato");
  EXPECT_EQ(BandName(Band::kGreat, "en"), "Great buy");
}

}  // namespace
}  // namespace worthit::analysis::score
