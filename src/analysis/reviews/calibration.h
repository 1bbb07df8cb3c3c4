// Calibration: per-language monotone maps from a model's expected stars to observed stars.
//
// Fitted by isotonic regression (pool-adjacent-violators) on a validation split the model did not
// train on, then applied by linear interpolation between the fitted knots. The language "*" is
// the map fitted on all languages, used for languages without their own (Italian today).
// Text format (one knot per line, '#' comments): `lang<TAB>x<TAB>y`, x ascending per language.
// Thread-safety: immutable after construction; Apply is const. Failure modes: Parse returns
// CALIBRATION_INVALID on malformed lines.
#pragma once

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

 private:
  std::map<std::string, Knots> maps_;
};

}  // namespace worthit::analysis::reviews
