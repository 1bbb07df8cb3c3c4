// End-to-end: `worthit serve` on Redis with the event-driven front door (WEBHOOK_EVENT_LOOP=auto,
// the default when queue and stores share one Redis) against the fake Bot API and a real
// redis-server: exactly one acknowledgement and one task per link across redeliveries, Telegram
// 429/5xx → 503 then a clean redelivery, 403 absorbed, Redis going away mid-request → 5xx and
// nothing lost, blocking commands on the pool, SIGTERM drains in-flight requests (and, past the grace,
// exits 0 without answering 200 for an update whose acknowledgement is still in flight); concurrent
// links whose acknowledgements share pipelined batches, one of them rate-limited; failed deliveries not
// counted against the per-user limits. Labels e2e, redis.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <future>
#include <thread>

#include "redis_serve_fixture.h"

namespace worthit {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::FakeTelegram;
using testing::HttpRequest;

constexpr auto kWait = 60s;  // generous: a loaded 2-core machine

class EventFrontDoorE2E : public testing::RedisServeFixture {
 protected:
  EventFrontDoorE2E() : RedisServeFixture(testing::RedisServerOptions{true, ""}) {}

  // Waits for the port and checks that the event-driven front door is the one answering.
  std::unique_ptr<ChildProcess> StartServe(const std::string& log) {
    auto p = RedisServeFixture::StartServe(log, {{"SHUTDOWN_GRACE_SECONDS", "20"}});
    EXPECT_TRUE(testing::WaitForPort(port_, kWait)) << p->Log();
    EXPECT_NE(p->Log().find("event_loop=true"), std::string::npos) << p->Log();
    return p;
  }
  std::string Tasks() { return redis_.Command({"XLEN", "{worthit}:queue:stream"}); }
  bool Handled(int64_t update_id) {
    return redis_.Command({"EXISTS", "worthit:s:upd:h:" + std::to_string(update_id)}) == "1";
  }
  // Until the fake Bot API has read `n` requests (bounded): a call in flight, before SetLatency's delay.
  bool WaitForReceived(size_t n) {
    for (int i = 0; i < 6000 && fake_.Received() < n; ++i) std::this_thread::sleep_for(10ms);
    return fake_.Received() >= n;
  }
  // Telegram's redelivery: the same update until it gets a 2xx (bounded).
  int Redeliver(int64_t update_id, int64_t chat, const std::string& text) {
    int status = 0;
    for (int i = 0; i < 120 && status != 200; ++i) {
      status = Post(update_id, chat, text);
      if (status != 200) std::this_thread::sleep_for(250ms);
    }
    return status;
  }
};

TEST_F(EventFrontDoorE2E, LinksAndCommandsExactlyOnceAcrossRedeliveries) {
  auto serve = StartServe("serve.log");
  ASSERT_EQ(Post(8001, 81, "guarda https://www.amazon.it/dp/B0EVENT001"), 200) << serve->Log();
  ASSERT_EQ(fake_.CountCalls("sendMessage"), 1u);
  EXPECT_EQ(Tasks(), "1");
  EXPECT_TRUE(Handled(8001));
  EXPECT_NE(redis_.Command({"GET", "worthit:s:upd:a:8001"}).find("81:"), std::string::npos);
  // Telegram redelivers (it never saw the 200): nothing doubles.
  ASSERT_EQ(Post(8001, 81, "guarda https://www.amazon.it/dp/B0EVENT001"), 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 1u);
  EXPECT_EQ(Tasks(), "1");
  // /cerca, then the link in the next update; the state is cleared with the write.
  ASSERT_EQ(Post(8002, 82, "/cerca"), 200);
  EXPECT_EQ(redis_.Command({"EXISTS", "worthit:s:chat:82"}), "1");
  ASSERT_EQ(Post(8003, 82, "amzn.to/3xYzAbC"), 200);
  EXPECT_EQ(redis_.Command({"EXISTS", "worthit:s:chat:82"}), "0");
  EXPECT_EQ(Tasks(), "2");
  // A hint, /start, and /analisi (runs on the blocking pool): all answered once.
  ASSERT_EQ(Post(8004, 83, "ciao"), 200);
  ASSERT_EQ(Post(8005, 83, "/start"), 200);
  ASSERT_EQ(Post(8006, 83, "/analisi"), 200);
  ASSERT_EQ(Post(8006, 83, "/analisi"), 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 6u);
  EXPECT_EQ(HttpRequest("GET", port_, "/healthz").status, 200);
  EXPECT_EQ(HttpRequest("GET", port_, "/readyz").status, 200);
  serve->Signal(SIGTERM);
  auto code = serve->Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << serve->Log();
}

// Redis lost its scripts (restart, SCRIPT FLUSH) between two links: the link probe and then the
// intake's enqueue answer NOSCRIPT, and each runs again with EVAL (the enqueue call rebuilt).
TEST_F(EventFrontDoorE2E, ScriptsLostByRedisAreSentAgainAndTheLinkIsTakenOnce) {
  auto serve = StartServe("serve.log");
  ASSERT_EQ(Post(8101, 91, "https://www.amazon.it/dp/B0EVENT101"), 200) << serve->Log();
  ASSERT_EQ(Tasks(), "1");
  redis_.Command({"SCRIPT", "FLUSH"});
  ASSERT_EQ(Post(8102, 92, "https://www.amazon.it/dp/B0EVENT102"), 200) << serve->Log();
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 2u);
  EXPECT_EQ(Tasks(), "2");
  EXPECT_TRUE(Handled(8102));
  EXPECT_NE(redis_.Command({"GET", "worthit:s:upd:a:8102"}).find("92:"), std::string::npos);
  // The redelivery finds the handled mark: no second acknowledgement, no second task.
  ASSERT_EQ(Post(8102, 92, "https://www.amazon.it/dp/B0EVENT102"), 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 2u);
  EXPECT_EQ(Tasks(), "2");
  serve->Signal(SIGTERM);
  auto code = serve->Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << serve->Log();
}

TEST_F(EventFrontDoorE2E, TelegramFailuresAre503AndTheRedeliveryAcknowledgesOnce) {
  auto serve = StartServe("serve.log");
  fake_.FailNext(
      "sendMessage", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})");
  EXPECT_EQ(Post(8101, 91, "https://www.amazon.it/dp/B0EVENT101"), 503);
  EXPECT_FALSE(Handled(8101));
  fake_.FailNext("sendMessage", 1, 502, "<html>Bad Gateway</html>");
  EXPECT_EQ(Post(8101, 91, "https://www.amazon.it/dp/B0EVENT101"), 503);
  EXPECT_EQ(Tasks(), "0");
  ASSERT_EQ(Post(8101, 91, "https://www.amazon.it/dp/B0EVENT101"), 200);
  EXPECT_EQ(Tasks(), "1");
  // The user blocked the bot: absorbed (200, handled, no task), never redelivered.
  fake_.FailNext("sendMessage", 1, 403,
                 R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  EXPECT_EQ(Post(8102, 92, "https://www.amazon.it/dp/B0EVENT102"), 200);
  EXPECT_TRUE(Handled(8102));
  EXPECT_EQ(Tasks(), "1");
  // Wrong secret: 401 and nothing else.
  const size_t calls = fake_.CountCalls("sendMessage");
  EXPECT_EQ(HttpRequest("POST", port_, "/telegram/webhook", {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}},
                        testing::PrivateTextUpdate(8103, 93, "https://www.amazon.it/dp/B0EVENT103"))
                .status,
            401);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), calls);
}

TEST_F(EventFrontDoorE2E, RedisGoingAwayMidRequestIs5xxAndNothingIsLost) {
  auto serve = StartServe("serve.log");
  // The acknowledgement is slow, so Redis can be killed while the request is in flight.
  const size_t received = fake_.Received();
  fake_.SetLatency(3000ms);
  auto first = std::async(std::launch::async, [&] { return Post(8201, 95, "https://www.amazon.it/dp/B0EVENT201"); });
  ASSERT_TRUE(WaitForReceived(received + 1));  // not Calls(): it records a call only once answered
  redis_.Kill();
  const int status = first.get();
  // Normally 503 (the write could not reach Redis); 200 only if the write landed before the kill.
  EXPECT_TRUE(status == 503 || status == 200) << status;
  fake_.SetLatency(0ms);
  ASSERT_TRUE(redis_.Restart()) << redis_.error();
  ASSERT_EQ(Redeliver(8201, 95, "https://www.amazon.it/dp/B0EVENT201"), 200) << serve->Log();
  EXPECT_EQ(Tasks(), "1") << "exactly one task";
  EXPECT_TRUE(Handled(8201));
  // The next redelivery changes nothing.
  const size_t acks = fake_.CountCalls("sendMessage");
  ASSERT_EQ(Post(8201, 95, "https://www.amazon.it/dp/B0EVENT201"), 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), acks);
  EXPECT_EQ(Tasks(), "1");
}

TEST_F(EventFrontDoorE2E, SigtermDrainsInFlightRequestsThenExitsZero) {
  auto serve = StartServe("serve.log");
  const size_t received = fake_.Received();
  fake_.SetLatency(1500ms);
  auto inflight = std::async(std::launch::async, [&] { return Post(8301, 97, "https://www.amazon.it/dp/B0EVENT301"); });
  ASSERT_TRUE(WaitForReceived(received + 1));  // the acknowledgement is in flight
  serve->Signal(SIGTERM);
  EXPECT_EQ(inflight.get(), 200) << serve->Log();
  auto code = serve->Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << serve->Log();
  EXPECT_EQ(Tasks(), "1");
  EXPECT_TRUE(Handled(8301));
}

// A delivery whose acknowledgement Telegram failed (503: the update comes again) is not a new request
// of the user's: the per-user limits count the link once, however many deliveries it took.
TEST_F(EventFrontDoorE2E, DeliveriesWhoseAcknowledgementFailedAreNotCountedAgainstTheUsersLimits) {
  auto serve =
      RedisServeFixture::StartServe("serve.log", {{"SHUTDOWN_GRACE_SECONDS", "20"}, {"USER_DAILY_QUOTA", "2"}});
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  fake_.FailNext("sendMessage", 2, 502, "<html>Bad Gateway</html>");
  EXPECT_EQ(Post(8601, 170, "https://www.amazon.it/dp/B0EVQUOTA1"), 503);
  EXPECT_EQ(Post(8601, 170, "https://www.amazon.it/dp/B0EVQUOTA1"), 503);
  ASSERT_EQ(Post(8601, 170, "https://www.amazon.it/dp/B0EVQUOTA1"), 200);
  EXPECT_EQ(Tasks(), "1") << "the link was refused: its failed deliveries were counted as requests";
  ASSERT_EQ(Post(8602, 170, "https://www.amazon.it/dp/B0EVQUOTA2"), 200);
  EXPECT_EQ(Tasks(), "2");  // the user's second link of the day
  ASSERT_EQ(Post(8603, 170, "https://www.amazon.it/dp/B0EVQUOTA3"), 200);
  EXPECT_EQ(Tasks(), "2");  // the third is over the quota: refused
  const auto calls = fake_.Calls("sendMessage");
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().body.find("Sto analizzando"), std::string::npos) << calls.back().body;
}

// After /cerca, a message without a link gets "not a link" and the chat stops waiting, but only once
// that reply is out: when Telegram fails it (503, the update comes again), the redelivery must find
// the chat still waiting and send the same reply, not the generic hint.
TEST_F(EventFrontDoorE2E, CercaThenNoLinkWhoseReplyFailedGetsTheSameReplyOnTheRedelivery) {
  auto serve = StartServe("serve.log");
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  ASSERT_EQ(Post(8701, 180, "/cerca"), 200);
  fake_.FailNext("sendMessage", 1, 502, "<html>Bad Gateway</html>");
  EXPECT_EQ(Post(8702, 180, "boh"), 503);
  EXPECT_EQ(redis_.Command({"EXISTS", "worthit:s:chat:180"}), "1") << "the user was not told: the chat still waits";
  ASSERT_EQ(Post(8702, 180, "boh"), 200);
  const auto calls = fake_.Calls("sendMessage");
  ASSERT_FALSE(calls.empty());
  EXPECT_NE(calls.back().body.find("Questo non sembra un link"), std::string::npos) << calls.back().body;
  EXPECT_EQ(redis_.Command({"EXISTS", "worthit:s:chat:180"}), "0");
}

// Concurrent links (their acknowledgements may share pipelined batches on the Bot API connection):
// the one acknowledgement Telegram rate-limits fails only its own update (503), every other update
// is answered 200 with its own acknowledgement, and the redelivery acknowledges once.
TEST_F(EventFrontDoorE2E, ConcurrentLinksWithOneAcknowledgementRateLimitedEachGetOneAcknowledgement) {
  auto serve = StartServe("serve.log");
  // A few links one by one first: the client has seen Telegram answer fast, so batches may form.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Post(8400 + i, 140 + i, "https://www.amazon.it/dp/B0EVWARM0" + std::to_string(i)), 200);
  }
  fake_.FailNext(
      "sendMessage", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})");
  constexpr int kLinks = 12;
  auto url = [](int i) { return "https://www.amazon.it/dp/B0EVCONC" + std::to_string(10 + i); };
  std::vector<std::future<int>> posts;
  for (int i = 0; i < kLinks; ++i) {
    posts.push_back(std::async(std::launch::async, [&, i] { return Post(8410 + i, 150 + i, url(i)); }));
  }
  std::vector<int> failed;
  for (int i = 0; i < kLinks; ++i) {
    const int status = posts[static_cast<size_t>(i)].get();
    EXPECT_TRUE(status == 200 || status == 503) << i << ": " << status;
    if (status != 200) failed.push_back(i);
  }
  ASSERT_EQ(failed.size(), 1u) << serve->Log();
  EXPECT_FALSE(Handled(8410 + failed[0]));
  ASSERT_EQ(Redeliver(8410 + failed[0], 150 + failed[0], url(failed[0])), 200) << serve->Log();
  EXPECT_EQ(Tasks(), std::to_string(3 + kLinks));
  // Each chat was sent exactly one acknowledgement, the rate-limited one a second time.
  const auto calls = fake_.Calls("sendMessage");
  EXPECT_EQ(calls.size(), static_cast<size_t>(3 + kLinks + 1));
  for (int i = 0; i < kLinks; ++i) {
    const std::string chat = "\"chat_id\":" + std::to_string(150 + i);
    const auto n = std::count_if(calls.begin(), calls.end(), [&](const testing::RecordedCall& c) {
      return c.body.find(chat) != std::string::npos;
    });
    EXPECT_EQ(n, i == failed[0] ? 2 : 1) << i;
  }
  // Telegram redelivering any of them changes nothing.
  for (int i = 0; i < kLinks; ++i) EXPECT_EQ(Post(8410 + i, 150 + i, url(i)), 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), calls.size());
  EXPECT_EQ(Tasks(), std::to_string(3 + kLinks));
}

// Past the grace the process exits 0 with the acknowledgement still unanswered: the webhook request
// gets no 200 (Telegram redelivers it), the update is not marked handled, nothing crashes on the way
// out (the Bot API client and its calls go with the io_context).
TEST_F(EventFrontDoorE2E, SigtermWithAnAcknowledgementInFlightPastTheGraceExitsZeroWithoutA200) {
  auto serve = RedisServeFixture::StartServe("serve.log", {{"SHUTDOWN_GRACE_SECONDS", "1"}});
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  ASSERT_EQ(Post(8501, 98, "https://www.amazon.it/dp/B0EVENT501"), 200);  // a kept-alive connection
  const size_t received = fake_.Received();
  fake_.SetLatency(5000ms);
  auto inflight = std::async(std::launch::async, [&] { return Post(8502, 99, "https://www.amazon.it/dp/B0EVENT502"); });
  ASSERT_TRUE(WaitForReceived(received + 1));  // the acknowledgement is in flight
  serve->Signal(SIGTERM);
  auto code = serve->Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << serve->Log();
  EXPECT_NE(serve->Log().find("serve.stopped"), std::string::npos) << serve->Log();
  EXPECT_NE(inflight.get(), 200) << serve->Log();
  EXPECT_FALSE(Handled(8502));
  EXPECT_EQ(Tasks(), "1");
  fake_.SetLatency(0ms);
}

}  // namespace
}  // namespace worthit
