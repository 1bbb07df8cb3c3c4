// K-fold cross-validation of the review model (`worthit train --cv K`), for model selection that
// is less noisy than one validation split of ~2,000 reviews.
//
// The data is split exactly as TrainReviewModel splits it (review_trainer.h); the test split is
// never read. Training + validation are divided into K folds per language (by the same text
// hash, position % K), so every fold holds every language in proportion. For each fold k the
// main model and its words-only companion are trained on the other K - 1 folds with the given
// TrainOptions (single-threaded, seeded: the run is reproducible), and every review of fold k
// gets out-of-fold predictions from:
//   - "main" and "words": each full-precision model alone (their raw logits are kept);
//   - "average": the exact average of the two models' logits (what the fold approximates);
//   - "configured": the model `worthit train` would ship with these options (folded and
//     quantized, or the main model alone with fold = false; the two-file ensemble, options.companion,
//     is not cross-validated), loaded through LoadReviewModel;
//   - "weighted": w * main + (1 - w) * companion logits times a temperature t, (w, t) chosen on
//     the other folds' out-of-fold predictions (a linear map: foldable into one model);
//   - "stacked": a 5x10 linear map of the two models' logits (no bias, so it folds into the
//     output matrix), multinomial logistic regression fitted on the other folds' out-of-fold
//     predictions, started from and shrunk towards the plain average.
// For every candidate and fold, the decision rule's a and the isotonic calibration are fitted
// on the other folds' out-of-fold predictions (K-fold cross-fitting) and applied to fold k; the
// "configured, 1-fold fit" row fits them on ONE other fold instead (about the size of the
// validation split `--refit` fits them on), to measure what cross-fitting the calibration buys.
// The fitted choices on other folds' out-of-fold predictions come from models that trained on
// fold k: the usual, small leak of stacking by cross-validation (a few parameters on ~14k
// reviews).
// Reported per language: mean and standard deviation over the K folds of exact, within-one and
// the 20-review mean error, and the paired difference to "configured" (same folds).
// Thread-safety: like TrainReviewModel (private temp directory). Failure modes: TRAIN_NO_DATA,
// TRAIN_IO, TRAIN_FAILED, and TRAIN_FAILED for folds outside 2..10.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "analysis/reviews/review_trainer.h"
#include "common/result.h"

namespace worthit::analysis::reviews {

struct CvOptions {
  int folds = 5;
  // If set, one line per out-of-fold review (TSV: fold, lang, stars, main logits 1-5, companion
  // logits 1-5, configured probabilities 1-5) for analyses the report does not make.
  std::string predictions_path;
};

struct CvStat {
  double mean = 0, sd = 0;  // over folds (sd: sample standard deviation, 0 with one fold)
};

struct CvLangFigures {
  std::string lang;  // "all" for the pooled row
  size_t n = 0;      // reviews over all folds
  CvStat exact, within_one, mean20;
  CvStat delta_exact, delta_within_one;  // paired, this candidate minus "configured", per fold
};

struct CvCandidate {
  std::string name;
  std::vector<CvLangFigures> langs;
  std::vector<std::string> chosen;  // per fold: what was fitted on the other folds
};

struct CvReport {
  int folds = 0;
  size_t examples = 0;  // training + validation reviews cross-validated
  std::vector<CvCandidate> candidates;
  double seconds = 0;
};

Result<CvReport> CrossValidateReviewModel(const std::vector<LabelledReview>& data, const TrainOptions& options,
                                          const CvOptions& cv);

std::string FormatCvReport(const CvReport& report);

// The stacking map: W (5 x 10, row k = star k + 1; columns main logits 1-5 then companion
// logits 1-5) minimising the mean cross-entropy of softmax(W x) plus l2 * |W - W0|^2, W0 the
// plain average, by full-batch gradient descent (a fixed number of steps: bounded and
// deterministic). Exposed for its unit test.
using StackWeights = std::array<std::array<double, 10>, 5>;
StackWeights FitStack(const std::vector<std::array<double, 10>>& x, const std::vector<int>& stars, double l2,
                      int steps);
std::array<double, 5> ApplyStack(const StackWeights& w, const std::array<double, 10>& x);

}  // namespace worthit::analysis::reviews
