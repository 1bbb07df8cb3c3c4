#include "analysis/reviews/calibration.h"

#include "analysis/reviews/negation_marker.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace worthit::analysis::reviews {

Calibration::Knots Calibration::FitIsotonic(std::vector<std::pair<double, double>> xy, size_t max_knots) {
  Knots out;
  if (xy.empty()) return out;
  std::sort(xy.begin(), xy.end());
  struct Block {
    double sx, sy, n;
  };
  std::vector<Block> blocks;
  for (const auto& [x, y] : xy) {
    blocks.push_back({x, y, 1});
    while (blocks.size() > 1) {
      auto& b = blocks[blocks.size() - 1];
      auto& a = blocks[blocks.size() - 2];
      if (a.sy / a.n <= b.sy / b.n) break;
      a.sx += b.sx;
      a.sy += b.sy;
      a.n += b.n;
      blocks.pop_back();
    }
  }
  // Merge neighbours evenly when there are too many blocks: the merged map stays monotone.
  while (blocks.size() > max_knots) {
    std::vector<Block> merged;
    for (size_t i = 0; i < blocks.size(); i += 2) {
      Block b = blocks[i];
      if (i + 1 < blocks.size()) {
        b.sx += blocks[i + 1].sx;
        b.sy += blocks[i + 1].sy;
        b.n += blocks[i + 1].n;
      }
      merged.push_back(b);
    }
    blocks = std::move(merged);
  }
  for (const auto& b : blocks) out.emplace_back(b.sx / b.n, b.sy / b.n);
  return out;
}

double Calibration::Apply(std::string_view lang, double x) const {
  auto it = maps_.find(std::string(lang));
  if (it == maps_.end()) it = maps_.find("*");
  double y = x;
  if (it != maps_.end() && !it->second.empty()) {
    const auto& k = it->second;
    if (x <= k.front().first) {
      y = k.front().second;
    } else if (x >= k.back().first) {
      y = k.back().second;
    } else {
      auto hi = std::upper_bound(k.begin(), k.end(), x, [](double v, const auto& p) { return v < p.first; });
      auto lo = hi - 1;
      const double span = hi->first - lo->first;
      const double t = span > 0 ? (x - lo->first) / span : 0;
      y = lo->second + t * (hi->second - lo->second);
    }
  }
  return std::clamp(y, 1.0, 5.0);
}

void Calibration::SetCompanion(std::string file, double main_weight) {
  companion_ = std::move(file);
  main_weight_ = companion_.empty() ? 1 : std::clamp(main_weight, 0.01, 0.99);
}

void Calibration::SetNegationScope(int scope) { negation_scope_ = std::clamp(scope, 0, kMaxNegationScope); }

void Calibration::SetNeighbourUtility(double a) { neighbour_utility_ = std::clamp(a, 0.0, 0.99); }

int Calibration::DecideStars(const std::array<double, 5>& probs, double neighbour_utility) {
  double expected = 0;
  for (int s = 0; s < 5; ++s) expected += (s + 1) * probs[s];
  int best = -1;
  double best_utility = 0;
  for (int s = 0; s < 5; ++s) {
    const double u = probs[s] + neighbour_utility * ((s > 0 ? probs[s - 1] : 0) + (s < 4 ? probs[s + 1] : 0));
    if (best < 0 || u > best_utility ||
        (u == best_utility && std::abs(s + 1 - expected) < std::abs(best + 1 - expected))) {
      best = s;
      best_utility = u;
    }
  }
  return best + 1;
}

std::string Calibration::Serialize() const {
  std::string out = "# worthit review-model calibration: lang<TAB>expected<TAB>observed (isotonic knots)\n";
  char buf[64];
  if (!companion_.empty()) {
    std::snprintf(buf, sizeof buf, "\t%.3f\n", main_weight_);
    out += "# ensemble: probabilities = w * this model's + (1 - w) * the companion's (file next to it)\n";
    out += "ensemble\t" + companion_ + buf;
  }
  if (negation_scope_ > 0) {
    std::snprintf(buf, sizeof buf, "negation\t%d\n", negation_scope_);
    out += "# input: the model reads negation-marked text (negation_marker.h), this many tokens per cue\n";
    out += buf;
  }
  if (neighbour_utility_ > 0) {
    std::snprintf(buf, sizeof buf, "decide\tneighbour\t%.3f\n", neighbour_utility_);
    out += "# decision rule: stars maximise P(k) + a * (P(k-1) + P(k+1))\n";
    out += buf;
  }
  for (const auto& [lang, knots] : maps_) {
    for (const auto& [x, y] : knots) {
      std::snprintf(buf, sizeof buf, "\t%.5f\t%.5f\n", x, y);
      out += lang;
      out += buf;
    }
  }
  return out;
}

Result<Calibration> Calibration::Parse(std::string_view text) {
  Calibration c;
  std::istringstream in{std::string(text)};
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("ensemble\t")) {
      std::istringstream ls(line.substr(9));
      std::string file;
      double w = 0;
      if (!(std::getline(ls, file, '\t') && ls >> w) || file.empty() || file.find('/') != std::string::npos ||
          file == "." || file == ".." || !(w > 0 && w < 1)) {
        return Error::Invalid("CALIBRATION_INVALID",
                              "line " + std::to_string(line_no) + ": want ensemble<TAB>file name<TAB>w, 0 < w < 1");
      }
      c.SetCompanion(std::move(file), w);
      continue;
    }
    if (line.starts_with("negation\t")) {
      std::istringstream ls(line.substr(9));
      int scope = 0;
      if (!(ls >> scope) || scope < 1 || scope > kMaxNegationScope) {
        return Error::Invalid("CALIBRATION_INVALID",
                              "line " + std::to_string(line_no) +
                                  ": want negation<TAB>scope, 1 <= scope <= " + std::to_string(kMaxNegationScope));
      }
      c.SetNegationScope(scope);
      continue;
    }
    if (line.starts_with("decide\t")) {
      std::istringstream ls(line.substr(7));
      std::string rule;
      double a = 0;
      if (!(std::getline(ls, rule, '\t') && ls >> a) || rule != "neighbour" || !(a >= 0 && a < 1)) {
        return Error::Invalid("CALIBRATION_INVALID",
                              "line " + std::to_string(line_no) + ": want decide<TAB>neighbour<TAB>a, 0 <= a < 1");
      }
      c.SetNeighbourUtility(a);
      continue;
    }
    std::istringstream ls(line);
    std::string lang;
    double x = 0, y = 0;
    if (!(std::getline(ls, lang, '\t') && ls >> x >> y) || lang.empty()) {
      return Error::Invalid("CALIBRATION_INVALID", "line " + std::to_string(line_no) + ": want lang<TAB>x<TAB>y");
    }
    auto& knots = c.maps_[lang];
    if (!knots.empty() && x < knots.back().first) {
      return Error::Invalid("CALIBRATION_INVALID", "line " + std::to_string(line_no) + ": x not ascending");
    }
    knots.emplace_back(x, y);
  }
  return c;
}

}  // namespace worthit::analysis::reviews
