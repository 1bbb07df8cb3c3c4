// AspectLexicon: the aspects reviews talk about (battery, quality, size, price, delivery, ...)
// with a label per language and keywords per language, plus per-language stopwords for
// recurring noun phrases. Source of truth: src/analysis/score/aspects.tsv, embedded into the
// binary at build time (so the executable is self-contained); Parse() reads the same format.
// Thread-safety: immutable after construction; Builtin() is a function-local static.
// Failure modes: Parse returns LEXICON_INVALID on a malformed row.
#pragma once

#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/result.h"

namespace worthit::analysis::score {

class AspectLexicon {
 public:
  struct Keyword {
    std::vector<std::string> words;  // one or more lowercase words (a phrase)
    bool prefix = false;             // the last word matches as a prefix
    std::string lang;                // the row's language
  };
  struct Aspect {
    std::string id;
    std::map<std::string, std::string> labels;  // lang -> label
    std::vector<Keyword> keywords;              // all languages
  };

  static Result<AspectLexicon> Parse(std::string_view tsv);
  static const AspectLexicon& Builtin();

  const std::vector<Aspect>& aspects() const { return aspects_; }
  // Label in `lang`, else English, else the id.
  std::string Label(const std::string& aspect_id, const std::string& lang) const;
  bool IsStopword(const std::string& word) const { return stopwords_.count(word) > 0; }
  // Aspect ids whose keywords occur in the token sequence (tokens lowercase, normalised). With a
  // `lang` that has rows, only that language's keywords count (German "stabil*" must not read
  // Italian "stabile" as quality); with "" or an unknown language, every language's do.
  std::vector<std::string> Match(const std::vector<std::string>& tokens, const std::string& lang = "") const;
  // True when `word` is (or starts with, for prefix keywords) any single-word keyword.
  bool IsKeyword(const std::string& word) const;

 private:
  std::vector<Aspect> aspects_;
  std::unordered_set<std::string> stopwords_;  // looked up for every token pair of every sentence
  std::set<std::string> languages_;
  // Indexes built by Parse (Match runs for every sentence of every page): keywords by their
  // first word, and the single-word prefix keywords that need a StartsWith scan.
  void BuildIndex();
  std::unordered_map<std::string, std::vector<std::pair<size_t, size_t>>> by_first_word_;
  std::vector<std::pair<size_t, size_t>> single_prefix_;
  // single_prefix_ split by the keyword's first byte: a token is only compared with the prefixes
  // that start like it (42 prefixes x every token was a fifth of a page's analysis).
  std::array<std::vector<std::pair<size_t, size_t>>, 256> prefix_by_first_byte_;
  std::unordered_set<std::string> single_exact_;
};

}  // namespace worthit::analysis::score
