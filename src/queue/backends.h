// The concrete TaskQueue backends, as seen by the OpenQueue factory (queue_factory.cpp) and by
// tests and benchmarks that need one directly. The classes stay in their .cpp files; these
// functions return the interface. Parsing of QUEUE_URL lives in queue_url.h.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "queue/queue.h"
#include "queue/queue_url.h"

namespace worthit::queue {

// In-process queue: for tests, dry runs and the playground. Nothing survives the process.
std::unique_ptr<TaskQueue> NewMemoryQueue(const QueueOptions& options, Clock& clock);

// SQLite file queue (WAL); creates the file and its directory, runs pending migrations.
// Fails with QUEUE_UNAVAILABLE when the file cannot be opened or migrated.
Result<std::unique_ptr<TaskQueue>> OpenSqliteQueue(const std::string& path, const QueueOptions& options, Clock& clock);

// Redis Streams queue. Connects lazily: a Redis that is down at start yields a queue whose calls
// fail with QUEUE_UNAVAILABLE until it comes back (so `worthit serve` can start and report not-ready).
Result<std::unique_ptr<TaskQueue>> OpenRedisQueue(const RedisEndpoint& endpoint, const QueueOptions& options);

}  // namespace worthit::queue
