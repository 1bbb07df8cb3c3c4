// Redis-specific behaviour beyond the contract: key layout with the hash tag, fail-fast while
// Redis is down, reconnection and script reloading after a restart, AUTH.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "queue/options.h"
#include "queue/queue.h"
#include "support/redis_server.h"

namespace worthit::queue {
namespace {

using namespace std::chrono_literals;
using worthit::testing::RedisServer;

TEST(RedisQueue, KeysCarryThePrefixAndAHashTag) {
  RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  QueueOptions o;
  o.redis_prefix = "bot7";
  auto q = std::move(OpenQueue(server.Url(), o).value());
  ASSERT_TRUE(q->Enqueue("x", KeyOpt("u1")).ok());
  ASSERT_TRUE(q->Enqueue("y", DelayOpt(60s)).ok());
  const auto keys = server.Command({"KEYS", "*"});
  EXPECT_NE(keys.find("{bot7}:queue:stream"), std::string::npos) << keys;
  EXPECT_NE(keys.find("{bot7}:queue:delayed"), std::string::npos) << keys;
  EXPECT_NE(keys.find("{bot7}:queue:stats"), std::string::npos) << keys;
  EXPECT_NE(keys.find("{bot7}:queue:idem:u1"), std::string::npos) << keys;
  for (size_t start = 0, end; start < keys.size(); start = end + 1) {
    end = keys.find('\n', start);
    if (end == std::string::npos) end = keys.size();
    EXPECT_EQ(keys.compare(start, 6, "{bot7}"), 0) << keys.substr(start, end - start);
  }
  const auto ttl = std::stoll(server.Command({"TTL", "{bot7}:queue:idem:u1"}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 172800);
}

TEST(RedisQueue, FailsFastWhileDownAndRecoversWithoutLosingAcknowledgedTasks) {
  RedisServer server(AppendOnly());
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  ASSERT_TRUE(q->Enqueue("before", {}).ok());
  server.Kill();
  auto down = q->Enqueue("during", {});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, "QUEUE_UNAVAILABLE");
  EXPECT_TRUE(down.error().Retryable());
  auto ping = q->Ping();
  ASSERT_FALSE(ping.ok());
  EXPECT_EQ(ping.error().code, "QUEUE_UNAVAILABLE");
  ASSERT_TRUE(server.Restart()) << server.error();
  // Reconnection is retried with backoff (at most 5 s apart); wait generously for it.
  Status up = Error::Transient("X", "not yet");
  for (int i = 0; i < 200 && !up.ok(); ++i) {
    up = q->Ping();
    if (!up.ok()) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(up.ok()) << up.error().ToString();
  // Scripts were flushed by the restart: the queue reloads them (NOSCRIPT) transparently.
  auto leases = q->LeaseTasks("c", 5, 0ms);
  ASSERT_TRUE(leases.ok()) << leases.error().ToString();
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ(leases->front().task.payload, "before");
  EXPECT_TRUE(q->Ack(leases->front()).ok());
}

// An ack and the next lease in one pipeline after Redis forgot its scripts: both are loaded and
// run again, and the ack still comes first.
TEST(RedisQueue, AckThenLeaseSurvivesAScriptFlush) {
  RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  ASSERT_TRUE(q->Enqueue("one", {}).ok());
  ASSERT_TRUE(q->Enqueue("two", {}).ok());
  auto first = q->LeaseTasks("c", 1, 0ms);
  ASSERT_TRUE(first.ok() && first->size() == 1u);
  server.Command({"SCRIPT", "FLUSH"});
  std::vector<Status> acked;
  auto next = q->AckThenLease(*first, acked, "c", 1, 0ms);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ(next->front().task.payload, "two");
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_TRUE(acked[0].ok()) << acked[0].error().ToString();
  auto stats = q->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->acked_total, 1);
  EXPECT_EQ(stats->leased, 1);
}

// Another component's writes ride with the ack and the lease (one pipeline, written first): each
// runs, one failing (here WRONGTYPE) is reported in the writes' status and stops neither the other
// writes nor the ack nor the lease; after a script flush they are not sent twice.
TEST(RedisQueue, AckThenLeaseSendsTheWritesFirstAndOnce) {
  RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  ASSERT_TRUE(q->Enqueue("one", {}).ok());
  ASSERT_TRUE(q->Enqueue("two", {}).ok());
  ASSERT_TRUE(q->Enqueue("three", {}).ok());
  auto first = q->LeaseTasks("c", 1, 0ms);
  ASSERT_TRUE(first.ok() && first->size() == 1u);
  PipelinedWrites writes;
  writes.commands = {{"SET", "rec", "card"}, {"LPUSH", "rec", "x"}, {"LPUSH", "hist", "p|1"}};
  std::vector<Status> acked;
  auto next = q->AckThenLease(*first, acked, "c", 1, 0ms, &writes);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ(next->front().task.payload, "two");
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_TRUE(acked[0].ok());
  ASSERT_FALSE(writes.status.ok());
  EXPECT_NE(writes.status.error().message.find("WRONGTYPE"), std::string::npos);
  EXPECT_EQ(server.Command({"GET", "rec"}), "card");
  EXPECT_EQ(server.Command({"LLEN", "hist"}), "1");
  // Scripts forgotten: the ack and lease are loaded and sent again, the writes are not.
  server.Command({"SCRIPT", "FLUSH"});
  writes.commands = {{"LPUSH", "hist", "p|2"}};
  auto third = q->AckThenLease(*next, acked, "c", 1, 0ms, &writes);
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ(third->front().task.payload, "three");
  EXPECT_TRUE(writes.status.ok());
  EXPECT_EQ(server.Command({"LLEN", "hist"}), "2");
  // Writes alone, with no lease (a worker's last call): written, nothing leased.
  writes.commands = {{"SET", "last", "1"}};
  auto none = q->AckThenLease(*third, acked, "c", 0, 0ms, &writes);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(acked[0].ok());
  EXPECT_EQ(server.Command({"GET", "last"}), "1");
  EXPECT_EQ(q->Stats()->acked_total, 3);
}

// The ack and the next lease are one script run (kAckLease): one EVALSHA per delivered task, not
// two, with the same commands inside (the live check, XACK, XDEL, the counter; TIME, the delayed
// set's head, XREADGROUP). A lease no longer live answers QUEUE_LEASE_LOST and does not stop the lease.
TEST(RedisQueue, AckThenLeaseIsOneScriptRun) {
  RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  for (const char* p : {"one", "two", "three"}) ASSERT_TRUE(q->Enqueue(p, {}).ok());
  auto first = q->LeaseTasks("c", 1, 0ms);
  ASSERT_TRUE(first.ok() && first->size() == 1u);
  std::vector<Status> acked;
  auto second = q->AckThenLease(*first, acked, "c", 1, 0ms);  // scripts loaded before counting
  ASSERT_TRUE(second.ok() && second->size() == 1u);
  server.Command({"CONFIG", "RESETSTAT"});
  auto next = q->AckThenLease(*second, acked, "c", 1, 0ms);
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  ASSERT_EQ(next->size(), 1u);
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_TRUE(acked[0].ok());
  const std::string stats = server.Command({"INFO", "commandstats"});
  EXPECT_NE(stats.find("cmdstat_evalsha:calls=1,"), std::string::npos) << stats;
  EXPECT_NE(stats.find("cmdstat_xack:calls=1,"), std::string::npos) << stats;
  EXPECT_NE(stats.find("cmdstat_xreadgroup:calls=1,"), std::string::npos) << stats;
  // The second lease again (acknowledged above): lost; the next lease is still taken.
  auto stale = q->AckThenLease({second->front(), next->front()}, acked, "c", 1, 0ms);
  ASSERT_TRUE(stale.ok()) << stale.error().ToString();
  ASSERT_EQ(acked.size(), 2u);
  ASSERT_FALSE(acked[0].ok());
  EXPECT_EQ(acked[0].error().code, "QUEUE_LEASE_LOST");
  EXPECT_TRUE(acked[1].ok());
  EXPECT_EQ(q->Stats()->acked_total, 3);
}

// The lease script does not check the consumer group on every call: a missing one (a fresh Redis,
// or its data flushed) shows as NOGROUP and is created there and then.
TEST(RedisQueue, LeasingCreatesAMissingConsumerGroup) {
  RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  auto none = q->LeaseTasks("c", 1, 0ms);  // nothing there yet, not even the stream
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_TRUE(none->empty());
  EXPECT_NE(server.Command({"XINFO", "GROUPS", "{worthit}:queue:stream"}).find("workers"), std::string::npos);
  // A delayed task made due promotes into a stream whose group is gone: leased all the same.
  ASSERT_TRUE(q->Enqueue("later", DelayOpt(1ms)).ok());
  server.Command({"DEL", "{worthit}:queue:stream"});
  std::this_thread::sleep_for(20ms);
  auto leases = q->LeaseTasks("c", 1, 0ms);
  ASSERT_TRUE(leases.ok()) << leases.error().ToString();
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ(leases->front().task.payload, "later");
  EXPECT_TRUE(q->Ack(leases->front()).ok());
  // And with reclaiming asked for (XAUTOCLAIM first): the group is created again after a flush.
  server.Command({"FLUSHALL"});
  ASSERT_TRUE(q->Enqueue("again", {}).ok());
  server.Command({"XGROUP", "DESTROY", "{worthit}:queue:stream", "workers"});
  std::this_thread::sleep_for(300ms);  // past the reclaim interval: this call runs XAUTOCLAIM
  leases = q->LeaseTasks("c", 1, 0ms);
  ASSERT_TRUE(leases.ok()) << leases.error().ToString();
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ(leases->front().task.payload, "again");
}

TEST(RedisQueue, UnreachableAtStartIsUnavailableNotAnError) {
  const int port = worthit::testing::FreeLoopbackPort();
  auto q = OpenQueue("redis://127.0.0.1:" + std::to_string(port), QueueOptions{});
  ASSERT_TRUE(q.ok()) << "connecting is lazy";
  auto s = (*q)->Stats();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "QUEUE_UNAVAILABLE");
}

TEST(RedisQueue, AuthenticatesWithThePasswordFromTheUrl) {
  RedisServer server(WithPassword("pa55"));
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  EXPECT_TRUE(q->Ping().ok());
  auto wrong = std::move(OpenQueue("redis://:nope@127.0.0.1:" + std::to_string(server.port()), QueueOptions{}).value());
  auto r = wrong->Ping();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "QUEUE_UNAVAILABLE");
  EXPECT_EQ(r.error().message.find("nope"), std::string::npos);
}

// EnqueueWithRecords: the records are written by the enqueue script itself, with their TTL, on the first call
// and again when the idempotency key returns the earlier task (the task and its records always
// exist together).
TEST(RedisQueue, WritesRecordsAtomicallyWithTheTask) {
  RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  ASSERT_TRUE(q->SupportsRecords());
  const EnqueueOptions o = KeyOpt("update:1");
  const std::vector<AtomicRecord> records{{"s:ack:1", "7:70", 3600s}, {"s:handled:1", "enqueued", 0s}};
  auto id = q->EnqueueWithRecords("task-1", o, records);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(server.Command({"GET", "s:ack:1"}), "7:70");
  EXPECT_EQ(server.Command({"GET", "s:handled:1"}), "enqueued");
  const auto ttl = std::stoll(server.Command({"TTL", "s:ack:1"}));
  EXPECT_GT(ttl, 3500);
  EXPECT_LE(ttl, 3600);
  EXPECT_EQ(server.Command({"TTL", "s:handled:1"}), "-1");
  // The same key again (a redelivery): the first task's id, one task, the records rewritten.
  server.Command({"DEL", "s:handled:1"});
  auto again = q->EnqueueWithRecords("task-1", o, records);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  EXPECT_EQ(server.Command({"GET", "s:handled:1"}), "enqueued");
  EXPECT_EQ(server.Command({"XLEN", "{worthit}:queue:stream"}), "1");
  // Without records nothing else is written.
  ASSERT_TRUE(q->Enqueue("task-2", KeyOpt("update:2")).ok());
  EXPECT_EQ(server.Command({"EXISTS", "s:ack:2"}), "0");
  EXPECT_EQ(server.Command({"XLEN", "{worthit}:queue:stream"}), "2");
}

}  // namespace
}  // namespace worthit::queue
