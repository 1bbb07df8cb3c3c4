// Review trust: does the product's set of reviews look like honest buyers? Pure.
//
// Signals, each with a plain reason in Italian and English (numbers already in that language's
// format): stars the review texts do not support (model's mean vs the shown rating), exact and
// near-duplicate texts (word 3-shingles, MinHash), many very short generic reviews, a J-shaped
// histogram with little middle (the page's histogram, else the stars of at least 10 reviews
// shown), a high unverified share, bursts of reviews on few dates (2 points when the burst is a
// campaign: nearly all 5 stars, mostly short or copied), many reviews from other countries than
// the shop's. Each signal adds severity points; the level is alta (0 points), media (1-2),
// bassa (3+), or unknown when there is nothing to read — or only 1-4 reviews and nothing found
// (reason FEW_REVIEWS, severity 0: too few to check anything, so not "alta").
// The adjusted rating follows ReviewMeta's idea: each page review gets a weight (duplicates,
// generic, unverified, burst, stars contradicting its own text weigh less) and the shown rating
// moves by the difference between the weighted and the plain mean of the page's reviews.
// Thread-safety: pure function. Failure modes: none (missing data disables signals).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/product.h"

namespace worthit::analysis::score {

enum class TrustLevel { kHigh, kMedium, kLow, kUnknown };

// "alta" / "media" / "bassa" / "n/d" (it), "high" / "medium" / "low" / "n/a" (en).
std::string TrustLevelName(TrustLevel level, const std::string& lang);

struct TrustReason {
  // stable: TEXT_VS_STARS, DUPLICATES, SHORT_GENERIC, J_SHAPE, UNVERIFIED, BURST, FOREIGN, FEW_REVIEWS
  std::string code;
  int severity = 1;  // points
  std::string it;
  std::string en;
  const std::string& Text(const std::string& lang) const { return lang == "en" ? en : it; }
};

struct TrustInput {
  std::optional<double> shown_rating;  // on a 1-5 scale
  int64_t rating_count = 0;
  std::vector<int64_t> histogram;  // 1..5 stars, counts or shares
  const std::vector<Review>* reviews = nullptr;
  // Model's calibrated expected stars per review (same order as reviews; NaN where no text).
  std::vector<double> predicted;
  std::string shop_country;  // ISO 3166-1 alpha-2 of the marketplace, "" if unknown
};

struct TrustAssessment {
  TrustLevel level = TrustLevel::kUnknown;
  std::vector<TrustReason> reasons;       // most severe first
  std::optional<double> adjusted_rating;  // 1-5
  int reviews_used = 0;                   // page reviews with a non-zero weight
  std::vector<double> weights;            // per review, 0..1
  std::vector<bool> copies;               // per review: a near-copy of an earlier one (not the first)
  std::optional<double> predicted_mean;   // mean calibrated expected stars over reviews with text
  // The same mean with each review's weight: what the texts say once what looks unreliable
  // (copies, burst, generic, unverified) counts less. The score reads this one.
  std::optional<double> weighted_predicted_mean;
  int reviews_with_text = 0;
};

TrustAssessment AssessTrust(const TrustInput& input);

// Marketplace country from a site name: "amazon.it" -> "IT", "amazon.co.uk" -> "GB", "" unknown.
std::string ShopCountry(const std::string& site);

// Word 3-shingle Jaccard similarity estimated by MinHash (64 hashes); exposed for tests.
double NearDuplicateSimilarity(const std::string& a, const std::string& b);

}  // namespace worthit::analysis::score
