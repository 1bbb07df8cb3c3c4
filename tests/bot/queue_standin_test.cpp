// The memory:// TaskQueue stand-in (src/queue/memory_queue.cpp) that the bot enqueues into until
// the queue branch lands; the queue branch's contract suite replaces this file's role at merge.
#include <gtest/gtest.h>

#include "queue/queue.h"

namespace worthit::queue {
namespace {

using namespace std::chrono_literals;

class MemoryQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QueueOptions o;
    o.lease_duration = 10s;
    o.max_attempts = 2;
    q_ = OpenQueue("memory://", o, clock_).value();
  }
  ManualClock clock_;
  std::unique_ptr<TaskQueue> q_;
};

TEST_F(MemoryQueueTest, IdempotentEnqueueLeaseAck) {
  auto a = q_->Enqueue("p1", {"update:1", 0ms});
  auto b = q_->Enqueue("p1-again", {"update:1", 0ms});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto leases = q_->LeaseTasks("c", 10, 0ms);
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].task.payload, "p1");
  EXPECT_EQ((*leases)[0].task.attempt, 1);
  EXPECT_TRUE(q_->LeaseTasks("c", 10, 0ms)->empty());
  ASSERT_TRUE(q_->Ack((*leases)[0]).ok());
  EXPECT_EQ(q_->Stats()->acked_total, 1);
  EXPECT_EQ(q_->Ack((*leases)[0]).error().code, "QUEUE_LEASE_LOST");
}

TEST_F(MemoryQueueTest, ExpiredLeaseIsRedeliveredThenDead) {
  ASSERT_TRUE(q_->Enqueue("p", {}).ok());
  auto first = *q_->LeaseTasks("c1", 1, 0ms);
  clock_.Advance(11s);
  auto second = *q_->LeaseTasks("c2", 1, 0ms);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].task.attempt, 2);
  EXPECT_EQ(q_->Ack(first[0]).error().code, "QUEUE_LEASE_LOST");
  clock_.Advance(11s);  // last attempt's lease expires → dead letter
  EXPECT_TRUE(q_->LeaseTasks("c3", 1, 0ms)->empty());
  auto dead = *q_->ListDead(10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].reasons.size(), 2u);
  EXPECT_EQ(*q_->RequeueDead(std::nullopt), 1);
  EXPECT_EQ(q_->LeaseTasks("c4", 1, 0ms)->size(), 1u);
}

TEST_F(MemoryQueueTest, RetryDelayExtendDeadPurgeStats) {
  ASSERT_TRUE(q_->Enqueue("p", {"", 5s}).ok());
  EXPECT_EQ(q_->Stats()->delayed, 1);
  EXPECT_TRUE(q_->LeaseTasks("c", 1, 0ms)->empty());
  clock_.Advance(5s);
  auto l = *q_->LeaseTasks("c", 1, 0ms);
  ASSERT_EQ(l.size(), 1u);
  clock_.Advance(8s);
  ASSERT_TRUE(q_->Extend(l[0]).ok());
  clock_.Advance(8s);
  ASSERT_TRUE(q_->Retry(l[0], 1s, "shop timeout").ok()) << "extended lease still valid";
  EXPECT_EQ(q_->Stats()->delayed, 1);
  clock_.Advance(1s);
  auto again = *q_->LeaseTasks("c", 1, 0ms);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].task.reasons, std::vector<std::string>{"shop timeout"});
  ASSERT_TRUE(q_->Dead(again[0], "not a product").ok());
  auto s = *q_->Stats();
  EXPECT_EQ(s.dead, 1);
  EXPECT_EQ(s.ready + s.leased + s.delayed, 0);
  EXPECT_EQ(*q_->PurgeDead(), 1);
  EXPECT_EQ(q_->RequeueDead(std::string("nope")).error().code, "QUEUE_NOT_FOUND");
  EXPECT_EQ(OpenQueue("sqlite:///tmp/x.db", {}).error().code, "QUEUE_INVALID_URL");
}

}  // namespace
}  // namespace worthit::queue
