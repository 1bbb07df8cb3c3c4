// Review model and verdict throughput (Google Benchmark).
//
//   reviews_bench [--benchmark_filter=...]
// Environment: MODEL_PATH (default <source>/models/reviews.ftz); WORTHIT_BENCH_REVIEWS, a CSV
// with columns lang,stars,text (default /work/shared/data/reviews/marc-train.csv, read at run
// time, never copied; when absent, the repository's test fixtures are used).
// Reported side by side in one run: text normalisation alone, one review through the model
// (reviews/s on one core) with the fast engine and with fastText's own (A/B), one sentence, and
// per page: AnalyzeProduct (50 reviews, their sentences, trust, pros/cons, score) + RenderCard;
// and the whole analysis of saved pages (extract + model + score + card, what a worker does after
// the fetch) when WORTHIT_BENCH_PAGES names a folder of .html files, e.g. the load harness's
// 100-300 KB product pages written by `bench/extraction/harness-pages DIR`.
// Before timing it prints how far the two engines' predictions are apart on all the texts;
// WORTHIT_BENCH_DUMP=FILE also writes every saved page's record and cards (see DumpPages).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/card/card.h"
#include "analysis/extract/page_extractor.h"
#include "analysis/pipeline/pipeline.h"
#include "analysis/reviews/negation_marker.h"
#include "analysis/reviews/review_model.h"
#include "analysis/reviews/review_trainer.h"
#include "analysis/reviews/text_normalizer.h"
#include "analysis/score/analysis.h"

namespace {

using namespace worthit::analysis;

struct Fixture {
  std::unique_ptr<reviews::ReviewModel> model;      // the engine the bot uses (fast path)
  std::unique_ptr<reviews::ReviewModel> reference;  // fastText's own getLine + predict
  std::vector<std::string> texts;
  ProductPage page;
};

const Fixture& Get() {
  static const Fixture f = [] {
    Fixture f;
    const char* model_env = std::getenv("MODEL_PATH");
    const std::string model_path = model_env ? model_env : WORTHIT_SOURCE_DIR "/models/reviews.ftz";
    auto model = reviews::LoadReviewModel(model_path);
    if (!model.ok()) {
      std::cerr << "reviews_bench: " << model.error().ToString() << "\n";
      std::exit(2);
    }
    f.model = std::move(*model);
    auto reference = reviews::LoadReviewModel(model_path, reviews::ReviewEngine::kFastTextReference);
    if (!reference.ok()) std::exit(2);
    f.reference = std::move(*reference);
    const char* data_env = std::getenv("WORTHIT_BENCH_REVIEWS");
    auto rows = reviews::ReadLabelledCsv(data_env ? data_env : "/work/shared/data/reviews/marc-train.csv");
    if (!rows.ok() || rows->empty())
      rows = reviews::ReadLabelledCsv(WORTHIT_SOURCE_DIR "/tests/analysis/reviews/fixtures/labelled.csv");
    for (const auto& r : *rows) f.texts.push_back(r.text);
    // Keep a fixed, mixed-language sample (every k-th row) so runs compare.
    if (f.texts.size() > 2000) {
      std::vector<std::string> sample;
      const size_t step = f.texts.size() / 2000;
      for (size_t i = 0; i < f.texts.size() && sample.size() < 2000; i += step) sample.push_back(f.texts[i]);
      f.texts = std::move(sample);
    }
    f.page.url = "https://www.amazon.it/dp/B000BENCH1";
    f.page.canonical_url = f.page.url;
    f.page.site = "amazon.it";
    f.page.product.title = "Benchmark product";
    f.page.product.price = "49.90";
    f.page.product.currency = "EUR";
    f.page.product.rating = Rating{4.2, 5, 2345};
    f.page.product.histogram = {100, 80, 200, 600, 1365};
    for (size_t i = 0; i < 50; ++i) {
      Review r;
      const auto& row = (*rows)[(i * 37) % rows->size()];
      r.stars = row.stars;
      r.text = row.text;
      r.lang = row.lang;
      r.date = "2026-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10);
      r.verified = i % 7 != 0;
      f.page.reviews.push_back(std::move(r));
    }
    return f;
  }();
  return f;
}

// Once per run, before timing: the fast engine against fastText's own on every benchmark text
// and sentence (largest probability difference, argmax disagreements) and on the page's card.
void CompareEngines(const Fixture& f) {
  double max_diff = 0;
  size_t n = 0, argmax_differs = 0;
  auto compare = [&](const std::string& text) {
    const auto a = f.model->Predict(text, "en");
    const auto b = f.reference->Predict(text, "en");
    for (int s = 0; s < 5; ++s) max_diff = std::max(max_diff, std::abs(a.probs[s] - b.probs[s]));
    argmax_differs += a.stars != b.stars;
    ++n;
  };
  for (const auto& t : f.texts) {
    compare(t);
    for (const auto& s : reviews::SplitSentences(t)) compare(s);
  }
  score::PriceHistory history{"39.90", "2026-10-02", "52.00", 14};
  const bool same_card = card::RenderCard(f.page, score::AnalyzeProduct(f.page, *f.model, &history, "it"), {}).html ==
                         card::RenderCard(f.page, score::AnalyzeProduct(f.page, *f.reference, &history, "it"), {}).html;
  std::cerr << "reviews_bench: fast vs fastText engine on " << n << " reviews and sentences: max |dp| " << max_diff
            << ", argmax differs " << argmax_differs << ", page card " << (same_card ? "identical" : "DIFFERENT")
            << "\n";
}

void BM_NormalizeText(benchmark::State& state) {
  const auto& f = Get();
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& t = f.texts[i++ % f.texts.size()];
    benchmark::DoNotOptimize(reviews::NormalizeReviewText(t));
    bytes += t.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_NormalizeText);

// Negation marking of normalised text (what a model whose .calib has a negation line adds per
// review, inside BM_ClassifyReview).
void BM_MarkNegation(benchmark::State& state) {
  const auto& f = Get();
  std::vector<std::string> normalized;
  normalized.reserve(f.texts.size());
  for (const auto& t : f.texts) normalized.push_back(reviews::NormalizeReviewText(t));
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    reviews::MarkNegationInto(normalized[i++ % normalized.size()], reviews::kMaxNegationScope, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MarkNegation);

void BM_ClassifyReview(benchmark::State& state) {
  const auto& f = Get();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.model->Predict(f.texts[i++ % f.texts.size()], "en"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyReview);

// As read for an Italian page: the lexical bridge (Italian opinion words -> English) runs first.
void BM_ClassifyReviewItalian(benchmark::State& state) {
  const auto& f = Get();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.model->Predict(f.texts[i++ % f.texts.size()], "it"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyReviewItalian);

// The same through fastText's own Dictionary::getLine + FastText::predict (the engine before
// the fast path, with today's normalisation): the in-binary A/B.
void BM_ClassifyReviewFastTextEngine(benchmark::State& state) {
  const auto& f = Get();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.reference->Predict(f.texts[i++ % f.texts.size()], "en"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyReviewFastTextEngine);

void BM_ClassifySentence(benchmark::State& state) {
  const auto& f = Get();
  std::vector<std::string> sentences;
  for (const auto& t : f.texts)
    for (auto& s : reviews::SplitSentences(t)) sentences.push_back(std::move(s));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.model->Predict(sentences[i++ % sentences.size()], "en"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifySentence);

void BM_AnalyzeAndCard(benchmark::State& state) {
  const auto& f = Get();
  score::PriceHistory history{"39.90", "2026-10-02", "52.00", 14};
  for (auto _ : state) {
    const auto analysis = score::AnalyzeProduct(f.page, *f.model, &history, "it");
    benchmark::DoNotOptimize(card::RenderCard(f.page, analysis, {}));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["reviews_per_page"] = static_cast<double>(f.page.reviews.size());
}
BENCHMARK(BM_AnalyzeAndCard)->Unit(benchmark::kMillisecond);

void BM_ScoreAndCardOnly(benchmark::State& state) {
  // The pure part alone: trust, pros/cons and score over precomputed predictions are inside
  // AnalyzeProduct; this isolates the card rendering of a finished analysis.
  const auto& f = Get();
  score::PriceHistory history{"39.90", "2026-10-02", "52.00", 14};
  const auto analysis = score::AnalyzeProduct(f.page, *f.model, &history, "it");
  for (auto _ : state) benchmark::DoNotOptimize(card::RenderCard(f.page, analysis, {}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScoreAndCardOnly);

// Saved pages from WORTHIT_BENCH_PAGES (sorted by name), read before timing.
const std::vector<std::string>& BenchPages() {
  static const std::vector<std::string> pages = [] {
    std::vector<std::string> out;
    const char* dir = std::getenv("WORTHIT_BENCH_PAGES");
    if (!dir || !std::filesystem::is_directory(dir)) return out;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".html") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream body;
      body << in.rdbuf();
      out.push_back(body.str());
    }
    return out;
  }();
  return pages;
}

void BM_WholePage(benchmark::State& state) {
  const auto& pages = BenchPages();
  if (pages.empty()) {
    state.SkipWithError("set WORTHIT_BENCH_PAGES to a folder of .html pages (bench/extraction/harness-pages DIR)");
    return;
  }
  const auto& f = Get();
  size_t i = 0;
  size_t bytes = 0;
  int64_t reviews = 0;
  for (auto _ : state) {
    const std::string& html = pages[i++ % pages.size()];
    // As in the worker: the curl fetcher has already run the robot check on the body
    // (FetchedPage::robot_check_passed), so the extractor does not repeat it.
    auto extracted = extract::ExtractProductPage(html, "http://127.0.0.1:18082/p/1", "127.0.0.1",
                                                 extract::RobotCheck::kAlreadyPassed);
    if (!extracted.ok()) {
      state.SkipWithError(extracted.error().ToString().c_str());
      return;
    }
    auto analysed = pipeline::AnalyzeFetched(std::move(extracted->page), *f.model, nullptr, "it");
    benchmark::DoNotOptimize(pipeline::RenderCardIn(analysed, "it"));
    bytes += html.size();
    reviews += static_cast<int64_t>(analysed.page.reviews.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["kb_per_page"] = static_cast<double>(bytes) / 1024.0 / static_cast<double>(state.iterations());
  state.counters["reviews_per_page"] = static_cast<double>(reviews) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_WholePage)->Unit(benchmark::kMillisecond);

}  // namespace

// WORTHIT_BENCH_DUMP=FILE: before timing, writes what BM_WholePage computes for every saved page
// (the analysis record JSON and the Italian and English cards) one line each, so two builds can
// be shown to give the same output (`cmp` the files).
static void DumpPages(const char* path) {
  const auto& f = Get();
  std::ofstream out(path);
  const auto& pages = BenchPages();
  for (size_t i = 0; i < pages.size(); ++i) {
    auto extracted = extract::ExtractProductPage(pages[i], "http://127.0.0.1:18082/p/1", "127.0.0.1");
    if (!extracted.ok()) {
      out << i << " error " << extracted.error().ToString() << "\n";
      continue;
    }
    auto analysed = pipeline::AnalyzeFetched(std::move(extracted->page), *f.model, nullptr, "it");
    out << i << " record " << pipeline::AnalysisRecordJson(analysed) << "\n";
    for (const char* lang : {"it", "en"}) {
      auto card = pipeline::RenderCardIn(analysed, lang);
      out << i << " card_" << lang << " " << card.html << "\n";
      for (const auto& row : card.keyboard)
        for (const auto& b : row)
          out << i << " button " << b.text << " " << b.callback_data << b.url << b.switch_inline_query << "\n";
    }
  }
}

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (const char* dump = std::getenv("WORTHIT_BENCH_DUMP")) DumpPages(dump);
  CompareEngines(Get());
  // WORTHIT_BENCH_PAGE_CYCLES=N adds BM_WholePage/cycles: every saved page exactly N times (a fixed
  // amount of work), for counting instructions, e.g. under
  // `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*BM_WholePage*'`, which the
  // shared machine's load does not disturb (filter with --benchmark_filter=cycles).
  if (const char* cycles = std::getenv("WORTHIT_BENCH_PAGE_CYCLES"); cycles && !BenchPages().empty()) {
    const auto n = static_cast<benchmark::IterationCount>(std::max(1, std::atoi(cycles)) * BenchPages().size());
    benchmark::RegisterBenchmark("BM_WholePage/cycles", BM_WholePage)->Iterations(n)->Unit(benchmark::kMillisecond);
  }
  // WORTHIT_BENCH_REVIEW_CYCLES=N likewise adds BM_ClassifyReview/cycles and
  // BM_ClassifyReviewItalian/cycles: every sample review exactly N times.
  if (const char* cycles = std::getenv("WORTHIT_BENCH_REVIEW_CYCLES")) {
    const auto n = static_cast<benchmark::IterationCount>(std::max(1, std::atoi(cycles)) * Get().texts.size());
    benchmark::RegisterBenchmark("BM_ClassifyReview/cycles", BM_ClassifyReview)->Iterations(n);
    benchmark::RegisterBenchmark("BM_ClassifyReviewItalian/cycles", BM_ClassifyReviewItalian)->Iterations(n);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
