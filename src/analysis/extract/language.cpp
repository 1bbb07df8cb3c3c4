#include "analysis/extract/language.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

namespace worthit::analysis::extract {
namespace {

struct Lang {
  std::string_view code;
  std::array<std::string_view, 28> words;
};

// Frequent short words that are rare in the other four languages, and the last four of each row:
// words of short reviews ("Ottimo prodotto, funziona benissimo") that would otherwise match at
// most one function word.
constexpr std::array<Lang, 5> kLangs = {{
    {"it", {"il",    "di",     "che",    "non", "per",    "una",      "sono",      "molto",  "con",      "ma",
            "della", "questo", "anche",  "ho",  "gli",    "mi",       "è",         "più",    "prodotto", "bene",
            "nel",   "come",   "perché", "lo",  "ottimo", "funziona", "consiglio", "qualità"}},
    {"en", {"the",  "and",   "is",   "it",  "to",    "of",      "this",      "for",    "was", "with",
            "not",  "my",    "very", "but", "have",  "they",    "you",       "that",   "are", "great",
            "good", "would", "i",    "on",  "works", "product", "recommend", "quality"}},
    {"de", {"der", "die",  "und",  "ist", "nicht",   "das",          "ich",    "es",       "sehr", "mit",
            "ein", "eine", "auch", "für", "auf",     "sich",         "zu",     "war",      "aber", "gut",
            "den", "dem",  "nur",  "wie", "produkt", "funktioniert", "leider", "empfehlen"}},
    {"fr", {"le",  "la",      "les", "et",  "est",        "pas",     "très",       "pour",   "une", "je",
            "des", "du",      "que", "qui", "ce",         "avec",    "mais",       "sur",    "il",  "bien",
            "au",  "produit", "à",   "ne",  "fonctionne", "qualité", "recommande", "parfait"}},
    {"es", {"el",   "la",  "de",  "que", "y",        "es",      "muy",        "para",     "con",  "no",
            "una",  "los", "las", "por", "pero",     "lo",      "se",         "producto", "bien", "del",
            "como", "más", "mi",  "al",  "funciona", "calidad", "recomiendo", "perfecto"}},
}};

// Fewer than this many matched words is too little evidence to name a language.
constexpr int kMinHits = 2;

}  // namespace

namespace {

// Each word of kLangs → the languages (bits, in kLangs order) whose list has it.
const std::unordered_map<std::string_view, unsigned>& WordLanguages() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, unsigned>();
    for (size_t i = 0; i < kLangs.size(); ++i) {
      for (std::string_view w : kLangs[i].words) (*m)[w] |= 1u << i;
    }
    return m;
  }();
  return *map;
}

}  // namespace

// Tokens are runs of ASCII letters and non-ASCII bytes, ASCII lower-cased (as std::isalpha and
// std::tolower read them in the "C" locale, which the process keeps); each of the first
// kMaxTokens counts for every language whose list has it. One pass, no token list, a hash look-up
// per token instead of a scan of all 140 words.
std::string DetectLanguage(std::string_view text) {
  constexpr size_t kMaxTokens = 401;  // the first few sentences decide
  const auto& words = WordLanguages();
  std::array<int, kLangs.size()> hits{};
  std::string cur;
  size_t tokens = 0;
  auto count = [&] {
    ++tokens;
    if (auto it = words.find(cur); it != words.end()) {
      for (size_t i = 0; i < kLangs.size(); ++i) {
        if (it->second & (1u << i)) ++hits[i];
      }
    }
    cur.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || c >= 0x80) {
      cur += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      cur += static_cast<char>(c + ('a' - 'A'));
    } else if (!cur.empty()) {
      count();
      if (tokens >= kMaxTokens) break;
    }
  }
  if (!cur.empty() && tokens < kMaxTokens) count();
  const auto best = std::max_element(hits.begin(), hits.end());
  if (*best < kMinHits) return "";
  // A tie between two languages is no answer.
  if (std::count(hits.begin(), hits.end(), *best) > 1) return "";
  return std::string(kLangs[best - hits.begin()].code);
}

}  // namespace worthit::analysis::extract
