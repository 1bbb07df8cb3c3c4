// FoldWordsCompanion against the two models it folds: on lines whose rows were all trained, the
// folded model's logits are exactly w * main's + (1 - w) * scale * (n_companion / n_main) *
// companion's (the documented approximation, nothing else), and the folded model is an ordinary
// fastText model the fast path builds on.
#include "analysis/reviews/fasttext_fold.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/reviews/fasttext_fast_path.h"
#include "common/ids.h"

namespace worthit::analysis::reviews {
namespace {

namespace fs = std::filesystem;

// Star probabilities (index 0..4 = 1..5 stars) of a model through the fast path (softmax in
// float, no log smoothing; its build checks the model's subword hashing).
class Stars {
 public:
  explicit Stars(fasttext::FastText& model) : fast_(FastTextFastPath::Build(model)) {
    const auto dict = model.getDictionary();
    for (int32_t id = 0; id < dict->nlabels(); ++id) star_of_[id] = dict->getLabel(id).back() - '1';
  }
  bool ok() const { return fast_.ok(); }
  std::array<double, 5> operator()(const std::string& line) const {
    FastTextFastPath::Probs probs{};
    EXPECT_GT(fast_->Probabilities(line, probs), 0u);
    std::array<double, 5> out{};
    for (int id = 0; id < 5; ++id) out[star_of_[id]] = probs[id];
    return out;
  }

 private:
  Result<FastTextFastPath> fast_;
  std::array<int, 5> star_of_{};
};

size_t Rows(const fasttext::FastText& model, const std::string& line) {
  std::istringstream in(line + "\n");
  std::vector<int32_t> rows, labels;
  model.getDictionary()->getLine(in, rows, labels);
  return rows.size();
}

TEST(FoldWordsCompanion, ComputesTheWeightedLogitAverageOfBothModels) {
  const fs::path dir = fs::temp_directory_path() / ("worthit-fold-test-" + RandomId(8));
  fs::create_directories(dir);
  // A small vocabulary (few subwords and bigrams, so none collide among 2M folded buckets).
  const char* opinion[] = {"awful", "weak", "fine", "nice", "superb"};
  const char* thing[] = {"lamp", "belt", "cup", "pen"};
  std::vector<std::string> lines;
  for (int i = 0; i < 400; ++i) {
    const int star = i % 5;
    const int other = (star + 1 + (i / 5) % 3) % 5;  // some noise, so probabilities stay soft
    lines.push_back("__label__" + std::to_string(star + 1) + " " + thing[(i / 5) % 4] + " " + opinion[star] + " " +
                    ((i / 7) % 2 ? opinion[other] : thing[(i / 3) % 4]));
  }
  const std::string train_path = (dir / "train.txt").string();
  {
    std::ofstream out(train_path);
    for (const auto& l : lines) out << l << "\n";
  }
  fasttext::Args args;
  args.input = train_path;
  args.output = (dir / "m").string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.lr = 0.3;
  args.epoch = 3;
  args.wordNgrams = 2;
  args.dim = 4;
  args.minn = 3;
  args.maxn = 5;
  args.bucket = 1000;
  args.minCount = 1;
  args.thread = 1;
  args.seed = 1;
  args.verbose = 0;
  fasttext::Args words_args = args;
  words_args.minn = words_args.maxn = 0;
  // Single-threaded with one seed: each pair is trained identically, one to fold, one to compare.
  FoldableFastText main, main_ref, words, words_ref;
  main.train(args);
  main_ref.train(args);
  words.train(words_args);
  words_ref.train(words_args);

  constexpr double kWeight = 0.7, kScale = 3.0;
  auto scale = FoldWordsCompanion(main, words, train_path, kWeight, kScale, 2000);
  ASSERT_TRUE(scale.ok()) << scale.error().ToString();
  EXPECT_DOUBLE_EQ(*scale, kScale);
  EXPECT_EQ(main.getArgs().dim, 8);
  EXPECT_EQ(main.getArgs().bucket, 2'000'000);

  const Stars main_stars(main_ref), words_stars(words_ref), folded_stars(main);
  ASSERT_TRUE(main_stars.ok() && words_stars.ok() && folded_stars.ok());
  int checked = 0;
  for (size_t i = 0; i < lines.size(); i += 37) {
    const std::string text = lines[i].substr(lines[i].find(' ') + 1);
    const auto pm = main_stars(text), pw = words_stars(text), pf = folded_stars(text);
    const double ratio = static_cast<double>(Rows(words_ref, text)) / static_cast<double>(Rows(main_ref, text));
    for (int k = 1; k < 5; ++k) {
      const double expected =
          kWeight * std::log(pm[k] / pm[0]) + (1 - kWeight) * kScale * ratio * std::log(pw[k] / pw[0]);
      EXPECT_NEAR(std::log(pf[k] / pf[0]), expected, 1e-3) << text << " star " << k + 1;
    }
    ++checked;
  }
  EXPECT_GE(checked, 10);

  // Measured scale: main averages more rows than the companion (its subwords), so > 1.
  FoldableFastText main2, words2;
  main2.train(args);
  words2.train(words_args);
  auto measured = FoldWordsCompanion(main2, words2, train_path, 0.5, 0, 4);
  ASSERT_TRUE(measured.ok());
  EXPECT_GT(*measured, 1.5);

  // Models that do not share their buckets are refused.
  FoldableFastText main3, other;
  main3.train(args);
  fasttext::Args other_args = words_args;
  other_args.bucket = 999;
  other.train(other_args);
  auto refused = FoldWordsCompanion(main3, other, train_path, 0.5, 0, 4);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "TRAIN_FAILED");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace worthit::analysis::reviews
