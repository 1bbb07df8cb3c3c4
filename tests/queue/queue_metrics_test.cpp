#include "queue/queue_metrics.h"

#include <gtest/gtest.h>

namespace worthit::queue {
namespace {

TEST(QueueMetrics, CollectorExportsStatsAsGaugesAndCounters) {
  ManualClock clock;
  std::shared_ptr<TaskQueue> q = std::move(OpenQueue("memory://", QueueOptions{}, clock).value());
  metrics::Registry registry;
  AddQueueCollector(q, registry);
  ASSERT_TRUE(q->Enqueue("a", {}).ok());
  ASSERT_TRUE(q->Enqueue("b", {}).ok());
  auto leases = q->LeaseTasks("c", 1, std::chrono::milliseconds(0));
  ASSERT_TRUE(leases.ok());
  ASSERT_TRUE(q->Ack(leases->front()).ok());
  clock.Advance(std::chrono::seconds(3));
  const auto text = registry.RenderPrometheus();
  EXPECT_NE(text.find("worthit_queue_ready{backend=\"memory\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("worthit_queue_leased{backend=\"memory\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("worthit_queue_enqueued_total{backend=\"memory\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("worthit_queue_acked_total{backend=\"memory\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("worthit_queue_oldest_ready_age_seconds{backend=\"memory\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE worthit_queue_acked_total counter"), std::string::npos) << text;
  // Rendering again does not double-count the totals.
  const auto again = registry.RenderPrometheus();
  EXPECT_NE(again.find("worthit_queue_enqueued_total{backend=\"memory\"} 2"), std::string::npos) << again;
  q.reset();
  EXPECT_NE(registry.RenderPrometheus().find("worthit_queue_up 0"), std::string::npos);
}

}  // namespace
}  // namespace worthit::queue
