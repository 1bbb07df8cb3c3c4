// ForwardingQueue: a TaskQueue decorator for tests that passes every call to a real queue, so a
// test overrides only the calls it wants to break or count (a queue that refuses the next
// enqueue, one that counts them...).
//
// EnqueueBatch and AckBatch are deliberately not forwarded: TaskQueue's defaults run them through
// Enqueue and Ack, so a decorator that overrides those sees batched calls too.
// SupportsRecords() forwards the inner queue's answer; a decorator that breaks Enqueue only must
// also break EnqueueWithRecords, or answer false here. Not thread-safe beyond the inner queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "queue/queue.h"

namespace worthit::testing {

class ForwardingQueue : public queue::TaskQueue {
 public:
  explicit ForwardingQueue(queue::TaskQueue& inner) : inner_(inner) {}

  Result<std::string> Enqueue(const std::string& p, const queue::EnqueueOptions& o) override {
    return inner_.Enqueue(p, o);
  }
  Result<std::string> EnqueueWithRecords(const std::string& p, const queue::EnqueueOptions& o,
                                         const std::vector<queue::AtomicRecord>& records) override {
    return inner_.EnqueueWithRecords(p, o, records);
  }
  Result<std::vector<queue::Lease>> LeaseTasks(const std::string& c, int m, std::chrono::milliseconds w) override {
    return inner_.LeaseTasks(c, m, w);
  }
  Status Extend(queue::Lease& l) override { return inner_.Extend(l); }
  Status Ack(const queue::Lease& l) override { return inner_.Ack(l); }
  Status Retry(const queue::Lease& l, std::chrono::milliseconds d, const std::string& r) override {
    return inner_.Retry(l, d, r);
  }
  Status Dead(const queue::Lease& l, const std::string& r) override { return inner_.Dead(l, r); }
  Result<std::vector<queue::DeadLetter>> ListDead(int n) override { return inner_.ListDead(n); }
  Result<int64_t> RequeueDead(const std::optional<std::string>& id) override { return inner_.RequeueDead(id); }
  Result<int64_t> PurgeDead() override { return inner_.PurgeDead(); }
  Result<queue::QueueStats> Stats() override { return inner_.Stats(); }
  Status Ping() override { return inner_.Ping(); }
  std::string Backend() const override { return inner_.Backend(); }
  bool SupportsRecords() const override { return inner_.SupportsRecords(); }

 protected:
  queue::TaskQueue& inner_;
};

}  // namespace worthit::testing
