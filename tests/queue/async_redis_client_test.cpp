// AsyncRedisClient against a real redis-server (label redis): pipelining of concurrent callers,
// scripts (NOSCRIPT after a flush), Redis going away mid-request, timeouts and reconnection.
#include "queue/redis/async_redis_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <future>
#include <thread>

#include "support/redis_server.h"

namespace worthit::queue::redis {
namespace {

using namespace std::chrono_literals;

// Generous: the machine is loaded; only a hang makes a test wait this long.
constexpr auto kWait = 20s;

RedisEndpoint Endpoint(int port) {
  RedisEndpoint e;
  e.host = "127.0.0.1";
  e.port = port;
  return e;
}

class AsyncRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start()) << redis_.error();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    client_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  AsyncRedisClient& Client(std::chrono::milliseconds timeout = 5000ms) {
    if (!client_) client_ = std::make_unique<AsyncRedisClient>(io_, Endpoint(redis_.port()), timeout);
    return *client_;
  }
  Result<std::vector<Reply>> Call(std::vector<Command> commands) {
    std::promise<Result<std::vector<Reply>>> p;
    auto f = p.get_future();
    Client().Pipeline(std::move(commands), [&p](Result<std::vector<Reply>> r) { p.set_value(std::move(r)); });
    if (f.wait_for(kWait) != std::future_status::ready) return Error::Transient("TEST_TIMEOUT", "no callback");
    return f.get();
  }

  testing::RedisServer redis_{testing::RedisServerOptions{true, ""}};
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  std::thread thread_;
  std::unique_ptr<AsyncRedisClient> client_;
};

TEST_F(AsyncRedisTest, ConcurrentCallersArePipelinedAndEachGetsItsOwnReplies) {
  constexpr int kCalls = 300;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  std::promise<void> all;
  for (int i = 0; i < kCalls; ++i) {
    const std::string key = "k" + std::to_string(i);
    Client().Pipeline({{"SET", key, "v" + std::to_string(i)}, {"GET", key}, {"INCR", "calls"}},
                      [&, i](Result<std::vector<Reply>> r) {
                        if (r.ok() && r->size() == 3 && (*r)[1].str == "v" + std::to_string(i)) ++ok;
                        if (++done == kCalls) all.set_value();
                      });
  }
  ASSERT_EQ(all.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(redis_.Command({"GET", "calls"}), std::to_string(kCalls));
}

// A write larger than the socket's send buffer: the direct write takes part of it and the rest goes
// out asynchronously, in order, before the commands submitted after it.
TEST_F(AsyncRedisTest, AWriteLargerThanTheSocketBufferGoesOutWholeAndInOrder) {
  const std::string big(16 * 1024 * 1024, 'b');  // far above the loopback send buffer
  std::promise<Result<std::vector<Reply>>> first;
  Client().Pipeline({{"SET", "big", big}, {"STRLEN", "big"}},
                    [&first](Result<std::vector<Reply>> r) { first.set_value(std::move(r)); });
  auto r = Call({{"APPEND", "big", "!"}});
  auto f = first.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  auto before = f.get();
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_EQ((*before)[1].AsInt(), static_cast<int64_t>(big.size()));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ((*r)[0].AsInt(), static_cast<int64_t>(big.size() + 1));
}

TEST_F(AsyncRedisTest, ErrorRepliesAreRepliesNotFailures) {
  auto r = Call({{"SET", "s", "x"}, {"INCR", "s"}, {"GET", "s"}});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE((*r)[1].IsError());
  EXPECT_EQ((*r)[2].str, "x");
}

TEST(RedisScriptTest, ShaIsTheSha1OfTheSourceInLowerHex) {
  EXPECT_EQ(MakeScript("return 1").sha, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(MakeScript("").sha, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST_F(AsyncRedisTest, ScriptsRunByShaAndAgainAfterRedisLostThem) {
  static const Script script = MakeScript("return ARGV[1] .. redis.call('GET', KEYS[1])");
  ASSERT_EQ(redis_.Command({"SET", "sk", "!"}), "OK");
  auto eval = [&] {
    std::promise<Result<Reply>> p;
    auto f = p.get_future();
    Client().Eval(script, {"sk"}, {"hi"}, [&p](Result<Reply> r) { p.set_value(std::move(r)); });
    EXPECT_EQ(f.wait_for(kWait), std::future_status::ready);
    return f.get();
  };
  auto first = eval();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->str, "hi!");
  // The locally computed sha is Redis's own name for the script.
  EXPECT_EQ(redis_.Command({"SCRIPT", "EXISTS", script.sha}), "1");
  redis_.Command({"SCRIPT", "FLUSH"});
  auto second = eval();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->str, "hi!");
}

TEST_F(AsyncRedisTest, RedisGoingAwayMidRequestFailsTheCallAndAcknowledgedWritesSurvive) {
  ASSERT_TRUE(Call({{"SET", "durable", "1"}}).ok());
  // A call Redis will not answer before it dies (BLPOP on an empty list waits forever).
  std::promise<Result<std::vector<Reply>>> p;
  auto f = p.get_future();
  Client().Pipeline({{"BLPOP", "never", "0"}}, [&p](Result<std::vector<Reply>> r) { p.set_value(std::move(r)); });
  // Wait until Redis has the blocked client, then kill it.
  for (int i = 0; i < 200 && redis_.Command({"INFO", "clients"}).find("blocked_clients:1") == std::string::npos; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  redis_.Kill();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  auto failed = f.get();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "QUEUE_UNAVAILABLE");
  EXPECT_TRUE(failed.error().kind == ErrorKind::kTransient);
  // While Redis is down calls fail (fast, with backoff), never hang.
  auto down = Call({{"PING"}});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, "QUEUE_UNAVAILABLE");
  ASSERT_TRUE(redis_.Restart()) << redis_.error();
  // The next calls reconnect once the backoff window passed (bounded attempts).
  Result<std::vector<Reply>> back = Error::Transient("X", "not tried");
  for (int i = 0; i < 100; ++i) {
    back = Call({{"GET", "durable"}});
    if (back.ok()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ((*back)[0].str, "1");
}

TEST_F(AsyncRedisTest, AnUnansweredCallTimesOutAndTheClientRecovers) {
  Client(300ms);
  auto hung = Call({{"BLPOP", "never", "0"}});
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.error().code, "QUEUE_UNAVAILABLE");
  EXPECT_NE(hung.error().message.find("no answer"), std::string::npos) << hung.error().message;
  auto after = Call({{"PING"}});
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ((*after)[0].str, "PONG");
}

TEST(AsyncRedisUnreachable, CallsFailInsteadOfHanging) {
  boost::asio::io_context io;
  AsyncRedisClient client(io, Endpoint(testing::FreeLoopbackPort()));
  std::optional<Result<std::vector<Reply>>> got;
  client.Pipeline({{"PING"}}, [&](Result<std::vector<Reply>> r) { got = std::move(r); });
  io.run_for(10s);
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().code, "QUEUE_UNAVAILABLE");
}

}  // namespace
}  // namespace worthit::queue::redis
