// TaskQueue: the durable at-least-once task queue between the webhook and the workers.
//
// Contract (every backend — memory, SQLite, Redis Streams — passes one typed test suite):
// - Enqueue(payload, {idempotency_key, delay}) → task id. A second Enqueue with the same key while
//   the key is remembered (QueueOptions::idempotency_ttl) returns the first task's id, adds nothing.
// - Lease(consumer, max, wait) → up to `max` leases, waiting up to `wait` for the first one. A lease
//   is valid until its deadline (now + lease_duration); Extend() pushes the deadline (heartbeat).
// - Ack removes the task. Retry puts it back after `delay` with a reason. Dead moves it to the
//   dead-letter queue with a reason. Operations on a lease that expired (and may already belong
//   to another consumer) fail with QUEUE_LEASE_LOST and change nothing.
// - A lease that expires makes the task available again; Task::attempt counts deliveries. A task
//   delivered max_attempts times whose last lease expired, or Retry()'d at its last attempt, goes to
//   the dead-letter queue carrying the reason of every attempt.
// - Dead letters are kept until purged; they can be listed and requeued (one or all).
// - EnqueueBatch / AckBatch do the same as a loop of Enqueue / Ack, in one transaction or pipeline
//   where the backend allows (the default implementations loop).
// - EnqueueWithRecords also writes AtomicRecords in the same atomic step (Redis only; see below).
// - AckThenLease acknowledges and leases in one round trip where the backend allows (Redis), and
//   can carry another component's writes to the same backend (PipelinedWrites, Redis only).
// Time: memory and SQLite take "now" from the injected Clock (leases, delays, idempotency TTL);
// Redis uses the Redis server's clock (TIME in scripts, stream entry ids, PEL idle times), so all
// processes sharing a Redis agree on it whatever their own clocks say.
// Errors: QUEUE_UNAVAILABLE (transient: backend down; nothing acknowledged is lost),
// QUEUE_LEASE_LOST, QUEUE_NOT_FOUND, QUEUE_INVALID_URL, QUEUE_RECORDS_UNSUPPORTED.
// Thread-safety: every implementation is safe to call from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"

namespace worthit::queue {

// A key/value record written in the same atomic step as the task (Redis: a SET .. EX inside the
// enqueue script, so the task and its records exist together or not at all). The front door uses it
// to record the acknowledgement and mark the update handled with the task in one durable write
// (docs/design.md "Intake"). Keys are the backend's own (full Redis keys), so only a caller that
// knows its records live in the same backend as the queue may pass them; backends that cannot
// write them atomically (SupportsRecords() false) refuse with QUEUE_RECORDS_UNSUPPORTED rather
// than drop them. Written on every call, also when the idempotency key returns an earlier task.
// Passed to EnqueueWithRecords (single tasks only).
struct AtomicRecord {
  std::string key;
  std::string value;
  std::chrono::seconds ttl{0};  // > 0: expires after ttl
};

// Writes of another component to the queue's own backend, sent with a queue call instead of in a
// round trip of their own (AckThenLease: a worker's delivery record and history go with the ack
// of the task they belong to). Redis: whole commands, pipelined in order before the queue's
// scripts; NOT atomic with them (each runs; one failing does not stop the others or the ack). As
// with AtomicRecord, only a caller that knows their keys live on the queue's backend (the same
// server and database) passes them; backends without SupportsRecords() refuse them.
struct PipelinedWrites {
  std::vector<std::vector<std::string>> commands;  // consumed by the call that sends them (moved out)
  // Out: OK when every command answered without an error; else the first error (a transport
  // failure too: then they may or may not have run, and are not sent again).
  Status status = OkStatus();
};

struct EnqueueOptions {
  std::string idempotency_key;         // "" = no deduplication
  std::chrono::milliseconds delay{0};  // first lease not before now + delay
};

struct EnqueueRequest {
  std::string payload;
  EnqueueOptions options;
};

struct Task {
  std::string id;
  std::string payload;               // versioned JSON, see docs/queue-format.md
  int attempt = 0;                   // deliveries so far, this one included (1-based)
  std::vector<std::string> reasons;  // why earlier attempts failed, oldest first
  int64_t enqueued_at_ms = 0;
};

struct Lease {
  Task task;
  std::string token;  // identifies this delivery; stale tokens are rejected
  std::string consumer;
  int64_t deadline_ms = 0;
};

struct DeadLetter {
  std::string id;
  std::string payload;
  int attempts = 0;
  std::vector<std::string> reasons;
  int64_t enqueued_at_ms = 0;
  int64_t dead_at_ms = 0;
};

struct QueueStats {
  int64_t ready = 0;
  int64_t leased = 0;
  int64_t delayed = 0;
  int64_t dead = 0;
  double oldest_ready_age_seconds = 0;  // 0 when nothing is ready
  int64_t enqueued_total = 0;
  int64_t acked_total = 0;
  int64_t retried_total = 0;
  int64_t dead_total = 0;
};

struct QueueOptions {
  std::chrono::milliseconds lease_duration{60000};
  int max_attempts = 5;
  std::chrono::seconds idempotency_ttl{172800};
  std::string redis_prefix = "worthit";
  Backoff backoff;  // used by callers to pick Retry() delays
};

class TaskQueue {
 public:
  virtual ~TaskQueue() = default;

  virtual Result<std::string> Enqueue(const std::string& payload, const EnqueueOptions& options) = 0;
  // Enqueue, and write `records` in the same atomic step (see AtomicRecord). Backends without
  // SupportsRecords() refuse with QUEUE_RECORDS_UNSUPPORTED and enqueue nothing (the default).
  virtual Result<std::string> EnqueueWithRecords(const std::string& payload, const EnqueueOptions& options,
                                                 const std::vector<AtomicRecord>& records);
  // Ids in request order; all or nothing.
  virtual Result<std::vector<std::string>> EnqueueBatch(const std::vector<EnqueueRequest>& requests);
  virtual Result<std::vector<Lease>> LeaseTasks(const std::string& consumer, int max_tasks,
                                                std::chrono::milliseconds wait) = 0;
  virtual Status Extend(Lease& lease) = 0;  // updates lease.deadline_ms
  virtual Status Ack(const Lease& lease) = 0;
  // One Status per lease, in order (QUEUE_LEASE_LOST for the stale ones).
  virtual std::vector<Status> AckBatch(const std::vector<Lease>& leases);
  // AckBatch(acks), then LeaseTasks(consumer, max_tasks, wait), in one round trip where the
  // backend allows (Redis pipelines the two scripts); `acked` gets AckBatch's statuses, also when
  // the lease fails (a transport failure is every ack's error then: they may or may not have been
  // applied, and an ack sent again answers QUEUE_LEASE_LOST if it was). The default calls the two.
  // For a worker whose next step after acknowledging a task is leasing the next one. max_tasks 0:
  // acknowledge only (no lease; an empty list). `writes` (may be null): sent first, in the same
  // round trip (see PipelinedWrites); their outcome in writes->status. Backends without
  // SupportsRecords() refuse non-empty writes with QUEUE_RECORDS_UNSUPPORTED (writes->status)
  // and go on with the acks and the lease.
  virtual Result<std::vector<Lease>> AckThenLease(const std::vector<Lease>& acks, std::vector<Status>& acked,
                                                  const std::string& consumer, int max_tasks,
                                                  std::chrono::milliseconds wait, PipelinedWrites* writes = nullptr);
  virtual Status Retry(const Lease& lease, std::chrono::milliseconds delay, const std::string& reason) = 0;
  virtual Status Dead(const Lease& lease, const std::string& reason) = 0;

  virtual Result<std::vector<DeadLetter>> ListDead(int limit) = 0;
  // Requeue one dead letter (id) or all (nullopt); returns how many went back to ready.
  virtual Result<int64_t> RequeueDead(const std::optional<std::string>& id) = 0;
  virtual Result<int64_t> PurgeDead() = 0;
  virtual Result<QueueStats> Stats() = 0;
  // Cheap reachability check for /readyz.
  virtual Status Ping() = 0;
  // "sqlite", "redis", "memory".
  virtual std::string Backend() const = 0;
  // True when EnqueueWithRecords writes the records atomically with the task (Redis).
  virtual bool SupportsRecords() const { return false; }
};

// LEASE_SECONDS, MAX_ATTEMPTS, IDEMPOTENCY_TTL_SECONDS, REDIS_PREFIX, RETRY_BASE_MS, RETRY_CAP_MS.
QueueOptions QueueOptionsFromConfig(const Config& config);

// memory://, sqlite:///abs/path.db or sqlite://rel/path.db, redis://[:password@]host:port[/db].
Result<std::unique_ptr<TaskQueue>> OpenQueue(const std::string& url, const QueueOptions& options,
                                             Clock& clock = SystemClock::Instance());

}  // namespace worthit::queue
