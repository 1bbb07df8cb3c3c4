// MemoryQueue: the in-process TaskQueue (tests, dry runs, the playground).
//
// One mutex guards everything; a condition variable wakes LeaseTasks waiters on Enqueue/Retry.
// Records live in `tasks_` keyed by an internal sequence number, which the lease token carries
// ("<seq>.<delivery>"), so Ack/Extend/Retry find their record without a string lookup.
// Three queues of sequence numbers say what needs attention next:
//   ready_    FIFO of tasks leasable now;
//   delayed_  ordered by due time (delayed enqueues and retries);
//   leases_   FIFO of (deadline, seq, delivery): deadlines grow with time because the lease
//             duration is fixed, so the front is the next to expire. Entries are never removed
//             on Ack/Extend; a stale one (record gone, or delivery/deadline changed) is skipped.
//             If the Clock jumps backwards an expiry may be noticed late, never early.
// Time comes from the injected Clock; waiting in LeaseTasks is real time, re-checking the Clock
// every kWaitSlice so a ManualClock advanced by another thread is noticed.
#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/ids.h"
#include "queue/backends.h"

namespace worthit::queue {
namespace {

// A waiter re-checks the clock this often: short enough that a task becoming due (delay over,
// lease expired) is picked up promptly, long enough that idle workers cost nothing measurable.
constexpr auto kWaitSlice = std::chrono::milliseconds(50);

// Payloads are immutable and shared, so leasing copies them after the lock is released.
using Payload = std::shared_ptr<const std::string>;

struct Record {
  std::string id;
  Payload payload;
  int attempt = 0;
  std::vector<std::string> reasons;
  int64_t enqueued_at_ms = 0;
  bool leased = false;
  int64_t due_ms = 0;     // available at (ready/delayed) or lease deadline (leased)
  uint64_t delivery = 0;  // which delivery the live lease is (0: not leased)
  std::string consumer;
};

// A lease decided under the lock, turned into a Lease (payload copied) after it.
struct Granted {
  std::string id;
  Payload payload;
  int attempt;
  std::vector<std::string> reasons;
  int64_t enqueued_at_ms;
  uint64_t seq;
  uint64_t delivery;
  int64_t deadline_ms;
};

struct LeaseEntry {
  int64_t deadline_ms;
  uint64_t seq;
  uint64_t delivery;
};

Error LeaseLost(const std::string& id) {
  return Error::Permanent("QUEUE_LEASE_LOST", "lease on task " + id + " expired or was taken over");
}

std::string TokenOf(uint64_t seq, uint64_t delivery) { return std::to_string(seq) + "." + std::to_string(delivery); }

bool ParseToken(const std::string& token, uint64_t& seq, uint64_t& delivery) {
  const auto dot = token.find('.');
  if (dot == std::string::npos) return false;
  const char* b = token.data();
  auto [p1, e1] = std::from_chars(b, b + dot, seq);
  auto [p2, e2] = std::from_chars(b + dot + 1, b + token.size(), delivery);
  return e1 == std::errc() && e2 == std::errc() && p1 == b + dot && p2 == b + token.size();
}

class MemoryQueue final : public TaskQueue {
 public:
  MemoryQueue(const QueueOptions& options, Clock& clock) : options_(options), clock_(clock), id_prefix_(RandomId(8)) {}

  Result<std::string> Enqueue(const std::string& payload, const EnqueueOptions& options) override {
    std::string id;
    auto shared = std::make_shared<const std::string>(payload);
    {
      std::lock_guard lock(mu_);
      id = EnqueueLocked(std::move(shared), options, clock_.NowMillis());
    }
    cv_.notify_one();
    return id;
  }

  Result<std::vector<std::string>> EnqueueBatch(const std::vector<EnqueueRequest>& requests) override {
    std::vector<std::string> ids;
    ids.reserve(requests.size());
    std::vector<Payload> payloads;
    payloads.reserve(requests.size());
    for (const auto& r : requests) payloads.push_back(std::make_shared<const std::string>(r.payload));
    {
      std::lock_guard lock(mu_);
      const int64_t now = clock_.NowMillis();
      for (size_t i = 0; i < requests.size(); ++i) {
        ids.push_back(EnqueueLocked(std::move(payloads[i]), requests[i].options, now));
      }
    }
    cv_.notify_all();
    return ids;
  }

  Result<std::vector<Lease>> LeaseTasks(const std::string& consumer, int max_tasks,
                                        std::chrono::milliseconds wait) override {
    std::vector<Lease> out;
    if (max_tasks < 1) return out;
    const auto give_up = std::chrono::steady_clock::now() + wait;
    std::vector<Granted> granted;
    std::unique_lock lock(mu_);
    while (true) {
      LeaseLocked(consumer, max_tasks, clock_.NowMillis(), granted);
      if (!granted.empty()) {
        lock.unlock();
        out.reserve(granted.size());
        for (auto& g : granted) {
          out.push_back(Lease{Task{std::move(g.id), *g.payload, g.attempt, std::move(g.reasons), g.enqueued_at_ms},
                              TokenOf(g.seq, g.delivery), consumer, g.deadline_ms});
        }
        return out;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= give_up) return out;
      cv_.wait_until(lock, std::min(give_up, now + kWaitSlice));
    }
  }

  Status Extend(Lease& lease) override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    uint64_t seq = 0;
    auto* rec = Valid(lease, now, seq);
    if (!rec) return LeaseLost(lease.task.id);
    rec->due_ms = now + options_.lease_duration.count();
    leases_.push_back({rec->due_ms, seq, rec->delivery});
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
      uint64_t seq = 0;
      auto* rec = Valid(lease, now, seq);
      if (!rec) return LeaseLost(lease.task.id);
      rec->reasons.push_back(reason);
      if (rec->attempt >= options_.max_attempts) {
        ToDeadLocked(seq, now);
        return OkStatus();
      }
      ++retried_total_;
      rec->leased = false;
      rec->delivery = 0;
      rec->consumer.clear();
      MakeAvailableLocked(seq, *rec, now + std::max<int64_t>(0, delay.count()), now);
    }
    cv_.notify_one();
    return OkStatus();
  }

  Status Dead(const Lease& lease, const std::string& reason) override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMillis();
    uint64_t seq = 0;
    auto* rec = Valid(lease, now, seq);
    if (!rec) return LeaseLost(lease.task.id);
    rec->reasons.push_back(reason);
    ToDeadLocked(seq, now);
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
        rec.id = it->second.id;
        rec.payload = std::make_shared<const std::string>(std::move(it->second.payload));
        rec.reasons = std::move(it->second.reasons);
        rec.enqueued_at_ms = it->second.enqueued_at_ms;
        const uint64_t seq = ++seq_;
        auto& stored = tasks_.emplace(seq, std::move(rec)).first->second;
        MakeAvailableLocked(seq, stored, now, now);
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
    for (const auto& [seq, rec] : tasks_) {
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
  std::string EnqueueLocked(Payload payload, const EnqueueOptions& options, int64_t now) {
    if (!options.idempotency_key.empty()) {
      PruneKeysLocked(now);
      auto it = keys_.find(options.idempotency_key);
      if (it != keys_.end() && it->second.second > now) return it->second.first;
    }
    const uint64_t seq = ++seq_;
    Record rec;
    // Unique per queue object: a random prefix (this queue) and the sequence number.
    rec.id = id_prefix_ + std::to_string(seq);
    rec.payload = std::move(payload);
    rec.enqueued_at_ms = now;
    auto& stored = tasks_.emplace(seq, std::move(rec)).first->second;
    MakeAvailableLocked(seq, stored, now + std::max<int64_t>(0, options.delay.count()), now);
    ++enqueued_total_;
    if (!options.idempotency_key.empty()) {
      const int64_t expires =
          now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.idempotency_ttl).count();
      keys_[options.idempotency_key] = {stored.id, expires};
      key_order_.emplace_back(expires, options.idempotency_key);
    }
    return stored.id;
  }

  void MakeAvailableLocked(uint64_t seq, Record& rec, int64_t due, int64_t now) {
    rec.due_ms = due;
    if (due <= now) {
      ready_.push_back(seq);
    } else {
      delayed_.emplace(std::make_pair(due, seq), seq);
    }
  }

  // Keys expire in insertion order (one TTL for all), so pruning pops from the front.
  void PruneKeysLocked(int64_t now) {
    while (!key_order_.empty() && key_order_.front().first <= now) {
      auto it = keys_.find(key_order_.front().second);
      if (it != keys_.end() && it->second.second <= now) keys_.erase(it);
      key_order_.pop_front();
    }
  }

  void LeaseLocked(const std::string& consumer, int max_tasks, int64_t now, std::vector<Granted>& out) {
    // Expired leases first: the consumer died or hung; their tasks have waited longest.
    while (!leases_.empty() && leases_.front().deadline_ms <= now) {
      const LeaseEntry e = leases_.front();
      leases_.pop_front();
      auto it = tasks_.find(e.seq);
      if (it == tasks_.end()) continue;
      Record& rec = it->second;
      if (!rec.leased || rec.delivery != e.delivery || rec.due_ms != e.deadline_ms) continue;  // stale entry
      rec.reasons.push_back("lease expired (consumer " + rec.consumer + ")");
      rec.leased = false;
      rec.delivery = 0;
      if (rec.attempt >= options_.max_attempts) {
        ToDeadLocked(e.seq, now);
        continue;
      }
      rec.due_ms = e.deadline_ms;
      ready_.push_front(e.seq);
    }
    while (!delayed_.empty() && delayed_.begin()->first.first <= now) {
      ready_.push_back(delayed_.begin()->second);
      delayed_.erase(delayed_.begin());
    }
    while (static_cast<int>(out.size()) < max_tasks && !ready_.empty()) {
      const uint64_t seq = ready_.front();
      ready_.pop_front();
      Record& rec = tasks_.at(seq);
      ++rec.attempt;
      rec.leased = true;
      rec.delivery = ++delivery_seq_;
      rec.consumer = consumer;
      rec.due_ms = now + options_.lease_duration.count();
      leases_.push_back({rec.due_ms, seq, rec.delivery});
      out.push_back(
          Granted{rec.id, rec.payload, rec.attempt, rec.reasons, rec.enqueued_at_ms, seq, rec.delivery, rec.due_ms});
    }
  }

  Record* Valid(const Lease& lease, int64_t now, uint64_t& seq) {
    uint64_t delivery = 0;
    if (!ParseToken(lease.token, seq, delivery)) return nullptr;
    auto it = tasks_.find(seq);
    if (it == tasks_.end()) return nullptr;
    Record& rec = it->second;
    if (!rec.leased || rec.delivery != delivery || rec.due_ms <= now) return nullptr;
    return &rec;
  }

  Status AckLocked(const Lease& lease, int64_t now) {
    uint64_t seq = 0;
    if (!Valid(lease, now, seq)) return LeaseLost(lease.task.id);
    tasks_.erase(seq);
    ++acked_total_;
    return OkStatus();
  }

  // The record must not be in ready_ or delayed_ (it is leased, or its lease just expired).
  void ToDeadLocked(uint64_t seq, int64_t now) {
    auto node = tasks_.extract(seq);
    Record& rec = node.mapped();
    DeadLetter letter{rec.id, *rec.payload, rec.attempt, std::move(rec.reasons), rec.enqueued_at_ms, now};
    dead_.emplace(std::make_pair(now, ++seq_), std::move(letter));
    ++dead_total_;
  }

  const QueueOptions options_;
  Clock& clock_;
  const std::string id_prefix_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t seq_ = 0;
  uint64_t delivery_seq_ = 0;
  std::unordered_map<uint64_t, Record> tasks_;
  std::deque<uint64_t> ready_;
  std::map<std::pair<int64_t, uint64_t>, uint64_t> delayed_;
  std::deque<LeaseEntry> leases_;
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
