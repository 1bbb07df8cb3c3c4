#include "common/metrics.h"

#include <gtest/gtest.h>

namespace worthit::metrics {
namespace {

TEST(MetricsTest, RendersCountersGaugesAndHistograms) {
  Registry registry;
  registry.GetCounter("worthit_test_calls_total", "Calls", {{"method", "sendMessage"}}).Inc();
  registry.GetCounter("worthit_test_calls_total", "Calls", {{"method", "sendMessage"}}).Inc(2);
  registry.GetGauge("worthit_test_depth", "Depth").Set(5);
  auto& h = registry.GetHistogram("worthit_test_seconds", "Latency", {}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(3);
  const auto text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE worthit_test_calls_total counter"), std::string::npos);
  EXPECT_NE(text.find("worthit_test_calls_total{method=\"sendMessage\"} 3"), std::string::npos);
  EXPECT_NE(text.find("worthit_test_depth 5"), std::string::npos);
  EXPECT_NE(text.find("worthit_test_seconds_bucket{le=\"0.10000000000000001\"} 1"), std::string::npos);
  EXPECT_NE(text.find("worthit_test_seconds_bucket{le=\"1\"} 2"), std::string::npos);
  EXPECT_NE(text.find("worthit_test_seconds_bucket{le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("worthit_test_seconds_count 3"), std::string::npos);
}

TEST(MetricsTest, CollectorsRunBeforeRender) {
  Registry registry;
  int calls = 0;
  registry.AddCollector([&](Registry& r) {
    ++calls;
    r.GetGauge("worthit_test_queue_ready", "Ready").Set(42);
  });
  EXPECT_NE(registry.RenderPrometheus().find("worthit_test_queue_ready 42"), std::string::npos);
  EXPECT_EQ(calls, 1);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Registry registry;
  registry.GetCounter("worthit_test_total", "x", {{"path", "a\"b\\c"}}).Inc();
  EXPECT_NE(registry.RenderPrometheus().find(R"(path="a\"b\\c")"), std::string::npos);
}

TEST(MetricsTest, OneNameHasOneType) {
  Registry registry;
  registry.GetCounter("worthit_test_x", "x");
  EXPECT_THROW(registry.GetGauge("worthit_test_x", "x"), std::logic_error);
}

}  // namespace
}  // namespace worthit::metrics
