// extraction_bench DATA_DIR [SECONDS]
//
// Parse + extract throughput on the saved zyte pages, one thread: every page is read and
// converted to UTF-8 once up front, then ExtractPage (libxml2 parse, all layers, merge,
// canonical link) runs over the set repeatedly for about SECONDS (default 10). Prints pages/s
// and MB/s. bench/extraction/extruct_bench.py measures python3-lxml + extruct the same way; see
// docs/performance.md for both numbers side by side.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "analysis/fetch/charset.h"
#include "analysis/page_analysis.h"
#include "saved_pages.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extraction_bench DATA_DIR [SECONDS]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const double seconds = argc > 2 ? std::stod(argv[2]) : 10.0;
  auto truth = worthit::bench::ReadJson(dir + "/zyte/ground-truth.json");
  if (!truth.is_object()) return 1;
  struct Page {
    std::string html, url;
  };
  std::vector<Page> pages;
  size_t bytes = 0;
  for (const auto& [key, v] : truth.get_object()) {
    auto raw = worthit::bench::ReadMaybeGzip(dir + "/zyte/html/" + std::string(key) + ".html.gz");
    if (!raw) continue;
    const auto* url = v.get_object().if_contains("url");
    pages.push_back({worthit::analysis::fetch::ToUtf8(*raw, "").text, url ? std::string(url->get_string()) : ""});
    bytes += pages.back().html.size();
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  size_t done = 0, products = 0;
  int rounds = 0;
  // Bounded: at most 1000 rounds whatever SECONDS says.
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
  std::printf("pages=%zu rounds=%d extracted=%zu products=%zu seconds=%.2f\n", pages.size(), rounds, done, products,
              elapsed);
  std::printf("pages/s (1 core): %.1f   MB/s: %.1f\n", done / elapsed, bytes * rounds / elapsed / 1e6);
  return 0;
}
