// Prometheus export of a TaskQueue's Stats(): whoever hosts the queue (webhook server, worker,
// `run`) calls AddQueueCollector once; every scrape then refreshes
//   worthit_queue_{ready,leased,delayed,dead}            gauges, tasks now
//   worthit_queue_oldest_ready_age_seconds                gauge
//   worthit_queue_{enqueued,acked,retried,dead}_total     counters (the backend's lifetime totals,
//                                                          shared by every process on it)
//   worthit_queue_up                                      gauge, 0 when Stats() failed
// all labelled backend="sqlite|redis|memory".
// Lifetime: the collector holds a weak_ptr; once the queue is gone it only reports up=0.
// Thread-safety: as the registry (collectors run under the scrape).
#pragma once

#include <memory>

#include "common/metrics.h"
#include "queue/queue.h"

namespace worthit::queue {

// Sets the metrics above from one Stats() call; false when Stats() failed (up=0).
bool ExportQueueStats(TaskQueue& queue, metrics::Registry& registry);
// Registers a collector that calls ExportQueueStats before each render.
void AddQueueCollector(std::weak_ptr<TaskQueue> queue, metrics::Registry& registry = metrics::Registry::Global());

}  // namespace worthit::queue
