// Worker: leases analysis tasks from the TaskQueue and runs them to exactly one card or exactly
// one final message per task (docs/design.md "Worker" and "Delivery").
//
// Threads: `concurrency` task threads, each leasing one task at a time (so a slow shop holds one
// slot, never the others); the fetch (network I/O) runs on the task thread, and so do the
// CPU-heavy steps (review model, score, both cards), at most `cpu_threads` of them at once (a
// task waits for a free CPU slot), so N fetches in flight never mean N model runs competing for 2
// cores. The step runs on the thread that needs it rather than being handed to a pool thread:
// the hand-off cost two futex wakes and two context switches per task whether or not any slot
// was busy. One heartbeat thread extends the leases of
// running tasks every lease/3; one reaper thread tells the users of dead-lettered tasks (a worker
// that died on a task's last attempt leaves it dead without a message) their final error; one
// ProgressTimer thread sends the progress edits of stages that last (progress_timer.h).
// Per task: delivery record? → ack (a re-leased task that was delivered does nothing again);
// fresh cached result? → deliver it; else fetch+extract → analyse (in a CPU slot) → store result,
// price, learned reviews (the card's limiter token taken in the same call: PutAnalysisTakeToken)
// → deliver (edit the ack) → record delivery, history, popularity → ack (a task thread sends that
// ack with its next lease call: TaskQueue::AckThenLease; with records_with_queue the delivery
// record and history go in that same round trip, just before the ack).
// A stage that lasts (fetch+extract; analyse+store) edits the ack into "🔍 ..." / "✨ ..." first.
// Errors by class: transient (FETCH_TIMEOUT, FETCH_UNREACHABLE, FETCH_BLOCKED, STORE/Telegram
// hiccups) → Retry with the queue's backoff and jitter while attempt < max_attempts and the task
// is younger than retry_budget; permanent (not a product, 404, forbidden address, bad URL) → the
// specific message at once, ack; exhausted → the class's message once, then Dead.
// Shutdown: Stop() stops leasing; in-flight tasks finish until the grace deadline; past it, tasks
// hand themselves back at the next stage boundary (Retry with delay 0, reason "SHUTDOWN") and a
// task stuck in a call is left to its lease expiry (another worker takes it over).
// Thread-safety: Start/Stop/Join from one owner thread; ProcessLease may be called directly by
// tests (it is what the task threads run).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "analysis/fetch/page_fetcher.h"
#include "analysis/reviews/review_model.h"
#include "common/backoff.h"
#include "common/clock.h"
#include "queue/analysis_task.h"
#include "queue/queue.h"
#include "store/result_store.h"
#include "telegram/bot_api.h"
#include "telegram/outbound_limiter.h"
#include "worker/cpu_slots.h"
#include "worker/delivery.h"
#include "worker/progress_timer.h"

namespace worthit::worker {

struct WorkerOptions {
  int concurrency = 4;
  int cpu_threads = 2;
  std::string consumer = "worker";
  int max_attempts = 5;  // the queue's MAX_ATTEMPTS
  Backoff backoff;
  std::chrono::milliseconds lease_duration{60000};
  // Transient failures are retried while the task is younger than this: a user waits minutes,
  // not hours, for a card; after it the final message goes out.
  std::chrono::milliseconds retry_budget{10 * 60 * 1000};
  std::chrono::seconds cache_ttl{21600};
  std::chrono::seconds shutdown_grace{25};
  bool learn_reviews = false;
  // A stage's progress edit goes out only when the user has seen nothing new for this long (since
  // the acknowledgement or the last edit). A card that comes sooner needs no "🔍 ..." flashing by,
  // and every early edit spends the per-chat budget (about 1 message/s) the card itself needs; a
  // task that waited in a backlog, or a slow shop, still shows its stage. 0 = an edit per stage.
  std::chrono::milliseconds progress_after{1000};
  // ... and only once the stage has been running this long (progress_timer.h): a stage that ends
  // sooner shows nothing, the card comes next. 0 = decided as the stage starts (an edit then, or
  // none). Deferred edits need the started worker's timer; ProcessLease on a worker that was not
  // started (unit tests) decides at the stage's start.
  std::chrono::milliseconds progress_stage_after{500};
  DeliveryOptions delivery;
  // The stores live on the queue's Redis (same server and database, TaskQueue::SupportsRecords):
  // a started worker sends a card's delivery record and history with the task's ack and its next
  // lease (queue::PipelinedWrites) instead of in a round trip of their own. A crash between the
  // card and that call leaves neither (as before it left the ack undone): the task is leased
  // again, finds its stored result and delivers it again, which edits the acknowledgement into
  // the same card (no second card) or finds its "send:" claim (no second message).
  bool records_with_queue = false;
  // How often the reaper looks at the dead-letter queue.
  std::chrono::milliseconds reap_every{5000};
  // Waits inside a delivery (limiter, 429 pauses, 5xx backoff); unset = real sleeps that end at
  // the shutdown hand-back deadline. Tests pass one that advances a ManualClock.
  Sleeper sleeper;
};

// What a task thread sends with its next lease call (TaskQueue::AckThenLease): the leases of
// delivered cards and, with WorkerOptions::records_with_queue, their delivery records and history
// (the store's commands, written before the acks).
struct DeferredAcks {
  std::vector<queue::Lease> leases;
  std::vector<std::vector<std::string>> writes;
  bool empty() const { return leases.empty() && writes.empty(); }
};

struct WorkerDeps {
  queue::TaskQueue& queue;
  telegram::BotApi& api;
  telegram::OutboundLimiter& limiter;
  store::ResultStore& results;
  analysis::fetch::PageFetcher& fetcher;
  const analysis::reviews::ReviewModel& model;
  Clock& clock;
};

enum class TaskOutcome {
  kCard,
  kCachedCard,
  kFinalError,
  kPermanentError,
  kRetried,
  kDuplicate,
  kHandedBack,
  kBadPayload,
  kUnreachableUser,
  kLeaseLost
};
std::string_view ToString(TaskOutcome outcome);

class Worker {
 public:
  Worker(WorkerDeps deps, WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Start();
  // Stops leasing; in-flight tasks go on until the grace deadline (then hand back).
  void Stop();
  // Waits for the threads (at most shutdown_grace + a little); returns true when all joined.
  bool Join();

  // One lease, synchronously (what a task thread does); also runs the CPU steps inline when the
  // worker was not started (unit tests).
  // `ack_later`: the started worker's task threads pass a list for the lease to go to once the
  // card is delivered (and its records, see records_with_queue), and acknowledge it with their
  // next lease call (one round trip for all on Redis); null records and acknowledges at once.
  TaskOutcome ProcessLease(queue::Lease lease, DeferredAcks* ack_later = nullptr);
  // Tells the users of dead-lettered tasks their final error (once each); returns how many told.
  int ReapDeadLetters();

  int64_t completed() const { return completed_.load(); }

 private:
  struct Active;
  void TaskLoop(int index);
  void HeartbeatLoop();
  void ReaperLoop();
  bool SleepUnlessStopping(std::chrono::milliseconds d);
  bool HandingBack() const;
  TaskOutcome Fail(const queue::Lease& lease, const queue::AnalysisTask& task, const DeliveryTarget& target,
                   const Error& error);
  TaskOutcome DeliverStored(const queue::Lease& lease, const queue::AnalysisTask& task, const DeliveryTarget& target,
                            const store::StoredResult& result, bool cached, DeferredAcks* ack_later,
                            std::optional<std::chrono::milliseconds> token_wait = std::nullopt);
  // The acks a task thread deferred: their statuses logged (a lost lease after a delivered card
  // is harmless: the delivery record makes the next attempt a duplicate that only acknowledges).
  void LogDeferredAcks(const std::vector<queue::Lease>& leases, const std::vector<Status>& statuses);
  // Sends what a task thread deferred with its next lease (max_tasks 0: none, the last call).
  Result<std::vector<queue::Lease>> SendDeferred(DeferredAcks& deferred, const std::string& consumer, int max_tasks);

  WorkerDeps deps_;
  WorkerOptions options_;
  Deliverer deliverer_;

  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> hand_back_at_ms_{0};  // 0 = not yet
  std::atomic<int64_t> completed_{0};
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;

  std::mutex active_mu_;
  std::set<std::shared_ptr<Active>> active_;

  // The CPU-heavy steps of a started worker run in one of cpu_threads slots (cpu_slots.h).
  std::unique_ptr<CpuSlots> cpu_slots_;

  std::vector<std::thread> task_threads_;
  std::thread heartbeat_;
  std::thread reaper_;
  ProgressTimer progress_timer_;
  bool started_ = false;
};

}  // namespace worthit::worker
