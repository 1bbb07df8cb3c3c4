#include "analysis/reviews/review_cv.h"

#include <fasttext/densematrix.h>
#include <fasttext/fasttext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/reviews/calibration.h"
#include "analysis/reviews/fasttext_fold.h"
#include "analysis/reviews/negation_marker.h"
#include "analysis/reviews/review_model.h"
#include "common/ids.h"

namespace worthit::analysis::reviews {
namespace {

namespace fs = std::filesystem;
using Probs = std::array<double, 5>;
using Logits = std::array<double, 5>;

Probs Softmax(const Logits& z) {
  const double m = *std::max_element(z.begin(), z.end());
  Probs p{};
  double sum = 0;
  for (int k = 0; k < 5; ++k) sum += p[k] = std::exp(z[k] - m);
  for (auto& v : p) v /= sum;
  return p;
}

double Expected(const Probs& p) {
  double e = 0;
  for (int k = 0; k < 5; ++k) e += (k + 1) * p[k];
  return e;
}

// Raw logits (output x mean of the input rows) of a full-precision fastText model for one
// normalised line, in star order; zeros when the model has no row for it (uniform probabilities,
// as the review model answers).
Logits RawLogits(const fasttext::FastText& ft, const std::string& line) {
  const auto dict = ft.getDictionary();
  const auto in = ft.getInputMatrix();
  const auto out = ft.getOutputMatrix();
  std::istringstream stream(line + '\n');
  std::vector<int32_t> rows, labels;
  dict->getLine(stream, rows, labels);
  Logits z{};
  if (rows.empty()) return z;
  std::vector<double> hidden(static_cast<size_t>(in->cols()), 0.0);
  for (const int32_t r : rows)
    for (int64_t j = 0; j < in->cols(); ++j) hidden[static_cast<size_t>(j)] += in->at(r, j);
  for (auto& h : hidden) h /= static_cast<double>(rows.size());
  for (int32_t l = 0; l < dict->nlabels(); ++l) {
    const std::string label = dict->getLabel(l);  // "__label__K"
    const int star = label.back() - '0';
    if (star < 1 || star > 5) continue;
    double s = 0;
    for (int64_t j = 0; j < out->cols(); ++j) s += out->at(l, j) * hidden[static_cast<size_t>(j)];
    z[star - 1] = s;
  }
  return z;
}

double SampleSd(const std::vector<double>& v, double mean) {
  if (v.size() < 2) return 0;
  double s = 0;
  for (const double x : v) s += (x - mean) * (x - mean);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

CvStat Stat(const std::vector<double>& v) {
  CvStat s;
  if (v.empty()) return s;
  for (const double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  s.sd = SampleSd(v, s.mean);
  return s;
}

// The decision rule's a on `idx`: the trainer's grid and score (exact + within-one, ties to the
// smaller a).
double FitNeighbourUtility(const std::vector<Probs>& probs, const std::vector<const ReviewExample*>& ex,
                           const std::vector<size_t>& idx) {
  constexpr int kSteps = 12;
  constexpr double kStep = 0.05;
  double best_a = 0;
  long best = -1;
  for (int i = 0; i <= kSteps; ++i) {
    const double a = i * kStep;
    long score = 0;
    for (const size_t k : idx) {
      const int d = std::abs(Calibration::DecideStars(probs[k], a) - ex[k]->stars);
      score += (d == 0) + (d <= 1);
    }
    if (score > best) {
      best = score;
      best_a = a;
    }
  }
  return best_a;
}

// Score (exact + within-one) of the best a on `idx`, for choosing other parameters.
long BestRuleScore(const std::vector<Probs>& probs, const std::vector<const ReviewExample*>& ex,
                   const std::vector<size_t>& idx) {
  const double a = FitNeighbourUtility(probs, ex, idx);
  long score = 0;
  for (const size_t k : idx) {
    const int d = std::abs(Calibration::DecideStars(probs[k], a) - ex[k]->stars);
    score += (d == 0) + (d <= 1);
  }
  return score;
}

// The trainer's calibration: isotonic per language with >= 1000 reviews, pooled "*" for all.
Calibration FitCalibration(const std::vector<Probs>& probs, const std::vector<const ReviewExample*>& ex,
                           const std::vector<size_t>& idx) {
  std::map<std::string, std::vector<std::pair<double, double>>> xy;
  for (const size_t k : idx) {
    const double e = Expected(probs[k]);
    xy[ex[k]->lang].emplace_back(e, ex[k]->stars);
    xy["*"].emplace_back(e, ex[k]->stars);
  }
  Calibration c;
  for (auto& [lang, pairs] : xy) {
    constexpr size_t kMinPerLanguage = 1000;  // as TrainReviewModel (review_trainer.cpp)
    if (lang != "*" && pairs.size() < kMinPerLanguage) continue;
    c.Set(lang, Calibration::FitIsotonic(std::move(pairs)));
  }
  return c;
}

// Per fold and language: exact, within-one, mean of 20 (calibrated).
struct FoldFigures {
  std::map<std::string, std::vector<double>> exact, within, mean20;
  std::map<std::string, size_t> n;
};

}  // namespace

StackWeights FitStack(const std::vector<std::array<double, 10>>& x, const std::vector<int>& stars, double l2,
                      int steps) {
  StackWeights w0{};
  for (int k = 0; k < 5; ++k) w0[k][k] = w0[k][5 + k] = 0.5;
  StackWeights w = w0;
  if (x.empty()) return w;
  // Step 1/L: the Hessian of softmax cross-entropy is at most 1/2 |x|^2 per example (mean over
  // the examples) plus 2 * l2, so this step size never overshoots.
  double sq = 0;
  for (const auto& xi : x)
    for (const double v : xi) sq += v * v;
  const double lipschitz = 0.5 * sq / static_cast<double>(x.size()) + 2 * l2;
  const double step = 1.0 / std::max(lipschitz, 1e-9);
  const double inv_n = 1.0 / static_cast<double>(x.size());
  for (int it = 0; it < steps; ++it) {
    StackWeights grad{};
    for (size_t i = 0; i < x.size(); ++i) {
      const Probs p = ApplyStack(w, x[i]);
      for (int k = 0; k < 5; ++k) {
        const double r = (p[k] - (stars[i] == k + 1 ? 1.0 : 0.0)) * inv_n;
        for (int j = 0; j < 10; ++j) grad[k][j] += r * x[i][j];
      }
    }
    for (int k = 0; k < 5; ++k)
      for (int j = 0; j < 10; ++j) w[k][j] -= step * (grad[k][j] + 2 * l2 * (w[k][j] - w0[k][j]));
  }
  return w;
}

std::array<double, 5> ApplyStack(const StackWeights& w, const std::array<double, 10>& x) {
  Logits z{};
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < 10; ++j) z[k] += w[k][j] * x[j];
  return Softmax(z);
}

Result<CvReport> CrossValidateReviewModel(const std::vector<LabelledReview>& data, const TrainOptions& options,
                                          const CvOptions& cv) {
  const auto started = std::chrono::steady_clock::now();
  // 10 folds at most: each fold trains two models (minutes on the full corpus).
  if (cv.folds < 2 || cv.folds > 10) return Error::Invalid("TRAIN_FAILED", "cross-validation needs 2..10 folds");
  auto splits = SplitReviews(data);
  if (!splits.ok()) return splits.error();

  // Training + validation, per language in hash order (the split's order), fold = position % K.
  std::vector<const ReviewExample*> ex;
  std::vector<int> fold_of;
  {
    std::map<std::string, std::vector<const ReviewExample*>> per_lang;
    for (const auto* e : splits->train) per_lang[e->lang].push_back(e);
    for (const auto* e : splits->valid) per_lang[e->lang].push_back(e);
    for (auto& [lang, v] : per_lang) {
      std::sort(v.begin(), v.end(), [](const ReviewExample* a, const ReviewExample* b) {
        return Fnv1a64(a->normalized) < Fnv1a64(b->normalized);
      });
      for (size_t i = 0; i < v.size(); ++i) {
        ex.push_back(v[i]);
        fold_of.push_back(static_cast<int>(i % static_cast<size_t>(cv.folds)));
      }
    }
  }
  const size_t n = ex.size();
  const int folds = cv.folds;

  auto scratch = ScratchDir::Create("worthit-cv-");
  if (!scratch.ok()) return scratch.error();
  const fs::path& work = (*scratch)->path();

  std::vector<Logits> zm(n), zw(n);
  std::vector<Probs> configured(n);
  for (int f = 0; f < folds; ++f) {
    std::vector<const ReviewExample*> fit;
    for (size_t i = 0; i < n; ++i)
      if (fold_of[i] != f) fit.push_back(ex[i]);
    const auto train_path = (work / "train.txt").string();
    if (auto st = WriteBalancedTrainFile(fit, train_path, options.negation_scope); !st.ok()) return st.error();
    const auto args = MakeTrainArgs(options, train_path, (work / "model").string(), options.minn, options.maxn);
    FoldableFastText main, words;
    try {
      main.train(args);
      words.train(MakeTrainArgs(options, train_path, (work / "model").string(), 0, 0));
    } catch (const std::exception& e) {
      return Error::Permanent("TRAIN_FAILED", std::string("fastText: ") + e.what());
    }
    std::string marked;
    for (size_t i = 0; i < n; ++i) {
      if (fold_of[i] != f) continue;
      MarkNegationInto(ex[i]->normalized, options.negation_scope, marked);
      zm[i] = RawLogits(main, marked);
      zw[i] = RawLogits(words, marked);
    }
    // The configured model, built as TrainReviewModel builds it, through the shipped loader.
    if (options.fold) {
      auto folded = FoldWordsCompanion(main, words, train_path, options.main_weight, options.fold_scale,
                                       options.fold_bucket_factor);
      if (!folded.ok()) return folded.error();
    }
    const auto model_path = (work / "fold.ftz").string();
    if (auto saved = QuantizeAndSave(main, args, options, model_path); !saved.ok()) return saved.error();
    {
      // The model's input marking travels in its .calib (no calibration here: that is fitted
      // below on out-of-fold predictions).
      Calibration input;
      input.SetNegationScope(options.negation_scope);
      std::ofstream calib(CalibrationPathFor(model_path), std::ios::binary);
      calib << input.Serialize();
      if (!calib) return Error::Transient("TRAIN_IO", "cannot write " + CalibrationPathFor(model_path));
    }
    auto model = LoadReviewModel(model_path);
    if (!model.ok()) return model.error();
    for (size_t i = 0; i < n; ++i)
      if (fold_of[i] == f) configured[i] = (*model)->Predict(ex[i]->normalized).probs;
    std::fprintf(stderr, "cv: fold %d/%d done (%.0f s)\n", f + 1, folds,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }

  std::vector<std::vector<size_t>> in_fold(static_cast<size_t>(folds)), out_fold(static_cast<size_t>(folds));
  for (size_t i = 0; i < n; ++i)
    for (int f = 0; f < folds; ++f) (fold_of[i] == f ? in_fold : out_fold)[static_cast<size_t>(f)].push_back(i);

  // Figures of one candidate: per fold f, probabilities from probs_for(f) (which may depend on
  // choices fitted on the other folds), rule and calibration fitted on `fit_idx(f)`.
  auto figures = [&](const std::vector<std::vector<Probs>>& probs_per_fold,
                     const std::vector<std::vector<size_t>>& fit_idx, std::vector<std::string>& chosen) {
    FoldFigures out;
    for (int f = 0; f < folds; ++f) {
      const auto& probs = probs_per_fold[static_cast<size_t>(f)];
      const auto& fit = fit_idx[static_cast<size_t>(f)];
      const double a = FitNeighbourUtility(probs, ex, fit);
      const Calibration cal = FitCalibration(probs, ex, fit);
      char buf[64];
      std::snprintf(buf, sizeof buf, "a=%.2f", a);
      if (chosen.size() <= static_cast<size_t>(f)) chosen.resize(static_cast<size_t>(f) + 1);
      chosen[static_cast<size_t>(f)] += (chosen[static_cast<size_t>(f)].empty() ? "" : " ") + std::string(buf);
      std::map<std::string, std::vector<int>> gold, pred;
      std::map<std::string, std::vector<double>> raw, calibrated;
      for (const size_t i : in_fold[static_cast<size_t>(f)]) {
        const double e = Expected(probs[i]);
        for (const std::string& key : {ex[i]->lang, std::string("all")}) {
          gold[key].push_back(ex[i]->stars);
          pred[key].push_back(Calibration::DecideStars(probs[i], a));
          raw[key].push_back(e);
          calibrated[key].push_back(cal.Apply(ex[i]->lang, e));
        }
      }
      for (const auto& [lang, g] : gold) {
        const auto m = ComputeMetrics(lang, g, pred[lang], raw[lang], calibrated[lang], options.eval_groups, 20261130);
        out.exact[lang].push_back(m.exact);
        out.within[lang].push_back(m.within_one);
        out.mean20[lang].push_back(m.mean20);
        out.n[lang] += m.n;
      }
    }
    return out;
  };

  CvReport report;
  report.folds = folds;
  report.examples = n;
  std::vector<std::pair<CvCandidate, FoldFigures>> results;
  auto add = [&](std::string name, const std::vector<std::vector<Probs>>& probs_per_fold,
                 const std::vector<std::vector<size_t>>& fit_idx, std::vector<std::string> chosen) {
    CvCandidate c;
    c.name = std::move(name);
    auto fig = figures(probs_per_fold, fit_idx, chosen);
    c.chosen = std::move(chosen);
    results.emplace_back(std::move(c), std::move(fig));
  };
  auto same_for_all_folds = [&](const std::vector<Probs>& p) {
    return std::vector<std::vector<Probs>>(static_cast<size_t>(folds), p);
  };
  auto combine = [&](double w, double t) {
    std::vector<Probs> p(n);
    for (size_t i = 0; i < n; ++i) {
      Logits z{};
      for (int k = 0; k < 5; ++k) z[k] = t * (w * zm[i][k] + (1 - w) * zw[i][k]);
      p[i] = Softmax(z);
    }
    return p;
  };

  add("configured", same_for_all_folds(configured), out_fold, {});
  {
    // Rule and calibration fitted on the next fold alone (~1/K of the data, like the validation
    // split `--refit` uses), applied to fold f.
    std::vector<std::vector<size_t>> one(static_cast<size_t>(folds));
    for (int f = 0; f < folds; ++f) one[static_cast<size_t>(f)] = in_fold[static_cast<size_t>((f + 1) % folds)];
    add("configured, 1-fold fit", same_for_all_folds(configured), one, {});
  }
  {
    std::vector<Probs> pm(n), pw(n);
    for (size_t i = 0; i < n; ++i) {
      pm[i] = Softmax(zm[i]);
      pw[i] = Softmax(zw[i]);
    }
    add("main", same_for_all_folds(pm), out_fold, {});
    add("words", same_for_all_folds(pw), out_fold, {});
    add("average", same_for_all_folds(combine(0.5, 1.0)), out_fold, {});
  }
  {
    // (w, t) on a small grid, chosen per fold on the other folds by the best rule's score.
    const double kWeights[] = {0.3, 0.4, 0.5, 0.6, 0.7};
    const double kTemperatures[] = {0.6, 0.8, 1.0, 1.25, 1.5};
    std::vector<std::vector<Probs>> grid;
    std::vector<std::pair<double, double>> params;
    for (const double w : kWeights)
      for (const double t : kTemperatures) {
        grid.push_back(combine(w, t));
        params.emplace_back(w, t);
      }
    std::vector<std::vector<Probs>> per_fold;
    std::vector<std::string> chosen;
    for (int f = 0; f < folds; ++f) {
      long best = -1;
      size_t best_g = 0;
      for (size_t g = 0; g < grid.size(); ++g) {
        const long s = BestRuleScore(grid[g], ex, out_fold[static_cast<size_t>(f)]);
        if (s > best) {
          best = s;
          best_g = g;
        }
      }
      per_fold.push_back(grid[best_g]);
      char buf[64];
      std::snprintf(buf, sizeof buf, "w=%.1f t=%.2f", params[best_g].first, params[best_g].second);
      chosen.emplace_back(buf);
    }
    add("weighted", per_fold, out_fold, chosen);
  }
  {
    std::vector<std::array<double, 10>> x(n);
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < 5; ++k) {
        x[i][k] = zm[i][k];
        x[i][5 + k] = zw[i][k];
      }
    std::vector<std::vector<Probs>> per_fold;
    std::vector<std::string> chosen;
    for (int f = 0; f < folds; ++f) {
      std::vector<std::array<double, 10>> xf;
      std::vector<int> yf;
      for (const size_t i : out_fold[static_cast<size_t>(f)]) {
        xf.push_back(x[i]);
        yf.push_back(ex[i]->stars);
      }
      // 300 full-batch steps converge on 50 parameters; l2 keeps the map near the average.
      const auto w = FitStack(xf, yf, 1e-3, 300);
      std::vector<Probs> p(n);
      for (size_t i = 0; i < n; ++i) p[i] = ApplyStack(w, x[i]);
      per_fold.push_back(std::move(p));
      double main_mass = 0, total = 0;
      for (int k = 0; k < 5; ++k)
        for (int j = 0; j < 10; ++j) (j < 5 ? main_mass : total) += std::abs(w[k][j]);
      total += main_mass;
      char buf[64];
      std::snprintf(buf, sizeof buf, "main share %.2f", main_mass / total);
      chosen.emplace_back(buf);
    }
    add("stacked", per_fold, out_fold, chosen);
  }

  // Means, spreads and paired differences to "configured".
  const FoldFigures& base = results.front().second;
  for (auto& [c, fig] : results) {
    for (const auto& [lang, v] : fig.exact) {
      CvLangFigures l;
      l.lang = lang;
      l.n = fig.n.at(lang);
      l.exact = Stat(v);
      l.within_one = Stat(fig.within.at(lang));
      l.mean20 = Stat(fig.mean20.at(lang));
      std::vector<double> de, dw;
      for (size_t f = 0; f < v.size(); ++f) {
        de.push_back(v[f] - base.exact.at(lang)[f]);
        dw.push_back(fig.within.at(lang)[f] - base.within.at(lang)[f]);
      }
      l.delta_exact = Stat(de);
      l.delta_within_one = Stat(dw);
      c.langs.push_back(l);
    }
    report.candidates.push_back(std::move(c));
  }

  if (!cv.predictions_path.empty()) {
    std::ofstream out(cv.predictions_path, std::ios::binary);
    out << "fold\tlang\tstars";
    for (const char* p : {"main", "words"})
      for (int k = 1; k <= 5; ++k) out << '\t' << p << "_logit" << k;
    for (int k = 1; k <= 5; ++k) out << "\tconfigured_p" << k;
    out << '\n';
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      out << fold_of[i] << '\t' << ex[i]->lang << '\t' << ex[i]->stars;
      for (const auto* z : {&zm[i], &zw[i], &configured[i]})
        for (const double v : *z) {
          std::snprintf(buf, sizeof buf, "\t%.6g", v);
          out << buf;
        }
      out << '\n';
    }
    if (!out) return Error::Transient("TRAIN_IO", "cannot write " + cv.predictions_path);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::string FormatCvReport(const CvReport& r) {
  std::string out;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%d-fold cross-validation over training + validation (%zu reviews; the test split is not read), "
                "%.0f s\n"
                "mean +- sd over folds; delta: paired difference to \"configured\" (points)\n\n",
                r.folds, r.examples, r.seconds);
  out += buf;
  for (const auto& c : r.candidates) {
    out += c.name + "\n";
    out += "  lang      n   exact          within1        mean20(cal)     delta exact    delta within1\n";
    for (const auto& l : c.langs) {
      std::snprintf(
          buf, sizeof buf,
          "  %-5s %6zu  %5.1f +- %3.1f   %5.1f +- %3.1f   %5.3f +- %5.3f  %+5.1f +- %3.1f    %+5.1f +- %3.1f\n",
          l.lang.c_str(), l.n, 100 * l.exact.mean, 100 * l.exact.sd, 100 * l.within_one.mean, 100 * l.within_one.sd,
          l.mean20.mean, l.mean20.sd, 100 * l.delta_exact.mean, 100 * l.delta_exact.sd, 100 * l.delta_within_one.mean,
          100 * l.delta_within_one.sd);
      out += buf;
    }
    out += "  fitted on the other folds:";
    for (size_t f = 0; f < c.chosen.size(); ++f) out += (f ? " | " : " ") + c.chosen[f];
    out += "\n\n";
  }
  return out;
}

}  // namespace worthit::analysis::reviews
