// FastTextFastPath against fastText itself: the same input rows as Dictionary::getLine (order
// included) and the same probabilities as FastText::predict, on the shipped model and on small
// models trained here with other hyper-parameters (word n-grams, subword lengths, pruning,
// quantized output, no subwords), so a retrained model stays exact.
#include "analysis/reviews/fasttext_fast_path.h"

#include <fasttext/fasttext.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"
#include "common/ids.h"

namespace worthit::analysis::reviews {
namespace {

namespace fs = std::filesystem;

const char* const kShippedModel = WORTHIT_SOURCE_DIR "/models/reviews.ftz";

// Written for this test: the languages the model reads, words it never saw, emoji, numbers,
// URLs, punctuation runs, characters fastText treats as separators, and edge cases.
std::vector<std::string> RawTexts() {
  std::vector<std::string> t = {
      "Great product, works perfectly and the battery lasts all day!",
      "Terrible. It broke after two days and support never answered.",
      "Not bad for the price, but the strap feels cheap.",
      "Das Produkt ist super, sehr zufrieden mit der Qualität. Gerne wieder!",
      "Leider nach einer Woche kaputt gegangen, Rücksendung läuft.",
      "Muy buena calidad, llegó antes de lo previsto. Lo recomiendo.",
      "No funciona, el cargador se calienta demasiado y huele a quemado.",
      "Très bon produit, conforme à la description, livraison rapide.",
      "Déçu : l'écran s'est rayé au bout d'une semaine, je ne recommande pas.",
      "Ottimo prodotto, funziona benissimo, lo consiglio.",
      "Pessimo, l'ho restituito dopo un giorno: soldi buttati.",
      "Qualità/prezzo imbattibile, batteria che dura tantissimo.",
      "zxqvbnm flurbington superkalifragilistisch unbelievablyamazingthing",
      "😍😍😍 love it 👍 5/5 would buy again 🎉",
      "🙄",
      "Costs 49,90 € (was 59.99$), 3 pieces for 12.5 each, 100% worth it.",
      "See https://example.com/review?id=42 and www.example.org for pictures",
      "!!! ??? ... ;;; ---",
      "a",
      "__label__5 fake label token inside the text __label__1",
      "tabs\tand\vvertical\ftabs and\rcarriage returns",
      "Ελληνικά κείμενα και кириллица тоже: отличный товар",
      "日本語のレビュー、とても良い製品です",
      "ÀÉÎÕÜ ÇÑ ŒÆ ß — upper-case accents",
      std::string("invalid utf8 \xC3 \xFF\xFE bytes \xE2\x82"),
      "</s> the end-of-sentence token typed by a user </s>",
      "",
      "   ",
  };
  std::string long_text;
  for (int i = 0; i < 300; ++i)
    long_text += "Review " + std::to_string(i) + ": the sound is great but the battery could last longer. ";
  t.push_back(long_text);
  return t;
}

// fastText's own reading of a line: Dictionary::getLine on `line` + newline.
std::vector<int32_t> GetLine(const fasttext::FastText& ft, const std::string& line) {
  std::istringstream in(line + "\n");
  std::vector<int32_t> words, labels;
  ft.getDictionary()->getLine(in, words, labels);
  return words;
}

// FastText::predict's probabilities (it returns log(p + 1e-5)), by label id.
std::vector<double> FastTextProbs(const fasttext::FastText& ft, const std::vector<int32_t>& rows) {
  fasttext::Predictions predictions;
  ft.predict(ft.getDictionary()->nlabels(), rows, predictions, 0.0);
  std::vector<double> p(ft.getDictionary()->nlabels(), 0.0);
  for (const auto& [logp, id] : predictions) p[id] = std::exp(static_cast<double>(logp)) - 1e-5;
  return p;
}

// Checks every line: identical row ids, probabilities within 1e-5 (float rounding of a
// different summation order is ~1e-7; a wrong hash moves them by far more, and changes the rows).
void ExpectSameAsFastText(fasttext::FastText& ft, const std::vector<std::string>& lines, double* max_diff = nullptr) {
  auto fast = FastTextFastPath::Build(ft);
  ASSERT_TRUE(fast.ok()) << fast.error().ToString();
  std::vector<int32_t> rows;
  for (const auto& line : lines) {
    SCOPED_TRACE("line: " + line.substr(0, 80));
    const auto expected_rows = GetLine(ft, line);
    fast->InputRows(line, rows);
    ASSERT_EQ(rows, expected_rows);
    FastTextFastPath::Probs probs{};
    const size_t n = fast->Probabilities(line, probs);
    ASSERT_EQ(n, expected_rows.size());
    if (n == 0) continue;
    const auto expected = FastTextProbs(ft, expected_rows);
    for (size_t l = 0; l < expected.size(); ++l) {
      EXPECT_NEAR(probs[l], expected[l], 1e-5) << "label " << l;
      if (max_diff) *max_diff = std::max(*max_diff, std::abs(probs[l] - expected[l]));
    }
  }
}

std::vector<std::string> NormalizedTexts() {
  std::vector<std::string> out;
  for (const auto& t : RawTexts()) out.push_back(NormalizeReviewText(t));
  return out;
}

TEST(FastTextFastPath, ShippedModelGivesFastTextsRowsAndProbabilities) {
  fasttext::FastText ft;
  ft.loadModel(kShippedModel);
  double max_diff = 0;
  ExpectSameAsFastText(ft, NormalizedTexts(), &max_diff);
  // Raw text too (not what the bot sends, but the tokeniser must split as fastText does:
  // tabs, vertical tabs, form feeds, carriage returns, a newline ending the line early).
  auto raw = RawTexts();
  raw.push_back("first line\nsecond line is not read");
  raw.push_back("\nonly the end of line");
  ExpectSameAsFastText(ft, raw, &max_diff);
  EXPECT_LT(max_diff, 1e-5);
  RecordProperty("max_abs_diff", std::to_string(max_diff));
  std::printf("max |fast - fastText| probability difference: %.3g\n", max_diff);
}

TEST(FastTextFastPath, ReviewModelMatchesTheFastTextEngine) {
  auto fast = LoadReviewModel(kShippedModel, ReviewEngine::kFast);
  auto reference = LoadReviewModel(kShippedModel, ReviewEngine::kFastTextReference);
  ASSERT_TRUE(fast.ok()) << fast.error().ToString();
  ASSERT_TRUE(reference.ok()) << reference.error().ToString();
  for (const auto& lang : {"en", "it", "de", ""}) {
    for (const auto& text : RawTexts()) {
      SCOPED_TRACE(std::string(lang) + ": " + text.substr(0, 80));
      const auto a = (*fast)->Predict(text, lang);
      const auto b = (*reference)->Predict(text, lang);
      EXPECT_EQ(a.stars, b.stars);
      for (int s = 0; s < 5; ++s) EXPECT_NEAR(a.probs[s], b.probs[s], 1e-5);
      EXPECT_NEAR(a.expected, b.expected, 1e-4);
      EXPECT_NEAR(a.calibrated, b.calibrated, 1e-4);
      const std::string norm = NormalizeReviewText(text);
      EXPECT_EQ(NormalizeReviewText(norm), norm);  // what PredictNormalized's contract rests on
      const auto c = (*fast)->PredictNormalized(norm, lang);
      EXPECT_EQ(c.probs, a.probs);
    }
  }
  // No text at all: the uniform prior, as before.
  const auto empty = (*fast)->Predict("", "en");
  for (double p : empty.probs) EXPECT_DOUBLE_EQ(p, 0.2);
}

// Small models trained here, one per setting a retrained model may change.
class FastTextFastPathSettings : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("worthit-fastpath-test-" + RandomId(8));
    fs::create_directories(dir_);
    train_ = (dir_ / "train.txt").string();
    std::ofstream out(train_);
    const char* good[] = {"great", "excellent", "ottimo", "super", "genial", "parfait"};
    const char* bad[] = {"terrible", "broken", "pessimo", "kaputt", "roto", "nul"};
    const char* things[] = {"battery", "screen", "batteria", "qualität", "precio", "écran", "cable", "sound"};
    for (int i = 0; i < 600; ++i) {
      const int stars = 1 + i % 5;
      const char* w = stars >= 4 ? good[i % 6] : stars <= 2 ? bad[i % 6] : "okay";
      out << "__label__" << stars << " " << w << " " << things[(i / 5) % 8] << " " << things[(i / 7) % 8] << " " << w
          << " x" << char('a' + i % 26) << char('a' + (i / 26) % 26) << " !\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  fasttext::Args BaseArgs() const {
    fasttext::Args a;
    a.input = train_;
    a.output = (dir_ / "m").string();
    a.model = fasttext::model_name::sup;
    a.loss = fasttext::loss_name::softmax;
    a.dim = 12;
    a.epoch = 5;
    a.lr = 0.5;
    a.minCount = 1;
    a.bucket = 5000;
    a.minn = 3;
    a.maxn = 5;
    a.wordNgrams = 2;
    a.thread = 1;
    a.verbose = 0;
    a.seed = 1;
    return a;
  }

  std::vector<std::string> Lines() const {
    auto lines = NormalizedTexts();
    lines.push_back("great battery x" + std::string("ab") + " !");
    lines.push_back("pessimo batteria kaputt écran okay okay");
    return lines;
  }

  fs::path dir_;
  std::string train_;
};

TEST_F(FastTextFastPathSettings, UnquantizedTrigramsAndOtherSubwordLengths) {
  for (const auto& [ngrams, minn, maxn] : std::vector<std::tuple<int, int, int>>{{1, 3, 5}, {3, 2, 4}, {2, 1, 3}}) {
    SCOPED_TRACE("wordNgrams " + std::to_string(ngrams) + " minn " + std::to_string(minn));
    auto args = BaseArgs();
    args.wordNgrams = ngrams;
    args.minn = minn;
    args.maxn = maxn;
    fasttext::FastText ft;
    ft.train(args);
    ExpectSameAsFastText(ft, Lines());
  }
}

TEST_F(FastTextFastPathSettings, NoSubwords) {
  auto args = BaseArgs();
  args.maxn = 0;
  args.minn = 0;
  fasttext::FastText ft;
  ft.train(args);
  ExpectSameAsFastText(ft, Lines());
}

// Quantized as `worthit train` does (product quantization, norms, cutoff pruning words and
// n-grams), saved and loaded back. (-qout cannot occur: fastText refuses to quantize an output
// matrix of fewer than 256 rows, and a star model has 5.)
TEST_F(FastTextFastPathSettings, QuantizedWithPruning) {
  for (const bool retrain : {false, true}) {
    SCOPED_TRACE(retrain ? "retrained" : "not retrained");
    auto args = BaseArgs();
    fasttext::FastText ft;
    ft.train(args);
    fasttext::Args q = args;
    q.cutoff = 300;  // keep 300 rows: prunes words and n-grams
    q.retrain = retrain;
    q.qnorm = true;
    q.dsub = 2;
    ft.quantize(q);
    const std::string path = (dir_ / "q.ftz").string();
    ft.saveModel(path);
    fasttext::FastText loaded;  // as the bot sees it: loaded from the file
    loaded.loadModel(path);
    ASSERT_LT(loaded.getDictionary()->nwords(), 300);
    ExpectSameAsFastText(loaded, Lines());
  }
}

TEST_F(FastTextFastPathSettings, RefusesModelsItCannotReproduceAndTheModelFallsBack) {
  auto args = BaseArgs();
  args.loss = fasttext::loss_name::ova;
  args.output = (dir_ / "ova").string();
  fasttext::FastText ft;
  ft.train(args);
  auto fast = FastTextFastPath::Build(ft);
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.error().code, "MODEL_UNSUPPORTED");
  // The review model still loads it and predicts with fastText's own code.
  const std::string path = (dir_ / "ova.bin").string();
  ft.saveModel(path);
  auto model = LoadReviewModel(path);
  auto reference = LoadReviewModel(path, ReviewEngine::kFastTextReference);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  ASSERT_TRUE(reference.ok()) << reference.error().ToString();
  EXPECT_EQ((*model)->Predict("great battery").probs, (*reference)->Predict("great battery").probs);
}

// Predictions of the shipped model pinned bit for bit (hex floats, taken from the code before the
// out-of-vocabulary memo in fasttext_fast_path.cpp): speed work on the fast path must not move a
// single bit. Italian texts carry many out-of-vocabulary words (the model's vocabulary is
// en/de/es/fr); each text is predicted cold and again warm. A retrained model changes these
// numbers: the failure message prints the new ones (%a), to paste here.
TEST(FastTextFastPath, ShippedModelPredictionsArePinned) {
  auto model = LoadReviewModel(kShippedModel);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  struct Pin {
    const char* text;
    const char* lang;
    std::array<double, 5> probs;
  };
  const Pin pins[] = {
      {"Ottimo prodotto, funziona benissimo, lo consiglio.",
       "it",
       {0x1.4f8712b7b52b7p-17, 0x1.4f88f50b3abf3p-17, 0x1.5ec513f6ef492p-17, 0x1.fa6bf6263b237p-4,
        0x1.c0ae83661ce1bp-1}},
      {"Istruzioni solo in inglese, ma l'uso è intuitivo. Ottimo per chi cerca qualcosa di semplice & affidabile.",
       "it",
       {0x1.34b6553bd2b08p-15, 0x1.606c72ed6f05fp-8, 0x1.08429843096abp-3, 0x1.a460fbd9949a5p-1, 0x1.6c8b256793da7p-5}},
      {"Purtroppo è arrivato con un graffio sul lato, il venditore però è stato gentile. Un po' rumoroso.",
       "it",
       {0x1.bfd4bdc34607dp-7, 0x1.41d8028fa8bc6p-2, 0x1.552462e7626p-1, 0x1.74993ffdf328dp-8, 0x1.c5967010d6137p-15}},
      {"Looks premium, feels premium, performs well. Works exactly as described, setup took five minutes.",
       "en",
       {0x1.4f87fb89d2c11p-17, 0x1.50b108a877aeap-17, 0x1.77118123636ep-16, 0x1.43a5a6695f22dp-3,
        0x1.af110809a1be4p-1}},
      {"Leider nach einer Woche kaputt gegangen, Rücksendung läuft. zxqvbnm flurbington",
       "de",
       {0x1.7fcba4828977p-3, 0x1.94d0c5ca67c72p-1, 0x1.6731278199f41p-6, 0x1.78404c0e81622p-17, 0x1.4f989cfceef6ap-17}},
  };
  for (const auto& pin : pins) {
    for (int round = 0; round < 2; ++round) {
      const auto p = (*model)->Predict(pin.text, pin.lang);
      std::string got;
      for (double v : p.probs) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%a, ", v);
        got += buf;
      }
      for (int s = 0; s < 5; ++s) EXPECT_EQ(p.probs[s], pin.probs[s]) << pin.text << " round " << round << ": " << got;
    }
  }
}

// The out-of-vocabulary memo (fasttext_fast_path.cpp) replays the rows it kept: a text reads the
// same bit for bit cold, warm, after the memo has filled and started again, and with tokens too
// long to keep.
TEST(FastTextFastPath, OutOfVocabularyMemoGivesTheSameBits) {
  auto model = LoadReviewModel(kShippedModel);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  const std::string text =
      "Consegna velocissima, imballaggio curato, qualcosa di intuitivo "
      "zzzzqqqqxxxxwwwwvvvvuuuuttttssssrrrrqqqqppppoooonnnnmmmmllllkkkkjjjjiiiihhhh e poi basta";
  const auto cold = (*model)->Predict(text, "it");
  const auto warm = (*model)->Predict(text, "it");
  EXPECT_EQ(cold.probs, warm.probs);
  // Thousands of distinct unknown words: the memo (2,048 words) fills and starts again.
  for (int i = 0; i < 3000; i += 50) {
    std::string many;
    for (int k = i; k < i + 50; ++k) many += "qzx" + std::to_string(k * 7919) + "vbn ";
    (*model)->Predict(many, "it");
  }
  EXPECT_EQ((*model)->Predict(text, "it").probs, cold.probs);
  EXPECT_EQ((*model)->Predict(text, "it").probs, cold.probs);
}

}  // namespace
}  // namespace worthit::analysis::reviews
