// `worthit queue ...` against real queues: a SQLite file and a redis-server this test starts.
// Runs the built binary with QUEUE_URL in its environment and checks output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>

#include "queue/analysis_task.h"
#include "queue/queue.h"
#include "support/redis_server.h"

namespace worthit::queue {
namespace {

struct Run {
  int code = -1;
  std::string out;
};

Run Worthit(const std::string& queue_url, const std::string& args) {
  const std::string cmd = "QUEUE_URL='" + queue_url + "' " + WORTHIT_BINARY_DIR "/src/app/worthit " + args + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Two dead letters and one ready task.
std::vector<std::string> Populate(TaskQueue& q) {
  AnalysisTask t;
  t.chat_id = 1234;
  t.url = "https://www.example.it/prodotto/42";
  std::vector<std::string> ids;
  ids.push_back(q.Enqueue(ToJson(t), {}).value());
  ids.push_back(q.Enqueue("{\"v\":1}", {}).value());
  auto leases = q.LeaseTasks("c", 2, std::chrono::milliseconds(0)).value();
  EXPECT_EQ(leases.size(), 2u);
  for (auto& l : leases) EXPECT_TRUE(q.Dead(l, "not a product page").ok());
  EXPECT_TRUE(q.Enqueue("ready", {}).ok());
  return ids;
}

void Exercise(const std::string& url, TaskQueue& q) {
  const auto ids = Populate(q);
  auto stats = Worthit(url, "queue stats");
  EXPECT_EQ(stats.code, 0) << stats.out;
  EXPECT_NE(stats.out.find("ready    1"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("dead     2"), std::string::npos) << stats.out;

  auto json_stats = Worthit(url, "queue stats --json");
  ASSERT_EQ(json_stats.code, 0) << json_stats.out;
  auto parsed = boost::json::parse(json_stats.out).as_object();
  EXPECT_EQ(parsed.at("dead").as_int64(), 2);
  EXPECT_EQ(parsed.at("enqueued_total").as_int64(), 3);

  auto list = Worthit(url, "queue dead list");
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find(ids[0]), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("https://www.example.it/prodotto/42"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("1. not a product page"), std::string::npos) << list.out;

  auto list_json = Worthit(url, "queue dead list --json");
  ASSERT_EQ(list_json.code, 0) << list_json.out;
  auto letters = boost::json::parse(list_json.out).as_array();
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].at("reasons").as_array().size(), 1u);

  auto missing = Worthit(url, "queue dead requeue no-such-id");
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_NE(missing.out.find("QUEUE_NOT_FOUND"), std::string::npos);

  auto one = Worthit(url, "queue dead requeue " + ids[1]);
  EXPECT_EQ(one.code, 0) << one.out;
  EXPECT_NE(one.out.find("requeued 1 dead letter"), std::string::npos) << one.out;
  EXPECT_EQ(q.Stats()->ready, 2);

  auto purge = Worthit(url, "queue dead purge --json");
  EXPECT_EQ(purge.code, 0) << purge.out;
  EXPECT_EQ(boost::json::parse(purge.out).at("purged").as_int64(), 1);
  EXPECT_EQ(q.Stats()->dead, 0);

  auto all = Worthit(url, "queue dead requeue --all");
  EXPECT_EQ(all.code, 0);
  EXPECT_NE(all.out.find("requeued 0 dead letters"), std::string::npos) << all.out;
}

TEST(QueueCli, OperatesASqliteQueue) {
  const auto dir = std::filesystem::temp_directory_path() / ("worthit-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto url = "sqlite://" + (dir / "queue.db").string();
  auto q = std::move(OpenQueue(url, QueueOptions{}).value());
  Exercise(url, *q);
  std::filesystem::remove_all(dir);
}

TEST(QueueCli, OperatesARedisQueue) {
  worthit::testing::RedisServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  auto q = std::move(OpenQueue(server.Url(), QueueOptions{}).value());
  Exercise(server.Url(), *q);
}

TEST(QueueCli, UnreachableQueueExitsWithUnavailableAndAClearMessage) {
  const int port = worthit::testing::FreeLoopbackPort();
  auto redis = Worthit("redis://:secretpw@127.0.0.1:" + std::to_string(port), "queue stats");
  EXPECT_EQ(redis.code, 3) << redis.out;
  EXPECT_NE(redis.out.find("queue unreachable"), std::string::npos) << redis.out;
  EXPECT_EQ(redis.out.find("secretpw"), std::string::npos) << redis.out;
  auto sqlite = Worthit("sqlite:///nonexistent/dir/queue.db", "queue dead list");
  EXPECT_EQ(sqlite.code, 3) << sqlite.out;
  EXPECT_NE(sqlite.out.find("no queue file"), std::string::npos) << sqlite.out;
  auto bad = Worthit("bogus://x", "queue stats");
  EXPECT_EQ(bad.code, 2) << bad.out;
}

}  // namespace
}  // namespace worthit::queue
