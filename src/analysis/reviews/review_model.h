// ReviewModel: reads a review (or one sentence of it) and predicts 1-5 stars with probabilities.
//
// The interface exists because the verdict pipeline (score/) is tested with a fake; the real
// implementation is fastText (fasttext_review_model.cpp, the only file that sees fastText headers),
// created with LoadReviewModel(). A model file `X.ftz` may come with a calibration file `X.calib`
// (written by `worthit train`): per language, a monotone map from the raw expected stars to the
// stars reviewers actually gave, fitted on a validation split, so that means over many reviews are
// unbiased. Without it, calibrated == expected. The .calib may name an ensemble companion (a
// second fastText model next to the first, `X.words.ftz` as `worthit train` writes it): the
// model's probabilities are then the weighted average of both models' (weights in the .calib),
// and calibration and decision rule apply to that average.
// Thread-safety: Predict/PredictBatch are const and safe to call concurrently on one loaded model
// (the fast path's tables are immutable; fastText's FastText::predict and Dictionary::getLine
// are const and keep their state on the stack; scratch buffers are thread_local). Failure modes: LoadReviewModel
// returns MODEL_NOT_FOUND / MODEL_INVALID (also when the .calib names a companion that cannot be loaded); prediction
// never fails (empty text gives the model's prior).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/reviews/calibration.h"
#include "common/result.h"

namespace worthit::analysis::reviews {

struct StarPrediction {
  int stars = 3;                  // 1..5 by the calibration's decision rule (default argmax)
  std::array<double, 5> probs{};  // P(1 star) .. P(5 stars), sum 1
  double expected = 3;            // sum k * P(k)
  double calibrated = 3;          // expected mapped through the language's calibration
};

class ReviewModel {
 public:
  virtual ~ReviewModel() = default;
  // `lang` (ISO 639-1 or "") selects the calibration map; the classifier itself is multilingual.
  virtual StarPrediction Predict(std::string_view text, std::string_view lang = "") const = 0;
  // The same for text already passed through NormalizeReviewText (callers that tokenise the
  // text for their own use normalise once): PredictNormalized(NormalizeReviewText(t), l) ==
  // Predict(t, l). The default relies on normalisation being idempotent (a unit test checks it).
  virtual StarPrediction PredictNormalized(std::string_view normalized, std::string_view lang = "") const {
    return Predict(normalized, lang);
  }
  virtual std::vector<StarPrediction> PredictBatch(const std::vector<std::string>& texts,
                                                   std::string_view lang = "") const {
    std::vector<StarPrediction> out;
    out.reserve(texts.size());
    for (const auto& t : texts) out.push_back(Predict(t, lang));
    return out;
  }
};

// Which code computes a model's probabilities. kFast: FastTextFastPath's precomputed tables
// (same probabilities as fastText within ~1e-7), falling back to fastText's own predict, with a
// warning in the log, for a model it does not handle (not softmax). kFastTextReference: always
// fastText's Dictionary::getLine + FastText::predict (tests and A/B benchmarks compare them).
enum class ReviewEngine { kFast, kFastTextReference };

// Loads a fastText model (.bin or quantized .ftz) and `<path minus extension>.calib` if present,
// and the ensemble companion the .calib names (same directory), if it names one. Both models go
// through `engine`.
Result<std::unique_ptr<ReviewModel>> LoadReviewModel(const std::string& path,
                                                     ReviewEngine engine = ReviewEngine::kFast);

// "models/reviews.ftz" -> "models/reviews.calib".
std::string CalibrationPathFor(const std::string& model_path);

// "models/reviews.ftz" -> "models/reviews.words.ftz": where `worthit train` writes the ensemble's
// words-and-bigrams companion (the loader reads the name from the .calib, not from this).
std::string CompanionPathFor(const std::string& model_path);

// Fills stars/expected/calibrated from probs (shared by the fastText model and fakes).
StarPrediction MakePrediction(const std::array<double, 5>& probs, const Calibration& calibration,
                              std::string_view lang);

}  // namespace worthit::analysis::reviews
