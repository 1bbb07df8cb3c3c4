#include "queue/queue_metrics.h"

namespace worthit::queue {
namespace {

// Counters only go up: add the difference between the backend's total and what was exported.
// A total that went down (queue file replaced, Redis flushed) is not subtracted.
void Follow(metrics::Counter& counter, int64_t total) {
  const double delta = static_cast<double>(total) - counter.Value();
  if (delta > 0) counter.Inc(delta);
}

}  // namespace

bool ExportQueueStats(TaskQueue& queue, metrics::Registry& registry) {
  const metrics::Labels labels{{"backend", queue.Backend()}};
  auto stats = queue.Stats();
  registry.GetGauge("worthit_queue_up", "1 when the queue answered the last stats call", labels)
      .Set(stats.ok() ? 1.0 : 0.0);
  if (!stats.ok()) return false;
  const auto& s = stats.value();
  registry.GetGauge("worthit_queue_ready", "Tasks ready to be leased", labels).Set(static_cast<double>(s.ready));
  registry.GetGauge("worthit_queue_leased", "Tasks leased by a worker", labels).Set(static_cast<double>(s.leased));
  registry.GetGauge("worthit_queue_delayed", "Tasks waiting for their delay or retry backoff", labels)
      .Set(static_cast<double>(s.delayed));
  registry.GetGauge("worthit_queue_dead", "Tasks in the dead-letter queue", labels).Set(static_cast<double>(s.dead));
  registry.GetGauge("worthit_queue_oldest_ready_age_seconds", "Age of the oldest ready task", labels)
      .Set(s.oldest_ready_age_seconds);
  Follow(registry.GetCounter("worthit_queue_enqueued_total", "Tasks enqueued", labels), s.enqueued_total);
  Follow(registry.GetCounter("worthit_queue_acked_total", "Tasks acknowledged", labels), s.acked_total);
  Follow(registry.GetCounter("worthit_queue_retried_total", "Task retries scheduled", labels), s.retried_total);
  Follow(registry.GetCounter("worthit_queue_dead_total", "Tasks moved to the dead-letter queue", labels), s.dead_total);
  return true;
}

void AddQueueCollector(std::weak_ptr<TaskQueue> queue, metrics::Registry& registry) {
  registry.AddCollector([queue = std::move(queue)](metrics::Registry& r) {
    if (auto q = queue.lock()) {
      ExportQueueStats(*q, r);
    } else {
      r.GetGauge("worthit_queue_up", "1 when the queue answered the last stats call").Set(0.0);
    }
  });
}

}  // namespace worthit::queue
