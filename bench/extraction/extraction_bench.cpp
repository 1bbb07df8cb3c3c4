// extraction_bench DATA_DIR [SECONDS] [HTML_DIR]
//
// Parse + extract throughput, one thread: every page is read and converted to UTF-8 once up
// front, then ExtractPage (libxml2 parse, all layers, merge, canonical link) runs over the set
// repeatedly for about SECONDS (default 10). Prints pages/s, MB/s and CPU ms per page (process
// CPU time, which a loaded machine disturbs less than wall time).
//
// Two page sets:
//  - DATA_DIR/zyte: the 73 saved shop pages (DATA_DIR = /work/shared/data/pages);
//  - HTML_DIR (optional): *.html files plus a facts.json {"name": {"url", "price", "name"}} —
//    the load harness's synthetic product pages, which are what a worker sees in the end-to-end
//    benchmark (bench/extraction/harness-pages writes them). Their price and title are checked
//    once before timing, so a faster build that extracts less is visible.
// Pass "-" as DATA_DIR to time the HTML_DIR set only. bench/extraction/extruct_bench.py measures
// python3-lxml + extruct on the zyte set; see docs/performance.md.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/fetch/charset.h"
#include "analysis/page_analysis.h"
#include "saved_pages.h"

namespace {

struct Page {
  std::string html, url, want_price, want_title;
};

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<Page> ZytePages(const std::string& dir) {
  std::vector<Page> pages;
  auto truth = worthit::bench::ReadJson(dir + "/zyte/ground-truth.json");
  if (!truth.is_object()) return pages;
  for (const auto& [key, v] : truth.get_object()) {
    auto raw = worthit::bench::ReadMaybeGzip(dir + "/zyte/html/" + std::string(key) + ".html.gz");
    if (!raw) continue;
    const auto* url = v.get_object().if_contains("url");
    pages.push_back(
        {worthit::analysis::fetch::ToUtf8(*raw, "").text, url ? std::string(url->get_string()) : "", "", ""});
  }
  return pages;
}

std::vector<Page> HtmlDirPages(const std::string& dir) {
  std::vector<Page> pages;
  auto facts = worthit::bench::ReadJson(dir + "/facts.json");
  if (!facts.is_object()) return pages;
  for (const auto& [key, v] : facts.get_object()) {
    auto raw = worthit::bench::ReadMaybeGzip(dir + "/" + std::string(key) + ".html");
    if (!raw) continue;
    const auto& o = v.get_object();
    auto str = [&o](const char* k) {
      const auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->get_string()) : std::string();
    };
    pages.push_back({worthit::analysis::fetch::ToUtf8(*raw, "").text, str("url"), str("price"), str("name")});
  }
  return pages;
}

// Runs the set for about `seconds` (at most 1000 rounds) and prints one line.
void Time(const char* label, const std::vector<Page>& pages, double seconds) {
  if (pages.empty()) return;
  size_t bytes = 0;
  for (const auto& p : pages) bytes += p.html.size();
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  size_t done = 0, products = 0;
  int rounds = 0;
  while (rounds < 1000) {
    for (const auto& p : pages) {
      auto page = worthit::analysis::ExtractPage(p.html, p.url);
      products += page.ok() && page->is_product;
      ++done;
    }
    ++rounds;
    if (std::chrono::duration<double>(Clock::now() - start).count() >= seconds) break;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;
  std::printf(
      "%-8s pages=%zu avg_kb=%.0f rounds=%d products/round=%zu  pages/s (1 core): %.1f  MB/s: %.1f  CPU ms/page: "
      "%.3f\n",
      label, pages.size(), bytes / 1024.0 / pages.size(), rounds, products / rounds, done / elapsed,
      bytes * rounds / elapsed / 1e6, cpu * 1000 / done);
}

// Checks price and title of the pages that state them; prints "checked: ok/total".
void Check(const char* label, const std::vector<Page>& pages) {
  int total = 0, ok = 0;
  for (const auto& p : pages) {
    if (p.want_price.empty()) continue;
    ++total;
    auto page = worthit::analysis::ExtractPage(p.html, p.url);
    if (!page.ok() || !page->product.price) continue;
    try {
      if (std::abs(std::stod(*page->product.price) - std::stod(p.want_price)) < 0.005 &&
          page->product.title == p.want_title) {
        ++ok;
      }
    } catch (...) {
    }
  }
  if (total > 0) std::printf("%-8s price+title correct: %d/%d\n", label, ok, total);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extraction_bench DATA_DIR|- [SECONDS] [HTML_DIR]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const double seconds = argc > 2 ? std::stod(argv[2]) : 10.0;
  const std::vector<Page> zyte = dir == "-" ? std::vector<Page>{} : ZytePages(dir);
  const std::vector<Page> harness = argc > 3 ? HtmlDirPages(argv[3]) : std::vector<Page>{};
  if (zyte.empty() && harness.empty()) {
    std::cerr << "no pages found\n";
    return 1;
  }
  Check("harness", harness);
  Time("zyte", zyte, seconds);
  Time("harness", harness, seconds);
  return 0;
}
