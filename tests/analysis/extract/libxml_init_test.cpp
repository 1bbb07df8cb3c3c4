// libxml2's process-wide set-up under concurrency: the first pages of a process parsed by many
// threads at once. libxml2 2.9 initialises its globals lazily and without a lock; before
// InitLibxml2, a started worker's task threads could corrupt the dictionaries' mutex this way and
// then wait in xmlRMutexLock forever. ctest runs each test in its own process, so this test's
// parses are the process's first.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "analysis/extract/html_document.h"
#include "analysis/extract/page_extractor.h"

namespace worthit::analysis::extract {
namespace {

std::string Page(int i) {
  return "<!doctype html><html lang=\"it\"><head><title>Prodotto " + std::to_string(i) +
         "</title><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Product\","
         "\"name\":\"Prodotto " +
         std::to_string(i) +
         "\",\"offers\":{\"@type\":\"Offer\",\"price\":\"19.99\",\"priceCurrency\":\"EUR\"}}</script></head>"
         "<body><h1>Prodotto</h1><svg><path d=\"M0 0\"/></svg></body></html>";
}

TEST(LibxmlInitTest, ManyThreadsParsingTheProcesssFirstPagesAllFinish) {
  constexpr int kThreads = 8;
  std::latch go(kThreads);
  std::atomic<int> finished{0};
  std::atomic<int> products{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      go.arrive_and_wait();  // all threads enter libxml2 together
      // The tree first (libxml2's entry point; the page scan runs on MyHTML), then a whole
      // extraction.
      if (HtmlDocument::Parse(Page(t)).has_value()) {
        auto page = ExtractProductPage(Page(t), "https://shop.example/p/" + std::to_string(t), "shop.example");
        if (page.ok() && page->page.product.title == "Prodotto " + std::to_string(t)) ++products;
      }
      ++finished;
    });
  }
  // Bounded: a deadlocked thread cannot be joined, so the test reports and ends the process.
  for (int i = 0; i < 600 && finished.load() < kThreads; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (finished.load() < kThreads) {
    ADD_FAILURE() << (kThreads - finished.load()) << " threads still inside libxml2 after 60 s: deadlock";
    std::_Exit(EXIT_FAILURE);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(products.load(), kThreads);
}

}  // namespace
}  // namespace worthit::analysis::extract
