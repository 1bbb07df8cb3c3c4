// MemoryQueue: the in-process TaskQueue (tests, dry runs, the playground).
//
// One mutex guards everything; a condition variable wakes LeaseTasks waiters on Enqueue/Retry.
// Tasks live in `tasks_` (by id); `due_` orders every live task by the instant it next needs
// attention: a ready task by when it becomes available, a leased one by its lease deadline, so a
// single ordered scan finds both due work and expired leases. Time comes from the injected Clock;
// waiting in LeaseTasks is real time, re-checking the Clock every kWaitSlice so a ManualClock
// advanced by another thread is noticed.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/ids.h"
#include "queue/backends.h"

namespace worthit::queue {
namespace {

// A waiter re-checks the clock this often: short enough that a task becoming due (delay over,
// lease expired) is picked up promptly, long enough that idle workers cost nothing measurable.
constexpr auto kWaitSlice = std::chrono::milliseconds(50);

struct Record {
  Task task;
  uint64_t seq = 0;
  bool leased = false;
  int64_t due_ms = 0;  // available at (ready/delayed) or lease deadline (leased)
  std::string token;
  std::string consumer;
};

Error LeaseLost(const std::string& id) {
  return Error::Permanent("QUEUE_LEASE_LOST", "lease on task " + id + " expired or was taken over");
}

class MemoryQueue final : public TaskQueue {
 public:
  MemoryQueue(const QueueOptions& options, Clock& clock) : options_(options), clock_(clock) {}

  Result<std::string> Enqueue(const std::string& payload, const EnqueueOptions& options) override {
    std::string id;
    {
      std::lock_guard lock(mu_);
      id = EnqueueLocked(payload, options, clock_.NowMillis());
    }
    cv_.notify_one();
    return id;
  }

  Result<std::vector<std::string>> EnqueueBatch(const std::vector<EnqueueRequest>& requests) override {
    std::vector<std::string> ids;
    ids.reserve(requests.size());
    {
      std::lock_guard lock(mu_);
      const int64_t now = clock_.NowMillis();
      for (const auto& r : requests) ids.push_back(EnqueueLocked(r.payload, r.options, now));
    }
    cv_.notify_all();
    return ids;
  }

  Result<std::vector<Lease>> LeaseTasks(const std::string& consumer, int max_tasks,
                                        std::chrono::milliseconds wait) override {
    std::vector<Lease> out;
    if (max_tasks < 1) return out;
    const auto give_up = std::chrono::steady_clock::now() + wait;
    std::unique_lock lock(mu_);
    while (true) {
      LeaseLocked(consumer, max_tasks, clock_.NowMillis(), out);
      if (!out.empty()) return out;
      const auto now = std::chrono::steady_clock::now();
      if (now >= give_up) return out;
      cv_.wait_until(lock, std::min(give_up, now + kWaitSlice));
    }
  }

  Status Extend(Lease& lease) override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    auto* rec = Valid(lease, now);
    if (!rec) return LeaseLost(lease.task.id);
    due_.erase({rec->due_ms, rec->seq});
    rec->due_ms = now + options_.lease_duration.count();
    due_.emplace(std::make_pair(rec->due_ms, rec->seq), rec->task.id);
    lease.deadline_ms = rec->due_ms;
    return OkStatus();
  }

  Status Ack(const Lease& lease) override {
    std::lock_guard lock(mu_);
    return AckLocked(lease, clock_.NowMillis());
  }

  std::vector<Status> AckBatch(const std::vector<Lease>& leases) override {
    std::vector<Status> out;
    out.reserve(leases.size());
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    for (const auto& lease : leases) out.push_back(AckLocked(lease, now));
    return out;
  }

  Status Retry(const Lease& lease, std::chrono::milliseconds delay, const std::string& reason) override {
    {
      std::lock_guard lock(mu_);
      const int64_t now = clock_.NowMillis();
      auto* rec = Valid(lease, now);
      if (!rec) return LeaseLost(lease.task.id);
      rec->task.reasons.push_back(reason);
      due_.erase({rec->due_ms, rec->seq});
      if (rec->task.attempt >= options_.max_attempts) {
        ToDeadLocked(rec->task.id, now);
        return OkStatus();
      }
      ++retried_total_;
      rec->leased = false;
      rec->token.clear();
      rec->consumer.clear();
      rec->due_ms = now + std::max<int64_t>(0, delay.count());
      due_.emplace(std::make_pair(rec->due_ms, rec->seq), rec->task.id);
    }
    cv_.notify_one();
    return OkStatus();
  }

  Status Dead(const Lease& lease, const std::string& reason) override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    auto* rec = Valid(lease, now);
    if (!rec) return LeaseLost(lease.task.id);
    rec->task.reasons.push_back(reason);
    due_.erase({rec->due_ms, rec->seq});
    ToDeadLocked(rec->task.id, now);
    return OkStatus();
  }

  Result<std::vector<DeadLetter>> ListDead(int limit) override {
    std::lock_guard lock(mu_);
    std::vector<DeadLetter> out;
    for (const auto& [key, letter] : dead_) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(letter);
    }
    return out;
  }

  Result<int64_t> RequeueDead(const std::optional<std::string>& id) override {
    int64_t moved = 0;
    {
      std::lock_guard lock(mu_);
      const int64_t now = clock_.NowMillis();
      for (auto it = dead_.begin(); it != dead_.end();) {
        if (id && it->second.id != *id) {
          ++it;
          continue;
        }
        Record rec;
        rec.task.id = it->second.id;
        rec.task.payload = std::move(it->second.payload);
        rec.task.reasons = std::move(it->second.reasons);
        rec.task.enqueued_at_ms = it->second.enqueued_at_ms;
        rec.seq = ++seq_;
        rec.due_ms = now;
        due_.emplace(std::make_pair(rec.due_ms, rec.seq), rec.task.id);
        tasks_.emplace(rec.task.id, std::move(rec));
        it = dead_.erase(it);
        ++moved;
      }
      if (id && moved == 0) return Error::Permanent("QUEUE_NOT_FOUND", "no dead letter with id " + *id);
    }
    cv_.notify_all();
    return moved;
  }

  Result<int64_t> PurgeDead() override {
    std::lock_guard lock(mu_);
    const auto n = static_cast<int64_t>(dead_.size());
    dead_.clear();
    return n;
  }

  Result<QueueStats> Stats() override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    QueueStats s;
    int64_t oldest = -1;
    for (const auto& [key, id] : due_) {
      const auto& rec = tasks_.at(id);
      if (rec.leased && rec.due_ms > now) {
        ++s.leased;
      } else if (!rec.leased && rec.due_ms > now) {
        ++s.delayed;
      } else {
        ++s.ready;
        if (oldest < 0 || rec.due_ms < oldest) oldest = rec.due_ms;
      }
    }
    if (oldest >= 0) s.oldest_ready_age_seconds = static_cast<double>(now - oldest) / 1000.0;
    s.dead = static_cast<int64_t>(dead_.size());
    s.enqueued_total = enqueued_total_;
    s.acked_total = acked_total_;
    s.retried_total = retried_total_;
    s.dead_total = dead_total_;
    return s;
  }

  Status Ping() override { return OkStatus(); }
  std::string Backend() const override { return "memory"; }

 private:
  std::string EnqueueLocked(const std::string& payload, const EnqueueOptions& options, int64_t now) {
    if (!options.idempotency_key.empty()) {
      PruneKeysLocked(now);
      auto it = keys_.find(options.idempotency_key);
      if (it != keys_.end() && it->second.second > now) return it->second.first;
    }
    Record rec;
    rec.seq = ++seq_;
    rec.task.id = RandomId(16);
    rec.task.payload = payload;
    rec.task.enqueued_at_ms = now;
    rec.due_ms = now + std::max<int64_t>(0, options.delay.count());
    const std::string id = rec.task.id;
    due_.emplace(std::make_pair(rec.due_ms, rec.seq), id);
    tasks_.emplace(id, std::move(rec));
    ++enqueued_total_;
    if (!options.idempotency_key.empty()) {
      const int64_t expires =
          now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.idempotency_ttl).count();
      keys_[options.idempotency_key] = {id, expires};
      key_order_.emplace_back(expires, options.idempotency_key);
    }
    return id;
  }

  // Keys expire in insertion order (one TTL for all), so pruning pops from the front.
  void PruneKeysLocked(int64_t now) {
    while (!key_order_.empty() && key_order_.front().first <= now) {
      auto it = keys_.find(key_order_.front().second);
      if (it != keys_.end() && it->second.second <= now) keys_.erase(it);
      key_order_.pop_front();
    }
  }

  void LeaseLocked(const std::string& consumer, int max_tasks, int64_t now, std::vector<Lease>& out) {
    while (static_cast<int>(out.size()) < max_tasks && !due_.empty() && due_.begin()->first.first <= now) {
      const std::string id = due_.begin()->second;
      due_.erase(due_.begin());
      Record& rec = tasks_.at(id);
      if (rec.leased) {  // the lease expired: the consumer died or hung
        rec.task.reasons.push_back("lease expired (consumer " + rec.consumer + ")");
        if (rec.task.attempt >= options_.max_attempts) {
          ToDeadLocked(id, now);
          continue;
        }
      }
      ++rec.task.attempt;
      rec.leased = true;
      rec.token = std::to_string(++token_seq_);
      rec.consumer = consumer;
      rec.due_ms = now + options_.lease_duration.count();
      due_.emplace(std::make_pair(rec.due_ms, rec.seq), id);
      out.push_back(Lease{rec.task, rec.token, consumer, rec.due_ms});
    }
  }

  Record* Valid(const Lease& lease, int64_t now) {
    auto it = tasks_.find(lease.task.id);
    if (it == tasks_.end()) return nullptr;
    Record& rec = it->second;
    if (!rec.leased || rec.token != lease.token || rec.due_ms <= now) return nullptr;
    return &rec;
  }

  Status AckLocked(const Lease& lease, int64_t now) {
    auto* rec = Valid(lease, now);
    if (!rec) return LeaseLost(lease.task.id);
    due_.erase({rec->due_ms, rec->seq});
    tasks_.erase(lease.task.id);
    ++acked_total_;
    return OkStatus();
  }

  // The caller already removed the record from due_.
  void ToDeadLocked(const std::string& id, int64_t now) {
    auto node = tasks_.extract(id);
    Record& rec = node.mapped();
    DeadLetter letter{rec.task.id,
                      std::move(rec.task.payload),
                      rec.task.attempt,
                      std::move(rec.task.reasons),
                      rec.task.enqueued_at_ms,
                      now};
    dead_.emplace(std::make_pair(now, ++seq_), std::move(letter));
    ++dead_total_;
  }

  const QueueOptions options_;
  Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t seq_ = 0;
  uint64_t token_seq_ = 0;
  std::unordered_map<std::string, Record> tasks_;
  std::map<std::pair<int64_t, uint64_t>, std::string> due_;
  std::map<std::pair<int64_t, uint64_t>, DeadLetter> dead_;                // by (dead_at, seq): oldest first
  std::unordered_map<std::string, std::pair<std::string, int64_t>> keys_;  // key → (task id, expires)
  std::deque<std::pair<int64_t, std::string>> key_order_;
  int64_t enqueued_total_ = 0;
  int64_t acked_total_ = 0;
  int64_t retried_total_ = 0;
  int64_t dead_total_ = 0;
};

}  // namespace

std::unique_ptr<TaskQueue> NewMemoryQueue(const QueueOptions& options, Clock& clock) {
  return std::make_unique<MemoryQueue>(options, clock);
}

}  // namespace worthit::queue
