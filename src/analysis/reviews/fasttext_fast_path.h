// FastTextFastPath: fastText supervised (softmax) prediction from tables precomputed at load,
// giving the same probabilities as FastText::predict (within float rounding, ~1e-7) at a
// fraction of the cost.
//
// Why it is exact: fastText's hidden vector is the mean of the input rows of a line (each word's
// own row and its character n-gram rows, then one row per word n-gram bucket), and the logits are
// the output matrix times that mean. Both steps are linear, so each input row is projected once,
// at load, onto the label space (output * row: nlabels floats instead of dim), and every
// in-vocabulary word gets the SUM of the projections of its rows plus their COUNT. Prediction is
// then, per token, one FNV-1a hash and one look-up in a flat table (vocabulary words) or the
// token's subwords hashed as fastText does (out-of-vocabulary words), plus one projected row per
// word n-gram bucket (remapped through the quantization's prune index by a dense array), a
// division by the row count and a softmax over the labels. Everything fastText-specific (minn,
// maxn, bucket, wordNgrams, label prefix, pruning, dim, quantized or dense matrices) is read from
// the loaded model, so a retrained model with other hyper-parameters stays exact. Build() checks
// its own subword hashing against the dictionary's for every vocabulary word and fails rather
// than predict differently.
//
// Memory (the shipped model: 32,778 words, 67,222 kept n-gram rows, bucket 500,000, 5 labels):
// word sums 32,778 x 32 B + n-gram rows 67,222 x 32 B + bucket remap 500,000 x 4 B + vocabulary
// strings and hash slots ~0.7 MB = ~6 MB, all of the vocabulary. No cap on the number of words is
// needed: a word costs 32 B + its string here (vs dim x 4 = 200 B per row for the de-quantized
// input matrix this replaces, ~20 MB), and a model's rows are already bounded by its training
// (quantization cutoff). An unpruned model costs (words + bucket) x 32 B + bucket x 4 B.
// Ownership: self-contained (copies what it needs; the fastText model may be freed after Build).
// Thread-safety: immutable after Build; InputRows/Probabilities are const and re-entrant (state
// on the stack, plus one thread_local scratch string for long out-of-vocabulary tokens).
// Failure modes: Build returns MODEL_UNSUPPORTED (not a supervised softmax model, more than
// kMaxLabels labels or kMaxWordNgrams) or MODEL_INVALID (hashing self-check failed); the caller
// then falls back to fastText's own predict.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace fasttext {
class FastText;
}

namespace worthit::analysis::reviews {

class FastTextFastPath {
 public:
  // One 32-byte stride per projected row: 8 floats hold up to 8 labels and keep rows aligned
  // for vector adds (the review model has 5).
  static constexpr size_t kMaxLabels = 8;
  // Word n-gram hashes of the last tokens live in a ring on the stack; fastText models use 1-3.
  static constexpr int kMaxWordNgrams = 16;
  using Probs = std::array<float, kMaxLabels>;

  static Result<FastTextFastPath> Build(fasttext::FastText& model);

  // The input row ids fastText's Dictionary::getLine gives for `line` followed by a newline, in
  // its order (for tests and diagnostics: the prediction path does not build this list).
  void InputRows(std::string_view line, std::vector<int32_t>& rows) const;

  // Softmax over the labels (fastText label id order) as FastText::predict computes it before
  // taking logs. Returns how many input rows were averaged; 0 means the line had none and
  // `probs` is left untouched.
  size_t Probabilities(std::string_view line, Probs& probs) const;

  int32_t labels() const { return nlabels_; }
  int32_t words() const { return nwords_; }
  size_t MemoryBytes() const;

 private:
  struct Slot {
    uint32_t hash = 0;
    int32_t word = -1;  // -1: empty
  };

  FastTextFastPath() = default;

  int32_t FindWord(std::string_view token, uint32_t hash) const;
  bool IsLabel(std::string_view token) const;
  // Calls fn(bucket) for each character n-gram of `<token>` as Dictionary::computeSubwords does.
  template <class Fn>
  void ForEachSubwordBucket(std::string_view token, Fn&& fn) const;

  int32_t nlabels_ = 0;
  int32_t nwords_ = 0;
  int minn_ = 0, maxn_ = 0, word_ngrams_ = 1;
  uint32_t bucket_ = 0;
  std::string label_prefix_, eos_, bow_, eow_;
  std::vector<Slot> slots_;          // open addressing on the token's FNV-1a hash, power of 2
  std::string pool_;                 // vocabulary words, back to back
  std::vector<uint32_t> word_off_;   // word w is pool_[word_off_[w], word_off_[w + 1])
  std::vector<float> word_sum_;      // per word: sum of its rows' projections, kMaxLabels stride
  std::vector<uint32_t> word_rows_;  // per word: how many rows that sum covers
  std::vector<float> ngram_proj_;    // per kept n-gram row: its projection, kMaxLabels stride
  std::vector<int32_t> bucket_row_;  // bucket id -> kept n-gram row, -1 when pruned away
};

}  // namespace worthit::analysis::reviews
