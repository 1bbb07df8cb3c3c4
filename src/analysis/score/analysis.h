// AnalyzeProduct: the whole verdict for one extracted page — review model over reviews and their
// sentences, trust, pros and cons, score, and the one-sentence verdict — as one value the card
// (analysis/card) and `worthit analyze --json` (AnalysisToJson) render. The model is the only
// impure input (a loaded ReviewModel, const), so this is deterministic for a given model.
// Work is bounded: at most kMaxReviews reviews and kMaxSentencesPerReview sentences each.
// Thread-safety: safe to call concurrently with one shared model. Failure modes: none; missing
// data shows up as has_score=false, trust unknown, pros_cons.enough=false.
#pragma once

#include <optional>
#include <string>

#include "analysis/product.h"
#include "analysis/reviews/review_model.h"
#include "analysis/score/price_history.h"
#include "analysis/score/pros_cons.h"
#include "analysis/score/review_trust.h"
#include "analysis/score/worthit_score.h"

namespace worthit::analysis::score {

// A page rarely shows more than ~100 reviews; past 300 the verdict no longer changes but the
// cost keeps growing (pairwise duplicate checks are quadratic).
inline constexpr size_t kMaxReviews = 300;
inline constexpr size_t kMaxSentencesPerReview = 20;

struct Sentiment {
  double positive = 0;                   // share of reviews that are positive (own stars >= 4, else model P(4)+P(5))
  double negative = 0;                   // share negative (<= 2 stars, else P(1)+P(2))
  std::optional<double> predicted_mean;  // model's mean calibrated stars over texts
  int reviews = 0;                       // reviews the shares rest on
};

struct Analysis {
  std::string lang;  // "it" | "en": the language of verdict and labels
  ScoreResult score;
  std::string verdict;                    // one sentence, in `lang`
  std::optional<double> rating_shown;     // 1-5 scale
  std::optional<double> rating_adjusted;  // 1-5 scale
  int reviews_used = 0;
  Sentiment sentiment;
  TrustAssessment trust;
  ProsCons pros_cons;
  std::optional<PriceHistory> price_history;
};

Analysis AnalyzeProduct(const ProductPage& page, const reviews::ReviewModel& model, const PriceHistory* history,
                        const std::string& lang);

// The verdict sentence from the other fields (exposed for tests and for re-rendering a cached
// analysis in another language).
std::string VerdictSentence(const Analysis& analysis, const std::string& lang);

// Rating converted to a 1-5 scale (8.6/10 -> 4.3), nullopt when absent or malformed.
std::optional<double> RatingOnFive(const Product& product);

}  // namespace worthit::analysis::score
