// The fastText implementation of ReviewModel (the only file, with review_trainer.cpp, that
// includes fastText headers).
#include <fasttext/densematrix.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/reviews/lexical_bridge.h"
#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::reviews {
namespace {

// fastText with one addition: DequantizeInput() turns a quantized (.ftz) input matrix back into
// a dense one in memory. The file stays small (3.8 MB) while prediction skips the product-
// quantizer decoding, which profiling showed to be ~55% of the time per review (25 centroid
// look-ups per row, each a call through the PLT). Costs rows x dim x 4 bytes of RAM (~20 MB).
class LoadedFastText final : public fasttext::FastText {
 public:
  void DequantizeInput() {
    if (!quant_ || !input_) return;
    const int64_t rows = input_->size(0), cols = input_->size(1);
    auto dense = std::make_shared<fasttext::DenseMatrix>(rows, cols);
    fasttext::Vector row(cols);
    for (int64_t i = 0; i < rows; ++i) {
      row.zero();
      input_->addRowToVector(row, static_cast<int32_t>(i));
      for (int64_t j = 0; j < cols; ++j) dense->at(i, j) = row[j];
    }
    input_ = dense;
    quant_ = false;
    buildModel();
  }
};

// No text, no opinion: every star equally likely (expected 3).
constexpr std::array<double, 5> kUniform = {0.2, 0.2, 0.2, 0.2, 0.2};

class FastTextReviewModel final : public ReviewModel {
 public:
  FastTextReviewModel(std::unique_ptr<LoadedFastText> ft, Calibration calibration, std::array<int, 5> label_of)
      : ft_(std::move(ft)), dict_(ft_->getDictionary()), calibration_(std::move(calibration)), star_of_label_() {
    star_of_label_.fill(-1);
    for (int s = 0; s < 5; ++s)
      if (label_of[s] >= 0 && label_of[s] < 5) star_of_label_[label_of[s]] = s;
  }

  StarPrediction Predict(std::string_view text, std::string_view lang) const override {
    // Dictionary::getLine reads whitespace-separated tokens up to the newline and adds the
    // word n-gram hashes the model was trained with; the stream lives on this thread's stack.
    std::string line = NormalizeReviewText(text);
    if (!lang.empty() && bridge_.Covers(lang)) line = bridge_.Apply(lang, line);
    if (line.empty()) return MakePrediction(kUniform, calibration_, lang);  // nothing to read
    line.push_back('\n');
    std::istringstream in(line);
    std::vector<int32_t> words, labels;
    dict_->getLine(in, words, labels);
    std::array<double, 5> probs{};
    if (words.empty()) {
      probs.fill(0.2);
    } else {
      fasttext::Predictions predictions;
      ft_->predict(5, words, predictions, 0.0);
      double sum = 0;
      for (const auto& [logp, id] : predictions) {
        if (id < 0 || id >= 5 || star_of_label_[id] < 0) continue;
        const double p = std::exp(static_cast<double>(logp));
        probs[star_of_label_[id]] = p;
        sum += p;
      }
      if (sum <= 0) {
        probs.fill(0.2);
      } else {
        for (auto& p : probs) p /= sum;
      }
    }
    return MakePrediction(probs, calibration_, lang);
  }

 private:
  std::unique_ptr<LoadedFastText> ft_;
  std::shared_ptr<const fasttext::Dictionary> dict_;
  Calibration calibration_;
  std::array<int, 5> star_of_label_;  // fastText label id -> star index 0..4
  const LexicalBridge& bridge_ = LexicalBridge::Builtin();
};

}  // namespace

std::string CalibrationPathFor(const std::string& model_path) {
  const auto dot = model_path.rfind('.');
  const auto slash = model_path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return model_path + ".calib";
  return model_path.substr(0, dot) + ".calib";
}

StarPrediction MakePrediction(const std::array<double, 5>& probs, const Calibration& calibration,
                              std::string_view lang) {
  StarPrediction p;
  p.probs = probs;
  double expected = 0;
  for (int s = 0; s < 5; ++s) expected += (s + 1) * probs[s];
  // The decision rule shipped with the calibration (argmax when it has none).
  p.stars = calibration.DecideStars(probs);
  p.expected = expected;
  p.calibrated = calibration.Apply(lang, expected);
  return p;
}

Result<std::unique_ptr<ReviewModel>> LoadReviewModel(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) return Error::Permanent("MODEL_NOT_FOUND", "cannot open review model " + path);
  }
  auto ft = std::make_unique<LoadedFastText>();
  try {
    ft->loadModel(path);
    ft->DequantizeInput();
  } catch (const std::exception& e) {
    return Error::Permanent("MODEL_INVALID", path + ": " + e.what());
  }
  auto dict = ft->getDictionary();
  std::array<int, 5> label_of{};
  label_of.fill(-1);
  if (dict->nlabels() != 5) {
    return Error::Permanent("MODEL_INVALID",
                            path + ": expected 5 star labels, found " + std::to_string(dict->nlabels()));
  }
  for (int32_t id = 0; id < dict->nlabels(); ++id) {
    const std::string label = dict->getLabel(id);
    if (label.empty()) continue;
    const char c = label.back();
    if (c >= '1' && c <= '5') label_of[c - '1'] = id;
  }
  for (int s = 0; s < 5; ++s) {
    if (label_of[s] < 0)
      return Error::Permanent("MODEL_INVALID", path + ": missing label for " + std::to_string(s + 1));
  }
  Calibration calibration;
  const auto calib_path = CalibrationPathFor(path);
  if (std::ifstream cin(calib_path); cin) {
    std::stringstream buffer;
    buffer << cin.rdbuf();
    auto parsed = Calibration::Parse(buffer.str());
    if (!parsed.ok()) return Error::Permanent("MODEL_INVALID", calib_path + ": " + parsed.error().message);
    calibration = std::move(*parsed);
  }
  return std::unique_ptr<ReviewModel>(
      std::make_unique<FastTextReviewModel>(std::move(ft), std::move(calibration), label_of));
}

}  // namespace worthit::analysis::reviews
