#include "analysis/reviews/negation_marker.h"

#include <cstdint>
#include <iterator>
#include <string_view>

namespace worthit::analysis::reviews {
namespace {

// Negation words of the training languages and Italian (which reaches the model through the
// lexical bridge, and keeps its "non"/"mai"/"senza" when the bridge has no row for a phrase).
// French "ne"/"n'" and "pas" are both cues: "ne fonctionne pas bien" marks what follows "ne".
constexpr std::string_view kCues[] = {
    // en
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "cannot",
    // de
    "nicht", "kein", "keine", "keinen", "keiner", "keines", "keinem", "nie", "niemals", "nichts", "ohne",
    // es
    "nunca", "nada", "ni", "sin", "tampoco", "jam\u00e1s",
    // fr
    "ne", "pas", "jamais", "rien", "sans", "aucun", "aucune",
    // it (and fr "non")
    "non", "mai", "niente", "senza", "nessun", "nessuna"};

// Words that end a negation's scope besides punctuation ("not cheap but good": "good" is not
// negated).
constexpr std::string_view kContrasts[] = {"but", "aber", "pero", "mais", "ma", "however"};

// Every token of every review and sentence goes through these two tests, so they are a bitmask
// of the cue words' first letters (most tokens stop there) and then a short scan, not a hash:
// two std::unordered_set look-ups per token cost ~1.75 us a review (reviews_bench,
// BM_MarkNegation), this ~1 us.
constexpr uint32_t FirstLetters(const std::string_view* words, size_t n) {
  uint32_t mask = 0;
  for (size_t i = 0; i < n; ++i) mask |= 1u << (words[i][0] - 'a');
  return mask;
}
constexpr uint32_t kCueLetters = FirstLetters(kCues, std::size(kCues));
constexpr uint32_t kContrastLetters = FirstLetters(kContrasts, std::size(kContrasts));

bool StartsWithLetterIn(std::string_view t, uint32_t mask) {
  const char c = t[0];
  return c >= 'a' && c <= 'z' && (mask >> (c - 'a')) & 1u;
}

bool IsCue(std::string_view t) {
  // English contractions as NormalizeReviewText splits them ("doesn'", "can'"), and French "n'".
  if (t.size() >= 2 && t[t.size() - 1] == '\'' && t[t.size() - 2] == 'n' && (t.size() == 2 || t.size() > 3))
    return true;
  if (t.size() > 8 || !StartsWithLetterIn(t, kCueLetters)) return false;
  // Length and first byte before memcmp: several cues share a length and a first letter.
  for (const auto cue : kCues)
    if (cue.size() == t.size() && cue[0] == t[0] && cue == t) return true;
  return false;
}

// Punctuation tokens (NormalizeReviewText makes each its own token) and contrast words.
bool IsBoundary(std::string_view t) {
  if (t.size() == 1) {
    switch (t[0]) {
      case '.':
      case ',':
      case '!':
      case '?':
      case ';':
      case ':':
      case '(':
      case ')':
      case '"':
      case '-': return true;
      default: return false;
    }
  }
  if (t.size() == 3 && t[0] == '\xE2' && t == "\u2026") return true;  // …
  if (t.size() > 7 || !StartsWithLetterIn(t, kContrastLetters)) return false;
  for (const auto word : kContrasts)
    if (word.size() == t.size() && word[0] == t[0] && word == t) return true;
  return false;
}

}  // namespace

void MarkNegationInto(std::string_view normalized, int scope, std::string& out) {
  out.clear();
  if (scope <= 0) {
    out.assign(normalized);
    return;
  }
  out.reserve(normalized.size() + normalized.size() / 2);
  // The text is copied in spans: only a marked token interrupts the copy (to insert "neg_"), so
  // the common unmarked token costs its scan and its two tests, not an append.
  size_t copied = 0;  // normalized[0, copied) is in `out`
  int left = 0;
  std::string_view previous;  // the previous non-empty token
  for (size_t i = 0; i <= normalized.size();) {
    size_t end = normalized.find(' ', i);
    if (end == std::string_view::npos) end = normalized.size();
    const std::string_view token = normalized.substr(i, end - i);
    if (!token.empty()) {
      if (IsBoundary(token)) {
        left = 0;
      } else if (token == "t" && previous.ends_with("n'")) {
        // the "t" of "doesn' t": part of the cue, not of its scope
      } else if (left > 0) {
        out.append(normalized.substr(copied, i - copied));
        out.append("neg_");
        copied = i;
        --left;
      } else if (IsCue(token)) {
        left = scope;
      }
      previous = token;
    }
    i = end + 1;
  }
  out.append(normalized.substr(copied));
}

std::string MarkNegation(std::string_view normalized, int scope) {
  std::string out;
  MarkNegationInto(normalized, scope, out);
  return out;
}

}  // namespace worthit::analysis::reviews
