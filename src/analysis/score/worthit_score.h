// The WorthIt score: 0-10, deterministic and explainable (docs/scoring.md). Pure.
//
//   1. rating r on a 1-5 scale: the trust-adjusted rating when there is one, else the shown one;
//   2. Bayesian average towards the prior kPriorRating with the weight of kPriorWeight ratings:
//      b = (kPriorWeight * kPriorRating + n * r) / (kPriorWeight + n), n = rating count;
//   3. what the texts say: the model's mean calibrated stars t over k reviews with text is
//      blended in with weight w = kTextWeightMax * min(1, k / kTextFull): s = (1 - w) b + w t;
//      with no rating at all, s = t shrunk towards the prior with k in place of n;
//   4. stars to points: (s - 1) * 2.5  (1 star = 0, 5 stars = 10);
//   5. trust: media -0.3, bassa -0.8 (the doubt itself, beyond the reweighting in step 1);
//   6. price (when the store has >= kMinPriceObservations earlier prices): relative to the
//      typical price, +-5 points per 100% (so 10% under typical = +0.5), clamped to [-1, +0.5];
//      within 1% of the lowest seen: +0.2; the price part is clamped to [-1, +0.7];
//   7. clamp to [0, 10], round to one decimal. Band and colour come from the rounded score.
// No rating and no review text: no score (has_score false) — the card says there is too little
// to judge instead of showing a number built from the prior alone.
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

struct ScoreInput {
  std::optional<double> rating;  // shown, 1-5 scale
  int64_t rating_count = 0;
  std::optional<double> adjusted_rating;  // from trust, 1-5
  TrustLevel trust = TrustLevel::kUnknown;
  std::optional<double> text_mean;  // model's mean calibrated stars over reviews with text
  int reviews_with_text = 0;
  std::optional<double> price;  // current price
  std::optional<double> lowest_price;
  std::optional<double> typical_price;
  int64_t price_observations = 0;
};

enum class Band { kGreat, kGood, kAverage, kPoor };

struct ScoreResult {
  bool has_score = false;
  double score = 0;  // 0-10, one decimal
  Band band = Band::kPoor;
  // The trail, for docs/scoring.md and --json.
  double rating_used = 0;  // r
  double bayesian = 0;     // b
  double text_weight = 0;  // w
  double blended = 0;      // s
  double base_points = 0;  // (s - 1) * 2.5
  double trust_points = 0;
  double price_points = 0;
};

ScoreResult ComputeScore(const ScoreInput& input);

Band BandFor(double score);
// "Ottimo acquisto" / "Great buy", ...
std::string BandName(Band band, const std::string& lang);
// 🟢 >= 7, 🟡 >= 5, 🔴 below.
std::string ScoreColour(double score);

}  // namespace worthit::analysis::score
