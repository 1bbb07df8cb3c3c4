// RedisQueue: the TaskQueue on Redis 7 Streams (many machines share one queue).
//
// Each operation is one Lua script (redis_scripts.h: atomicity, key layout, lease tokens), sent
// through a pooled RedisClient (redis_connection.h: reconnect, fail-fast, NOSCRIPT reload).
// Batches (EnqueueBatch, AckBatch, LeaseTasks with max > 1) cost one round trip.
// Time: the Redis server's clock (TIME, stream ids, PEL idle times). Deadlines in Lease are in
// server time as of the lease; a lease read by a blocking XREADGROUP gets a deadline computed
// with this process's clock (the server did not say), so keep clocks in sync (NTP).
// Blocking lease: the lease script first (reclaim + promote + read); if nothing, a blocking
// XREADGROUP for at most kBlockSlice (or until the next delayed task is due), then the script
// again, so expired leases and due retries are still picked up while waiting.
// Durability: an acknowledged Enqueue is in Redis memory; it survives a Redis restart as far as
// Redis persistence does (appendonly yes + appendfsync always: every acknowledged write; the
// Debian default everysec: all but the last second on a power cut, everything on a clean restart).
#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>

#include "common/ids.h"
#include "queue/backends.h"
#include "queue/reasons.h"
#include "queue/redis/redis_connection.h"
#include "queue/redis/redis_enqueue.h"
#include "queue/redis/redis_scripts.h"

namespace worthit::queue {
namespace {

using redis::Command;
using redis::Reply;
using redis::Script;

// Longest single blocking XREADGROUP while waiting: bounds how late an expired lease or a due
// retry is noticed by an idle worker (the lease script runs again after each slice).
constexpr auto kBlockSlice = std::chrono::milliseconds(1000);
constexpr const char* kGroup = "workers";
// Expired leases are looked for at most this often per queue object (and on every call while
// waiting): XAUTOCLAIM scans the pending list, which costs the busy path for nothing most of the
// time. Adds at most this much to how late an expired lease is noticed.
constexpr auto kReclaimEvery = std::chrono::milliseconds(250);
// Tasks per enqueue script call in EnqueueBatch: keeps one script run (which blocks Redis) well
// under a millisecond.
constexpr size_t kEnqueueChunk = 100;
// Dead letters requeued per script call (keeps each call short; the client loops).
constexpr int kRequeueBatch = 500;

Error Unavailable(const std::string& what) { return Error::Transient("QUEUE_UNAVAILABLE", "redis: " + what); }
Error LeaseLost(const std::string& id) {
  return Error::Permanent("QUEUE_LEASE_LOST", "lease on task " + id + " expired or was taken over");
}
Error Unexpected(const Reply& reply) {
  return Unavailable(reply.IsError() ? reply.str : "unexpected reply from Redis");
}

std::string KeyBase(const std::string& prefix) { return redis::QueueKeyBase(prefix); }

// Token = "<stream entry id>:<delivery count>".
bool SplitToken(const std::string& token, std::string& eid, std::string& delivered) {
  const auto colon = token.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= token.size()) return false;
  eid = token.substr(0, colon);
  delivered = token.substr(colon + 1);
  return true;
}

class RedisQueue final : public TaskQueue {
 public:
  RedisQueue(const RedisEndpoint& endpoint, const QueueOptions& options)
      : client_(endpoint),
        options_(options),
        base_(KeyBase(options.redis_prefix)),
        stream_(base_ + ":stream"),
        delayed_(base_ + ":delayed"),
        dead_(base_ + ":dead"),
        stats_(base_ + ":stats"),
        lease_ms_(std::to_string(options.lease_duration.count())),
        enqueue_(redis::EnqueueScript()),
        enqueue_batch_{std::string(redis::kPrelude) + redis::kEnqueueBatch, {}},
        lease_{std::string(redis::kPrelude) + redis::kLeaseFunction + redis::kLease, {}},
        ack_{std::string(redis::kPrelude) + redis::kAckFunction + redis::kAck, {}},
        ack_lease_{std::string(redis::kPrelude) + redis::kAckFunction + redis::kLeaseFunction + redis::kAckLease, {}},
        extend_{std::string(redis::kPrelude) + redis::kExtend, {}},
        settle_{std::string(redis::kPrelude) + redis::kSettle, {}},
        requeue_{std::string(redis::kPrelude) + redis::kRequeue, {}},
        stats_script_{std::string(redis::kPrelude) + redis::kStats, {}} {}

  Result<std::string> Enqueue(const std::string& payload, const EnqueueOptions& options) override {
    auto ids = EnqueueBatch({EnqueueRequest{payload, options}});
    if (!ids.ok()) return ids.error();
    return std::move(ids->front());
  }

  // The single-task script with the records as extra keys (see kEnqueue): one atomic script run.
  Result<std::string> EnqueueWithRecords(const std::string& payload, const EnqueueOptions& options,
                                         const std::vector<AtomicRecord>& records) override {
    auto ids = EnqueueMany({EnqueueRequest{payload, options}}, &records);
    if (!ids.ok()) return ids.error();
    return std::move(ids->front());
  }

  Result<std::vector<std::string>> EnqueueBatch(const std::vector<EnqueueRequest>& requests) override {
    return EnqueueMany(requests, nullptr);
  }

  // Single enqueues: one script call (with `records`, if any). Batches: one script call per
  // kEnqueueChunk tasks (atomic per chunk), chunks pipelined. Rerunning a batch that failed midway
  // with the same keys is safe.
  Result<std::vector<std::string>> EnqueueMany(const std::vector<EnqueueRequest>& requests,
                                               const std::vector<AtomicRecord>* records) {
    const std::string ttl = std::to_string(std::max<int64_t>(1, options_.idempotency_ttl.count()));
    std::vector<std::pair<Command, Command>> calls;
    if (requests.size() == 1) {
      auto call = redis::EnqueueCall(options_, requests.front().payload, requests.front().options, records);
      calls.emplace_back(std::move(call.keys), std::move(call.args));
    } else {
      for (size_t start = 0; start < requests.size(); start += kEnqueueChunk) {
        const size_t end = std::min(requests.size(), start + kEnqueueChunk);
        Command keys{stream_, delayed_, stats_};
        Command args{kGroup, ttl};
        for (size_t i = start; i < end; ++i) {
          const auto& r = requests[i];
          size_t key_index = 0;
          if (!r.options.idempotency_key.empty()) {
            keys.push_back(base_ + ":idem:" + r.options.idempotency_key);
            key_index = keys.size();
          }
          args.push_back(r.payload);
          args.push_back(std::to_string(std::max<int64_t>(0, r.options.delay.count())));
          args.push_back(RandomId(16));
          args.push_back(std::to_string(key_index));
        }
        calls.emplace_back(std::move(keys), std::move(args));
      }
    }
    auto replies = client_.EvalMany(requests.size() == 1 ? enqueue_ : enqueue_batch_, calls);
    if (!replies.ok()) return replies.error();
    std::vector<std::string> ids;
    ids.reserve(requests.size());
    for (auto& reply : *replies) {
      if (reply.type == Reply::Type::kString) {
        ids.push_back(std::move(reply.str));
      } else if (reply.type == Reply::Type::kArray) {
        for (auto& e : reply.elements) ids.push_back(std::move(e.str));
      } else {
        return Unexpected(reply);
      }
    }
    if (ids.size() != requests.size()) return Unavailable("enqueue batch: unexpected number of ids");
    return ids;
  }

  Result<std::vector<Lease>> LeaseTasks(const std::string& consumer, int max_tasks,
                                        std::chrono::milliseconds wait) override {
    std::vector<Lease> out;
    if (max_tasks < 1) return out;
    const auto give_up = std::chrono::steady_clock::now() + wait;
    // Bounded: each pass either returns or blocks for up to kBlockSlice until give_up.
    for (bool first = true;; first = false) {
      int64_t next_due = -1;
      auto status = LeaseOnce(consumer, max_tasks, !first, out, next_due);
      if (!status.ok()) return status.error();
      if (!out.empty()) return out;
      const auto now = std::chrono::steady_clock::now();
      if (now >= give_up) return out;
      auto block = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(give_up - now), kBlockSlice);
      if (next_due >= 0) block = std::min(block, std::chrono::milliseconds(std::max<int64_t>(1, next_due)));
      auto blocked = BlockingRead(consumer, max_tasks, block, out);
      if (!blocked.ok()) return blocked.error();
      if (!out.empty()) return out;
    }
  }

  Status Extend(Lease& lease) override {
    std::string eid, delivered;
    if (!SplitToken(lease.token, eid, delivered)) return LeaseLost(lease.task.id);
    auto reply = client_.Eval(extend_, {stream_}, {kGroup, lease_ms_, eid, lease.consumer, delivered});
    if (!reply.ok()) return reply.error();
    if (reply->IsError()) return Unexpected(*reply);
    const auto deadline = reply->AsInt(-1);
    if (deadline < 0) return LeaseLost(lease.task.id);
    lease.deadline_ms = deadline;
    return OkStatus();
  }

  Status Ack(const Lease& lease) override { return AckBatch({lease}).front(); }

  std::vector<Status> AckBatch(const std::vector<Lease>& leases) override {
    std::vector<Status> out;
    Command args;
    std::vector<size_t> sent;
    AckArgs(leases, out, args, sent);
    if (sent.empty()) return out;
    auto reply = client_.Eval(ack_, {stream_, stats_}, args);
    if (!reply.ok()) {
      for (auto i : sent) out[i] = reply.error();
      return out;
    }
    SetAckStatuses(*reply, leases, sent, out);
    return out;
  }

  // The writes and then one script run that acknowledges and leases (kAckLease) in one pipeline;
  // the rest of LeaseTasks (waiting for a task when none was ready) as usual. Without acks it is
  // LeaseTasks; without a lease to take (max_tasks 0, shutdown) the ack script alone.
  Result<std::vector<Lease>> AckThenLease(const std::vector<Lease>& acks, std::vector<Status>& acked,
                                          const std::string& consumer, int max_tasks, std::chrono::milliseconds wait,
                                          PipelinedWrites* writes) override {
    Command ack_args;
    std::vector<size_t> sent;
    AckArgs(acks, acked, ack_args, sent);
    std::vector<Command> before;
    if (writes != nullptr) before = std::move(writes->commands);  // consumed (PipelinedWrites)
    const size_t n_before = before.size();
    if (sent.empty() && n_before == 0) return LeaseTasks(consumer, max_tasks, wait);
    std::vector<redis::RedisClient::ScriptCall> calls;
    const bool lease = max_tasks > 0;
    if (!sent.empty() && lease) {
      // kAckLease's ARGV: the lease's, then the ack triples (ack_args without its group and lease_ms).
      Command args = LeaseArgs(consumer, max_tasks, false);
      args.insert(args.end(), std::make_move_iterator(ack_args.begin() + 2), std::make_move_iterator(ack_args.end()));
      calls.push_back({&ack_lease_, {stream_, delayed_, dead_, stats_}, std::move(args)});
    } else if (!sent.empty()) {
      calls.push_back({&ack_, {stream_, stats_}, std::move(ack_args)});
    } else if (lease) {
      calls.push_back({&lease_, {stream_, delayed_, dead_, stats_}, LeaseArgs(consumer, max_tasks, false)});
    }
    const auto start = std::chrono::steady_clock::now();
    auto replies = client_.EvalEach(calls, std::move(before));
    if (!replies.ok()) {
      for (auto i : sent) acked[i] = replies.error();
      if (n_before != 0) writes->status = replies.error();
      return replies.error();
    }
    if (writes != nullptr) {
      writes->status = OkStatus();
      for (size_t i = 0; i < n_before; ++i) {
        if ((*replies)[i].IsError()) {
          writes->status = Unexpected((*replies)[i]);
          break;
        }
      }
    }
    std::vector<Lease> out;
    if (calls.empty()) return out;  // writes only (no acks, no lease)
    Reply& reply = (*replies)[n_before];
    if (!lease) {
      SetAckStatuses(reply, acks, sent, acked);
      return out;
    }
    if (!sent.empty()) {
      // {now, next_due, leases, acks}: the acks' answer is the fourth element. An error reply (the
      // lease part failed after the acks ran: a script is not undone) fails every ack here; the
      // worker then sends them again, and they answer QUEUE_LEASE_LOST (already acknowledged).
      if (reply.type != Reply::Type::kArray || reply.elements.size() != 4) {
        SetAckStatuses(reply, acks, sent, acked);  // every ack gets the error
        return Unexpected(reply);
      }
      SetAckStatuses(reply.elements[3], acks, sent, acked);
      reply.elements.pop_back();
    }
    int64_t next_due = -1;
    if (auto parsed = ParseLeases(reply, consumer, out, next_due); !parsed.ok()) return parsed.error();
    if (!out.empty()) return out;
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return LeaseTasks(consumer, max_tasks, std::max(std::chrono::milliseconds(0), wait - spent));
  }

  Status Retry(const Lease& lease, std::chrono::milliseconds delay, const std::string& reason) override {
    return Settle(lease, "retry", delay, reason);
  }

  Status Dead(const Lease& lease, const std::string& reason) override {
    return Settle(lease, "dead", std::chrono::milliseconds(0), reason);
  }

  Result<std::vector<DeadLetter>> ListDead(int limit) override {
    auto reply = client_.Call({"XRANGE", dead_, "-", "+", "COUNT", std::to_string(std::max(0, limit))});
    if (!reply.ok()) return reply.error();
    if (reply->type != Reply::Type::kArray) return Unexpected(*reply);
    std::vector<DeadLetter> out;
    for (const auto& e : reply->elements) {
      if (e.elements.size() < 2) continue;
      DeadLetter d;
      const auto& f = e.elements[1].elements;
      for (size_t i = 0; i + 1 < f.size(); i += 2) {
        const auto& k = f[i].str;
        const auto& v = f[i + 1];
        if (k == "id")
          d.id = v.str;
        else if (k == "p")
          d.payload = v.str;
        else if (k == "a")
          d.attempts = static_cast<int>(v.AsInt());
        else if (k == "r")
          d.reasons = DecodeReasons(v.str);
        else if (k == "e")
          d.enqueued_at_ms = v.AsInt();
        else if (k == "d")
          d.dead_at_ms = v.AsInt();
      }
      if (limit > 0 && static_cast<int>(out.size()) >= limit) break;
      out.push_back(std::move(d));
    }
    return out;
  }

  Result<int64_t> RequeueDead(const std::optional<std::string>& id) override {
    int64_t moved = 0;
    // Bounded: each call moves up to kRequeueBatch; a dead-letter stream of a million entries
    // takes 2,000 calls.
    for (int round = 0; round < 100000; ++round) {
      auto reply = client_.Eval(requeue_, {stream_, dead_}, {kGroup, id.value_or(""), std::to_string(kRequeueBatch)});
      if (!reply.ok()) return reply.error();
      if (reply->type != Reply::Type::kArray || reply->elements.size() != 2) return Unexpected(*reply);
      moved += reply->elements[0].AsInt();
      if (reply->elements[1].AsInt() == 0) break;
    }
    if (id && moved == 0) return Error::Permanent("QUEUE_NOT_FOUND", "no dead letter with id " + *id);
    return moved;
  }

  Result<int64_t> PurgeDead() override {
    auto replies = client_.Pipeline({{"MULTI"}, {"XLEN", dead_}, {"DEL", dead_}, {"EXEC"}});
    if (!replies.ok()) return replies.error();
    const auto& exec = replies->back();
    if (exec.type != Reply::Type::kArray || exec.elements.size() != 2) return Unexpected(exec);
    return static_cast<int64_t>(exec.elements[0].AsInt());
  }

  Result<QueueStats> Stats() override {
    auto reply = client_.Eval(stats_script_, {stream_, delayed_, dead_, stats_}, {kGroup});
    if (!reply.ok()) return reply.error();
    if (reply->type != Reply::Type::kArray || reply->elements.size() != 10) return Unexpected(*reply);
    const auto& v = reply->elements;
    QueueStats s;
    s.leased = v[2].AsInt();
    s.ready = std::max<int64_t>(0, v[1].AsInt() - s.leased);
    s.delayed = v[3].AsInt();
    s.dead = v[4].AsInt();
    const auto oldest = v[5].AsInt(-1);
    if (oldest >= 0 && s.ready > 0) s.oldest_ready_age_seconds = static_cast<double>(oldest) / 1000.0;
    s.enqueued_total = v[6].AsInt();
    s.acked_total = v[7].AsInt();
    s.retried_total = v[8].AsInt();
    s.dead_total = v[9].AsInt();
    return s;
  }

  Status Ping() override {
    auto reply = client_.Call({"PING"});
    if (!reply.ok()) return reply.error();
    if (reply->IsError()) return Unexpected(*reply);
    return OkStatus();
  }

  std::string Backend() const override { return "redis"; }
  bool SupportsRecords() const override { return true; }

 private:
  Status LeaseOnce(const std::string& consumer, int max_tasks, bool force_reclaim, std::vector<Lease>& out,
                   int64_t& next_due) {
    auto reply =
        client_.Eval(lease_, {stream_, delayed_, dead_, stats_}, LeaseArgs(consumer, max_tasks, force_reclaim));
    if (!reply.ok()) return reply.error();
    return ParseLeases(*reply, consumer, out, next_due);
  }

  Command LeaseArgs(const std::string& consumer, int max_tasks, bool force_reclaim) {
    const int64_t mono = std::chrono::steady_clock::now().time_since_epoch().count();
    int64_t last = last_reclaim_.load();
    const int64_t every = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kReclaimEvery).count();
    const bool reclaim = force_reclaim || (mono - last >= every && last_reclaim_.compare_exchange_strong(last, mono));
    return {kGroup,
            consumer,
            std::to_string(max_tasks),
            lease_ms_,
            std::to_string(options_.max_attempts),
            reclaim ? "1" : "0"};
  }

  Status ParseLeases(Reply& reply, const std::string& consumer, std::vector<Lease>& out, int64_t& next_due) {
    if (reply.type != Reply::Type::kArray || reply.elements.size() != 3) return Unexpected(reply);
    const int64_t now = reply.elements[0].AsInt();
    next_due = reply.elements[1].AsInt(-1);
    for (auto& e : reply.elements[2].elements) {
      if (e.elements.size() != 7) return Unexpected(e);
      Lease lease;
      lease.task.id = std::move(e.elements[1].str);
      lease.task.payload = std::move(e.elements[2].str);
      lease.task.enqueued_at_ms = e.elements[3].AsInt();
      lease.task.attempt = static_cast<int>(e.elements[4].AsInt());
      lease.task.reasons = DecodeReasons(e.elements[5].str);
      lease.token = e.elements[0].str + ":" + std::to_string(e.elements[6].AsInt());
      lease.consumer = consumer;
      lease.deadline_ms = now + options_.lease_duration.count();
      out.push_back(std::move(lease));
    }
    return OkStatus();
  }

  // The ack script's ARGV for `leases` (group, lease_ms, then a triple per lease with a valid
  // token); `out` gets one OK per lease, QUEUE_LEASE_LOST for a bad token; `sent` the indexes sent.
  void AckArgs(const std::vector<Lease>& leases, std::vector<Status>& out, Command& args,
               std::vector<size_t>& sent) const {
    out.assign(leases.size(), OkStatus());
    args = {kGroup, lease_ms_};
    sent.clear();
    for (size_t i = 0; i < leases.size(); ++i) {
      std::string eid, delivered;
      if (!SplitToken(leases[i].token, eid, delivered)) {
        out[i] = LeaseLost(leases[i].task.id);
        continue;
      }
      args.push_back(std::move(eid));
      args.push_back(leases[i].consumer);
      args.push_back(std::move(delivered));
      sent.push_back(i);
    }
  }
  // The ack script's answer (one 1/0 per lease sent) into `out`.
  static void SetAckStatuses(const Reply& reply, const std::vector<Lease>& leases, const std::vector<size_t>& sent,
                             std::vector<Status>& out) {
    if (reply.type != Reply::Type::kArray || reply.elements.size() != sent.size()) {
      const Error e = Unexpected(reply);
      for (auto i : sent) out[i] = e;
      return;
    }
    for (size_t k = 0; k < sent.size(); ++k) {
      if (reply.elements[k].AsInt(0) != 1) out[sent[k]] = LeaseLost(leases[sent[k]].task.id);
    }
  }

  Status BlockingRead(const std::string& consumer, int max_tasks, std::chrono::milliseconds block,
                      std::vector<Lease>& out) {
    auto reply = client_.Call({"XREADGROUP", "GROUP", kGroup, consumer, "COUNT", std::to_string(max_tasks), "BLOCK",
                               std::to_string(block.count()), "STREAMS", stream_, ">"},
                              block + redis::RedisClient::kCommandTimeout);
    if (!reply.ok()) return reply.error();
    if (reply->IsNil()) return OkStatus();
    if (reply->IsError()) {
      // NOGROUP: the stream was deleted (FLUSHDB, or a Redis without persistence restarted); the
      // next lease script recreates it.
      if (reply->str.rfind("NOGROUP", 0) == 0) return OkStatus();
      return Unexpected(*reply);
    }
    const int64_t now = SystemClock::Instance().NowMillis();
    for (const auto& stream : reply->elements) {
      if (stream.elements.size() < 2) continue;
      for (const auto& e : stream.elements[1].elements) {
        if (e.elements.size() < 2) continue;
        Lease lease;
        int64_t before = 0;
        const auto& f = e.elements[1].elements;
        for (size_t i = 0; i + 1 < f.size(); i += 2) {
          const auto& k = f[i].str;
          const auto& v = f[i + 1];
          if (k == "id")
            lease.task.id = v.str;
          else if (k == "p")
            lease.task.payload = v.str;
          else if (k == "e")
            lease.task.enqueued_at_ms = v.AsInt();
          else if (k == "a")
            before = v.AsInt();
          else if (k == "r")
            lease.task.reasons = DecodeReasons(v.str);
        }
        lease.task.attempt = static_cast<int>(before) + 1;
        lease.token = e.elements[0].str + ":1";
        lease.consumer = consumer;
        lease.deadline_ms = now + options_.lease_duration.count();
        out.push_back(std::move(lease));
      }
    }
    return OkStatus();
  }

  Status Settle(const Lease& lease, const char* mode, std::chrono::milliseconds delay, const std::string& reason) {
    std::string eid, delivered;
    if (!SplitToken(lease.token, eid, delivered)) return LeaseLost(lease.task.id);
    auto reply = client_.Eval(
        settle_, {stream_, delayed_, dead_, stats_},
        {kGroup, lease_ms_, eid, lease.consumer, delivered, mode, std::to_string(std::max<int64_t>(0, delay.count())),
         reason, std::to_string(options_.max_attempts)});
    if (!reply.ok()) return reply.error();
    if (reply->IsError()) return Unexpected(*reply);
    if (reply->str == "lost") return LeaseLost(lease.task.id);
    return OkStatus();
  }

  redis::RedisClient client_;
  std::atomic<int64_t> last_reclaim_{std::numeric_limits<int64_t>::min() / 2};
  const QueueOptions options_;
  const std::string base_, stream_, delayed_, dead_, stats_;
  const std::string lease_ms_;
  Script enqueue_, enqueue_batch_, lease_, ack_, ack_lease_, extend_, settle_, requeue_, stats_script_;
};

}  // namespace

Result<std::unique_ptr<TaskQueue>> OpenRedisQueue(const RedisEndpoint& endpoint, const QueueOptions& options) {
  return std::unique_ptr<TaskQueue>(std::make_unique<RedisQueue>(endpoint, options));
}

}  // namespace worthit::queue

namespace worthit::queue::redis {

const Script& EnqueueScript() {
  static const Script script = MakeScript(std::string(kPrelude) + kEnqueue);
  return script;
}

std::string QueueKeyBase(const std::string& prefix) {
  const std::string_view p = prefix.empty() ? std::string_view("worthit") : std::string_view(prefix);
  // A prefix that already carries a hash tag is used as is.
  if (p.find('{') != std::string_view::npos && p.find('}') != std::string_view::npos) return Concat({p, ":queue"});
  return Concat({"{", p, "}:queue"});
}

namespace {
// EnqueueCall's common part; Records is `const std::vector<AtomicRecord>` (records copied) or
// `std::vector<AtomicRecord>` (moved).
template <class Records>
ScriptCall BuildEnqueueCall(const QueueOptions& options, std::string payload, const EnqueueOptions& enqueue,
                            Records* records) {
  const std::string base = QueueKeyBase(options.redis_prefix);
  const size_t n_records = records != nullptr ? records->size() : 0;
  Command keys;
  keys.reserve(4 + n_records);
  keys.push_back(Concat({base, ":stream"}));
  keys.push_back(Concat({base, ":delayed"}));
  keys.push_back(Concat({base, ":stats"}));
  if (!enqueue.idempotency_key.empty()) keys.push_back(Concat({base, ":idem:", enqueue.idempotency_key}));
  Command args;
  args.reserve(6 + 2 * n_records);
  args.emplace_back(kGroup);
  args.push_back(std::move(payload));
  args.push_back(std::to_string(std::max<int64_t>(0, enqueue.delay.count())));
  args.push_back(std::to_string(std::max<int64_t>(1, options.idempotency_ttl.count())));
  args.push_back(RandomId(16));
  if (n_records != 0) {
    args.push_back(std::to_string(keys.size() + 1));
    for (auto& rec : *records) {
      keys.push_back(std::move(rec.key));  // a copy when Records is const
      args.push_back(std::move(rec.value));
      args.push_back(std::to_string(std::max<int64_t>(0, rec.ttl.count())));
    }
  }
  return {std::move(keys), std::move(args)};
}
}  // namespace

ScriptCall EnqueueCall(const QueueOptions& options, std::string payload, const EnqueueOptions& enqueue,
                       const std::vector<AtomicRecord>* records) {
  return BuildEnqueueCall(options, std::move(payload), enqueue, records);
}

ScriptCall EnqueueCall(const QueueOptions& options, std::string payload, const EnqueueOptions& enqueue,
                       std::vector<AtomicRecord>&& records) {
  return BuildEnqueueCall(options, std::move(payload), enqueue, &records);
}

Result<std::string> ParseEnqueueReply(const Reply& reply) {
  if (reply.type == Reply::Type::kString) return reply.str;
  return Error::Transient("QUEUE_UNAVAILABLE",
                          "redis: " + (reply.IsError() ? reply.str : "unexpected reply to enqueue"));
}

}  // namespace worthit::queue::redis
