#include "analysis/reviews/fasttext_fast_path.h"

#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/matrix.h>
#include <fasttext/vector.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

namespace worthit::analysis::reviews {
namespace {

// Two things the fastText 0.9.2 API does not expose: the prune index of a quantized model (which
// n-gram bucket kept which input row; Dictionary::pushHash applies it) and the output matrix of
// a model quantized with -qout (getOutputMatrix() throws for it). They are read, never changed,
// through pointers to the protected members formed in a derived class (standard C++; a header
// that renamed them would fail to compile here, not misbehave).
struct DictionaryInternals : fasttext::Dictionary {
  static const std::unordered_map<int32_t, int32_t>& PruneIdx(const fasttext::Dictionary& d) {
    return d.*(&DictionaryInternals::pruneidx_);
  }
  static int64_t PruneIdxSize(const fasttext::Dictionary& d) { return d.*(&DictionaryInternals::pruneidx_size_); }
};
struct FastTextInternals : fasttext::FastText {
  static const fasttext::Matrix& Output(const fasttext::FastText& f) { return *(f.*(&FastTextInternals::output_)); }
};

constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;
constexpr uint64_t kWordNgramPrime = 116049371;  // Dictionary::addWordNgrams

// Dictionary::hash: FNV-1a over the bytes, each byte sign-extended first (char is signed on
// the platforms fastText targets, so bytes >= 0x80 xor in 0xFFFFFFxx).
inline uint32_t FnvStep(uint32_t h, char c) {
  return (h ^ static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(c)))) * kFnvPrime;
}
inline uint32_t FnvHash(std::string_view s) {
  uint32_t h = kFnvOffset;
  for (const char c : s) h = FnvStep(h, c);
  return h;
}

// Dictionary::readWord's separators; '\n' ends the line (then the EOS token follows).
inline bool IsSeparator(char c) {
  return c == ' ' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0' || c == '\n';
}

// Adds the first kMaxLabels floats of a row (padding is zero) to the double accumulator.
inline void AddRow(double* acc, const float* row) {
  for (size_t l = 0; l < FastTextFastPath::kMaxLabels; ++l) acc[l] += row[l];
}

// Calls fn(token) for each token of `line` up to its first newline, then fn(EOS).
template <class Fn>
void ForEachToken(std::string_view line, const std::string& eos, Fn&& fn) {
  size_t i = 0;
  const size_t n = line.size();
  while (i < n && line[i] != '\n') {
    while (i < n && IsSeparator(line[i]) && line[i] != '\n') ++i;
    const size_t start = i;
    while (i < n && !IsSeparator(line[i])) ++i;
    if (i > start) {
      const std::string_view token = line.substr(start, i - start);
      if (token == eos) break;  // Dictionary::getLine stops at an EOS token, typed or not
      fn(token, false);
    }
  }
  fn(std::string_view(eos), true);
}

// Tables get an id at Build: the per-thread memo below belongs to one set of tables, and an id is
// never reused (a pointer could be, by the next model loaded at the same address).
std::atomic<uint64_t> g_next_tables_id{1};

// The kept n-gram rows of recent out-of-vocabulary tokens, per thread. An unknown word costs one
// FNV hash, a modulo and a bitmap rank per character n-gram (~20 for a 7-letter word, ~1,500
// instructions); words recur (Italian reviews' function words and opinion words are outside the
// en/de/es/fr vocabulary: "istruzioni", "intuitivo", "qualcosa" on every other review), so the
// rank list is kept and replayed: the same rows in the same order, so the same sums, bit for bit.
// Bounded, in buffers allocated once: kWords distinct tokens of up to kMaxToken bytes (longer
// ones are not kept), kRanks ranks in all; when either is full it starts again empty. 64 KB of
// slots + 128 KB of text + 256 KB of ranks per thread and per model (two models per thread).
// A miss (a token seen for the first time since the last start) costs ~50 instructions more
// than before; a hit saves the ~1,500.
class OovMemo {
 public:
  static constexpr size_t kWords = 2048;
  static constexpr size_t kSlots = 4096;  // power of 2, load at most 1/2
  static constexpr size_t kMaxToken = 64;
  static constexpr size_t kRanks = 64 * 1024;

  // The memo of the tables `id` for this thread (an ensemble has two members; more are
  // served by replacing the least recently used).
  static OovMemo& For(uint64_t id) {
    thread_local OovMemo memos[2];
    thread_local size_t last = 0;
    for (size_t i = 0; i < 2; ++i) {
      if (memos[i].id_ == id) {
        last = i;
        return memos[i];
      }
    }
    last = 1 - last;
    memos[last].Reset(id);
    return memos[last];
  }

  // Whether `token` (FNV hash `hash`) is kept; then `ranks` and `n` are its rows (maybe none).
  bool Find(std::string_view token, uint32_t hash, const int32_t*& ranks, size_t& n) const {
    if (slots_ == nullptr) return false;
    for (size_t s = hash & (kSlots - 1);; s = (s + 1) & (kSlots - 1)) {
      const Entry& e = slots_[s];
      if (e.length == 0) return false;
      if (e.hash == hash && e.length == token.size() &&
          std::memcmp(text_.get() + e.text_at, token.data(), token.size()) == 0) {
        ranks = ranks_.get() + e.ranks_at;
        n = e.nranks;
        return true;
      }
    }
  }

  // Room for the ranks of `token`, about to be computed: at most `bound` of them (one per
  // character n-gram: each start in `<token>` gives at most maxn), or nullptr when the token is
  // not kept (too long, or more ranks than the memo holds). Commit keeps the first n.
  int32_t* Begin(std::string_view token, size_t bound) {
    if (token.empty() || token.size() > kMaxToken || bound >= kRanks) return nullptr;
    if (slots_ == nullptr || words_ == kWords || ranks_used_ + bound > kRanks) Reset(id_);
    return ranks_.get() + ranks_used_;
  }

  void Commit(std::string_view token, uint32_t hash, size_t n) {
    size_t s = hash & (kSlots - 1);
    while (slots_[s].length != 0) s = (s + 1) & (kSlots - 1);
    slots_[s] = {hash, static_cast<uint32_t>(text_used_), static_cast<uint32_t>(ranks_used_),
                 static_cast<uint16_t>(token.size()), static_cast<uint16_t>(n)};
    std::memcpy(text_.get() + text_used_, token.data(), token.size());
    text_used_ += token.size();
    ranks_used_ += n;
    ++words_;
  }

 private:
  struct Entry {
    uint32_t hash = 0;
    uint32_t text_at = 0;
    uint32_t ranks_at = 0;
    uint16_t length = 0;  // 0: empty (tokens are never empty)
    uint16_t nranks = 0;  // < kRanks: Begin refuses a bound of kRanks or more
  };
  static_assert(kRanks - 1 <= UINT16_MAX && kWords * kMaxToken <= UINT32_MAX);

  void Reset(uint64_t id) {
    id_ = id;
    if (slots_ == nullptr) {
      slots_ = std::make_unique<Entry[]>(kSlots);
      text_ = std::make_unique_for_overwrite<char[]>(kWords * kMaxToken);
      ranks_ = std::make_unique_for_overwrite<int32_t[]>(kRanks);
    } else {
      std::fill_n(slots_.get(), kSlots, Entry{});
    }
    text_used_ = ranks_used_ = words_ = 0;
  }

  uint64_t id_ = 0;
  std::unique_ptr<Entry[]> slots_;
  std::unique_ptr<char[]> text_;
  std::unique_ptr<int32_t[]> ranks_;
  size_t text_used_ = 0, ranks_used_ = 0, words_ = 0;
};

}  // namespace

template <class Fn>
void FastTextFastPath::ForEachSubwordBucket(std::string_view token, Fn&& fn) const {
  if (maxn_ <= 0 || bucket_ == 0) return;
  // `<token>` in a reused buffer: Dictionary::computeSubwords works on BOW + word + EOW.
  thread_local std::string word;
  word.assign(bow_);
  word.append(token);
  word.append(eow_);
  const size_t size = word.size();
  for (size_t i = 0; i < size; ++i) {
    if ((word[i] & 0xC0) == 0x80) continue;  // not the first byte of a UTF-8 character
    uint32_t h = kFnvOffset;
    size_t j = i;
    for (int n = 1; j < size && n <= maxn_; ++n) {
      h = FnvStep(h, word[j++]);
      while (j < size && (word[j] & 0xC0) == 0x80) h = FnvStep(h, word[j++]);
      if (n >= minn_ && !(n == 1 && (i == 0 || j == size))) fn(h % bucket_);
    }
  }
}

int32_t FastTextFastPath::FindWord(std::string_view token, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t s = hash & mask;; s = (s + 1) & mask) {
    const Slot& slot = slots_[s];
    if (slot.word < 0) return -1;
    if (slot.hash == hash) {
      const WordRecord& r = words_[slot.word];
      if (r.length == token.size() && std::equal(token.begin(), token.end(), pool_.data() + r.offset)) return slot.word;
    }
  }
}

int32_t FastTextFastPath::BucketRank(uint32_t bucket) const {
  const uint64_t bits = kept_bits_[bucket >> 6];
  const uint64_t bit = uint64_t{1} << (bucket & 63);
  if (!(bits & bit)) return -1;
  return static_cast<int32_t>(kept_rank_[bucket >> 6] + static_cast<uint32_t>(std::popcount(bits & (bit - 1))));
}

bool FastTextFastPath::IsLabel(std::string_view token) const {
  // Dictionary::getType: a word is a label when it starts with the label prefix.
  return token.starts_with(label_prefix_);
}

Result<FastTextFastPath> FastTextFastPath::Build(fasttext::FastText& model) {
  const fasttext::Args args = model.getArgs();
  if (args.model != fasttext::model_name::sup || args.loss != fasttext::loss_name::softmax)
    return Error::Permanent("MODEL_UNSUPPORTED", "fast path needs a supervised softmax model");
  const auto dict = model.getDictionary();
  FastTextFastPath fp;
  fp.tables_id_ = g_next_tables_id.fetch_add(1);
  fp.nlabels_ = dict->nlabels();
  fp.nwords_ = dict->nwords();
  if (fp.nlabels_ <= 0 || fp.nlabels_ > static_cast<int32_t>(kMaxLabels))
    return Error::Permanent("MODEL_UNSUPPORTED", "fast path handles 1.." + std::to_string(kMaxLabels) + " labels");
  if (args.wordNgrams > kMaxWordNgrams)
    return Error::Permanent("MODEL_UNSUPPORTED",
                            "fast path handles wordNgrams up to " + std::to_string(kMaxWordNgrams));
  if (args.bucket < 0) return Error::Permanent("MODEL_INVALID", "negative bucket count");
  fp.minn_ = args.minn;
  fp.maxn_ = args.maxn;
  fp.word_ngrams_ = std::max(1, args.wordNgrams);
  fp.bucket_ = static_cast<uint32_t>(args.bucket);
  fp.label_prefix_ = args.label;
  fp.eos_ = fasttext::Dictionary::EOS;
  fp.bow_ = fasttext::Dictionary::BOW;
  fp.eow_ = fasttext::Dictionary::EOW;

  // Bucket -> kept row (Dictionary::pushHash): unpruned models keep every bucket, a pruned one
  // only those in its prune index, and a prune index of size 0 drops every n-gram. `row_of`
  // is fastText's row for each bucket (only while building).
  const int64_t prune_size = DictionaryInternals::PruneIdxSize(*dict);
  const int64_t nngrams = prune_size < 0 ? args.bucket : prune_size;
  std::vector<int32_t> row_of(fp.bucket_, -1);
  if (prune_size < 0) {
    for (uint32_t b = 0; b < fp.bucket_; ++b) row_of[b] = static_cast<int32_t>(b);
  } else {
    for (const auto& [b, row] : DictionaryInternals::PruneIdx(*dict)) {
      if (b < 0 || static_cast<uint32_t>(b) >= fp.bucket_ || row < 0 || row >= nngrams)
        return Error::Permanent("MODEL_INVALID", "prune index entry out of range");
      row_of[b] = row;
    }
  }
  fp.kept_bits_.assign((fp.bucket_ + 63) / 64, 0);
  fp.kept_rank_.assign(fp.kept_bits_.size(), 0);
  for (uint32_t b = 0; b < fp.bucket_; ++b) {
    if (row_of[b] >= 0) {
      fp.kept_bits_[b >> 6] |= uint64_t{1} << (b & 63);
      fp.ngram_row_id_.push_back(fp.nwords_ + row_of[b]);
    }
  }
  for (size_t w = 1; w < fp.kept_bits_.size(); ++w)
    fp.kept_rank_[w] = fp.kept_rank_[w - 1] + static_cast<uint32_t>(std::popcount(fp.kept_bits_[w - 1]));
  const size_t kept = fp.ngram_row_id_.size();

  // Output rows, de-quantized when the model was quantized with -qout.
  const int dim = args.dim;
  const fasttext::Matrix& output = FastTextInternals::Output(model);
  std::vector<double> wo(static_cast<size_t>(fp.nlabels_) * dim);
  fasttext::Vector vec(dim);
  for (int32_t l = 0; l < fp.nlabels_; ++l) {
    vec.zero();
    output.addRowToVector(vec, l);
    for (int j = 0; j < dim; ++j) wo[static_cast<size_t>(l) * dim + j] = vec[j];
  }
  // Projects input row `id` onto the labels (in double: one rounding, when stored as float).
  auto project = [&](int32_t id, double* out) {
    model.getInputVector(vec, id);
    for (int32_t l = 0; l < fp.nlabels_; ++l) {
      double d = 0;
      for (int j = 0; j < dim; ++j) d += wo[static_cast<size_t>(l) * dim + j] * static_cast<double>(vec[j]);
      out[l] = d;
    }
  };
  // Projections of the kept n-gram rows, in bucket order (index = BucketRank); the doubles are
  // kept while building so word sums are rounded once.
  std::vector<double> ngram_d(kept * kMaxLabels, 0.0);
  fp.ngram_proj_.assign(kept * kRowStride, 0.0f);
  for (size_t k = 0; k < kept; ++k) {
    double* d = &ngram_d[k * kMaxLabels];
    project(fp.ngram_row_id_[k], d);
    for (size_t l = 0; l < kMaxLabels; ++l) fp.ngram_proj_[k * kRowStride + l] = static_cast<float>(d[l]);
  }

  // Vocabulary: table, sums and counts; each word's rows recomputed with our hashing must be the
  // dictionary's own list (Dictionary::initNgrams), or prediction would differ.
  size_t cap = 16;
  while (cap < static_cast<size_t>(fp.nwords_) * 2) cap <<= 1;
  fp.slots_.assign(cap, Slot{});
  fp.words_.assign(fp.nwords_, WordRecord{});
  std::vector<int32_t> mine, ranks;
  double own[kMaxLabels];
  for (int32_t w = 0; w < fp.nwords_; ++w) {
    const std::string word = dict->getWord(w);
    WordRecord& rec = fp.words_[w];
    rec.offset = static_cast<uint32_t>(fp.pool_.size());
    rec.length = static_cast<uint32_t>(word.size());
    fp.pool_ += word;
    mine.assign(1, w);
    ranks.clear();
    if (word != fp.eos_) {
      fp.ForEachSubwordBucket(word, [&](uint32_t b) {
        const int32_t k = fp.BucketRank(b);
        if (k < 0) return;
        ranks.push_back(k);
        mine.push_back(fp.ngram_row_id_[k]);
      });
    }
    const std::vector<int32_t> expected = fp.maxn_ <= 0 ? std::vector<int32_t>{w} : dict->getSubwords(w);
    if (mine != expected)
      return Error::Permanent("MODEL_INVALID", "fast path subword hashing differs from fastText's for '" + word + "'");
    double sum[kMaxLabels] = {};
    project(w, own);
    for (int32_t l = 0; l < fp.nlabels_; ++l) sum[l] += own[l];
    for (const int32_t k : ranks) {
      const double* d = &ngram_d[static_cast<size_t>(k) * kMaxLabels];
      for (int32_t l = 0; l < fp.nlabels_; ++l) sum[l] += d[l];
    }
    for (int32_t l = 0; l < fp.nlabels_; ++l) rec.sum[l] = static_cast<float>(sum[l]);
    rec.rows = static_cast<uint32_t>(mine.size());
    const uint32_t h = FnvHash(word);
    size_t s = h & (cap - 1);
    while (fp.slots_[s].word >= 0) s = (s + 1) & (cap - 1);
    fp.slots_[s] = Slot{h, w};
  }
  return fp;
}

void FastTextFastPath::InputRows(std::string_view line, std::vector<int32_t>& rows) const {
  rows.clear();
  std::vector<int32_t> hashes;
  ForEachToken(line, eos_, [&](std::string_view token, bool eos) {
    const uint32_t h = FnvHash(token);
    const int32_t w = FindWord(token, h);
    if (w < 0 && IsLabel(token)) return;
    if (w >= 0) {
      rows.push_back(w);
      if (maxn_ > 0 && !eos)
        ForEachSubwordBucket(token, [&](uint32_t b) {
          if (const int32_t k = BucketRank(b); k >= 0) rows.push_back(ngram_row_id_[k]);
        });
    } else if (!eos) {
      ForEachSubwordBucket(token, [&](uint32_t b) {
        if (const int32_t k = BucketRank(b); k >= 0) rows.push_back(ngram_row_id_[k]);
      });
    }
    hashes.push_back(static_cast<int32_t>(h));
  });
  if (bucket_ == 0) return;
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(hashes[i]));
    for (size_t j = i + 1; j < hashes.size() && j < i + word_ngrams_; ++j) {
      h = h * kWordNgramPrime + static_cast<uint64_t>(static_cast<int64_t>(hashes[j]));
      if (const int32_t k = BucketRank(static_cast<uint32_t>(h % bucket_)); k >= 0) rows.push_back(ngram_row_id_[k]);
    }
  }
}

// Out of line: most tokens are in the vocabulary, and the token loop of Probabilities stays
// small enough to inline (measured: with this body inlined, in-vocabulary text cost 3 % more).
[[gnu::noinline]] void FastTextFastPath::AddOutOfVocabulary(std::string_view token, uint32_t hash, double* acc,
                                                            size_t& count) const {
  OovMemo& memo = OovMemo::For(tables_id_);
  const int32_t* ranks = nullptr;
  size_t n = 0;
  if (memo.Find(token, hash, ranks, n)) {
    for (size_t i = 0; i < n; ++i) AddRow(acc, &ngram_proj_[static_cast<size_t>(ranks[i]) * kRowStride]);
    count += n;
    return;
  }
  // Computed as before, the ranks written straight into the memo, which then keeps them.
  const size_t before = count;
  const size_t bound = (bow_.size() + token.size() + eow_.size()) * static_cast<size_t>(std::max(maxn_, 0));
  int32_t* slot = memo.Begin(token, bound);
  ForEachSubwordBucket(token, [&](uint32_t b) {
    const int32_t k = BucketRank(b);
    if (k >= 0) {
      AddRow(acc, &ngram_proj_[static_cast<size_t>(k) * kRowStride]);
      if (slot != nullptr) slot[count - before] = k;
      ++count;
    }
  });
  if (slot != nullptr) memo.Commit(token, hash, count - before);
}

size_t FastTextFastPath::Probabilities(std::string_view line, Probs& probs) const {
  // Summed in double: a long review adds thousands of rows, and float sums would drift from
  // the exact mean by more than fastText's own float rounding does.
  alignas(64) double acc[kMaxLabels] = {};
  size_t count = 0;
  // The last word_ngrams_ - 1 token hashes (sign-extended as Dictionary::addWordNgrams does).
  uint64_t ring[kMaxWordNgrams];
  size_t ntokens = 0;
  const size_t back = static_cast<size_t>(word_ngrams_ - 1);
  auto add_bucket = [&](uint32_t b) {
    const int32_t k = BucketRank(b);
    if (k >= 0) {
      AddRow(acc, &ngram_proj_[static_cast<size_t>(k) * kRowStride]);
      ++count;
    }
  };
  ForEachToken(line, eos_, [&](std::string_view token, bool eos) {
    const uint32_t h = FnvHash(token);
    const int32_t w = FindWord(token, h);
    if (w >= 0) {
      AddRow(acc, words_[w].sum);
      count += words_[w].rows;
    } else if (IsLabel(token)) {
      return;  // labels are neither input rows nor part of word n-grams
    } else if (!eos) {
      AddOutOfVocabulary(token, h, acc, count);
    }
    const uint64_t hj = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(h)));
    if (back > 0 && bucket_ > 0) {
      // Every word n-gram ending at this token: starts ntokens-back .. ntokens-1.
      const size_t first = ntokens > back ? ntokens - back : 0;
      for (size_t i = first; i < ntokens; ++i) {
        uint64_t g = ring[i % kMaxWordNgrams];
        for (size_t k = i + 1; k < ntokens; ++k) g = g * kWordNgramPrime + ring[k % kMaxWordNgrams];
        add_bucket(static_cast<uint32_t>((g * kWordNgramPrime + hj) % bucket_));
      }
    }
    ring[ntokens % kMaxWordNgrams] = hj;
    ++ntokens;
  });
  if (count == 0) return 0;
  // The mean of the rows' logits (Model::computeHidden averages the rows in float, then the
  // output matrix applies; the same up to rounding), then SoftmaxLoss::computeOutput in float.
  const double scale = 1.0 / static_cast<double>(count);
  float max = static_cast<float>(acc[0] * scale);
  for (int32_t l = 0; l < nlabels_; ++l) {
    probs[l] = static_cast<float>(acc[l] * scale);
    max = std::max(max, probs[l]);
  }
  float z = 0;
  for (int32_t l = 0; l < nlabels_; ++l) {
    probs[l] = static_cast<float>(std::exp(static_cast<double>(probs[l] - max)));  // fastText calls exp(double)
    z += probs[l];
  }
  for (int32_t l = 0; l < nlabels_; ++l) probs[l] /= z;
  return count;
}

size_t FastTextFastPath::MemoryBytes() const {
  return slots_.size() * sizeof(Slot) + pool_.size() + words_.size() * sizeof(WordRecord) +
         kept_bits_.size() * sizeof(uint64_t) + kept_rank_.size() * sizeof(uint32_t) +
         ngram_proj_.size() * sizeof(float) + ngram_row_id_.size() * sizeof(int32_t);
}

}  // namespace worthit::analysis::reviews
