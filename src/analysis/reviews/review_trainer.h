// Training and evaluation of the fastText review model (`worthit train`).
//
// Data comes from any number of sources as LabelledReview values (today: CSV files with columns
// lang,stars,text via ReadLabelledCsv; the learned-reviews store will add a second source that
// produces the same values, e.g. `worthit train --from-store`). TrainReviewModel:
//   1. normalises and de-duplicates texts (exact duplicates after normalisation count once);
//   2. splits deterministically per language by a hash of the text: 10% test, 10% validation,
//      80% training (stratified by language, so every language is measured on its own);
//   3. balances star classes in the training file by repeating examples of rare classes, and
//      marks negation scopes in its texts (options.negation_scope, negation_marker.h; the .calib
//      then carries `negation<TAB>N` so the loaded model marks its input the same way);
//   4. trains a supervised fastText model (softmax, word n-grams, subwords) single-threaded with
//      a fixed seed by default, so the same data and options give the same model; by default
//      (options.fold) also a words-only companion, folded into the main model as ONE fastText
//      model computing the average of both models' logits (fasttext_fold.h);
//   5. quantizes it (.ftz) and writes `<out>`; with options.companion (off by default, replaces
//      the fold), trains and writes
//      the ensemble's second model the same way without subwords (words and word n-grams only,
//      `<out minus extension>.words.ftz`, CompanionPathFor) — averaging the two was +2-3 points
//      of exact accuracy on validation; writes `<out minus extension>.calib`: the ensemble line
//      naming the companion, the per-language isotonic calibration of expected stars and the
//      decision rule for the predicted stars (Calibration::DecideStars), both fitted on the
//      validation split on the ensemble's (or the single model's) probabilities;
//   6. evaluates the saved model(s) and .calib on the validation split (in-sample for the
//      calibration and rule: what sweeps compare) and, unless told not to, on the test split.
// Thread-safety: TrainReviewModel uses `options.threads` threads and a private temp directory;
// do not run two with the same out path. Failure modes: TRAIN_NO_DATA, TRAIN_IO, TRAIN_FAILED,
// DATA_INVALID (CSV).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace worthit::analysis::reviews {

struct LabelledReview {
  std::string lang;  // ISO 639-1, "" if unknown
  int stars = 0;     // 1..5
  std::string text;
};

// Reads a CSV (RFC 4180 quoting) whose header names the columns lang, stars, text (any order,
// more columns allowed). Rows with stars outside 1..5 or empty text are skipped.
Result<std::vector<LabelledReview>> ReadLabelledCsv(const std::string& path);

struct TrainOptions {
  std::string out_path = "models/reviews.ftz";
  // Chosen by a sweep on the validation split (docs in models/README.md): few epochs at a high
  // learning rate generalise best on ~16k short reviews; bigrams + 3-5 char subwords carry
  // across the Romance/Germanic languages; dim 50 is enough for 5 labels.
  double lr = 0.5;
  int epoch = 5;
  int word_ngrams = 2;
  int dim = 50;
  int minn = 3;
  int maxn = 5;
  int bucket = 500000;  // hashed n-gram rows before quantization
  int threads = 1;      // 1 = bit-for-bit reproducible
  int seed = 1;
  bool quantize = true;
  // Rows kept by quantization (by norm) and the product quantizer's dims per byte: they set the
  // file size. The folded model (below) has 100 dims and more distinct rows than one model:
  // 200k rows at 4 dims per byte is 7.2 MB and lost nothing measurable on validation against
  // 2 dims per byte (12 MB); 100k rows at 2 dims per byte (6.2 MB) lost 1.3 points of exact
  // accuracy in English and 150k at 4 (5.5 MB) 1 point of within-one (models/README.md).
  size_t cutoff = 200000;
  int dsub = 4;
  // fastText can retrain the pruned model before quantizing; measured on the validation split it
  // costs 2.5 points of within-one (5 more epochs at lr 0.5 overfit 16k reviews), so it is off.
  bool retrain_quantized = false;
  // The decision rule's neighbour utility a (Calibration::DecideStars) is chosen on the
  // validation split from 0, 0.05, .., kMax by exact + within-one accuracy over all languages;
  // a < 0 fits it, a >= 0 forces that value (0 = argmax).
  double neighbour_utility = -1;
  // The ensemble (`worthit train --ensemble`): also train the words-and-bigrams companion
  // (minn = maxn = 0, every other option as above) and average the probabilities, main_weight
  // for the main model. Measured (models/README.md): on validation +2.2 points of exact accuracy
  // in English; on the test split it met the German exact target but fell below the English
  // within-one target (87.8% < 88%), so it is not the default and not shipped. 0.5: the two
  // models are about as good alone; tuning the weight on ~2,000 validation reviews fits noise.
  bool companion = false;
  double main_weight = 0.5;
  // The folded ensemble (the default; `--no-fold` trains the main model alone): train the same
  // words-only companion at full precision and fold it into the main model, one fastText model
  // of dim 2 x dim computing the weighted average of both models' logits (fasttext_fold.h), so
  // the ensemble's gain (+2 points of exact accuracy on validation) costs one model at
  // prediction; main_weight weighs the two models' logits. Ignored with `companion` (the
  // two-file ensemble above). fold_scale <= 0: the companion's rows are scaled by the measured
  // mean row-count ratio. fold_bucket_factor: the folded model hashes into this many times
  // `bucket` buckets (4: 49.9% exact on validation at full precision, 1: 48.9%, the exact logit
  // average 50.4%).
  bool fold = true;
  double fold_scale = 0;
  int fold_bucket_factor = 4;
  // Negation scope marking of the model's input (negation_marker.h; `--negation-scope N`, 0 =
  // off): the training files are marked and the .calib says so (`negation<TAB>N`), so the loaded
  // model marks what it reads the same way. 10 (in practice: up to the next punctuation or
  // contrast word): 5-fold cross-validation, paired with the model without it, +1.3 +- 0.5 points
  // of exact accuracy in English and +0.5 +- 0.5 within one star (models/README.md, session 4).
  int negation_scope = 10;
  // Cross-fitting (`--refit`): after the calibration and decision rule are fitted on the
  // validation split with the model trained on the training split, retrain the shipped model on
  // training + validation and keep that calibration (models/README.md for what it measured).
  bool refit_with_validation = false;
  bool evaluate_test = true;  // false: sweeps look at the validation split only
  int eval_groups = 2000;     // random groups of 20 test reviews for the mean-of-20 error
  // If set, the normalised splits are also written there in fastText format (train.txt as
  // trained, valid.txt, test.txt, and valid.lang / test.lang with one language per line), for
  // experiments with the fastText command-line tool on exactly the data `worthit train` uses.
  std::string splits_dir;
};

struct LangMetrics {
  std::string lang;  // "all" for the pooled row
  size_t n = 0;
  double exact = 0;         // argmax == stars
  double within_one = 0;    // |argmax - stars| <= 1
  double macro_f1 = 0;      // mean F1 over the 5 classes
  double mae = 0;           // mean |argmax - stars|
  double mae_expected = 0;  // mean |calibrated expected - stars|
  double mean20_raw = 0;    // mean over groups of |mean expected - mean stars|, uncalibrated
  double mean20 = 0;        // same, calibrated (what the card aggregates)
};

struct TrainReport {
  size_t total = 0, duplicates = 0, train = 0, valid = 0, test = 0;
  std::vector<LangMetrics> valid_metrics;  // in-sample for calibration and decision rule
  std::vector<LangMetrics> test_metrics;   // empty when options.evaluate_test is false
  double neighbour_utility = 0;            // the decision rule shipped in the .calib
  std::string model_path, calibration_path;
  std::string companion_path;  // empty without the ensemble
  uint64_t model_bytes = 0, companion_bytes = 0;
  double fold_scale = 0;  // the folded ensemble's companion row scale, 0 without it
  bool refit = false;     // the shipped model was retrained on training + validation
  double seconds = 0;
};

// One normalised, de-duplicated review of the corpus.
struct ReviewExample {
  std::string lang;  // "und" when the source gave none
  int stars = 0;
  std::string normalized;
};

// Steps 1-2 above: the normalised, de-duplicated examples (owned by `by_lang`; the split vectors
// point into it, so a ReviewSplits may be moved but not copied) and their deterministic split per
// language: sorted by a hash of the text, position % 10 == 0 test, == 1 validation, else
// training. Cross-validation (review_cv.h) uses the same split and never touches `test`.
struct ReviewSplits {
  ReviewSplits() = default;
  ReviewSplits(ReviewSplits&&) = default;
  ReviewSplits& operator=(ReviewSplits&&) = default;
  ReviewSplits(const ReviewSplits&) = delete;
  ReviewSplits& operator=(const ReviewSplits&) = delete;

  size_t total = 0, duplicates = 0;
  std::map<std::string, std::vector<ReviewExample>> by_lang;
  std::vector<const ReviewExample*> train, valid, test;
};
Result<ReviewSplits> SplitReviews(const std::vector<LabelledReview>& data);

// Step 3: the fastText training file of `examples`, star classes balanced by repetition, lines
// interleaved by text hash; texts negation-marked (negation_marker.h) when negation_scope > 0.
Status WriteBalancedTrainFile(const std::vector<const ReviewExample*>& examples, const std::string& path,
                              int negation_scope = 0);

Result<TrainReport> TrainReviewModel(const std::vector<LabelledReview>& data, const TrainOptions& options);

// Human-readable table of a report (what `worthit train` prints).
std::string FormatTrainReport(const TrainReport& report);

// Metrics of predictions (argmax stars, calibrated expected) against gold stars, for one group.
LangMetrics ComputeMetrics(const std::string& lang, const std::vector<int>& gold, const std::vector<int>& predicted,
                           const std::vector<double>& expected_raw, const std::vector<double>& expected_calibrated,
                           int groups, unsigned seed);

}  // namespace worthit::analysis::reviews
