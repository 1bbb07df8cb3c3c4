#include "analysis/reviews/review_cv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/ids.h"

namespace worthit::analysis::reviews {
namespace {

namespace fs = std::filesystem;

std::string Tag(int i) { return std::string("x") + char('a' + i % 26) + char('a' + (i / 26) % 26); }

double CrossEntropy(const StackWeights& w, const std::vector<std::array<double, 10>>& x, const std::vector<int>& y) {
  double ce = 0;
  for (size_t i = 0; i < x.size(); ++i) ce -= std::log(ApplyStack(w, x[i])[y[i] - 1]);
  return ce / static_cast<double>(x.size());
}

// Main's logits are noise, the companion's point at the true star: the fitted map lowers the
// cross-entropy of the plain average and moves weight to the companion.
TEST(FitStack, LearnsWhichModelToTrust) {
  std::vector<std::array<double, 10>> x;
  std::vector<int> y;
  uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53);
  };
  for (int i = 0; i < 600; ++i) {
    const int stars = 1 + i % 5;
    std::array<double, 10> xi{};
    for (int k = 0; k < 5; ++k) xi[k] = 4 * next() - 2;
    for (int k = 0; k < 5; ++k) xi[5 + k] = (k + 1 == stars ? 1.0 : 0.0) + 0.5 * next();
    x.push_back(xi);
    y.push_back(stars);
  }
  const auto start = FitStack(x, y, 1e-3, 0);  // no step: the plain average
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < 10; ++j) EXPECT_DOUBLE_EQ(start[k][j], j % 5 == k ? 0.5 : 0.0);
  const auto fitted = FitStack(x, y, 1e-3, 300);
  EXPECT_LT(CrossEntropy(fitted, x, y), CrossEntropy(start, x, y) - 0.1);
  double main_mass = 0, companion_mass = 0;
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < 5; ++j) {
      main_mass += std::abs(fitted[k][j]);
      companion_mass += std::abs(fitted[k][5 + j]);
    }
  EXPECT_GT(companion_mass, 2 * main_mass);
  double sum = 0;
  for (const double p : ApplyStack(fitted, x[0])) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

std::vector<LabelledReview> SyntheticReviews(int count) {
  std::vector<LabelledReview> data;
  const char* words[] = {"terrible", "poor", "okay", "good", "excellent"};
  const char* things[] = {"battery", "screen", "size", "price", "sound", "delivery", "case", "cable"};
  for (int i = 0; i < count; ++i) {
    const int stars = 1 + i % 5;
    data.push_back(
        {i % 4 == 0 ? "de" : "en", stars, std::string(words[stars - 1]) + " " + things[(i / 5) % 8] + " " + Tag(i)});
  }
  return data;
}

std::vector<std::vector<std::string>> ReadTsv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream s(line);
    std::string f;
    while (std::getline(s, f, '\t')) fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

// The main model alone at full precision: "configured" predicts through LoadReviewModel
// (fastText's own prediction), "main" from the raw logits the cross-validation computes; both
// must agree (fastText smooths probabilities by 1e-5), which checks the logits.
TEST(CrossValidateReviewModel, OutOfFoldOverTrainingAndValidationOnly) {
  const auto data = SyntheticReviews(400);
  auto splits = SplitReviews(data);
  ASSERT_TRUE(splits.ok());
  const size_t cross_validated = splits->train.size() + splits->valid.size();

  const fs::path dir = fs::temp_directory_path() / ("worthit-cv-test-" + RandomId(8));
  fs::create_directories(dir);
  TrainOptions o;
  o.epoch = 8;
  o.dim = 8;
  o.bucket = 5000;
  o.eval_groups = 5;
  o.fold = false;
  o.quantize = false;
  CvOptions cv;
  cv.folds = 4;
  cv.predictions_path = (dir / "oof.tsv").string();
  auto report = CrossValidateReviewModel(data, o, cv);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->folds, 4);
  EXPECT_EQ(report->examples, cross_validated);

  std::set<std::string> names;
  for (const auto& c : report->candidates) {
    names.insert(c.name);
    EXPECT_EQ(c.chosen.size(), 4u) << c.name;
    ASSERT_FALSE(c.langs.empty());
    size_t per_lang = 0;
    for (const auto& l : c.langs) {
      if (l.lang == "all") {
        EXPECT_EQ(l.n, cross_validated);
        if (c.name == "configured") {
          EXPECT_DOUBLE_EQ(l.delta_exact.mean, 0.0);
        }
      } else {
        per_lang += l.n;
      }
      EXPECT_GE(l.exact.mean, 0.0);
      EXPECT_LE(l.exact.mean, 1.0);
      EXPECT_GE(l.exact.sd, 0.0);
    }
    EXPECT_EQ(per_lang, cross_validated);
  }
  EXPECT_EQ(names, (std::set<std::string>{"configured", "configured, 1-fold fit", "main", "words", "average",
                                          "weighted", "stacked"}));
  // The model learns the synthetic task out of fold.
  for (const auto& c : report->candidates) {
    if (c.name == "configured") {
      EXPECT_GT(c.langs.front().exact.mean, 0.9);
    }
  }

  const auto rows = ReadTsv(dir / "oof.tsv");
  ASSERT_EQ(rows.size(), cross_validated + 1);
  std::set<std::string> folds_seen;
  for (size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), 18u);
    folds_seen.insert(rows[r][0]);
    std::array<double, 5> z{}, configured{};
    double m = -1e300;
    for (int k = 0; k < 5; ++k) {
      z[k] = std::stod(rows[r][3 + k]);
      configured[k] = std::stod(rows[r][13 + k]);
      m = std::max(m, z[k]);
    }
    double sum = 0;
    for (auto& v : z) sum += v = std::exp(v - m);
    for (int k = 0; k < 5; ++k) EXPECT_NEAR(z[k] / sum, configured[k], 1e-3) << "row " << r << " star " << k + 1;
  }
  EXPECT_EQ(folds_seen, (std::set<std::string>{"0", "1", "2", "3"}));
  EXPECT_NE(FormatCvReport(*report).find("4-fold cross-validation"), std::string::npos);

  cv.folds = 1;
  EXPECT_FALSE(CrossValidateReviewModel(data, o, cv).ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace worthit::analysis::reviews
