// The folded ensemble: two fastText star models merged into ONE ordinary fastText model.
//
// `worthit train` (TrainOptions::fold, the default) trains the main model (words, word bigrams,
// 3-5 character subwords) and a words-only companion (minn = maxn = 0) on the same training file,
// both at full precision, and folds the companion into the main model before quantizing it.
// Averaging the two models was worth +2-3 points of exact accuracy on validation
// (models/README.md), and folded it costs a review what one model costs: the loader, the fast
// path (fasttext_fast_path.h) and its self-check see one fastText model with more dimensions and
// more buckets, nothing new.
//
// How: fastText's logits are output * mean(input rows). A model whose input rows are the two
// models' rows side by side ([main row | companion row], dim = both dims) and whose output
// matrix is [w * main output | (1 - w) * companion output] computes w * main logits + (1 - w) *
// companion logits (a weighted geometric mean of the two models' probabilities) exactly, when
// both models average over the same rows and no row serves both. Two approximations remain:
//  - main also averages its subword rows, which the companion has none of, so the companion's
//    half is divided by too many rows; its rows are multiplied by `scale`, the mean ratio of the
//    two row counts over the training lines, to make up for it on average (a line's companion
//    logits are scaled by scale * n_companion / n_main, near 1);
//  - fastText hashes character n-grams and word n-grams into the same buckets, so a bucket can be
//    a subword of main and a bigram of the companion. The folded model uses `bucket_factor`
//    times more buckets (a multiple, so h % (k * B) % B == h % B and main's rows are copied
//    exactly), where far fewer collide; a bucket that still serves a vocabulary word's subword
//    keeps no companion half (else a frequent character n-gram would add an unrelated bigram's
//    vote to every word containing it), and a bucket no vocabulary subword and no training
//    bigram hashes to stays zero (in main it only held other n-grams' collisions).
// Measured on the validation split (full precision, argmax, all languages): the true average of
// the two models' logits 50.4% exact, folded with bucket_factor 1 48.9%, with 4 49.9%.
//
// Ownership: works in place on `main` (its matrices, dim and bucket count change, its dictionary
// re-hashes its words' subwords into the new buckets). `companion` is left with the folded bucket count (only its
// matrices are read). Not thread-safe (mutates both models). Failure modes: TRAIN_FAILED when the two models do not
// share their bucket count and labels, or when the training file has no line.
#pragma once

#include <fasttext/fasttext.h>

#include <filesystem>
#include <memory>
#include <string>

#include "analysis/reviews/review_trainer.h"
#include "common/result.h"

namespace worthit::analysis::reviews {

// fastText with write access to its bucket count (the fold re-hashes into more buckets; the
// dictionary shares the model's Args, so it follows).
class FoldableFastText final : public fasttext::FastText {
 public:
  void SetBucket(int bucket) { args_->bucket = bucket; }
  // Recomputes the vocabulary words' subword rows (after SetBucket).
  void RehashSubwords() { dict_->init(); }
};

// Folds `companion` into `main` as described above; `main_weight` is w, `train_path` the
// training file both were trained on (fastText format). Returns the scale used (`scale` <= 0:
// measured as said).
Result<double> FoldWordsCompanion(FoldableFastText& main, FoldableFastText& companion, const std::string& train_path,
                                  double main_weight, double scale, int bucket_factor);

// fastText arguments of `options` for training on `input` (the main model's minn/maxn, or 0/0 for
// the words-only companion): softmax, single seed, as review_trainer.h documents. Shared by
// TrainReviewModel and CrossValidateReviewModel so both train exactly the same models.
fasttext::Args MakeTrainArgs(const TrainOptions& options, const std::string& input, const std::string& output, int minn,
                             int maxn);

// A private temporary directory for one training or cross-validation run (training files, models
// before they are saved), removed with everything in it when the object goes away. Shared by
// TrainReviewModel and CrossValidateReviewModel. Errors: TRAIN_IO (cannot create it).
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Create(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Quantizes `ft` as `options` say (qnorm, cutoff, dsub; no retraining unless asked) and saves it to
// `path`. Shared by TrainReviewModel and CrossValidateReviewModel so both ship the same files.
// Errors: TRAIN_FAILED (fastText threw).
Status QuantizeAndSave(fasttext::FastText& ft, const fasttext::Args& args, const TrainOptions& options,
                       const std::string& path);

}  // namespace worthit::analysis::reviews
