// The fastText implementation of ReviewModel (with fasttext_fast_path.cpp and review_trainer.cpp,
// the only files that include fastText headers). Predictions go through FastTextFastPath; the
// fastText path (getLine + predict on a de-quantized model) remains for models the fast path
// does not handle and as the reference for tests and A/B benchmarks (ReviewEngine).
#include <fasttext/densematrix.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>

#include <cmath>
#include <fstream>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <optional>
#include <sstream>
#include <utility>

#include "analysis/reviews/fasttext_fast_path.h"
#include "analysis/reviews/lexical_bridge.h"
#include "analysis/reviews/negation_marker.h"
#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"
#include "common/log.h"

namespace worthit::analysis::reviews {
namespace {

// fastText with one addition (used only when fastText itself predicts): DequantizeInput() turns a quantized (.ftz)
// input matrix back into a dense one in memory. The file stays small (a few MB) while prediction skips the product-
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

// Star probabilities from fastText's label probabilities exactly as FastText::predict hands them
// over: as log(p + 1e-5) rounded to float (Loss::findKBest, std_log), which we exponentiate and
// renormalise. Keeping that smoothing keeps predictions identical to the fastText path.
// Star probabilities from (log p, fastText label id) pairs, renormalised; uniform when none maps.
template <typename LogProbs>
std::array<double, 5> StarProbsFromLog(const LogProbs& log_probs, const std::array<int, 5>& star_of_label) {
  std::array<double, 5> probs{};
  double sum = 0;
  for (const auto& [logp, id] : log_probs) {
    if (id < 0 || id >= 5 || star_of_label[id] < 0) continue;
    const double p = std::exp(static_cast<double>(logp));
    probs[star_of_label[id]] = p;
    sum += p;
  }
  if (sum <= 0) return kUniform;
  for (auto& p : probs) p /= sum;
  return probs;
}

std::array<double, 5> StarProbs(const float* label_probs, const std::array<int, 5>& star_of_label) {
  std::array<std::pair<float, int32_t>, 5> log_probs;
  for (int id = 0; id < 5; ++id) log_probs[id] = {static_cast<float>(std::log(label_probs[id] + 1e-5)), id};
  return StarProbsFromLog(log_probs, star_of_label);
}

// One fastText model of the ensemble and how to read its labels.
struct Member {
  std::unique_ptr<LoadedFastText> ft;  // null when the fast path predicts (its tables suffice)
  std::optional<FastTextFastPath> fast;
  std::array<int, 5> star_of_label{};  // fastText label id -> star index 0..4
  double weight = 1;

  // Star probabilities of a normalised, bridged, non-empty line; uniform when the model has no
  // input row for it.
  std::array<double, 5> Probabilities(std::string_view line) const {
    if (fast) {
      FastTextFastPath::Probs label_probs{};
      if (fast->Probabilities(line, label_probs) == 0) return kUniform;
      return StarProbs(label_probs.data(), star_of_label);
    }
    // fastText's own path. Dictionary::getLine reads whitespace-separated tokens up to the
    // newline and adds the word n-gram hashes the model was trained with; the stream lives on
    // this thread's stack.
    std::string copy(line);
    copy.push_back('\n');
    std::istringstream in(copy);
    std::vector<int32_t> words, labels;
    ft->getDictionary()->getLine(in, words, labels);
    if (words.empty()) return kUniform;
    fasttext::Predictions predictions;
    ft->predict(5, words, predictions, 0.0);
    return StarProbsFromLog(predictions, star_of_label);
  }
};

// One model, or the weighted average of the probabilities of two (the .calib's ensemble line):
// calibration and decision rule apply to the average.
class FastTextReviewModel final : public ReviewModel {
 public:
  FastTextReviewModel(std::vector<Member> members, Calibration calibration)
      : members_(std::move(members)), calibration_(std::move(calibration)) {}

  StarPrediction Predict(std::string_view text, std::string_view lang) const override {
    // One normalisation buffer per thread: a review is normalised without allocating once the
    // buffer has grown to the longest review seen.
    thread_local std::string line;
    NormalizeReviewTextInto(text, line);
    return PredictLine(line, lang);
  }

  StarPrediction PredictNormalized(std::string_view normalized, std::string_view lang) const override {
    return PredictLine(normalized, lang);
  }

 private:
  StarPrediction PredictLine(std::string_view line, std::string_view lang) const {
    thread_local std::string bridged;  // a separate buffer: `line` may be Predict's
    if (!line.empty() && !lang.empty() && bridge_.Covers(lang)) {
      bridge_.ApplyInto(lang, line, bridged);
      line = bridged;
    }
    if (line.empty()) return MakePrediction(kUniform, calibration_, lang);  // nothing to read
    if (calibration_.negation_scope() > 0) {
      thread_local std::string marked;  // a third buffer: `line` may be Predict's or `bridged`
      MarkNegationInto(line, calibration_.negation_scope(), marked);
      line = marked;
    }
    if (members_.size() == 1) return MakePrediction(members_[0].Probabilities(line), calibration_, lang);
    std::array<double, 5> probs{};
    for (const auto& m : members_) {
      const auto p = m.Probabilities(line);
      for (int s = 0; s < 5; ++s) probs[s] += m.weight * p[s];
    }
    return MakePrediction(probs, calibration_, lang);
  }

  std::vector<Member> members_;  // 1 or 2, weights sum to 1
  Calibration calibration_;
  const LexicalBridge& bridge_ = LexicalBridge::Builtin();
};

// Loads one fastText star model for `engine`; the fast path's tables replace the model when
// they can.
Result<Member> LoadMember(const std::string& path, ReviewEngine engine) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) return Error::Permanent("MODEL_NOT_FOUND", "cannot open review model " + path);
  }
  Member m;
  m.ft = std::make_unique<LoadedFastText>();
  try {
    m.ft->loadModel(path);
    if (engine == ReviewEngine::kFast) {
      auto built = FastTextFastPath::Build(*m.ft);
      if (built.ok()) {
        m.fast = std::move(*built);
      } else {
        log::Warn("review_model_fast_path_unavailable", {{"path", path}, {"reason", built.error().ToString()}});
      }
    }
    if (!m.fast) m.ft->DequantizeInput();
  } catch (const std::exception& e) {
    return Error::Permanent("MODEL_INVALID", path + ": " + e.what());
  }
  const auto dict = m.ft->getDictionary();
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
  m.star_of_label.fill(-1);
  for (int s = 0; s < 5; ++s) {
    if (label_of[s] < 0)
      return Error::Permanent("MODEL_INVALID", path + ": missing label for " + std::to_string(s + 1));
    m.star_of_label[label_of[s]] = s;
  }
  if (m.fast) {
    // The fast path's tables replace the model: free it, and hand the load's peak (the
    // quantized model, build scratch) back to the system, or the process keeps ~9 MB of heap it
    // will not use (measured: +14.2 MB RSS without the trim, +5.5 MB with it).
    m.ft.reset();
#ifdef __GLIBC__
    malloc_trim(0);
#endif
  }
  return m;
}

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

std::string CompanionPathFor(const std::string& model_path) {
  const auto calib = CalibrationPathFor(model_path);
  return calib.substr(0, calib.size() - std::string_view(".calib").size()) + ".words.ftz";
}

Result<std::unique_ptr<ReviewModel>> LoadReviewModel(const std::string& path, ReviewEngine engine) {
  auto main = LoadMember(path, engine);
  if (!main.ok()) return main.error();
  Calibration calibration;
  const auto calib_path = CalibrationPathFor(path);
  if (std::ifstream cin(calib_path); cin) {
    std::stringstream buffer;
    buffer << cin.rdbuf();
    auto parsed = Calibration::Parse(buffer.str());
    if (!parsed.ok()) return Error::Permanent("MODEL_INVALID", calib_path + ": " + parsed.error().message);
    calibration = std::move(*parsed);
  }
  std::vector<Member> members;
  members.push_back(std::move(*main));
  if (!calibration.companion().empty()) {
    // The calibration and decision rule were fitted on the ensemble: a missing companion is a
    // broken install (e.g. only reviews.ftz and reviews.calib copied), not a reason to run the
    // main model alone with maps that do not fit it.
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    auto companion = LoadMember(dir + calibration.companion(), engine);
    if (!companion.ok()) {
      return Error::Permanent("MODEL_INVALID", calib_path + " names the ensemble companion " + calibration.companion() +
                                                   ": " + companion.error().message);
    }
    members[0].weight = calibration.main_weight();
    companion->weight = 1 - calibration.main_weight();
    members.push_back(std::move(*companion));
  }
  return std::unique_ptr<ReviewModel>(
      std::make_unique<FastTextReviewModel>(std::move(members), std::move(calibration)));
}

}  // namespace worthit::analysis::reviews
