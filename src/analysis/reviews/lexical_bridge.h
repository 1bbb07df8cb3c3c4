// LexicalBridge: replaces opinion words of a language the review model was not trained on with
// their English equivalents before prediction (see bridge.tsv for why and how to maintain it).
// Input and output are normalised text (NormalizeReviewText): tokens separated by single spaces.
// Longest match first, phrases of up to kMaxPhrase tokens. Languages without rows pass through.
// Thread-safety: immutable after construction; Builtin() is a function-local static.
// Failure modes: Parse returns BRIDGE_INVALID on a malformed row.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace worthit::analysis::reviews {

class LexicalBridge {
 public:
  static constexpr size_t kMaxPhrase = 3;

  static Result<LexicalBridge> Parse(std::string_view tsv);
  static const LexicalBridge& Builtin();

  bool Covers(std::string_view lang) const { return by_lang_.count(std::string(lang)) > 0; }
  std::string Apply(std::string_view lang, std::string_view normalized) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> by_lang_;  // lang -> phrase -> English
};

}  // namespace worthit::analysis::reviews
