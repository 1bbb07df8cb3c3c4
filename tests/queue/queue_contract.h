// The TaskQueue contract suite: one set of typed tests that every backend must pass
// (instantiated in queue_contract_test.cpp for memory + SQLite and queue_contract_redis_test.cpp
// for Redis). Durations are expressed in the harness's lease duration so the same test runs on a
// fake clock (memory, SQLite) and on Redis's real clock.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "queue/options.h"
#include "queue/queue.h"
#include "queue/queue_harness.h"

namespace worthit::queue::testing {

using namespace std::chrono_literals;

template <typename H>
class QueueContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { H::SetUpSuite(); }
  static void TearDownTestSuite() { H::TearDownSuite(); }

  void SetUp() override {
    options_.lease_duration = harness_.LeaseDuration();
    options_.max_attempts = 3;
    q_ = harness_.Open(options_);
    ASSERT_NE(q_, nullptr) << "could not open a " << H::kName << " queue";
  }

  void Reopen(QueueOptions options) {
    q_.reset();
    options_ = options;
    q_ = harness_.Open(options_);
    ASSERT_NE(q_, nullptr);
  }

  std::string Add(const std::string& payload, EnqueueOptions o = {}) {
    auto id = q_->Enqueue(payload, o);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().ToString());
    return id.ok() ? id.value() : "";
  }

  std::vector<Lease> Take(int n = 1, std::chrono::milliseconds wait = 0ms) {
    auto leases = q_->LeaseTasks("c1", n, wait);
    EXPECT_TRUE(leases.ok()) << (leases.ok() ? "" : leases.error().ToString());
    return leases.ok() ? leases.value() : std::vector<Lease>{};
  }

  QueueStats StatsNow() {
    auto s = q_->Stats();
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
    return s.ok() ? s.value() : QueueStats{};
  }

  std::chrono::milliseconds L() const { return options_.lease_duration; }

  H harness_;
  QueueOptions options_;
  std::unique_ptr<TaskQueue> q_;
};

TYPED_TEST_SUITE_P(QueueContract);

TYPED_TEST_P(QueueContract, EnqueuedTaskIsLeasedWithItsPayloadAndFirstAttempt) {
  const auto id = this->Add(R"({"v":1,"x":"ä"})");
  auto leases = this->Take();
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].task.id, id);
  EXPECT_EQ(leases[0].task.payload, R"({"v":1,"x":"ä"})");
  EXPECT_EQ(leases[0].task.attempt, 1);
  EXPECT_TRUE(leases[0].task.reasons.empty());
  EXPECT_GT(leases[0].task.enqueued_at_ms, 0);
  EXPECT_GT(leases[0].deadline_ms, 0);
  EXPECT_EQ(leases[0].consumer, "c1");
  EXPECT_FALSE(leases[0].token.empty());
  EXPECT_TRUE(this->Take().empty()) << "a leased task must not be leased twice";
  EXPECT_EQ(this->q_->Backend(), TypeParam::kName);
  EXPECT_TRUE(this->q_->Ping().ok());
}

TYPED_TEST_P(QueueContract, LeasesInEnqueueOrderUpToMax) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(this->Add("p" + std::to_string(i)));
  auto first = this->Take(3);
  ASSERT_EQ(first.size(), 3u);
  auto rest = this->Take(10);
  ASSERT_EQ(rest.size(), 2u);
  std::vector<std::string> got;
  for (auto& l : first) got.push_back(l.task.id);
  for (auto& l : rest) got.push_back(l.task.id);
  EXPECT_EQ(got, ids);
}

TYPED_TEST_P(QueueContract, IdempotencyKeyReturnsFirstIdAndAddsNothing) {
  const auto a = this->Add("first", KeyOpt("update:42"));
  const auto b = this->Add("second", KeyOpt("update:42"));
  const auto c = this->Add("other", KeyOpt("update:43"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const auto s = this->StatsNow();
  EXPECT_EQ(s.ready, 2);
  EXPECT_EQ(s.enqueued_total, 2);
  auto leases = this->Take(5);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].task.payload, "first");
  // The key outlives the task: a redelivered update after the task was done adds nothing.
  ASSERT_TRUE(this->q_->Ack(leases[0]).ok());
  EXPECT_EQ(this->Add("third", KeyOpt("update:42")), a);
  EXPECT_TRUE(this->Take().empty());
}

TYPED_TEST_P(QueueContract, IdempotencyKeyIsForgottenAfterItsTtl) {
  auto o = this->options_;
  o.idempotency_ttl = 1s;
  this->Reopen(o);
  const auto a = this->Add("first", KeyOpt("k"));
  this->harness_.Advance(1500ms);
  const auto b = this->Add("again", KeyOpt("k"));
  EXPECT_NE(a, b);
  EXPECT_EQ(this->StatsNow().enqueued_total, 2);
}

TYPED_TEST_P(QueueContract, DelayedTaskIsNotLeasedBeforeItsDelay) {
  const auto delay = this->L() / 2;
  const auto id = this->Add("later", DelayOpt(delay));
  EXPECT_TRUE(this->Take().empty());
  auto s = this->StatsNow();
  EXPECT_EQ(s.delayed, 1);
  EXPECT_EQ(s.ready, 0);
  this->harness_.Advance(delay + 100ms);
  auto leases = this->Take();
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].task.id, id);
}

TYPED_TEST_P(QueueContract, AckRemovesTheTaskAndASecondAckIsLeaseLost) {
  this->Add("x");
  auto leases = this->Take();
  ASSERT_EQ(leases.size(), 1u);
  ASSERT_TRUE(this->q_->Ack(leases[0]).ok());
  auto again = this->q_->Ack(leases[0]);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "QUEUE_LEASE_LOST");
  this->harness_.Advance(this->L() + 100ms);
  EXPECT_TRUE(this->Take().empty());
  const auto s = this->StatsNow();
  EXPECT_EQ(s.ready + s.leased + s.delayed + s.dead, 0);
  EXPECT_EQ(s.acked_total, 1);
}

TYPED_TEST_P(QueueContract, ExpiredLeaseMakesTheTaskAvailableAgainAndTheOldLeaseIsLost) {
  const auto id = this->Add("x");
  auto first = this->Take();
  ASSERT_EQ(first.size(), 1u);
  this->harness_.Advance(this->L() + 100ms);
  auto lost = this->q_->Ack(first[0]);
  ASSERT_FALSE(lost.ok()) << "an expired lease must not ack";
  EXPECT_EQ(lost.error().code, "QUEUE_LEASE_LOST");
  auto second = this->q_->LeaseTasks("c2", 1, 0ms);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  const auto& l = second->front();
  EXPECT_EQ(l.task.id, id);
  EXPECT_EQ(l.task.attempt, 2);
  ASSERT_EQ(l.task.reasons.size(), 1u);
  EXPECT_EQ(l.task.reasons[0].rfind("lease expired", 0), 0u) << l.task.reasons[0];
  EXPECT_NE(l.token, first[0].token);
  EXPECT_FALSE(this->q_->Ack(first[0]).ok()) << "the first consumer's lease belongs to c2 now";
  EXPECT_FALSE(this->q_->Retry(first[0], 0ms, "late").ok());
  EXPECT_FALSE(this->q_->Dead(first[0], "late").ok());
  Lease stale = first[0];
  EXPECT_FALSE(this->q_->Extend(stale).ok());
  EXPECT_TRUE(this->q_->Ack(l).ok());
}

TYPED_TEST_P(QueueContract, ExtendKeepsALeaseAlivePastItsFirstDeadline) {
  this->Add("slow");
  auto leases = this->Take();
  ASSERT_EQ(leases.size(), 1u);
  const auto first_deadline = leases[0].deadline_ms;
  this->harness_.Advance(this->L() * 6 / 10);
  ASSERT_TRUE(this->q_->Extend(leases[0]).ok());
  EXPECT_GT(leases[0].deadline_ms, first_deadline);
  this->harness_.Advance(this->L() * 6 / 10);
  EXPECT_TRUE(this->Take().empty()) << "an extended lease must not be re-leased";
  EXPECT_TRUE(this->q_->Ack(leases[0]).ok());
}

TYPED_TEST_P(QueueContract, RetryKeepsTheReasonAndWaitsForItsDelay) {
  this->Add("flaky");
  auto first = this->Take();
  ASSERT_EQ(first.size(), 1u);
  const auto delay = this->L() / 2;
  ASSERT_TRUE(this->q_->Retry(first[0], delay, "shop answered 503").ok());
  EXPECT_TRUE(this->Take().empty());
  EXPECT_EQ(this->StatsNow().delayed, 1);
  this->harness_.Advance(delay + 100ms);
  auto second = this->Take();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].task.attempt, 2);
  EXPECT_EQ(second[0].task.reasons, std::vector<std::string>{"shop answered 503"});
  EXPECT_FALSE(this->q_->Ack(first[0]).ok()) << "the retried lease is over";
  EXPECT_TRUE(this->q_->Ack(second[0]).ok());
  const auto s = this->StatsNow();
  EXPECT_EQ(s.retried_total, 1);
  EXPECT_EQ(s.acked_total, 1);
}

TYPED_TEST_P(QueueContract, RetryAtTheLastAttemptDeadLettersWithEveryReason) {
  const auto id = this->Add("poison");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto leases = this->Take();
    ASSERT_EQ(leases.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(leases[0].task.attempt, attempt);
    ASSERT_TRUE(this->q_->Retry(leases[0], 0ms, "boom " + std::to_string(attempt)).ok());
  }
  EXPECT_TRUE(this->Take().empty());
  auto dead = this->q_->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().id, id);
  EXPECT_EQ(dead->front().payload, "poison");
  EXPECT_EQ(dead->front().attempts, 3);
  EXPECT_EQ(dead->front().reasons, (std::vector<std::string>{"boom 1", "boom 2", "boom 3"}));
  EXPECT_GT(dead->front().dead_at_ms, 0);
  const auto s = this->StatsNow();
  EXPECT_EQ(s.dead, 1);
  EXPECT_EQ(s.dead_total, 1);
  EXPECT_EQ(s.retried_total, 2);
}

TYPED_TEST_P(QueueContract, ExpiryOfTheLastAttemptDeadLetters) {
  auto o = this->options_;
  o.max_attempts = 2;
  this->Reopen(o);
  const auto id = this->Add("hangs");
  auto first = this->Take();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(this->q_->Retry(first[0], 0ms, "timeout").ok());
  auto second = this->Take();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].task.attempt, 2);
  this->harness_.Advance(this->L() + 100ms);  // the consumer died holding the last attempt
  EXPECT_TRUE(this->Take().empty());
  auto dead = this->q_->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().id, id);
  EXPECT_EQ(dead->front().attempts, 2);
  ASSERT_EQ(dead->front().reasons.size(), 2u);
  EXPECT_EQ(dead->front().reasons[0], "timeout");
  EXPECT_EQ(dead->front().reasons[1].rfind("lease expired", 0), 0u);
}

TYPED_TEST_P(QueueContract, DeadLettersCanBeListedRequeuedAndPurged) {
  const auto a = this->Add("a");
  const auto b = this->Add("b");
  const auto c = this->Add("c");
  auto leases = this->Take(3);
  ASSERT_EQ(leases.size(), 3u);
  for (auto& l : leases) ASSERT_TRUE(this->q_->Dead(l, "not a product page").ok());
  auto dead = this->q_->ListDead(2);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 2u) << "ListDead honours its limit";
  EXPECT_EQ(dead->front().reasons, std::vector<std::string>{"not a product page"});
  EXPECT_EQ(dead->front().attempts, 1);

  auto missing = this->q_->RequeueDead(std::string("no-such-id"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "QUEUE_NOT_FOUND");

  auto one = this->q_->RequeueDead(b);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value(), 1);
  auto again = this->Take();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].task.id, b);
  EXPECT_EQ(again[0].task.attempt, 1) << "a requeued dead letter gets a fresh attempt budget";
  EXPECT_EQ(again[0].task.reasons, std::vector<std::string>{"not a product page"});
  ASSERT_TRUE(this->q_->Ack(again[0]).ok());

  auto all = this->q_->RequeueDead(std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value(), 2);
  auto back = this->Take(5);
  ASSERT_EQ(back.size(), 2u);
  std::set<std::string> ids{back[0].task.id, back[1].task.id};
  EXPECT_EQ(ids, (std::set<std::string>{a, c}));
  for (auto& l : back) ASSERT_TRUE(this->q_->Dead(l, "still broken").ok());

  auto purged = this->q_->PurgeDead();
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged.value(), 2);
  EXPECT_TRUE(this->q_->ListDead(10)->empty());
  EXPECT_EQ(this->StatsNow().dead, 0);
}

TYPED_TEST_P(QueueContract, StatsCountEveryState) {
  this->Add("ready1");
  this->Add("ready2");
  this->Add("leased");
  this->Add("delayed", DelayOpt(this->L() * 100));
  auto dead_lease = this->Take(1);
  ASSERT_EQ(dead_lease.size(), 1u);
  ASSERT_TRUE(this->q_->Dead(dead_lease[0], "x").ok());
  auto leased = this->Take(1);
  ASSERT_EQ(leased.size(), 1u);
  this->Add("ready3");
  this->harness_.Advance(this->L() / 2);
  const auto s = this->StatsNow();
  EXPECT_EQ(s.ready, 2);
  EXPECT_EQ(s.leased, 1);
  EXPECT_EQ(s.delayed, 1);
  EXPECT_EQ(s.dead, 1);
  EXPECT_EQ(s.enqueued_total, 5);
  EXPECT_EQ(s.dead_total, 1);
  EXPECT_GE(s.oldest_ready_age_seconds, std::chrono::duration<double>(this->L() / 2).count() * 0.9);
  EXPECT_LT(s.oldest_ready_age_seconds, 3600.0);
  ASSERT_TRUE(this->q_->Ack(leased[0]).ok());
}

TYPED_TEST_P(QueueContract, EmptyQueueStatsAreZero) {
  const auto s = this->StatsNow();
  EXPECT_EQ(s.ready, 0);
  EXPECT_EQ(s.leased, 0);
  EXPECT_EQ(s.delayed, 0);
  EXPECT_EQ(s.dead, 0);
  EXPECT_EQ(s.oldest_ready_age_seconds, 0.0);
  EXPECT_EQ(s.enqueued_total, 0);
}

TYPED_TEST_P(QueueContract, LeaseWaitsForATaskEnqueuedMeanwhile) {
  std::thread producer([&] {
    std::this_thread::sleep_for(100ms);
    auto id = this->q_->Enqueue("late", {});
    EXPECT_TRUE(id.ok());
  });
  // The wait is generous; the test only checks that the task arrives, not how fast.
  auto leases = this->q_->LeaseTasks("c1", 1, 20s);
  producer.join();
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ(leases->front().task.payload, "late");
}

TYPED_TEST_P(QueueContract, LeaseWaitPicksUpADelayedTaskOnceItIsDue) {
  const auto delay = this->L() / 4;
  const auto id = this->Add("soon", DelayOpt(delay));
  std::thread time_passes([&] {
    std::this_thread::sleep_for(50ms);
    this->harness_.Advance(delay + 100ms);
  });
  auto leases = this->q_->LeaseTasks("c1", 1, 30s);
  time_passes.join();
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ(leases->front().task.id, id);
}

TYPED_TEST_P(QueueContract, LeaseWithWaitReturnsEmptyWhenNothingArrives) {
  auto leases = this->q_->LeaseTasks("c1", 4, 150ms);
  ASSERT_TRUE(leases.ok());
  EXPECT_TRUE(leases->empty());
}

TYPED_TEST_P(QueueContract, BatchEnqueueAndAck) {
  std::vector<EnqueueRequest> requests;
  for (int i = 0; i < 20; ++i) requests.push_back({"b" + std::to_string(i), {}});
  requests.push_back({"keyed", KeyOpt("dup")});
  requests.push_back({"keyed-again", KeyOpt("dup")});
  auto ids = this->q_->EnqueueBatch(requests);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 22u);
  EXPECT_EQ((*ids)[20], (*ids)[21]);
  auto leases = this->Take(50);
  ASSERT_EQ(leases.size(), 21u);
  Lease bogus = leases[0];
  bogus.token = "not-a-token";
  leases.push_back(bogus);
  auto statuses = this->q_->AckBatch(leases);
  ASSERT_EQ(statuses.size(), 22u);
  for (size_t i = 0; i < 21; ++i) EXPECT_TRUE(statuses[i].ok()) << i;
  EXPECT_FALSE(statuses[21].ok());
  EXPECT_EQ(this->StatsNow().acked_total, 21);
}

TYPED_TEST_P(QueueContract, ConcurrentConsumersAckEveryTaskExactlyOnce) {
  constexpr int kTasks = 400;
  std::vector<EnqueueRequest> requests;
  for (int i = 0; i < kTasks; ++i) requests.push_back({std::to_string(i), {}});
  ASSERT_TRUE(this->q_->EnqueueBatch(requests).ok());
  std::mutex mu;
  std::multiset<std::string> acked;
  std::atomic<int> failures{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < 4; ++c) {
    consumers.emplace_back([&, c] {
      // Bounded: at most kTasks rounds, each leasing at least one task or ending the loop.
      for (int round = 0; round < kTasks; ++round) {
        auto leases = this->q_->LeaseTasks("c" + std::to_string(c), 7, 0ms);
        if (!leases.ok()) {
          ++failures;
          return;
        }
        if (leases->empty()) return;
        for (auto& l : *leases) {
          if (this->q_->Ack(l).ok()) {
            std::lock_guard lock(mu);
            acked.insert(l.task.payload);
          } else {
            ++failures;
          }
        }
      }
    });
  }
  for (auto& t : consumers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(acked.size(), static_cast<size_t>(kTasks));
  EXPECT_EQ(std::set<std::string>(acked.begin(), acked.end()).size(), static_cast<size_t>(kTasks));
}

// A worker acknowledges its delivered task with its next lease call: both happen, in that order.
TYPED_TEST_P(QueueContract, AckThenLeaseAcknowledgesAndLeasesTheNext) {
  this->Add("first");
  this->Add("second");
  auto first = this->Take(1);
  ASSERT_EQ(first.size(), 1u);
  Lease bogus = first[0];
  bogus.token = "not-a-token";
  std::vector<Status> acked;
  auto next = this->q_->AckThenLease({first[0], bogus}, acked, "c1", 1, 0ms);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].task.payload, "second");
  ASSERT_EQ(acked.size(), 2u);
  EXPECT_TRUE(acked[0].ok());
  ASSERT_FALSE(acked[1].ok());
  EXPECT_EQ(acked[1].error().code, "QUEUE_LEASE_LOST");
  EXPECT_EQ(this->StatsNow().acked_total, 1);
  // The same ack again: lost, and nothing left to lease (waits at most 150 ms).
  auto none = this->q_->AckThenLease({first[0]}, acked, "c1", 1, 150ms);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0].error().code, "QUEUE_LEASE_LOST");
  // Without acks it is LeaseTasks.
  ASSERT_TRUE(this->q_->Ack((*next)[0]).ok());
  EXPECT_TRUE(this->q_->AckThenLease({}, acked, "c1", 1, 0ms)->empty());
  EXPECT_TRUE(acked.empty());
  const auto s = this->StatsNow();
  EXPECT_EQ(s.ready + s.leased + s.delayed + s.dead, 0);
  EXPECT_EQ(s.acked_total, 2);
}

// The worker's last call at shutdown: max_tasks 0 acknowledges and leases nothing. Writes ride
// along only on backends that write records (Redis: redis_queue_test.cpp); the others refuse them
// and still acknowledge.
TYPED_TEST_P(QueueContract, AckThenLeaseWithoutALeaseOnlyAcknowledges) {
  this->Add("first");
  this->Add("second");
  auto first = this->Take(1);
  ASSERT_EQ(first.size(), 1u);
  std::vector<Status> acked;
  auto none = this->q_->AckThenLease(first, acked, "c1", 0, 0ms);
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_TRUE(none->empty());
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_TRUE(acked[0].ok());
  EXPECT_EQ(this->StatsNow().acked_total, 1);
  EXPECT_EQ(this->StatsNow().ready, 1);  // "second" was not leased
  if (this->q_->SupportsRecords()) return;
  auto second = this->Take(1);
  ASSERT_EQ(second.size(), 1u);
  PipelinedWrites writes;
  writes.commands.push_back({"SET", "k", "v"});
  auto after = this->q_->AckThenLease(second, acked, "c1", 1, 0ms, &writes);
  ASSERT_TRUE(after.ok());
  ASSERT_FALSE(writes.status.ok());
  EXPECT_EQ(writes.status.error().code, "QUEUE_RECORDS_UNSUPPORTED");
  EXPECT_TRUE(acked[0].ok());
  EXPECT_EQ(this->StatsNow().acked_total, 2);
}

REGISTER_TYPED_TEST_SUITE_P(QueueContract, EnqueuedTaskIsLeasedWithItsPayloadAndFirstAttempt,
                            LeasesInEnqueueOrderUpToMax, IdempotencyKeyReturnsFirstIdAndAddsNothing,
                            IdempotencyKeyIsForgottenAfterItsTtl, DelayedTaskIsNotLeasedBeforeItsDelay,
                            AckRemovesTheTaskAndASecondAckIsLeaseLost,
                            ExpiredLeaseMakesTheTaskAvailableAgainAndTheOldLeaseIsLost,
                            ExtendKeepsALeaseAlivePastItsFirstDeadline, RetryKeepsTheReasonAndWaitsForItsDelay,
                            RetryAtTheLastAttemptDeadLettersWithEveryReason, ExpiryOfTheLastAttemptDeadLetters,
                            DeadLettersCanBeListedRequeuedAndPurged, StatsCountEveryState, EmptyQueueStatsAreZero,
                            LeaseWaitsForATaskEnqueuedMeanwhile, LeaseWaitPicksUpADelayedTaskOnceItIsDue,
                            LeaseWithWaitReturnsEmptyWhenNothingArrives, BatchEnqueueAndAck,
                            AckThenLeaseAcknowledgesAndLeasesTheNext, AckThenLeaseWithoutALeaseOnlyAcknowledges,
                            ConcurrentConsumersAckEveryTaskExactlyOnce);

}  // namespace worthit::queue::testing
