// The in-process TaskQueue (memory://): the full queue.h contract in one mutex-guarded structure.
//
// Tasks live in a map by id; a task is ready when !leased && visible_at <= now, leased while its
// lease deadline is in the future. Expired leases are reclaimed lazily on every call (the task
// becomes ready again, or dead once it used max_attempts). Lease() waits on a condition variable
// in real time (bounded by `wait`), but every visibility decision uses the injected Clock, so tests
// with a ManualClock advance time explicitly. Lost at exit: for tests and single-process use.
// NOTE: the queue branch owns the backends; this file stands in until its memory backend lands.
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <unordered_map>

#include "common/ids.h"
#include "queue/queue.h"

namespace worthit::queue {

std::unique_ptr<TaskQueue> MakeMemoryQueue(const QueueOptions& options, Clock& clock);

namespace {

class MemoryQueue final : public TaskQueue {
 public:
  MemoryQueue(QueueOptions options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

  Result<std::string> Enqueue(const std::string& payload, const EnqueueOptions& opts) override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    if (!opts.idempotency_key.empty()) {
      // Expired keys are swept every kSweepEvery enqueues (amortised O(1)); a looked-up key is
      // checked for expiry itself.
      if (++enqueues_ % kSweepEvery == 0) {
        std::erase_if(keys_, [&](const auto& kv) { return kv.second.second <= now; });
      }
      if (auto it = keys_.find(opts.idempotency_key); it != keys_.end()) {
        if (it->second.second > now) return it->second.first;
        keys_.erase(it);
      }
    }
    Entry e;
    e.task.id = RandomId();
    e.task.payload = payload;
    e.task.enqueued_at_ms = now;
    e.visible_at_ms = now + opts.delay.count();
    e.seq = ++seq_;
    if (!opts.idempotency_key.empty()) {
      keys_[opts.idempotency_key] = {e.task.id, now + options_.idempotency_ttl.count() * 1000};
    }
    const std::string id = e.task.id;
    tasks_.emplace(id, std::move(e));
    ++stats_.enqueued_total;
    cv_.notify_all();
    return id;
  }

  Result<std::vector<Lease>> LeaseTasks(const std::string& consumer, int max_tasks,
                                        std::chrono::milliseconds wait) override {
    std::unique_lock lock(mu_);
    const auto until = std::chrono::steady_clock::now() + wait;
    std::vector<Lease> out;
    for (;;) {
      const int64_t now = clock_.NowMillis();
      ReclaimLocked(now);
      std::vector<Entry*> ready;
      for (auto& [id, e] : tasks_) {
        if (e.token.empty() && e.visible_at_ms <= now) ready.push_back(&e);
      }
      std::sort(ready.begin(), ready.end(), [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
      for (Entry* e : ready) {
        if (static_cast<int>(out.size()) >= max_tasks) break;
        e->token = RandomId();
        e->consumer = consumer;
        e->deadline_ms = now + options_.lease_duration.count();
        e->task.attempt += 1;
        out.push_back(Lease{e->task, e->token, consumer, e->deadline_ms});
      }
      if (!out.empty() || max_tasks <= 0 || std::chrono::steady_clock::now() >= until) return out;
      // Re-check at least every 50 ms: a delayed task may become visible on the injected clock.
      cv_.wait_until(lock, std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    }
  }

  Status Extend(Lease& lease) override {
    std::lock_guard lock(mu_);
    auto* e = Held(lease);
    if (!e) return LeaseLost(lease);
    e->deadline_ms = clock_.NowMillis() + options_.lease_duration.count();
    lease.deadline_ms = e->deadline_ms;
    return OkStatus();
  }

  Status Ack(const Lease& lease) override {
    std::lock_guard lock(mu_);
    if (!Held(lease)) return LeaseLost(lease);
    tasks_.erase(lease.task.id);
    ++stats_.acked_total;
    return OkStatus();
  }

  Status Retry(const Lease& lease, std::chrono::milliseconds delay, const std::string& reason) override {
    std::lock_guard lock(mu_);
    auto* e = Held(lease);
    if (!e) return LeaseLost(lease);
    e->task.reasons.push_back(reason);
    if (e->task.attempt >= options_.max_attempts) {
      KillLocked(lease.task.id, clock_.NowMillis());
      return OkStatus();
    }
    e->token.clear();
    e->visible_at_ms = clock_.NowMillis() + delay.count();
    ++stats_.retried_total;
    cv_.notify_all();
    return OkStatus();
  }

  Status Dead(const Lease& lease, const std::string& reason) override {
    std::lock_guard lock(mu_);
    auto* e = Held(lease);
    if (!e) return LeaseLost(lease);
    e->task.reasons.push_back(reason);
    KillLocked(lease.task.id, clock_.NowMillis());
    return OkStatus();
  }

  Result<std::vector<DeadLetter>> ListDead(int limit) override {
    std::lock_guard lock(mu_);
    ReclaimLocked(clock_.NowMillis());
    std::vector<DeadLetter> out;
    for (const auto& [seq, d] : dead_) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(d);
    }
    return out;
  }

  Result<int64_t> RequeueDead(const std::optional<std::string>& id) override {
    std::lock_guard lock(mu_);
    ReclaimLocked(clock_.NowMillis());
    int64_t n = 0;
    for (auto it = dead_.begin(); it != dead_.end();) {
      if (id && it->second.id != *id) {
        ++it;
        continue;
      }
      Entry e;
      e.task.id = it->second.id;
      e.task.payload = it->second.payload;
      e.task.enqueued_at_ms = it->second.enqueued_at_ms;
      e.task.reasons = it->second.reasons;  // history kept; attempts start again
      e.visible_at_ms = clock_.NowMillis();
      e.seq = ++seq_;
      tasks_.emplace(e.task.id, std::move(e));
      it = dead_.erase(it);
      ++n;
    }
    if (id && n == 0) return Error::Permanent("QUEUE_NOT_FOUND", "no dead letter " + *id);
    cv_.notify_all();
    return n;
  }

  Result<int64_t> PurgeDead() override {
    std::lock_guard lock(mu_);
    ReclaimLocked(clock_.NowMillis());
    const auto n = static_cast<int64_t>(dead_.size());
    dead_.clear();
    return n;
  }

  Result<QueueStats> Stats() override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    ReclaimLocked(now);
    QueueStats s = stats_;
    s.ready = s.leased = s.delayed = 0;
    int64_t oldest = -1;
    for (const auto& [id, e] : tasks_) {
      if (!e.token.empty()) {
        ++s.leased;
      } else if (e.visible_at_ms > now) {
        ++s.delayed;
      } else {
        ++s.ready;
        if (oldest < 0 || e.visible_at_ms < oldest) oldest = e.visible_at_ms;
      }
    }
    s.dead = static_cast<int64_t>(dead_.size());
    s.oldest_ready_age_seconds = oldest < 0 ? 0.0 : static_cast<double>(now - oldest) / 1000.0;
    return s;
  }

  Status Ping() override { return OkStatus(); }
  std::string Backend() const override { return "memory"; }

 private:
  struct Entry {
    Task task;
    int64_t visible_at_ms = 0;
    int64_t seq = 0;
    std::string token;  // non-empty while leased
    std::string consumer;
    int64_t deadline_ms = 0;
  };

  Entry* Held(const Lease& lease) {
    ReclaimLocked(clock_.NowMillis());
    auto it = tasks_.find(lease.task.id);
    if (it == tasks_.end() || it->second.token != lease.token) return nullptr;
    return &it->second;
  }

  static Error LeaseLost(const Lease& lease) {
    return Error::Permanent("QUEUE_LEASE_LOST", "lease of task " + lease.task.id + " expired or was taken over");
  }

  // Expired leases: ready again, or dead after the last attempt.
  void ReclaimLocked(int64_t now) {
    std::vector<std::string> to_kill;
    for (auto& [id, e] : tasks_) {
      if (e.token.empty() || e.deadline_ms > now) continue;
      e.task.reasons.push_back("lease expired (consumer " + e.consumer + ")");
      if (e.task.attempt >= options_.max_attempts) {
        to_kill.push_back(id);
      } else {
        e.token.clear();
        e.visible_at_ms = now;
      }
    }
    for (const auto& id : to_kill) KillLocked(id, now);
  }

  void KillLocked(const std::string& id, int64_t now) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    const Entry& e = it->second;
    dead_.emplace(++seq_,
                  DeadLetter{e.task.id, e.task.payload, e.task.attempt, e.task.reasons, e.task.enqueued_at_ms, now});
    tasks_.erase(it);
    ++stats_.dead_total;
  }

  QueueOptions options_;
  Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Entry> tasks_;
  std::map<int64_t, DeadLetter> dead_;                                     // by seq: oldest first
  std::unordered_map<std::string, std::pair<std::string, int64_t>> keys_;  // key → (task id, expires)
  QueueStats stats_;
  int64_t seq_ = 0;
  static constexpr int64_t kSweepEvery = 1024;
  int64_t enqueues_ = 0;
};

}  // namespace

std::unique_ptr<TaskQueue> MakeMemoryQueue(const QueueOptions& options, Clock& clock) {
  return std::make_unique<MemoryQueue>(options, clock);
}

}  // namespace worthit::queue
