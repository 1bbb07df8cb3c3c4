// Review text normalisation and sentence splitting, shared by training and prediction so the
// model always sees text the way it was trained on.
//
// NormalizeReviewText: UTF-8 aware lowercase (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic
// basics), URLs folded to the token "__url__", digit runs (with their decimal separator) folded to
// "__num__", punctuation split off as its own token (so "great!" and "great" share the word
// "great" and "!" is a signal of its own), elisions split ("l'acqua" -> "l' acqua"), whitespace
// collapsed, newlines removed (fastText reads one example per line).
// SplitSentences: splits on . ! ? ; and newlines, keeps sentences of 3..300 bytes trimmed; decimal
// points ("4.5") and common abbreviations are not boundaries.
// Thread-safety: pure functions. Failure modes: invalid UTF-8 bytes pass through unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace worthit::analysis::reviews {

std::string NormalizeReviewText(std::string_view text);
// The same into `out` (cleared first; its capacity is reused, so a caller's buffer makes
// normalisation allocation-free). Idempotent: normalising normalised text changes nothing.
void NormalizeReviewTextInto(std::string_view text, std::string& out);

std::vector<std::string> SplitSentences(std::string_view text);

// Lowercases one UTF-8 string (same folding as NormalizeReviewText, nothing else).
std::string Utf8Lower(std::string_view text);

}  // namespace worthit::analysis::reviews
