// The WorthIt score: 0-10, deterministic and explainable (docs/scoring.md). Pure.
//
//   1. rating r on a 1-5 scale: the trust-adjusted rating when there is one, else the shown one;
//   2. Bayesian average towards the prior kPriorRating with the weight of kPriorWeight ratings:
//      b = (kPriorWeight * kPriorRating + n * r) / (kPriorWeight + n), n = rating count;
//   3. what the texts say: the model's mean calibrated stars t over k reviews with text (each
//      review weighted by trust, review_trust.h) is
//      blended in with weight w = kTextWeightMax * min(1, k / kTextFull): s = (1 - w) b + w t;
//      with no rating at all, s = t shrunk towards the prior with k in place of n;
//   4. stars to points: (s - 1) * 2.5  (1 star = 0, 5 stars = 10);
//   5. trust: media -0.3, bassa -0.8 (the doubt itself, beyond the reweighting in step 1);
//   6. price (when the store has >= kMinPriceObservations earlier prices): relative to the
//      typical price, +-5 points per 100% (so 10% under typical = +0.5), clamped to [-1, +0.5];
//      within 1% of the lowest seen: +0.2; the price part is clamped to [-1, +0.7];
//   7. value for money from the reviews themselves (the price aspect of pros and cons), when at
//      least kMinValueMentions reviews and kValueMinShare of the reviews with text talk about the
//      price: net = (positive - negative) / (positive + negative) reviews that praise / criticise
//      the price (a review with a positive, resp. negative, sentence about it), breadth =
//      min(1, mentions / (kValueFullShare * reviews with text)); value part = breadth * net *
//      (kValueNegMax if net < 0, else kValuePosMax): "costs too much for what it gives" can take
//      up to 1 point, "good value" adds at most 0.3;
//   8. clamp to [0, 10], round to one decimal. Band and colour come from the rounded score.
// No rating and no review text: no score (has_score false) — the card says there is too little
// to judge instead of showing a number built from the prior alone. Likewise with fewer than
// kMinRatingsToJudge ratings (or, without a rating, reviews with text): such a score would be
// >= 80% prior, so has_score is false and too_few is true (the trail is still filled in).
// Thread-safety: pure. Failure modes: none.
#pragma once

#include <optional>
#include <string>

#include "analysis/score/price_history.h"
#include "analysis/score/review_trust.h"

namespace worthit::analysis::score {

inline constexpr double kPriorRating = 3.8;      // a typical shop-wide mean on a 1-5 scale
inline constexpr double kPriorWeight = 20;       // ratings the prior is worth
inline constexpr double kTextWeightMax = 0.3;    // texts never outweigh the rating count
inline constexpr double kTextFull = 10;          // reviews with text for the full text weight
inline constexpr int kMinPriceObservations = 3;  // fewer: "typical" is not yet a price history
// Below 5 ratings the prior (20 ratings' worth) is over 80% of the figure: a number would say
// more about the prior than about the product. Same bar as the trust signals' kMinReviewsForShares.
inline constexpr int64_t kMinRatingsToJudge = 5;
// Value for money from the reviews' price aspect: a pattern needs 3 reviews and a fifth of the
// texts (2 of 30 is an anecdote); half of the texts talking about the price is the full effect.
inline constexpr int kMinValueMentions = 3;
inline constexpr double kValueMinShare = 0.2;
inline constexpr double kValueFullShare = 0.5;
inline constexpr double kValueNegMax = 1.0;  // as much as a price 20% above the typical one
inline constexpr double kValuePosMax = 0.3;  // praise of the price cannot make a product good

struct ScoreInput {
  std::optional<double> rating;  // shown, 1-5 scale
  int64_t rating_count = 0;
  std::optional<double> adjusted_rating;  // from trust, 1-5
  TrustLevel trust = TrustLevel::kUnknown;
  std::optional<double> text_mean;  // model's mean calibrated stars over reviews with text, trust-weighted
  int reviews_with_text = 0;
  std::optional<double> price;  // current price
  std::optional<double> lowest_price;
  std::optional<double> typical_price;
  int64_t price_observations = 0;
  // The reviews' price aspect (from pros and cons): reviews mentioning it, reviews with a positive
  // and with a negative sentence about it.
  int value_mentions = 0;
  int value_positive = 0;
  int value_negative = 0;
};

enum class Band { kGreat, kGood, kAverage, kPoor };

struct ScoreResult {
  bool has_score = false;
  bool too_few = false;  // there are ratings or texts, but fewer than kMinRatingsToJudge
  int64_t evidence = 0;  // ratings (or, with no rating, reviews with text) the score rests on
  double score = 0;      // 0-10, one decimal
  Band band = Band::kPoor;
  // The trail, for docs/scoring.md and --json.
  double rating_used = 0;  // r
  double bayesian = 0;     // b
  double text_weight = 0;  // w
  double blended = 0;      // s
  double base_points = 0;  // (s - 1) * 2.5
  double trust_points = 0;
  double price_points = 0;  // from the store's price history
  double value_points = 0;  // from the reviews' price aspect
};

ScoreResult ComputeScore(const ScoreInput& input);

Band BandFor(double score);
// "Ottimo acquisto" / "Great buy", ...
std::string BandName(Band band, const std::string& lang);
// 🟢 >= 7, 🟡 >= 5, 🔴 below.
std::string ScoreColour(double score);

}  // namespace worthit::analysis::score
