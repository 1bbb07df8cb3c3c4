// End-to-end: `worthit serve` with its queue and stores on one real redis-server (the deployed,
// stateless shape) against the fake Bot API. A product link costs one durable write (the enqueue
// script carries the ack record and the handled mark, tests/bot/bot_redis_test.cpp counts it); a process that dies
// after it is replaced by one that answers the redelivery without a second acknowledgement. Labels e2e, redis.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include "redis_serve_fixture.h"

namespace worthit {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::FakeTelegram;
using testing::HttpRequest;

constexpr auto kWait = 60s;  // generous: a loaded 2-core machine

class RedisFrontDoorE2E : public testing::RedisServeFixture {};

TEST_F(RedisFrontDoorE2E, OneWritePerLinkAndARestartedProcessAnswersTheRedeliveryWithoutASecondAck) {
  auto serve = StartServe("serve1.log");
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  ASSERT_EQ(Post(7001, 71, "guarda https://www.amazon.it/dp/B0E2ERED01"), 200) << serve->Log();
  ASSERT_EQ(fake_.CountCalls("sendMessage"), 1u);
  // The enqueue script wrote the task, the ack record and the handled mark together.
  EXPECT_EQ(redis_.Command({"XLEN", "{worthit}:queue:stream"}), "1");
  EXPECT_EQ(redis_.Command({"EXISTS", "worthit:s:upd:h:7001"}), "1");
  EXPECT_NE(redis_.Command({"GET", "worthit:s:upd:a:7001"}).find("71:"), std::string::npos);
  const auto ack = boost::json::parse(fake_.Calls("sendMessage")[0].body);
  EXPECT_EQ(ack.at("chat_id").as_int64(), 71);

  // The process dies as if right after the write (Telegram never saw the 200) ...
  serve->Signal(SIGKILL);
  ASSERT_TRUE(serve->Wait(kWait).has_value());
  // ... and the redelivery reaches a new process (inline handler mode this time).
  auto second = StartServe("serve2.log", {{"HTTP_HANDLER_THREADS", "0"}, {"HTTP_THREADS", "4"}});
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << second->Log();
  ASSERT_EQ(Post(7001, 71, "guarda https://www.amazon.it/dp/B0E2ERED01"), 200) << second->Log();
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 1u) << "no second acknowledgement";
  EXPECT_EQ(redis_.Command({"XLEN", "{worthit}:queue:stream"}), "1") << "no second task";

  // The inline mode serves the conversation and new links as well.
  ASSERT_EQ(Post(7002, 72, "/start"), 200);
  ASSERT_EQ(Post(7003, 72, "https://www.ebay.it/itm/123456789"), 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 3u);
  EXPECT_EQ(redis_.Command({"XLEN", "{worthit}:queue:stream"}), "2");
  EXPECT_EQ(HttpRequest("GET", port_, "/readyz").status, 200);

  second->Signal(SIGTERM);
  auto code = second->Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << second->Log();
}

}  // namespace
}  // namespace worthit
