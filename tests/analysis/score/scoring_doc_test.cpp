// Checks docs/scoring.md's worked examples against ComputeScore, so the doc cannot drift.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/score/worthit_score.h"

namespace worthit::analysis::score {
namespace {

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the first bar
  while (std::getline(in, cell, '|')) {
    const auto b = cell.find_first_not_of(' ');
    const auto e = cell.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

bool Absent(const std::string& s) { return s == "–" || s == "-" || s.empty(); }
std::optional<double> Opt(const std::string& s) {
  if (Absent(s)) return std::nullopt;
  return std::stod(s);
}

TEST(ScoringDoc, WorkedExamplesMatchTheCode) {
  std::ifstream in(WORTHIT_SOURCE_DIR "/docs/scoring.md");
  ASSERT_TRUE(in) << "docs/scoring.md missing";
  std::string line;
  bool inside = false;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.find("examples:begin") != std::string::npos) inside = true;
    if (line.find("examples:end") != std::string::npos) inside = false;
    if (!inside || line.rfind("| ", 0) != 0 || line.find("| example |") == 0) continue;
    const auto c = Cells(line);
    ASSERT_EQ(c.size(), 16u) << line;
    SCOPED_TRACE(c[0]);
    ScoreInput si;
    si.rating = Opt(c[1]);
    si.rating_count = std::stoll(c[2]);
    si.adjusted_rating = Opt(c[3]);
    si.trust = c[4] == "alta"    ? TrustLevel::kHigh
               : c[4] == "media" ? TrustLevel::kMedium
               : c[4] == "bassa" ? TrustLevel::kLow
                                 : TrustLevel::kUnknown;
    si.text_mean = Opt(c[5]);
    si.reviews_with_text = std::stoi(c[6]);
    si.price = Opt(c[7]);
    si.typical_price = Opt(c[8]);
    si.lowest_price = Opt(c[9]);
    si.price_observations = std::stoll(c[10]);
    si.value_mentions = std::stoi(c[11]);
    const auto slash = c[12].find('/');
    ASSERT_NE(slash, std::string::npos) << c[12];
    si.value_positive = std::stoi(c[12].substr(0, slash));
    si.value_negative = std::stoi(c[12].substr(slash + 1));
    const auto r = ComputeScore(si);
    // b and s are checked whenever the row gives them, also for "too few" rows (no score shown,
    // the trail is still computed).
    if (!Absent(c[13])) EXPECT_NEAR(r.bayesian, std::stod(c[13]), 0.0005);
    if (!Absent(c[14])) EXPECT_NEAR(r.blended, std::stod(c[14]), 0.0005);
    if (Absent(c[15])) {
      EXPECT_FALSE(r.has_score);
    } else {
      ASSERT_TRUE(r.has_score);
      EXPECT_NEAR(r.score, std::stod(c[15]), 1e-9);
    }
    ++rows;
  }
  EXPECT_GE(rows, 14);
}

}  // namespace
}  // namespace worthit::analysis::score
