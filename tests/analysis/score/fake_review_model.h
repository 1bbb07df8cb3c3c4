// FakeReviewModel: a deterministic ReviewModel for tests — counts positive and negative cue words
// (it/en) and puts the probability mass on 5 or 1 stars accordingly (3 when neutral or mixed).
#pragma once

#include <string>
#include <vector>

#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::testing {

class FakeReviewModel final : public reviews::ReviewModel {
 public:
  reviews::StarPrediction Predict(std::string_view text, std::string_view lang) const override {
    static const std::vector<std::string> kGood = {"ottimo", "ottima",    "perfetto", "perfetta", "eccellente",
                                                   "great",  "excellent", "perfect",  "love",     "fantastica",
                                                   "comoda", "veloce",    "buona",    "lunga"};
    static const std::vector<std::string> kBad = {"pessimo", "pessima",  "rotto",     "rotta",   "terrible", "broke",
                                                  "awful",   "scadente", "deludente", "piccola", "corta",    "lenta"};
    const std::string norm = " " + reviews::NormalizeReviewText(text) + " ";
    int score = 0;
    for (const auto& w : kGood) score += norm.find(" " + w + " ") != std::string::npos;
    for (const auto& w : kBad) score -= norm.find(" " + w + " ") != std::string::npos;
    std::array<double, 5> probs{};
    if (score > 0)
      probs = {0.0, 0.0, 0.05, 0.15, 0.8};
    else if (score < 0)
      probs = {0.8, 0.15, 0.05, 0.0, 0.0};
    else
      probs = {0.05, 0.15, 0.6, 0.15, 0.05};
    return reviews::MakePrediction(probs, calibration_, lang);
  }

 private:
  reviews::Calibration calibration_;
};

}  // namespace worthit::analysis::testing
