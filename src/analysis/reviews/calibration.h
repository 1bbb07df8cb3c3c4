// Calibration: per-language monotone maps from a model's expected stars to observed stars.
//
// Fitted by isotonic regression (pool-adjacent-violators) on a validation split the model did not
// train on, then applied by linear interpolation between the fitted knots. The language "*" is
// the map fitted on all languages, used for languages without their own (Italian today).
// Text format (one knot per line, '#' comments): `lang<TAB>x<TAB>y`, x ascending per language.
//
// It also carries the decision rule that turns probabilities into the predicted stars (fitted on
// the same validation split): a line `decide<TAB>neighbour<TAB>a` selects the minimum-expected-
// cost rule, stars = argmax_k sum_j p_j U(k, j) with U = 1 when k == j, a when |k - j| == 1, 0
// otherwise. a = 0 (or no such line, as in files written before the rule existed) is the plain
// argmax; a > 0 prefers a star whose neighbours are also likely, which trades a little exact
// accuracy for within-one accuracy on an over-confident classifier.
//
// And it names the model's ensemble companion, when there is one: a line
// `ensemble<TAB>FILE<TAB>w` says that the model's probabilities are w * (this model's) + (1 - w) *
// (FILE's), FILE being a second fastText model in the same directory (a plain file name, e.g.
// `reviews.words.ftz`, written by `worthit train`). The maps and the rule above were fitted on
// that average, so the loader refuses to run the main model alone when the .calib names a
// companion it cannot load. No such line: a single model (every file written before the ensemble).
//
// And whether the model reads negation-marked text: a line `negation<TAB>scope` (1..10) says the
// model was trained on text marked by MarkNegationInto(text, scope) (negation_marker.h), so its
// input must be marked the same way; no such line (every file written before it): plain text.
// Thread-safety: immutable after construction; Apply is const. Failure modes: Parse returns
// CALIBRATION_INVALID on malformed lines.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace worthit::analysis::reviews {

class Calibration {
 public:
  using Knots = std::vector<std::pair<double, double>>;

  // Isotonic fit of y on x (pairs need not be sorted). Knots are the block means, at most
  // `max_knots` (blocks are merged evenly beyond that so the file stays small).
  static Knots FitIsotonic(std::vector<std::pair<double, double>> xy, size_t max_knots = 24);
  static Result<Calibration> Parse(std::string_view text);

  void Set(const std::string& lang, Knots knots) { maps_[lang] = std::move(knots); }
  bool Empty() const { return maps_.empty(); }
  // Maps x through `lang`'s knots, else "*", else returns x unchanged. Clamped to [1, 5].
  double Apply(std::string_view lang, double x) const;
  std::string Serialize() const;
  const std::map<std::string, Knots>& maps() const { return maps_; }

  // The decision rule (see above). Values outside [0, 1) are clamped into it: at a >= 1 a middle
  // star would beat the argmax whenever the mass is split, which is no longer a decision rule.
  void SetNeighbourUtility(double a);
  double neighbour_utility() const { return neighbour_utility_; }
  // Stars 1..5 chosen from probabilities P(1)..P(5) by the rule; a tie goes to the star nearest
  // the expected stars (so the uniform "no text" distribution gives 3).
  int DecideStars(const std::array<double, 5>& probs) const { return DecideStars(probs, neighbour_utility_); }
  static int DecideStars(const std::array<double, 5>& probs, double neighbour_utility);

  // The ensemble companion (see above): `file` a plain file name (no '/'), `main_weight` in
  // (0, 1). An empty name means no companion.
  void SetCompanion(std::string file, double main_weight);
  const std::string& companion() const { return companion_; }

  // Negation marking of the model's input (see above): 0 = none, else 1..kMaxNegationScope.
  void SetNegationScope(int scope);
  int negation_scope() const { return negation_scope_; }
  double main_weight() const { return main_weight_; }

 private:
  std::map<std::string, Knots> maps_;
  double neighbour_utility_ = 0;
  std::string companion_;
  double main_weight_ = 1;
  int negation_scope_ = 0;
};

}  // namespace worthit::analysis::reviews
