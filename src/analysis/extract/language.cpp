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

std::string DetectLanguage(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalpha(c) || c >= 0x80) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
    if (tokens.size() > 400) break;  // the first few sentences decide
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  std::array<int, kLangs.size()> hits{};
  for (const auto& t : tokens) {
    for (size_t i = 0; i < kLangs.size(); ++i) {
      if (std::find(kLangs[i].words.begin(), kLangs[i].words.end(), t) != kLangs[i].words.end()) ++hits[i];
    }
  }
  const auto best = std::max_element(hits.begin(), hits.end());
  if (*best < kMinHits) return "";
  // A tie between two languages is no answer.
  if (std::count(hits.begin(), hits.end(), *best) > 1) return "";
  return std::string(kLangs[best - hits.begin()].code);
}

}  // namespace worthit::analysis::extract
