// LexicalBridge: replaces opinion words of a language the review model was not trained on with
// their English equivalents before prediction (see bridge.tsv for why and how to maintain it).
// Input and output are normalised text (NormalizeReviewText): tokens separated by single spaces.
// Longest match first, phrases of up to kMaxPhrase tokens. Languages without rows pass through.
// Thread-safety: immutable after construction; Builtin() is a function-local static.
// Failure modes: Parse returns BRIDGE_INVALID on a malformed row.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/result.h"

namespace worthit::analysis::reviews {

class LexicalBridge {
 public:
  static constexpr size_t kMaxPhrase = 3;

  static Result<LexicalBridge> Parse(std::string_view tsv);
  static const LexicalBridge& Builtin();

  bool Covers(std::string_view lang) const { return by_lang_.find(lang) != by_lang_.end(); }
  std::string Apply(std::string_view lang, std::string_view normalized) const;
  // The same into `out` (cleared first; reusing its capacity). `out` must not alias `normalized`.
  void ApplyInto(std::string_view lang, std::string_view normalized, std::string& out) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // One language's rows. Phrases are looked up as slices of the normalised text (tokens are
  // separated by one space, so "a b" is a substring), and most tokens start no phrase: one
  // look-up in first_tokens skips them (the bridge runs on every Italian review and sentence).
  struct Table {
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> phrases;  // -> English
    std::unordered_set<std::string, Hash, std::equal_to<>> first_tokens;
  };
  std::map<std::string, Table, std::less<>> by_lang_;
};

}  // namespace worthit::analysis::reviews
