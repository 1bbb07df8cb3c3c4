#include "analysis/reviews/negation_marker.h"

#include <string_view>
#include <unordered_set>

namespace worthit::analysis::reviews {
namespace {

// Negation words of the training languages and Italian (which reaches the model through the
// lexical bridge, and keeps its "non"/"mai"/"senza" when the bridge has no row for a phrase).
// French "ne"/"n'" and "pas" are both cues: "ne fonctionne pas bien" marks what follows "ne".
bool IsCue(std::string_view t) {
  static const std::unordered_set<std::string_view> kCues = {
      // en
      "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "cannot",
      // de
      "nicht", "kein", "keine", "keinen", "keiner", "keines", "keinem", "nie", "niemals", "nichts", "ohne",
      // es
      "nunca", "nada", "ni", "sin", "tampoco", "jamás",
      // fr
      "ne", "pas", "jamais", "rien", "sans", "aucun", "aucune",
      // it (and fr "non")
      "non", "mai", "niente", "senza", "nessun", "nessuna"};
  if (kCues.contains(t)) return true;
  // English contractions as NormalizeReviewText splits them ("doesn'", "can'"), and French "n'".
  return t == "n'" || (t.size() > 3 && t.ends_with("n'"));
}

// Tokens that end a negation's scope: punctuation (NormalizeReviewText makes each its own token)
// and contrast words ("not cheap but good": "good" is not negated).
bool IsBoundary(std::string_view t) {
  static const std::unordered_set<std::string_view> kBoundaries = {
      ".", ",", "!", "?", ";", ":", "(", ")", "\"", "-", "\u2026", "but", "aber", "pero", "mais", "ma", "however"};
  return kBoundaries.contains(t);
}

}  // namespace

void MarkNegationInto(std::string_view normalized, int scope, std::string& out) {
  out.clear();
  if (scope <= 0) {
    out.assign(normalized);
    return;
  }
  out.reserve(normalized.size() + normalized.size() / 2);
  int left = 0;
  std::string_view previous;  // the previous token as read (unmarked)
  size_t i = 0;
  while (i <= normalized.size()) {
    size_t end = normalized.find(' ', i);
    if (end == std::string_view::npos) end = normalized.size();
    const std::string_view token = normalized.substr(i, end - i);
    if (i > 0) out.push_back(' ');
    if (token.empty()) {
      // Consecutive spaces (not in normalised text, but any bytes must pass): keep them.
    } else if (IsBoundary(token)) {
      left = 0;
      out.append(token);
    } else if (token == "t" && previous.ends_with("n'")) {
      out.append(token);  // the "t" of "doesn' t": part of the cue, not of its scope
    } else if (left > 0) {
      out.append("neg_");
      out.append(token);
      --left;
    } else {
      out.append(token);
      if (IsCue(token)) left = scope;
    }
    if (!token.empty()) previous = token;
    i = end + 1;
  }
}

std::string MarkNegation(std::string_view normalized, int scope) {
  std::string out;
  MarkNegationInto(normalized, scope, out);
  return out;
}

}  // namespace worthit::analysis::reviews
