// Negation scope marking: the review model's view of normalised text in which the few words after
// a negation carry a "neg_" prefix ("it doesn' t work at all . not good" -> "it doesn' t neg_work
// neg_at neg_all . not neg_good"), so that a bag of words tells "good" from "not good" beyond the
// one bigram that joins them (and "not really good at all" from "really good").
//
// Applied after NormalizeReviewText (and after the lexical bridge) to the model's input only,
// both when `worthit train` writes its training files and when the model predicts; the aspect
// matcher and the pros/cons quotes keep the plain normalised text. A model trained with marking
// says so in its .calib (`negation<TAB>scope`, Calibration::negation_scope), and only such a
// model gets marked input: models trained before it stay valid.
//
// The rule (pure, token by token over the space-separated normalised text):
//  - a cue (a negation word of en/de/es/fr/it, below, or an English contraction ending in "n'",
//    as NormalizeReviewText splits "doesn't" into "doesn' t") opens a scope of `scope` tokens;
//  - the next `scope` tokens are written "neg_" + token; the "t" of a contraction is skipped
//    (neither marked nor counted); a cue inside a scope is marked like any token and does not
//    reopen it;
//  - a punctuation token (. , ! ? ; : ( ) " - …) or a contrast word (but, aber, pero, mais, ma,
//    however) closes the scope and is never marked.
// Measured (models/README.md, session 4): 5-fold cross-validation of the shipped pipeline with
// scope 10 (in practice: to the next punctuation) against the same model without marking, same
// folds: +1.3 +- 0.5 points of English exact accuracy, within one star up in every language.
// Cost: ~1 us a review (reviews_bench BM_MarkNegation), a fifth of the model's time.
// Thread-safety: pure functions. Failure modes: none (any bytes pass through; tokens are split on
// ' ' only, as fastText splits the normalised text).
#pragma once

#include <string>
#include <string_view>

namespace worthit::analysis::reviews {

// Largest scope a .calib may ask for: beyond a clause the marks stop meaning "negated".
inline constexpr int kMaxNegationScope = 10;

// Writes the marked `normalized` into `out` (cleared first; its capacity is reused). scope <= 0
// copies the text unchanged. `normalized` must not alias `out`.
void MarkNegationInto(std::string_view normalized, int scope, std::string& out);
std::string MarkNegation(std::string_view normalized, int scope);

}  // namespace worthit::analysis::reviews
