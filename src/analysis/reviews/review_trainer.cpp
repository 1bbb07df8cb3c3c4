#include "analysis/reviews/review_trainer.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unordered_set>

#include "analysis/reviews/calibration.h"
#include "analysis/reviews/fasttext_fold.h"
#include "analysis/reviews/negation_marker.h"
#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"
#include "common/ids.h"

namespace worthit::analysis::reviews {
namespace {

namespace fs = std::filesystem;

// One CSV record (RFC 4180): fields separated by commas, quoted fields may hold commas, quotes
// ("") and newlines. Returns false at end of input.
bool ReadCsvRecord(std::istream& in, std::vector<std::string>& fields) {
  fields.clear();
  if (in.peek() == EOF) return false;
  std::string field;
  bool quoted = false, any = false;
  char c;
  while (in.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          in.get(c);
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (!any) return false;
  fields.push_back(std::move(field));
  return true;
}

}  // namespace

Result<std::vector<LabelledReview>> ReadLabelledCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Invalid("DATA_INVALID", "cannot open " + path);
  std::vector<std::string> fields;
  if (!ReadCsvRecord(in, fields)) return Error::Invalid("DATA_INVALID", path + ": empty file");
  int col_lang = -1, col_stars = -1, col_text = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == "lang") col_lang = static_cast<int>(i);
    if (fields[i] == "stars") col_stars = static_cast<int>(i);
    if (fields[i] == "text") col_text = static_cast<int>(i);
  }
  if (col_stars < 0 || col_text < 0) {
    return Error::Invalid("DATA_INVALID", path + ": header must name the columns stars and text (and lang)");
  }
  const size_t need = static_cast<size_t>(std::max({col_lang, col_stars, col_text})) + 1;
  std::vector<LabelledReview> out;
  while (ReadCsvRecord(in, fields)) {
    if (fields.size() < need) continue;
    const std::string& s = fields[col_stars];
    if (s.size() != 1 || s[0] < '1' || s[0] > '5') continue;
    if (fields[col_text].find_first_not_of(" \t\r\n") == std::string::npos) continue;
    out.push_back({col_lang >= 0 ? fields[col_lang] : "", s[0] - '0', fields[col_text]});
  }
  return out;
}

LangMetrics ComputeMetrics(const std::string& lang, const std::vector<int>& gold, const std::vector<int>& predicted,
                           const std::vector<double>& expected_raw, const std::vector<double>& expected_calibrated,
                           int groups, unsigned seed) {
  LangMetrics m;
  m.lang = lang;
  m.n = gold.size();
  if (gold.empty()) return m;
  std::array<double, 5> tp{}, fp{}, fn{};
  double exact = 0, within = 0, abs_err = 0, abs_err_e = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    const int g = gold[i], p = predicted[i];
    if (g == p) {
      exact += 1;
      tp[g - 1] += 1;
    } else {
      fp[p - 1] += 1;
      fn[g - 1] += 1;
    }
    if (std::abs(g - p) <= 1) within += 1;
    abs_err += std::abs(g - p);
    abs_err_e += std::abs(g - expected_calibrated[i]);
  }
  const double n = static_cast<double>(gold.size());
  m.exact = exact / n;
  m.within_one = within / n;
  m.mae = abs_err / n;
  m.mae_expected = abs_err_e / n;
  double f1_sum = 0;
  for (int k = 0; k < 5; ++k) {
    const double denom = 2 * tp[k] + fp[k] + fn[k];
    f1_sum += denom > 0 ? 2 * tp[k] / denom : 0;
  }
  m.macro_f1 = f1_sum / 5;
  // Mean of 20: the card aggregates a page's reviews, so measure how far the mean of expected
  // stars over 20 random reviews lands from their true mean. Fixed seed: same numbers every run.
  constexpr size_t kGroup = 20;
  if (gold.size() >= kGroup && groups > 0) {
    std::mt19937 rng(seed);
    std::vector<size_t> idx(gold.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    double err_raw = 0, err_cal = 0;
    for (int g = 0; g < groups; ++g) {
      // Partial Fisher-Yates: the first 20 entries become a uniform sample without replacement.
      for (size_t i = 0; i < kGroup; ++i) {
        std::uniform_int_distribution<size_t> pick(i, idx.size() - 1);
        std::swap(idx[i], idx[pick(rng)]);
      }
      double sg = 0, sr = 0, sc = 0;
      for (size_t i = 0; i < kGroup; ++i) {
        sg += gold[idx[i]];
        sr += expected_raw[idx[i]];
        sc += expected_calibrated[idx[i]];
      }
      err_raw += std::abs(sr - sg) / kGroup;
      err_cal += std::abs(sc - sg) / kGroup;
    }
    m.mean20_raw = err_raw / groups;
    m.mean20 = err_cal / groups;
  }
  return m;
}

Result<ReviewSplits> SplitReviews(const std::vector<LabelledReview>& data) {
  ReviewSplits out;
  out.total = data.size();
  // 1. Normalise, de-duplicate, group by language.
  std::unordered_set<std::string> seen;
  for (const auto& r : data) {
    if (r.stars < 1 || r.stars > 5) continue;
    std::string norm = NormalizeReviewText(r.text);
    if (norm.empty()) continue;
    if (!seen.insert(norm).second) {
      ++out.duplicates;
      continue;
    }
    const std::string lang = r.lang.empty() ? "und" : r.lang;
    out.by_lang[lang].push_back({lang, r.stars, std::move(norm)});
  }
  if (out.by_lang.empty()) return Error::Invalid("TRAIN_NO_DATA", "no labelled reviews to train on");

  // 2. Deterministic split per language by text hash.
  for (auto& [lang, examples] : out.by_lang) {
    std::vector<std::pair<uint64_t, const ReviewExample*>> keyed;
    for (const auto& e : examples) keyed.emplace_back(Fnv1a64(e.normalized), &e);
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < keyed.size(); ++i) {
      const auto bucket = i % 10;
      (bucket == 0 ? out.test : bucket == 1 ? out.valid : out.train).push_back(keyed[i].second);
    }
  }
  {
    std::array<size_t, 5> per_star{};
    for (const auto* e : out.train) ++per_star[e->stars - 1];
    for (int s = 0; s < 5; ++s)
      if (per_star[s] == 0)
        return Error::Invalid("TRAIN_NO_DATA", "no training review with " + std::to_string(s + 1) + " stars");
  }
  if (out.train.empty() || out.valid.empty() || out.test.empty()) {
    return Error::Invalid("TRAIN_NO_DATA", "need at least 10 reviews (train/validation/test split)");
  }
  return out;
}

Status WriteBalancedTrainFile(const std::vector<const ReviewExample*>& examples, const std::string& path,
                              int negation_scope) {
  // Rare star classes are repeated up to the largest class's count (whole copies plus a
  // deterministic prefix), so the softmax prior is flat and the calibration, not the class
  // frequencies of the corpus, decides the aggregate.
  std::array<std::vector<const ReviewExample*>, 5> by_star;
  for (const auto* e : examples) by_star[e->stars - 1].push_back(e);
  size_t largest = 0;
  for (const auto& v : by_star) largest = std::max(largest, v.size());
  std::vector<const ReviewExample*> lines;
  for (const auto& v : by_star) {
    if (v.empty()) continue;
    for (size_t i = 0; i < largest; ++i) lines.push_back(v[i % v.size()]);
  }
  // Interleave deterministically so classes are mixed along the file (fastText reads it in
  // order per thread; a sorted file would bias the learning-rate schedule).
  std::sort(lines.begin(), lines.end(), [](const ReviewExample* a, const ReviewExample* b) {
    return Fnv1a64(a->normalized) < Fnv1a64(b->normalized);
  });
  std::ofstream out(path, std::ios::binary);
  std::string marked;
  for (const auto* e : lines) {
    MarkNegationInto(e->normalized, negation_scope, marked);
    out << "__label__" << e->stars << ' ' << marked << '\n';
  }
  if (!out) return Error::Transient("TRAIN_IO", "cannot write " + path);
  return OkStatus();
}

Result<std::unique_ptr<ScratchDir>> ScratchDir::Create(const std::string& prefix) {
  fs::path path = fs::temp_directory_path() / (prefix + RandomId(12));
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Error::Transient("TRAIN_IO", "cannot create " + path.string() + ": " + ec.message());
  return std::unique_ptr<ScratchDir>(new ScratchDir(std::move(path)));
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Status QuantizeAndSave(fasttext::FastText& ft, const fasttext::Args& args, const TrainOptions& options,
                       const std::string& path) {
  try {
    if (options.quantize) {
      fasttext::Args q = args;
      q.qnorm = true;
      q.retrain = options.retrain_quantized && options.cutoff > 0;
      q.cutoff = options.cutoff;
      q.dsub = options.dsub;
      ft.quantize(q);
    }
    ft.saveModel(path);
  } catch (const std::exception& e) {
    return Error::Permanent("TRAIN_FAILED", std::string("fastText: ") + e.what());
  }
  return OkStatus();
}

fasttext::Args MakeTrainArgs(const TrainOptions& options, const std::string& input, const std::string& output, int minn,
                             int maxn) {
  fasttext::Args args;
  args.input = input;
  args.output = output;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.lr = options.lr;
  args.epoch = options.epoch;
  args.wordNgrams = options.word_ngrams;
  args.dim = options.dim;
  args.minn = minn;
  args.maxn = maxn;
  args.bucket = options.bucket;
  args.minCount = 1;
  args.thread = std::max(1, options.threads);
  args.seed = options.seed;
  args.verbose = 0;
  return args;
}

Result<TrainReport> TrainReviewModel(const std::vector<LabelledReview>& data, const TrainOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  TrainReport report;
  auto splits = SplitReviews(data);
  if (!splits.ok()) return splits.error();
  report.total = splits->total;
  report.duplicates = splits->duplicates;
  const auto& train = splits->train;
  const auto& valid = splits->valid;
  const auto& test = splits->test;
  report.train = train.size();
  report.valid = valid.size();
  report.test = test.size();

  // 3. Training file with class balancing (WriteBalancedTrainFile).
  auto scratch = ScratchDir::Create("worthit-train-");
  if (!scratch.ok()) return scratch.error();
  const fs::path& work = (*scratch)->path();
  std::error_code ec;
  const auto train_path = (work / "train.txt").string();
  if (auto st = WriteBalancedTrainFile(train, train_path, options.negation_scope); !st.ok()) return st.error();
  if (!options.splits_dir.empty()) {
    const fs::path dir(options.splits_dir);
    fs::create_directories(dir, ec);
    fs::copy_file(train_path, dir / "train.txt", fs::copy_options::overwrite_existing, ec);
    if (ec) return Error::Transient("TRAIN_IO", "cannot write " + (dir / "train.txt").string() + ": " + ec.message());
    for (const auto& [name, split] :
         {std::pair<std::string, const std::vector<const ReviewExample*>*>{"valid", &valid}, {"test", &test}}) {
      std::ofstream text((dir / (name + ".txt")).string(), std::ios::binary);
      std::ofstream langs((dir / (name + ".lang")).string(), std::ios::binary);
      std::string marked;
      for (const auto* e : *split) {
        MarkNegationInto(e->normalized, options.negation_scope, marked);
        text << "__label__" << e->stars << ' ' << marked << '\n';
        langs << e->lang << '\n';
      }
      if (!text || !langs)
        return Error::Transient("TRAIN_IO", "cannot write the " + name + " split to " + dir.string());
    }
  }

  // 4-5. Train, quantize, save: the main model and, unless disabled, its words-and-bigrams
  // companion (same training file and options, no subwords), each single-threaded with the same
  // seed, so both files are reproducible.
  fs::path out_path(options.out_path);
  if (out_path.has_parent_path()) fs::create_directories(out_path.parent_path(), ec);
  auto make_args = [&](const std::string& input, int minn, int maxn) {
    return MakeTrainArgs(options, input, (work / "model").string(), minn, maxn);
  };
  auto quantize_save = [&](fasttext::FastText& ft, const fasttext::Args& args, const std::string& path) {
    return QuantizeAndSave(ft, args, options, path);
  };
  auto train_one = [&](const std::string& input, int minn, int maxn, const std::string& path) -> Status {
    const auto args = make_args(input, minn, maxn);
    fasttext::FastText ft;
    try {
      ft.train(args);
    } catch (const std::exception& e) {
      return Error::Permanent("TRAIN_FAILED", std::string("fastText: ") + e.what());
    }
    return quantize_save(ft, args, path);
  };
  const std::string companion_path = CompanionPathFor(options.out_path);
  // The model file(s) `worthit` loads, trained on `input`: the main model, folded with its
  // words-only companion (default) or alone, and the two-file ensemble's companion if asked.
  auto train_models = [&](const std::string& input) -> Status {
    if (options.fold && !options.companion) {
      // Main model and companion trained at full precision, then merged into one fastText
      // model (fasttext_fold.h) that is quantized and saved alone.
      const auto args = make_args(input, options.minn, options.maxn);
      FoldableFastText main, words;
      try {
        main.train(args);
        words.train(make_args(input, 0, 0));
      } catch (const std::exception& e) {
        return Error::Permanent("TRAIN_FAILED", std::string("fastText: ") + e.what());
      }
      auto folded =
          FoldWordsCompanion(main, words, input, options.main_weight, options.fold_scale, options.fold_bucket_factor);
      if (!folded.ok()) return folded.error();
      report.fold_scale = *folded;
      if (auto st = quantize_save(main, args, options.out_path); !st.ok()) return st;
    } else if (auto st = train_one(input, options.minn, options.maxn, options.out_path); !st.ok()) {
      return st;
    }
    if (options.companion) {
      if (auto st = train_one(input, 0, 0, companion_path); !st.ok()) return st;
      report.companion_path = companion_path;
      report.companion_bytes = fs::file_size(companion_path, ec);
    }
    report.model_bytes = fs::file_size(options.out_path, ec);
    return OkStatus();
  };
  fs::remove(companion_path, ec);  // no stale companion may sit next to the new model
  if (auto st = train_models(train_path); !st.ok()) return st.error();
  report.model_path = options.out_path;
  report.calibration_path = CalibrationPathFor(options.out_path);
  fs::remove(report.calibration_path, ec);  // a stale map must not be loaded with the new model
  Calibration calibration;
  calibration.SetNegationScope(options.negation_scope);
  if (options.companion) {
    // The loader finds the companion through the .calib: write the ensemble line first so the
    // calibration below is fitted on the ensemble's probabilities.
    calibration.SetCompanion(fs::path(companion_path).filename().string(), options.main_weight);
  }
  if (options.companion || options.negation_scope > 0) {
    // Likewise the input marking: the model must read validation text as it was trained.
    std::ofstream cout(report.calibration_path, std::ios::binary);
    cout << calibration.Serialize();
    if (!cout) return Error::Transient("TRAIN_IO", "cannot write " + report.calibration_path);
  }

  auto model = LoadReviewModel(options.out_path);
  if (!model.ok()) return model.error();

  // Calibration per language (and "*" pooled) and the decision rule, on the validation split.
  std::vector<std::array<double, 5>> valid_probs;
  valid_probs.reserve(valid.size());
  {
    std::map<std::string, std::vector<std::pair<double, double>>> xy;
    for (const auto* e : valid) {
      const auto p = (*model)->Predict(e->normalized);
      valid_probs.push_back(p.probs);
      xy[e->lang].emplace_back(p.expected, e->stars);
      xy["*"].emplace_back(p.expected, e->stars);
    }
    for (auto& [lang, pairs] : xy) {
      // A per-language isotonic map from a few hundred reviews overfits (measured: de's 20-review
      // error went from 0.17 to 0.22 with its own map from 244 reviews); below kMinPerLanguage
      // the pooled map serves that language.
      constexpr size_t kMinPerLanguage = 1000;
      if (lang != "*" && pairs.size() < kMinPerLanguage) continue;
      calibration.Set(lang, Calibration::FitIsotonic(std::move(pairs)));
    }
    double best_a = std::max(0.0, options.neighbour_utility);
    if (options.neighbour_utility < 0) {
      // One parameter on ~2,000 reviews: a coarse grid, ties to the smaller a (closer to argmax).
      // Above 0.6 exact accuracy falls faster than within-one rises (measured on validation).
      constexpr int kSteps = 12;
      constexpr double kStep = 0.05;
      int best_score = -1;
      for (int i = 0; i <= kSteps; ++i) {
        const double a = i * kStep;
        int score = 0;
        for (size_t k = 0; k < valid.size(); ++k) {
          const int d = std::abs(Calibration::DecideStars(valid_probs[k], a) - valid[k]->stars);
          score += (d == 0) + (d <= 1);
        }
        if (score > best_score) {
          best_score = score;
          best_a = a;
        }
      }
    }
    calibration.SetNeighbourUtility(best_a);
    report.neighbour_utility = calibration.neighbour_utility();
    std::ofstream cout(report.calibration_path, std::ios::binary);
    cout << calibration.Serialize();
    if (!cout) return Error::Transient("TRAIN_IO", "cannot write " + report.calibration_path);
  }
  // Reload: the evaluation goes through the files exactly as shipped (model + calibration + rule).
  model = LoadReviewModel(options.out_path);
  if (!model.ok()) return model.error();

  // 6. Evaluate per language (normalising twice is idempotent).
  auto evaluate = [&](const std::vector<const ReviewExample*>& split) {
    struct Acc {
      std::vector<int> gold, pred;
      std::vector<double> raw, cal;
    };
    std::map<std::string, Acc> acc;
    for (const auto* e : split) {
      const auto p = (*model)->Predict(e->normalized);
      const double cal = calibration.Apply(e->lang, p.expected);
      for (const std::string& key : {e->lang, std::string("all")}) {
        auto& a = acc[key];
        a.gold.push_back(e->stars);
        a.pred.push_back(p.stars);
        a.raw.push_back(p.expected);
        a.cal.push_back(cal);
      }
    }
    std::vector<LangMetrics> out;
    for (const auto& [lang, a] : acc) {
      out.push_back(ComputeMetrics(lang, a.gold, a.pred, a.raw, a.cal, options.eval_groups, 20261130));
    }
    return out;
  };
  report.valid_metrics = evaluate(valid);
  if (options.refit_with_validation) {
    // Cross-fitting: the calibration and decision rule stay those fitted on the validation
    // split with the model that did not train on it (held-out data, as they need); the shipped
    // model is then retrained, same options, on training + validation (12.5% more reviews) and
    // replaces the first. The validation metrics above are the first model's (the second has
    // seen those reviews); the test split has been seen by neither.
    std::vector<const ReviewExample*> train_and_valid = train;
    train_and_valid.insert(train_and_valid.end(), valid.begin(), valid.end());
    const auto refit_path = (work / "train_valid.txt").string();
    if (auto st = WriteBalancedTrainFile(train_and_valid, refit_path, options.negation_scope); !st.ok())
      return st.error();
    if (auto st = train_models(refit_path); !st.ok()) return st.error();
    report.refit = true;
    model = LoadReviewModel(options.out_path);
    if (!model.ok()) return model.error();
  }
  if (options.evaluate_test) report.test_metrics = evaluate(test);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::string FormatTrainReport(const TrainReport& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "reviews: %zu (%zu duplicates dropped)  train %zu  validation %zu  test %zu\n"
                "model: %s (%.1f MB)  calibration: %s  time: %.0f s\n",
                r.total, r.duplicates, r.train, r.valid, r.test, r.model_path.c_str(), r.model_bytes / 1e6,
                r.calibration_path.c_str(), r.seconds);
  out += buf;
  if (r.fold_scale > 0) {
    std::snprintf(buf, sizeof buf, "folded ensemble: words-only companion inside the model, row scale %.3f\n",
                  r.fold_scale);
    out += buf;
  }
  if (!r.companion_path.empty()) {
    std::snprintf(buf, sizeof buf, "ensemble companion (words + word n-grams, no subwords): %s (%.1f MB)\n",
                  r.companion_path.c_str(), r.companion_bytes / 1e6);
    out += buf;
  }
  out += "\n";
  if (r.refit) {
    out +=
        "refit: the model was retrained on training + validation after the calibration and rule were fitted\n"
        "       (validation figures below are the first model's, trained without the validation split)\n";
  }
  std::snprintf(buf, sizeof buf, "decision rule: stars maximise P(k) + %.2f * (P(k-1) + P(k+1))\n\n",
                r.neighbour_utility);
  out += buf;
  auto table = [&](const char* title, const std::vector<LangMetrics>& rows) {
    out += title;
    out += "lang      n   exact  within1  macroF1   MAE  MAE(E)  mean20(raw)  mean20(calibrated)\n";
    for (const auto& m : rows) {
      std::snprintf(buf, sizeof buf, "%-5s %6zu  %5.1f%%   %5.1f%%    %5.3f  %5.3f  %5.3f      %5.3f        %5.3f\n",
                    m.lang.c_str(), m.n, 100 * m.exact, 100 * m.within_one, m.macro_f1, m.mae, m.mae_expected,
                    m.mean20_raw, m.mean20);
      out += buf;
    }
  };
  table("validation split (calibration and decision rule were fitted on it: in-sample for those):\n", r.valid_metrics);
  if (!r.test_metrics.empty()) {
    out += "\n";
    table("held-out test split:\n", r.test_metrics);
  }
  return out;
}

}  // namespace worthit::analysis::reviews
