// The Beast Bot API client's transport against ScriptedHttpServer on 127.0.0.1: keep-alive reuse,
// a connection the server closed while idle (one retry on a fresh connection, never two), the
// bound on connections, timeouts, error answers keeping the connection, pipelined batches (each call
// its own answer whatever the one before it: an error, chunked, malformed, oversized; a stale
// connection's batch sent again at most once), base URL path prefixes, and
// TLS: a trusted certificate works (IP literal and DNS name), an untrusted or mismatching one is
// refused. (Results and error codes against FakeTelegram: async_bot_api_test, for both clients.)
// Timing never decides a test: delays only make calls overlap or outlast a timeout.
#include "telegram/beast_bot_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <future>
#include <thread>

#include "common/metrics.h"
#include "support/temp_dir.h"
#include "telegram/api_on_io_thread.h"
#include "telegram/scripted_http_server.h"

namespace worthit::telegram {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedHttpServer;

constexpr auto kWait = 30s;  // only a hang waits this long
constexpr const char* kToken = "123456:TEST-token";

class BeastBotApiTest : public ::testing::Test {
 protected:
  void Make(const std::string& base_url, std::chrono::milliseconds request_timeout = 15000ms,
            const std::string& ca_file = "") {
    CurlBotApiOptions o;
    o.base_url = base_url;
    o.token = kToken;
    o.request_timeout = request_timeout;
    o.ca_file = ca_file;
    loop_.api = MakeBeastBotApi(loop_.io(), o);
    ASSERT_NE(loop_.api, nullptr);
  }
  Result<Message> Send(const std::string& text, int64_t chat = 7) { return loop_.Send(text, chat); }

  // Pipelining on (a ceiling no answer reaches) or at its default; `depth` calls per write at most.
  void MakePipelined(const std::string& base_url, size_t depth,
                     std::chrono::microseconds ceiling = std::chrono::hours(1),
                     std::chrono::milliseconds request_timeout = 15000ms) {
    CurlBotApiOptions o;
    o.base_url = base_url;
    o.token = kToken;
    o.pipeline_depth = depth;
    o.pipeline_latency_ceiling = ceiling;
    o.request_timeout = request_timeout;
    loop_.api = MakeBeastBotApi(loop_.io(), o);
    ASSERT_NE(loop_.api, nullptr);
  }

  // Each call of SendTogether succeeded with its own answer: its chat and its text.
  static void ExpectEachGotItsOwnAnswer(const std::vector<Result<Message>>& results) {
    for (size_t i = 0; i < results.size(); ++i) {
      ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].error().ToString();
      EXPECT_EQ(results[i]->chat.id, 100 + static_cast<int64_t>(i)) << i;
      EXPECT_EQ(results[i]->text, "t" + std::to_string(i));
    }
  }

  // `n` calls (texts "t0".."tn-1" to chats 100..) started by one handler on the io thread: one turn
  // of the event loop, as concurrent webhook updates start theirs. Results in call order.
  std::vector<Result<Message>> SendTogether(int n) {
    std::vector<std::promise<Result<Message>>> promises(static_cast<size_t>(n));
    boost::asio::post(loop_.io(), [&] {
      for (int i = 0; i < n; ++i) {
        SendMessageRequest req;
        req.chat_id = 100 + i;
        req.text = "t" + std::to_string(i);
        loop_.api->SendMessage(req, [&promises, i](Result<Message> r) { promises[i].set_value(std::move(r)); });
      }
    });
    std::vector<Result<Message>> out;
    for (auto& p : promises) {
      auto f = p.get_future();
      if (f.wait_for(kWait) != std::future_status::ready) {
        out.emplace_back(Error::Transient("TEST_TIMEOUT", "no callback"));
        continue;
      }
      out.push_back(f.get());
    }
    return out;
  }

  testing::ApiOnIoThread loop_;
};

TEST_F(BeastBotApiTest, SequentialCallsShareOneKeptAliveConnection) {
  ScriptedHttpServer server;
  Make(server.BaseUrl());
  for (int i = 0; i < 5; ++i) {
    auto m = Send("ack " + std::to_string(i), 40 + i);
    ASSERT_TRUE(m.ok()) << m.error().ToString();
    EXPECT_EQ(m->chat.id, 40 + i);
    EXPECT_EQ(m->text, "ack " + std::to_string(i));
  }
  EXPECT_EQ(server.Requests(), 5u);
  EXPECT_EQ(server.Accepted(), 1u);
  for (const auto& t : server.Targets()) EXPECT_EQ(t, std::string("/bot") + kToken + "/sendMessage");
}

TEST_F(BeastBotApiTest, ErrorAnswersAreMappedAndKeepTheConnection) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    switch (n++) {
      case 0:
        return ScriptedHttpServer::Answer{
            429, R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":7}})"};
      case 1: return ScriptedHttpServer::Answer{502, "<html>Bad Gateway</html>"};
      case 2:
        return ScriptedHttpServer::Answer{
            403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked"})"};
      default: return ScriptedHttpServer::Answer{};
    }
  });
  Make(server.BaseUrl());
  auto limited = Send("a");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, "TELEGRAM_RATE_LIMITED");
  EXPECT_EQ(limited.error().retry_after, std::chrono::seconds(7));
  auto gateway = Send("b");
  ASSERT_FALSE(gateway.ok());
  EXPECT_EQ(gateway.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_EQ(gateway.error().kind, ErrorKind::kTransient);
  auto blocked = Send("c");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, "TELEGRAM_FORBIDDEN");
  EXPECT_EQ(blocked.error().kind, ErrorKind::kPermanent);
  EXPECT_TRUE(Send("d").ok());
  EXPECT_EQ(server.Accepted(), 1u);
}

TEST_F(BeastBotApiTest, AConnectionTheServerClosedWhileIdleIsRetriedOnceOnAFreshOne) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.close_after = n++ == 0;  // the first connection is closed behind the client's back
    return a;
  });
  Make(server.BaseUrl());
  ASSERT_TRUE(Send("first").ok());
  auto second = Send("second");
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->text, "second");
  EXPECT_EQ(server.Accepted(), 2u);
  EXPECT_EQ(server.Requests(), 2u);  // the request on the dead connection never reached the server
}

TEST_F(BeastBotApiTest, ACallIsRetriedAtMostOnce) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.drop = n++ > 0;  // every request after the first: connection dropped without an answer
    return a;
  });
  Make(server.BaseUrl());
  ASSERT_TRUE(Send("first").ok());
  auto second = Send("second");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_EQ(second.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(server.Requests(), 3u);  // first, second on the kept connection, second once more on a fresh one
  EXPECT_EQ(server.Accepted(), 2u);
}

TEST_F(BeastBotApiTest, AnAnswerSlowerThanTheRequestTimeoutIsATransientErrorAndTheNextCallWorks) {
  ScriptedHttpServer server;
  std::atomic<bool> slow{true};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (slow) a.delay = 3000ms;
    return a;
  });
  Make(server.BaseUrl(), 300ms);
  auto r = Send("slow");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  slow = false;
  EXPECT_TRUE(Send("fast again").ok());
}

TEST_F(BeastBotApiTest, ConnectionsAreBoundedAndWaitingCallsAreServedWhenOneFrees) {
  ScriptedHttpServer server;
  server.SetScript([](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.delay = 100ms;  // calls overlap
    return a;
  });
  Make(server.BaseUrl());
  constexpr int kCalls = 150;  // more than the client's 100 connections
  std::atomic<int> ok{0}, done{0};
  std::promise<void> all;
  for (int i = 0; i < kCalls; ++i) {
    SendMessageRequest req;
    req.chat_id = 1000 + i;
    req.text = "x";
    loop_.api->SendMessage(req, [&, i](Result<Message> r) {
      if (r.ok() && r->chat.id == 1000 + i) ++ok;
      if (++done == kCalls) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_LE(server.Accepted(), 100u);
  EXPECT_EQ(server.Requests(), static_cast<size_t>(kCalls));
}

// HTTP/1.1 pipelining: calls started together go out in one write on one connection, and each gets
// its own answer (matched by order: chat and text come back from the server per request).
TEST_F(BeastBotApiTest, CallsStartedTogetherArePipelinedOnOneConnection) {
  ScriptedHttpServer server;
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());  // one answer: the server is near, batches may form
  auto results = SendTogether(6);
  ExpectEachGotItsOwnAnswer(results);
  EXPECT_EQ(server.Accepted(), 1u);  // without pipelining: one connection per concurrent call
  EXPECT_EQ(server.Requests(), 7u);
}

TEST_F(BeastBotApiTest, BatchesAreCutAtThePipelineDepth) {
  ScriptedHttpServer server;
  MakePipelined(server.BaseUrl(), 4);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(10);  // 4 + 4 + 2: the warm connection and two new ones
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].error().ToString();
  EXPECT_EQ(server.Accepted(), 3u);
}

TEST_F(BeastBotApiTest, DepthOneAndASlowServerKeepOneCallPerConnection) {
  {
    ScriptedHttpServer server;
    MakePipelined(server.BaseUrl(), 1);
    ASSERT_TRUE(Send("warm-up").ok());
    for (const auto& r : SendTogether(4)) ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(server.Accepted(), 4u);  // the warm connection and three new ones
  }
  ScriptedHttpServer slow;
  slow.SetScript([](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.delay = 20ms;  // every answer slower than the 5 ms ceiling: batching never starts
    return a;
  });
  MakePipelined(slow.BaseUrl(), 8, std::chrono::microseconds(5000));
  ASSERT_TRUE(Send("warm-up 1").ok());
  ASSERT_TRUE(Send("warm-up 2").ok());
  for (const auto& r : SendTogether(4)) ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(slow.Accepted(), 4u);
}

// The latency guard flips while a batch is in flight: answers slower than the ceiling (each at least
// the server's delay, whatever the machine's load) end pipelining for the calls started after them;
// the batch already written still gets every answer, each to its own call.
TEST_F(BeastBotApiTest, SlowAnswersInABatchEndPipeliningForTheCallsAfterIt) {
  ScriptedHttpServer server;
  std::atomic<bool> slow{false};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (slow) a.delay = 100ms;
    return a;
  });
  MakePipelined(server.BaseUrl(), 8, std::chrono::milliseconds(50));
  ASSERT_TRUE(Send("warm-up").ok());
  slow = true;
  auto results = SendTogether(4);
  ExpectEachGotItsOwnAnswer(results);
  slow = false;
  const auto& pipelined = metrics::Registry::Global().GetCounter(
      "worthit_telegram_pipelined_calls_total",
      "Bot API calls written behind another call in the same write (HTTP/1.1 pipelining)");
  const double before = pipelined.Value();
  for (const auto& r : SendTogether(4)) ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(pipelined.Value(), before);  // one call per connection
}

// A server at its keep-alive limit answers one request with "Connection: close" and reads nothing
// more: the calls pipelined behind it were not processed, and are sent again on a fresh connection.
TEST_F(BeastBotApiTest, CallsBehindAConnectionCloseAnswerAreSentAgain) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.announce_close = n++ == 2;  // the second call of the batch
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(4);
  ExpectEachGotItsOwnAnswer(results);
  EXPECT_EQ(server.Accepted(), 2u);
  EXPECT_EQ(server.Requests(), 5u);  // each call processed once: the two behind the close only on the new one
}

TEST_F(BeastBotApiTest, ABatchOnAConnectionTheServerClosedWhileIdleIsSentAgainOnce) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.close_after = n++ == 0;  // closed behind the client's back after the warm-up
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].error().ToString();
  EXPECT_EQ(server.Accepted(), 2u);
  EXPECT_EQ(server.Requests(), 4u);
}

// Once an answer came back on the connection, a failure is not staleness: the calls whose answers
// did not arrive fail (transient: the webhook answers 503 and Telegram redelivers), never resent.
TEST_F(BeastBotApiTest, ACallDroppedAfterAnAnswerFailsWithTheCallsBehindIt) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.drop = n++ == 2;  // the second call of the batch: connection dropped without an answer
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(3);
  ASSERT_TRUE(results[0].ok()) << results[0].error().ToString();
  for (int i = 1; i < 3; ++i) {
    ASSERT_FALSE(results[i].ok()) << i;
    EXPECT_EQ(results[i].error().code, "TELEGRAM_UNAVAILABLE");
    EXPECT_EQ(results[i].error().kind, ErrorKind::kTransient);
  }
  EXPECT_EQ(server.Requests(), 3u);  // warm-up, t0, t1 (dropped); t2 was never read
  EXPECT_TRUE(Send("after").ok());
}

TEST_F(BeastBotApiTest, ALateAnswerFailsItsBatchAndTheNextCallWorks) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (n++ == 2) a.delay = 3000ms;  // the second call of the batch outlasts the timeout
    return a;
  });
  MakePipelined(server.BaseUrl(), 8, std::chrono::hours(1), 300ms);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(3);
  ASSERT_TRUE(results[0].ok()) << results[0].error().ToString();
  for (int i = 1; i < 3; ++i) {
    ASSERT_FALSE(results[i].ok()) << i;
    EXPECT_NE(results[i].error().message.find("timed out"), std::string::npos) << results[i].error().message;
  }
  EXPECT_TRUE(Send("after").ok());
}

// Error answers keep the connection: one call's 429, 400, 403 or 5xx in the middle of a batch is that
// call's result, and the calls behind it get their own answers on the same connection.
TEST_F(BeastBotApiTest, ErrorAnswersInTheMiddleOfABatchGoToTheirOwnCalls) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    switch (n++) {
      case 2:
        return ScriptedHttpServer::Answer{
            429, R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":7}})"};
      case 3:
        return ScriptedHttpServer::Answer{
            400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"};
      case 4:
        return ScriptedHttpServer::Answer{
            403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"};
      case 5: return ScriptedHttpServer::Answer{502, "<html>Bad Gateway</html>"};
      default: return ScriptedHttpServer::Answer{};
    }
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(6);
  ASSERT_TRUE(results[0].ok()) << results[0].error().ToString();
  EXPECT_EQ(results[0]->text, "t0");
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, "TELEGRAM_RATE_LIMITED");
  EXPECT_EQ(results[1].error().retry_after, std::chrono::seconds(7));
  ASSERT_FALSE(results[2].ok());
  EXPECT_EQ(results[2].error().code, "TELEGRAM_BAD_REQUEST");
  ASSERT_FALSE(results[3].ok());
  EXPECT_EQ(results[3].error().code, "TELEGRAM_FORBIDDEN");
  ASSERT_FALSE(results[4].ok());
  EXPECT_EQ(results[4].error().code, "TELEGRAM_UNAVAILABLE");
  ASSERT_TRUE(results[5].ok()) << results[5].error().ToString();
  EXPECT_EQ(results[5]->text, "t5");
  EXPECT_EQ(server.Accepted(), 1u);
  EXPECT_EQ(server.Requests(), 7u);
}

// RFC 9110 §15.2: a client must parse 1xx interim answers before the final one, expected or not. An
// interim answer is nobody's result: each call gets the final answer to its own request.
TEST_F(BeastBotApiTest, InterimAnswersAreSkippedAndEachCallGetsItsOwnAnswer) {
  ScriptedHttpServer server;
  server.SetScript([](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.interim = true;
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  auto one = Send("single", 55);
  EXPECT_TRUE(one.ok()) << one.error().ToString();
  if (one.ok()) {
    EXPECT_EQ(one->chat.id, 55);
    EXPECT_EQ(one->text, "single");
  }
  auto results = SendTogether(4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].error().ToString();
    if (!results[i].ok()) continue;
    EXPECT_EQ(results[i]->chat.id, 100 + i);
    EXPECT_EQ(results[i]->text, "t" + std::to_string(i));
  }
  auto after = Send("after", 56);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->text, "after");
  EXPECT_EQ(server.Requests(), 6u);  // each call sent once
}

TEST_F(BeastBotApiTest, ChunkedAnswersInABatchGoToTheirOwnCalls) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.chunked = n++ % 2 == 0;  // chunked and Content-Length answers interleaved
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(5);
  ExpectEachGotItsOwnAnswer(results);
  EXPECT_EQ(server.Accepted(), 1u);
}

// RFC 9112 §6.3: without Content-Length or chunked coding, an answer's body ends where the server
// closes the connection. That end is the answer, not a transport failure.
TEST_F(BeastBotApiTest, AnAnswerDelimitedByTheServersCloseIsThatCallsAnswer) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    switch (n++) {
      case 0: a.close_delimited = true; break;  // a success
      case 1:
        a.status = 403;
        a.body = R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})";
        a.close_delimited = true;
        break;
      case 3: a.close_delimited = true; break;  // the second call of a batch: the third goes out again
      default: break;
    }
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  auto first = Send("first");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->text, "first");
  auto blocked = Send("blocked");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, "TELEGRAM_FORBIDDEN");  // not a transient network error
  auto results = SendTogether(3);
  ExpectEachGotItsOwnAnswer(results);
}

// An answer the server sent between requests (nobody asked for it) must never become the result of
// the next call on that connection: that call's chat would get another message's id (the worker
// edits the acknowledgement by it), and every later answer on the connection would shift by one.
TEST_F(BeastBotApiTest, AnAnswerNobodyAskedForIsNeverTakenForTheNextCall) {
  ScriptedHttpServer server;
  MakePipelined(server.BaseUrl(), 8);
  auto warm = Send("warm-up", 41);
  ASSERT_TRUE(warm.ok()) << warm.error().ToString();
  ASSERT_TRUE(server.SendUnasked());  // in the client's socket before its next request is written
  for (int i = 0; i < 3; ++i) {
    auto r = Send("next " + std::to_string(i), 42 + i);
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind, ErrorKind::kTransient) << r.error().ToString();
      continue;
    }
    EXPECT_EQ(r->chat.id, 42 + i);
    EXPECT_EQ(r->text, "next " + std::to_string(i));
  }
  auto last = Send("last", 50);
  ASSERT_TRUE(last.ok()) << last.error().ToString();
  EXPECT_EQ(last->text, "last");
}

TEST_F(BeastBotApiTest, AMalformedAnswerInABatchFailsItAndTheCallsBehindAndTheNextCallWorks) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (n++ == 2) a.raw = "HTTP/1.1 200 OK\r\nContent-Length: banana\r\n\r\n{}";  // the batch's second
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(3);
  ASSERT_TRUE(results[0].ok()) << results[0].error().ToString();
  EXPECT_EQ(results[0]->text, "t0");
  for (int i = 1; i < 3; ++i) {
    ASSERT_FALSE(results[i].ok()) << i;
    EXPECT_EQ(results[i].error().code, "TELEGRAM_UNAVAILABLE");
    EXPECT_EQ(results[i].error().kind, ErrorKind::kTransient);
  }
  auto after = Send("after");
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->text, "after");
}

TEST_F(BeastBotApiTest, AnOversizedAnswerHeadFailsTheCallsLeftAndTheNextCallWorks) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (n++ == 1) a.header_padding = 32 * 1024;  // past the 8 KiB a Bot API answer head never nears
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(2);
  for (int i = 0; i < 2; ++i) {
    ASSERT_FALSE(results[i].ok()) << i;
    EXPECT_EQ(results[i].error().kind, ErrorKind::kTransient);
  }
  EXPECT_TRUE(Send("after").ok());
}

TEST_F(BeastBotApiTest, AnAnswerBodyPastTheLimitFailsTheCallAndTheNextCallWorks) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (n++ == 0) a.body = std::string((17u << 20), ' ');  // past the client's 16 MiB bound
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  auto big = Send("big");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, "TELEGRAM_UNAVAILABLE");
  auto after = Send("after");
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->text, "after");
}

// A batch on a kept-alive connection the server had closed goes once more on a fresh connection; when
// that one is closed too after the server read from it, the calls fail (transient: the server may
// have processed them, redelivery recovers) and are never sent a third time.
TEST_F(BeastBotApiTest, ABatchIsSentAgainAtMostOnceAfterAStaleConnection) {
  ScriptedHttpServer server;
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    a.close_after = n == 0;  // the warm-up's connection is closed behind the client's back
    a.drop = n++ > 0;        // every later request: closed without an answer
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(results[i].ok()) << i;
    EXPECT_EQ(results[i].error().code, "TELEGRAM_UNAVAILABLE");
    EXPECT_EQ(results[i].error().kind, ErrorKind::kTransient);
  }
  EXPECT_EQ(server.Accepted(), 2u);  // the warm-up's and the one fresh connection
  EXPECT_EQ(server.Requests(), 2u);  // the warm-up and the first request on the fresh one (dropped)
}

// More calls in one turn than pipeline depth × connection bound: batches on every connection, the
// rest wait and leave as connections free up; each call gets its own answer, exactly once.
TEST_F(BeastBotApiTest, CallsBeyondDepthTimesTheConnectionBoundAllGetTheirOwnAnswersOnce) {
  ScriptedHttpServer server;
  MakePipelined(server.BaseUrl(), 2);
  ASSERT_TRUE(Send("warm-up").ok());
  constexpr int kCalls = 260;  // 100 connections × 2, and 60 waiting
  std::vector<std::atomic<int>> calls(kCalls);
  std::atomic<int> ok{0}, done{0};
  std::promise<void> all;
  boost::asio::post(loop_.io(), [&] {
    for (int i = 0; i < kCalls; ++i) {
      SendMessageRequest req;
      req.chat_id = 5000 + i;
      req.text = "c" + std::to_string(i);
      loop_.api->SendMessage(req, [&, i](Result<Message> r) {
        ++calls[static_cast<size_t>(i)];
        if (r.ok() && r->chat.id == 5000 + i && r->text == "c" + std::to_string(i)) ++ok;
        if (++done == kCalls) all.set_value();
      });
    }
  });
  ASSERT_EQ(all.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(ok.load(), kCalls);
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(calls[static_cast<size_t>(i)].load(), 1) << i;
  EXPECT_LE(server.Accepted(), 100u);
  EXPECT_EQ(server.Requests(), static_cast<size_t>(kCalls) + 1);
}

// The client destroyed while a batch waits for its answers (the io_context keeps running): nothing
// crashes, no callback runs twice, and the ones abandoned never run (async_bot_api.h's contract).
TEST_F(BeastBotApiTest, DestroyingTheClientWithABatchInFlightAbandonsItsCallbacks) {
  ScriptedHttpServer server;
  std::atomic<bool> slow{false};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    if (slow) a.delay = 60000ms;  // never within the test (the server's destructor cancels it)
    return a;
  });
  MakePipelined(server.BaseUrl(), 8);
  ASSERT_TRUE(Send("warm-up").ok());
  slow = true;
  std::atomic<int> called{0};
  boost::asio::post(loop_.io(), [&] {
    for (int i = 0; i < 5; ++i) {
      SendMessageRequest req;
      req.chat_id = 100 + i;
      req.text = "t" + std::to_string(i);
      loop_.api->SendMessage(req, [&](Result<Message>) { ++called; });
    }
  });
  for (int i = 0; i < 3000 && server.Requests() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(server.Requests(), 2u);  // the batch is on the wire
  std::promise<void> destroyed;
  boost::asio::post(loop_.io(), [&] {
    loop_.api.reset();  // on the io thread, as the event front door's owner does
    destroyed.set_value();
  });
  ASSERT_EQ(destroyed.get_future().wait_for(kWait), std::future_status::ready);
  // A few turns of the loop: the shutdown, the closed connection's completions.
  for (int turn = 0; turn < 3; ++turn) {
    std::promise<void> p;
    boost::asio::post(loop_.io(), [&] { p.set_value(); });
    ASSERT_EQ(p.get_future().wait_for(kWait), std::future_status::ready);
  }
  EXPECT_EQ(called.load(), 0);
}

TEST_F(BeastBotApiTest, ABaseUrlPathPrefixIsKept) {
  ScriptedHttpServer server;
  Make(server.BaseUrl() + "/tg/");
  ASSERT_TRUE(Send("x").ok());
  ASSERT_EQ(server.Targets().size(), 1u);
  EXPECT_EQ(server.Targets()[0], std::string("/tg/bot") + kToken + "/sendMessage");
}

TEST(BeastBotApiFactory, OnlyHttpAndHttpsUrlsAreServed) {
  boost::asio::io_context io;
  CurlBotApiOptions o;
  o.token = kToken;
  o.base_url = "ftp://127.0.0.1:21";
  EXPECT_EQ(MakeBeastBotApi(io, o), nullptr);
  o.base_url = "not a url";
  EXPECT_EQ(MakeBeastBotApi(io, o), nullptr);
  o.base_url = "http://127.0.0.1:1";
  EXPECT_NE(MakeBeastBotApi(io, o), nullptr);
  // The event path's factory serves every URL (libcurl for the rest).
  o.base_url = "ftp://127.0.0.1:21";
  EXPECT_NE(MakeEventBotApi(io, o), nullptr);
}

class BeastBotApiTlsTest : public BeastBotApiTest {
 protected:
  testing::TempDir dir_;
};

TEST_F(BeastBotApiTlsTest, HttpsWithATrustedCertificateForTheIpWorksOverOneConnection) {
  auto cert = testing::MakeSelfSignedCertificate(dir_.path().string(), "ip", "IP:127.0.0.1");
  ASSERT_TRUE(cert.has_value()) << "openssl CLI failed";
  ScriptedHttpServer server(cert);
  Make(server.BaseUrl(), 15000ms, cert->cert);
  for (int i = 0; i < 3; ++i) {
    auto m = Send("tls " + std::to_string(i));
    ASSERT_TRUE(m.ok()) << m.error().ToString();
    EXPECT_EQ(m->text, "tls " + std::to_string(i));
  }
  EXPECT_EQ(server.Accepted(), 1u);
  EXPECT_EQ(server.HandshakeFailures(), 0u);
}

TEST_F(BeastBotApiTlsTest, PipelinedCallsOverTlsGetTheirOwnAnswers) {
  auto cert = testing::MakeSelfSignedCertificate(dir_.path().string(), "ip", "IP:127.0.0.1");
  ASSERT_TRUE(cert.has_value()) << "openssl CLI failed";
  ScriptedHttpServer server(cert);
  CurlBotApiOptions o;
  o.base_url = server.BaseUrl();
  o.token = kToken;
  o.ca_file = cert->cert;
  o.pipeline_latency_ceiling = std::chrono::hours(1);
  loop_.api = MakeBeastBotApi(loop_.io(), o);
  ASSERT_NE(loop_.api, nullptr);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(5);
  ExpectEachGotItsOwnAnswer(results);
  EXPECT_EQ(server.Accepted(), 1u);
}

// Over TLS, the per-call rules of a batch: an error answer, an interim answer and a "Connection:
// close" in the middle; then a connection the server closed while idle, sent again once.
TEST_F(BeastBotApiTlsTest, PipelinedFailureRulesHoldOverTls) {
  auto cert = testing::MakeSelfSignedCertificate(dir_.path().string(), "ip", "IP:127.0.0.1");
  ASSERT_TRUE(cert.has_value()) << "openssl CLI failed";
  ScriptedHttpServer server(cert);
  std::atomic<int> n{0};
  server.SetScript([&](const std::string&, const std::string&) {
    ScriptedHttpServer::Answer a;
    switch (n++) {
      case 2:
        a.status = 429;
        a.body = R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}})";
        break;
      case 3: a.interim = true; break;
      case 4: a.announce_close = true; break;  // t3: t4 goes out again on a fresh connection
      case 5: a.close_after = true; break;     // t4: which is then closed behind the client's back
      default: break;
    }
    return a;
  });
  CurlBotApiOptions o;
  o.base_url = server.BaseUrl();
  o.token = kToken;
  o.ca_file = cert->cert;
  o.pipeline_latency_ceiling = std::chrono::hours(1);
  loop_.api = MakeBeastBotApi(loop_.io(), o);
  ASSERT_NE(loop_.api, nullptr);
  ASSERT_TRUE(Send("warm-up").ok());
  auto results = SendTogether(5);
  ASSERT_TRUE(results[0].ok()) << results[0].error().ToString();
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, "TELEGRAM_RATE_LIMITED");
  EXPECT_EQ(results[1].error().retry_after, std::chrono::seconds(3));
  for (int i : {0, 2, 3, 4}) {
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].error().ToString();
    EXPECT_EQ(results[i]->text, "t" + std::to_string(i));
  }
  EXPECT_EQ(server.Requests(), 6u);  // warm-up, t0..t3 on the first connection, t4 on the second
  auto again = SendTogether(2);      // on the second connection, closed while idle: sent again once
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(again[i].ok()) << i << ": " << again[i].error().ToString();
    EXPECT_EQ(again[i]->text, "t" + std::to_string(i));
  }
  EXPECT_EQ(server.Accepted(), 3u);
  EXPECT_EQ(server.Requests(), 8u);
  EXPECT_EQ(server.HandshakeFailures(), 0u);
}

TEST_F(BeastBotApiTlsTest, HttpsWithATrustedCertificateForTheHostNameWorks) {
  auto cert = testing::MakeSelfSignedCertificate(dir_.path().string(), "dns", "DNS:localhost");
  ASSERT_TRUE(cert.has_value()) << "openssl CLI failed";
  ScriptedHttpServer server(cert);
  Make("https://localhost:" + std::to_string(server.port()), 15000ms, cert->cert);
  auto m = Send("by name");
  ASSERT_TRUE(m.ok()) << m.error().ToString();
}

TEST_F(BeastBotApiTlsTest, AnUntrustedCertificateIsRefused) {
  auto cert = testing::MakeSelfSignedCertificate(dir_.path().string(), "ip", "IP:127.0.0.1");
  auto other = testing::MakeSelfSignedCertificate(dir_.path().string(), "other", "IP:127.0.0.1");
  ASSERT_TRUE(cert && other) << "openssl CLI failed";
  ScriptedHttpServer server(cert);
  Make(server.BaseUrl(), 15000ms, other->cert);  // trusts another certificate only
  auto r = Send("x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_NE(r.error().message.find("handshake"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.Requests(), 0u);
}

TEST_F(BeastBotApiTlsTest, ACertificateForAnotherHostIsRefused) {
  auto cert = testing::MakeSelfSignedCertificate(dir_.path().string(), "dns", "DNS:bot.example");
  ASSERT_TRUE(cert.has_value()) << "openssl CLI failed";
  ScriptedHttpServer server(cert);
  Make(server.BaseUrl(), 15000ms, cert->cert);  // trusted, but for bot.example, not 127.0.0.1
  auto r = Send("x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_EQ(server.Requests(), 0u);
}

}  // namespace
}  // namespace worthit::telegram
