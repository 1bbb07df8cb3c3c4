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
// Memory (session 2's single model: 32,778 words, 67,222 kept n-gram rows, bucket 500,000, 5 labels):
// word records 32,778 x 32 B + hash slots 65,536 x 8 B + word text ~0.3 MB + n-gram rows
// 67,222 x (32 + 4) B + kept-bucket bitmap and ranks 94 KB = ~4.2 MB (MemoryBytes()), covering
// the whole vocabulary; measured, loading the model adds 5.5 MB RSS, against 28.4 MB for
// fastText's predict on the de-quantized model this replaces. No cap on the number of words is needed: a word costs ~40
// B + its text here (vs dim x 4 = 200 B per row for the de-quantized input matrix this replaces, ~20 MB, and the
// quantized model itself, ~4 MB, is freed after Build), and a model's rows are already bounded by its training
// (quantization cutoff). An unpruned model costs ~40 B per word plus 36 B per bucket (500,000 buckets: 18 MB).
// The folded model shipped since session 3 (fasttext_fold.h: 35,141 words, 200k kept rows, bucket
// 2,000,000, dim 100): 8.7 MB by MemoryBytes() (4.9 MB for the model above, measured the same way).
// Ownership: self-contained (copies what it needs; the fastText model may be freed after Build).
// Thread-safety: immutable after Build; InputRows/Probabilities are const and re-entrant (state
// on the stack, plus thread_local scratch: a string for out-of-vocabulary tokens and a bounded
// memo of their kept n-gram rows, 448 KB per thread and model, allocated on first use; see
// OovMemo in the .cpp).
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
  // Labels a model may have (the star model has 5): a word record (5 sums + 3 words) and an
  // n-gram row (kRowStride floats) are 32 bytes each, aligned, never straddling a cache line.
  static constexpr size_t kMaxLabels = 5;
  static constexpr size_t kWordLabels = kMaxLabels;
  static constexpr size_t kRowStride = 8;
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
  // Half a cache line: the word's summed projection, how many rows it covers and where its text
  // is (to confirm a hash match). Inlining the text in a 64-byte record was measured: 1-2%
  // faster, within noise, for 1 MB more, so not done.
  struct WordRecord {
    float sum[kWordLabels] = {};
    uint32_t rows = 0;
    uint32_t offset = 0;  // in pool_
    uint32_t length = 0;
  };
  static_assert(sizeof(WordRecord) == 32);

  FastTextFastPath() = default;

  int32_t FindWord(std::string_view token, uint32_t hash) const;
  bool IsLabel(std::string_view token) const;
  // Rank of a kept n-gram bucket among the kept ones (its projection's index), -1 if pruned.
  int32_t BucketRank(uint32_t bucket) const;
  // Adds the kept character n-gram rows of an out-of-vocabulary `token` (FNV hash `hash`) to
  // `acc` and their number to `count`, through the per-thread memo (see OovMemo in the .cpp).
  void AddOutOfVocabulary(std::string_view token, uint32_t hash, double* acc, size_t& count) const;
  // Calls fn(bucket) for each character n-gram of `<token>` as Dictionary::computeSubwords does.
  template <class Fn>
  void ForEachSubwordBucket(std::string_view token, Fn&& fn) const;

  uint64_t tables_id_ = 0;  // distinct per Build: keys the per-thread out-of-vocabulary memo
  int32_t nlabels_ = 0;
  int32_t nwords_ = 0;
  int minn_ = 0, maxn_ = 0, word_ngrams_ = 1;
  uint32_t bucket_ = 0;
  std::string label_prefix_, eos_, bow_, eow_;
  std::vector<Slot> slots_;        // open addressing on the token's FNV-1a hash, power of 2
  std::string pool_;               // vocabulary words, back to back
  std::vector<WordRecord> words_;  // by fastText word id
  // Kept n-gram buckets as a bitmap with a running popcount per 64 buckets: the bucket -> row
  // remap (fastText's prune index) in bucket/8 + bucket/16 bytes, small enough to stay in cache
  // (a dense int32 array was 2 MB and its look-ups a third of the time).
  std::vector<uint64_t> kept_bits_;
  std::vector<uint32_t> kept_rank_;
  std::vector<float> ngram_proj_;      // per kept bucket, in bucket order: projection, kRowStride
  std::vector<int32_t> ngram_row_id_;  // per kept bucket: fastText's input row id (InputRows only)
};

}  // namespace worthit::analysis::reviews
