// The Redis queue's single-task enqueue (with AtomicRecords) as a pure command builder, shared by
// RedisQueue::Enqueue / EnqueueWithRecords (blocking, pooled RedisClient) and the event-driven front
// door (AsyncRedisClient), so both write the very same script call: stream, delayed set, stats and
// idempotency key under the queue's "{prefix}:queue" keys, then the records (see redis_scripts.h
// kEnqueue). Thread-safety: pure functions; the Script is immutable after first use.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "queue/queue.h"
#include "queue/redis/redis_connection.h"

namespace worthit::queue::redis {

struct ScriptCall {
  Command keys;
  Command args;
};

// The kEnqueue script (with its prelude) and its sha.
const Script& EnqueueScript();
// The "{prefix}:queue" key base of a queue with this REDIS_PREFIX.
std::string QueueKeyBase(const std::string& prefix);
// records may be null or empty (plain Enqueue). payload is moved into the args (pass an rvalue to
// spare a copy of the task).
ScriptCall EnqueueCall(const QueueOptions& options, std::string payload, const EnqueueOptions& enqueue,
                       const std::vector<AtomicRecord>* records);
// The same, with the records moved into the call (the front door's intake, which builds them
// for this call only).
ScriptCall EnqueueCall(const QueueOptions& options, std::string payload, const EnqueueOptions& enqueue,
                       std::vector<AtomicRecord>&& records);
// The task id the script answered, or QUEUE_UNAVAILABLE.
Result<std::string> ParseEnqueueReply(const Reply& reply);

}  // namespace worthit::queue::redis
