#include "analysis/reviews/review_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analysis/reviews/calibration.h"
#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"
#include "common/ids.h"

namespace worthit::analysis::reviews {
namespace {

namespace fs = std::filesystem;

// A distinct letter token per example (digits would be folded to __num__ and de-duplicated).
std::string Tag(int i) { return std::string("x") + char('a' + i % 26) + char('a' + (i / 26) % 26); }

const std::vector<std::string> kThings = {"battery", "screen", "size", "price", "sound", "delivery", "case", "cable"};

// `n` synthetic reviews, stars cycling 1..5: "<the star's opening> <thing> <tag>", the thing
// changing every 5 reviews; every `de_every`-th review is German (0: none).
std::vector<LabelledReview> Reviews(int n, const std::vector<std::string>& openings,
                                    const std::vector<std::string>& things, int de_every = 0) {
  std::vector<LabelledReview> data;
  for (int i = 0; i < n; ++i) {
    const int stars = 1 + i % 5;
    const std::string& thing = things[(i / 5) % things.size()];
    data.push_back(
        {de_every > 0 && i % de_every == 0 ? "de" : "en", stars, openings[stars - 1] + " " + thing + " " + Tag(i)});
  }
  return data;
}

// Small options that train in a second or two; a test changes what it is about.
TrainOptions SmallOptions(const fs::path& dir, int epoch) {
  TrainOptions o;
  o.out_path = (dir / "m.ftz").string();
  o.epoch = epoch;
  o.dim = 8;
  o.bucket = 5000;
  o.cutoff = 0;
  o.eval_groups = 5;
  o.evaluate_test = false;
  return o;
}

TEST(ReadLabelledCsv, ParsesQuotedFieldsAndSkipsBadRows) {
  auto rows = ReadLabelledCsv(WORTHIT_SOURCE_DIR "/tests/analysis/reviews/fixtures/labelled.csv");
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[1].text, "Pessimo, \"rotto\" dopo un giorno, soldi buttati");
  EXPECT_EQ((*rows)[1].stars, 1);
  EXPECT_EQ((*rows)[2].text, "Geht so.\nZweite Zeile im Feld");
  EXPECT_EQ((*rows)[3].lang, "fr");
  EXPECT_FALSE(ReadLabelledCsv("/nonexistent.csv").ok());
}

TEST(ComputeMetrics, CountsExactWithinOneF1AndMeanOf20) {
  std::vector<int> gold, pred;
  std::vector<double> raw, cal;
  for (int i = 0; i < 40; ++i) {
    gold.push_back(1 + i % 5);
    pred.push_back(i % 2 == 0 ? 1 + i % 5 : std::min(5, 2 + i % 5));  // half exact, half one off
    raw.push_back(gold.back() + 0.5);
    cal.push_back(gold.back());
  }
  const auto m = ComputeMetrics("en", gold, pred, raw, cal, 50, 1);
  EXPECT_EQ(m.n, 40u);
  EXPECT_GT(m.exact, 0.5);  // the 5-star ones are exact either way
  EXPECT_DOUBLE_EQ(m.within_one, 1.0);
  EXPECT_NEAR(m.mean20_raw, 0.5, 1e-9);
  EXPECT_NEAR(m.mean20, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(m.mae_expected, 0.0);
  EXPECT_GT(m.macro_f1, 0.3);
  EXPECT_LT(m.macro_f1, 1.0);
}

// Trains a real (tiny) model end to end on synthetic reviews, loads it, predicts concurrently.
TEST(TrainReviewModel, TrainsSavesCalibratesAndPredictsThreadSafely) {
  std::vector<LabelledReview> data;
  const char* words[] = {"terrible", "poor", "okay", "good", "excellent"};
  const char* things[] = {"battery", "screen", "size", "price", "sound", "delivery", "case", "cable"};
  for (int i = 0; i < 500; ++i) {
    const int stars = 1 + i % 5;
    data.push_back({i % 3 == 0 ? "de" : "en", stars,
                    std::string(words[stars - 1]) + " " + things[(i / 5) % 8] + " " + words[stars - 1] + " " + Tag(i)});
  }
  const fs::path dir = fs::temp_directory_path() / ("worthit-trainer-test-" + RandomId(8));
  TrainOptions o;
  o.out_path = (dir / "m.ftz").string();
  o.epoch = 10;
  o.dim = 10;
  o.bucket = 20000;
  o.cutoff = 0;
  o.eval_groups = 10;
  o.companion = true;
  auto report = TrainReviewModel(data, o);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->train + report->valid + report->test, data.size());
  EXPECT_TRUE(fs::exists(o.out_path));
  EXPECT_TRUE(fs::exists(dir / "m.calib"));
  // Both models of the ensemble, the companion named in the report and the .calib.
  EXPECT_TRUE(fs::exists(dir / "m.words.ftz"));
  EXPECT_EQ(report->companion_path, (dir / "m.words.ftz").string());
  EXPECT_GT(report->companion_bytes, 0u);
  EXPECT_NE(FormatTrainReport(*report).find("m.words.ftz"), std::string::npos);
  ASSERT_FALSE(report->test_metrics.empty());
  EXPECT_EQ(report->test_metrics.front().lang, "all");
  EXPECT_GT(report->test_metrics.front().exact, 0.9);
  EXPECT_NE(FormatTrainReport(*report).find("within1"), std::string::npos);
  ASSERT_FALSE(report->valid_metrics.empty());
  EXPECT_EQ(report->valid_metrics.front().lang, "all");
  EXPECT_GE(report->neighbour_utility, 0.0);
  EXPECT_LE(report->neighbour_utility, 0.6);
  {
    // The decision rule fitted on validation ships in the .calib the model loads.
    std::ifstream calib(dir / "m.calib");
    std::stringstream text;
    text << calib.rdbuf();
    auto parsed = Calibration::Parse(text.str());
    ASSERT_TRUE(parsed.ok());
    EXPECT_DOUBLE_EQ(parsed->neighbour_utility(), std::round(report->neighbour_utility * 1000) / 1000);
    EXPECT_EQ(parsed->companion(), "m.words.ftz");
    EXPECT_DOUBLE_EQ(parsed->main_weight(), 0.5);
  }

  auto model = LoadReviewModel(o.out_path);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  const auto pos = (*model)->Predict("Excellent screen, excellent!");
  const auto neg = (*model)->Predict("Terrible battery, terrible");
  EXPECT_EQ(pos.stars, 5);
  EXPECT_EQ(neg.stars, 1);
  double sum = 0;
  for (double p : pos.probs) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_GT(pos.expected, neg.expected);

  // Concurrent predictions on one model give the same answers as sequential ones.
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back(std::string(i % 2 ? "terrible cable " : "good case ") + Tag(i));
  const auto expected = (*model)->PredictBatch(texts);
  std::vector<std::vector<StarPrediction>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { got[t] = (*model)->PredictBatch(texts); });
  for (auto& th : threads) th.join();
  for (const auto& g : got) {
    ASSERT_EQ(g.size(), expected.size());
    for (size_t i = 0; i < g.size(); ++i) EXPECT_EQ(g[i].probs, expected[i].probs);
  }
  fs::remove_all(dir);
}

// A forced rule is shipped as given; --no-test leaves the test split unevaluated.
TEST(TrainReviewModel, ForcedDecisionRuleAndValidationOnlyEvaluation) {
  const auto data = Reviews(200, {"awful", "bad", "fine", "nice", "superb"}, {"thing"});
  const fs::path dir = fs::temp_directory_path() / ("worthit-trainer-test-" + RandomId(8));
  TrainOptions o = SmallOptions(dir, 5);  // no test split, and no companion: the default
  o.neighbour_utility = 0.25;
  o.fold = false;  // the main model alone (`--no-fold`)
  fs::create_directories(dir);
  std::ofstream(dir / "m.words.ftz") << "stale";  // from an earlier ensemble: removed
  auto report = TrainReviewModel(data, o);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  // Main model only: no companion file, no ensemble line, and it loads alone.
  EXPECT_FALSE(fs::exists(dir / "m.words.ftz"));
  EXPECT_TRUE(report->companion_path.empty());
  {
    std::ifstream calib(dir / "m.calib");
    std::stringstream text;
    text << calib.rdbuf();
    EXPECT_EQ(text.str().find("ensemble"), std::string::npos);
  }
  EXPECT_TRUE(LoadReviewModel(o.out_path).ok());
  EXPECT_TRUE(report->test_metrics.empty());
  EXPECT_FALSE(report->valid_metrics.empty());
  EXPECT_DOUBLE_EQ(report->neighbour_utility, 0.25);
  EXPECT_EQ(FormatTrainReport(*report).find("held-out test"), std::string::npos);
  fs::remove_all(dir);
}

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// --negation-scope: the training files are marked, the .calib says so, and the loaded model marks
// what it reads (without the .calib line the same model reads plain text and answers differently).
TEST(TrainReviewModel, NegationScopeMarksTrainingAndPredictionInput) {
  // "not good" is a 1, "good" a 5 (and other words for the stars between: every class is needed).
  const auto data = Reviews(400, {"not good", "poor", "okay", "nice", "good"}, kThings);
  const fs::path dir = fs::temp_directory_path() / ("worthit-trainer-test-" + RandomId(8));
  TrainOptions o = SmallOptions(dir, 8);
  o.negation_scope = 3;
  o.splits_dir = (dir / "splits").string();
  auto report = TrainReviewModel(data, o);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const std::string train_file = FileBytes(dir / "splits" / "train.txt");
  EXPECT_NE(train_file.find("not neg_good neg_"), std::string::npos);
  auto calib = Calibration::Parse(FileBytes(dir / "m.calib"));
  ASSERT_TRUE(calib.ok());
  EXPECT_EQ(calib->negation_scope(), 3);

  auto model = LoadReviewModel(o.out_path);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  EXPECT_EQ((*model)->Predict("Not good battery").stars, 1);
  EXPECT_EQ((*model)->Predict("Good battery").stars, 5);
  const auto marked = (*model)->Predict("not good screen");
  // The same model told (by its .calib) that it reads plain text.
  calib->SetNegationScope(0);
  std::ofstream(dir / "m.calib", std::ios::binary | std::ios::trunc) << calib->Serialize();
  auto plain = LoadReviewModel(o.out_path);
  ASSERT_TRUE(plain.ok());
  EXPECT_NE((*plain)->Predict("not good screen").probs, marked.probs);
  fs::remove_all(dir);
}

// The default: the words-only companion folded into the main model. One model file (no
// companion, no ensemble line), on the fast path with fastText's own probabilities, bit-identical
// when trained twice; with --refit the calibration is the one fitted before the refit (so
// byte-identical to the plain run's) and the model is retrained on more reviews.
TEST(TrainReviewModel, FoldedModelIsOneFastPathModelReproducibleAndRefits) {
  const auto data = Reviews(400, {"terrible", "poor", "okay", "good", "excellent"}, kThings, 4);
  const fs::path dir = fs::temp_directory_path() / ("worthit-trainer-test-" + RandomId(8));
  TrainOptions o;
  o.epoch = 8;
  o.dim = 8;
  o.bucket = 5000;
  o.cutoff = 3000;  // prunes: the folded model has ~20,000 buckets
  o.eval_groups = 5;
  ASSERT_TRUE(o.fold);  // the default
  auto train = [&](const std::string& name, bool refit) {
    TrainOptions t = o;
    t.out_path = (dir / name / "m.ftz").string();
    t.refit_with_validation = refit;
    return TrainReviewModel(data, t);
  };
  auto first = train("a", false);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_GT(first->fold_scale, 1.5);  // main averages its subword rows too
  EXPECT_NE(FormatTrainReport(*first).find("folded"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "a" / "m.words.ftz"));
  EXPECT_TRUE(first->companion_path.empty());
  EXPECT_EQ(FileBytes(dir / "a" / "m.calib").find("ensemble"), std::string::npos);
  EXPECT_FALSE(first->refit);

  auto fast = LoadReviewModel(first->model_path, ReviewEngine::kFast);
  auto reference = LoadReviewModel(first->model_path, ReviewEngine::kFastTextReference);
  ASSERT_TRUE(fast.ok()) << fast.error().ToString();
  ASSERT_TRUE(reference.ok()) << reference.error().ToString();
  for (const char* text : {"excellent screen, excellent!", "terrible battery", "okay size xqz", "unknownword",
                           "good delivery poor cable", "Schöne Größe, gut."}) {
    const auto f = (*fast)->Predict(text, "en");
    const auto r = (*reference)->Predict(text, "en");
    for (int s = 0; s < 5; ++s) EXPECT_NEAR(f.probs[s], r.probs[s], 1e-5) << text;
    EXPECT_EQ(f.stars, r.stars) << text;
  }
  EXPECT_EQ((*fast)->Predict("excellent screen, excellent!").stars, 5);
  EXPECT_EQ((*fast)->Predict("terrible battery, terrible").stars, 1);

  auto again = train("b", false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FileBytes(dir / "a" / "m.ftz"), FileBytes(dir / "b" / "m.ftz"));
  EXPECT_EQ(FileBytes(dir / "a" / "m.calib"), FileBytes(dir / "b" / "m.calib"));

  auto refit = train("c", true);
  ASSERT_TRUE(refit.ok()) << refit.error().ToString();
  EXPECT_TRUE(refit->refit);
  EXPECT_NE(FormatTrainReport(*refit).find("refit"), std::string::npos);
  EXPECT_EQ(FileBytes(dir / "a" / "m.calib"), FileBytes(dir / "c" / "m.calib"));
  EXPECT_NE(FileBytes(dir / "a" / "m.ftz"), FileBytes(dir / "c" / "m.ftz"));
  ASSERT_EQ(refit->valid_metrics.size(), first->valid_metrics.size());
  for (size_t i = 0; i < first->valid_metrics.size(); ++i)
    EXPECT_DOUBLE_EQ(refit->valid_metrics[i].exact, first->valid_metrics[i].exact);
  auto refit_model = LoadReviewModel(refit->model_path);
  ASSERT_TRUE(refit_model.ok());
  EXPECT_EQ((*refit_model)->Predict("excellent screen, excellent!").stars, 5);
  fs::remove_all(dir);
}

// The ensemble's probabilities are the average of its two models' (each run alone through
// fastText's own predict); without its companion the main model refuses to load with a .calib
// fitted on the ensemble, and loads alone without that .calib (files from before the ensemble).
TEST(TrainReviewModel, EnsembleAveragesItsTwoModelsAndNeedsItsCompanion) {
  const auto data =
      Reviews(300, {"awful", "weak", "average", "solid", "brilliant"}, {"lamp", "phone", "charger", "strap", "kettle"});
  const fs::path dir = fs::temp_directory_path() / ("worthit-trainer-test-" + RandomId(8));
  TrainOptions o = SmallOptions(dir, 5);
  o.companion = true;
  ASSERT_TRUE(TrainReviewModel(data, o).ok());
  auto ensemble = LoadReviewModel(o.out_path, ReviewEngine::kFast);
  auto ensemble_reference = LoadReviewModel(o.out_path, ReviewEngine::kFastTextReference);
  ASSERT_TRUE(ensemble.ok()) << ensemble.error().ToString();
  ASSERT_TRUE(ensemble_reference.ok()) << ensemble_reference.error().ToString();
  // Each model alone: the main one copied where no .calib is, the companion as it is.
  const fs::path alone = dir / "alone";
  fs::create_directories(alone);
  fs::copy_file(dir / "m.ftz", alone / "m.ftz");
  auto main_only = LoadReviewModel((alone / "m.ftz").string(), ReviewEngine::kFastTextReference);
  auto words_only = LoadReviewModel((dir / "m.words.ftz").string(), ReviewEngine::kFastTextReference);
  ASSERT_TRUE(main_only.ok()) << main_only.error().ToString();
  ASSERT_TRUE(words_only.ok()) << words_only.error().ToString();
  bool models_differ = false;
  for (const std::string text : {"brilliant kettle, brilliant", "awful charger", "an average phone strap",
                                 "solid lamp but weak strap", "unknownword zzz", "brilliantly awfulness"}) {
    SCOPED_TRACE(text);
    const auto a = (*main_only)->Predict(text);
    const auto b = (*words_only)->Predict(text);
    const auto e = (*ensemble)->Predict(text);
    const auto r = (*ensemble_reference)->Predict(text);
    for (int s = 0; s < 5; ++s) {
      EXPECT_NEAR(e.probs[s], 0.5 * (a.probs[s] + b.probs[s]), 1e-5);
      EXPECT_NEAR(r.probs[s], 0.5 * (a.probs[s] + b.probs[s]), 1e-5);
      if (std::abs(a.probs[s] - b.probs[s]) > 1e-3) models_differ = true;
    }
    EXPECT_EQ((*ensemble)->PredictNormalized(NormalizeReviewText(text)).probs, e.probs);
  }
  EXPECT_TRUE(models_differ);  // or the average would prove nothing
  fs::remove(dir / "m.words.ftz");
  auto broken = LoadReviewModel(o.out_path);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, "MODEL_INVALID");
  EXPECT_NE(broken.error().message.find("m.words.ftz"), std::string::npos);
  fs::remove_all(dir);
}

TEST(TrainReviewModel, RefusesEmptyData) {
  auto r = TrainReviewModel({}, TrainOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TRAIN_NO_DATA");
}

TEST(LoadReviewModel, ReportsMissingAndInvalidFiles) {
  auto missing = LoadReviewModel("/nonexistent/model.ftz");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "MODEL_NOT_FOUND");
  auto invalid = LoadReviewModel(WORTHIT_SOURCE_DIR "/tests/analysis/reviews/fixtures/labelled.csv");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, "MODEL_INVALID");
}

// The shipped model (models/reviews.ftz) reads clear reviews the right way round.
TEST(ShippedModel, ReadsClearReviews) {
  const std::string path = WORTHIT_SOURCE_DIR "/models/reviews.ftz";
  if (!fs::exists(path)) GTEST_SKIP() << "no shipped model";
  auto model = LoadReviewModel(path);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  EXPECT_LE((*model)->Predict("Terrible, broke after two days. Waste of money!", "en").stars, 2);
  EXPECT_GE((*model)->Predict("Excellent, works perfectly, highly recommend.", "en").stars, 4);
  EXPECT_LE((*model)->Predict("Schrecklich, nach zwei Tagen kaputt. Geldverschwendung.", "de").stars, 2);
  EXPECT_GE((*model)->Predict("Producto excelente, funciona perfectamente.", "es").stars, 4);
  // Nothing to read: uniform, 3 stars.
  EXPECT_EQ((*model)->Predict("", "en").stars, 3);
  EXPECT_NEAR((*model)->Predict("", "en").probs[0], 0.2, 1e-12);
  // Italian goes through the lexical bridge (no Italian training data).
  EXPECT_GE((*model)->Predict("Ottimo prodotto, funziona benissimo, lo consiglio.", "it").stars, 4);
  EXPECT_LE((*model)->Predict("Pessimo, non funziona. Soldi buttati.", "it").stars, 2);
  EXPECT_GT((*model)->Predict("Spedizione velocissima, imballaggio perfetto.", "it").calibrated,
            (*model)->Predict("Deluso, si è rotto dopo una settimana.", "it").calibrated + 1.5);
}

}  // namespace
}  // namespace worthit::analysis::reviews
