// The event-driven Bot API transports (curl multi on Asio, and the Beast client) against
// FakeTelegram: the same results and error codes as the blocking client, many calls in flight on one
// io thread, slow answers, timeouts. Each test runs for both clients. Timing never decides a test:
// latencies only make calls overlap.
#include "telegram/async_bot_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <future>
#include <optional>
#include <thread>

#include "support/fake_telegram.h"
#include "support/page_server.h"
#include "support/redis_server.h"
#include "telegram/api_on_io_thread.h"
#include "telegram/beast_bot_api.h"

namespace worthit::telegram {
namespace {

using namespace std::chrono_literals;
using worthit::testing::FakeTelegram;

constexpr auto kWait = 30s;  // only a hang waits this long

using Factory = std::unique_ptr<AsyncBotApi> (*)(boost::asio::io_context&, const CurlBotApiOptions&);
struct Client {
  const char* name;
  Factory make;
};
const Client kClients[] = {{"CurlMulti", &MakeCurlMultiBotApi}, {"Beast", &MakeBeastBotApi}};

class AsyncBotApiTest : public ::testing::TestWithParam<Client> {
 protected:
  AsyncBotApi& Api(std::chrono::milliseconds request_timeout = 15000ms) {
    if (!loop_.api) {
      CurlBotApiOptions o;
      o.base_url = fake_.BaseUrl();
      o.token = FakeTelegram::kToken;
      o.request_timeout = request_timeout;
      loop_.api = GetParam().make(loop_.io(), o);
    }
    return *loop_.api;
  }
  Result<Message> Send(const std::string& text, int64_t chat = 7) {
    Api();
    return loop_.Send(text, chat, 55);
  }

  FakeTelegram fake_;
  testing::ApiOnIoThread loop_;
};

TEST_P(AsyncBotApiTest, SendMessageReturnsTheMessageAndSendsTheSameBodyAsTheBlockingClient) {
  auto m = Send("Sto analizzando il prodotto...");
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_GT(m->message_id, 0);
  EXPECT_EQ(m->chat.id, 7);
  auto calls = fake_.Calls("sendMessage");
  ASSERT_EQ(calls.size(), 1u);
  auto body = boost::json::parse(calls[0].body).as_object();
  EXPECT_EQ(body.at("text").as_string(), "Sto analizzando il prodotto...");
  EXPECT_EQ(body.at("reply_parameters").as_object().at("message_id").as_int64(), 55);
  EXPECT_TRUE(body.at("link_preview_options").as_object().at("is_disabled").as_bool());
}

TEST_P(AsyncBotApiTest, ErrorsAreMappedLikeTheBlockingClient) {
  fake_.FailNext(
      "sendMessage", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
  auto limited = Send("a");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, "TELEGRAM_RATE_LIMITED");
  EXPECT_EQ(limited.error().retry_after, std::chrono::seconds(7));
  fake_.FailNext("sendMessage", 1, 502, "<html>Bad Gateway</html>");
  auto gateway = Send("b");
  ASSERT_FALSE(gateway.ok());
  EXPECT_EQ(gateway.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_EQ(gateway.error().kind, ErrorKind::kTransient);
  fake_.FailNext("sendMessage", 1, 403,
                 R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  auto blocked = Send("c");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, "TELEGRAM_FORBIDDEN");
  EXPECT_EQ(blocked.error().kind, ErrorKind::kPermanent);
  // And the next call works again on the same client.
  EXPECT_TRUE(Send("d").ok());
}

TEST_P(AsyncBotApiTest, ManySlowCallsAreInFlightTogetherOnOneIoThread) {
  fake_.SetLatency(200ms);
  constexpr int kCalls = 40;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  std::promise<void> all;
  for (int i = 0; i < kCalls; ++i) {
    SendMessageRequest req;
    req.chat_id = 100 + i;
    req.text = "ack " + std::to_string(i);
    Api().SendMessage(req, [&, i](Result<Message> r) {
      if (r.ok() && r->chat.id == 100 + i) ++ok;
      if (++done == kCalls) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), static_cast<size_t>(kCalls));
}

TEST_P(AsyncBotApiTest, AnAnswerSlowerThanTheRequestTimeoutIsATransientError) {
  Api(300ms);
  fake_.SetLatency(3000ms);
  auto slow = Send("slow");
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_EQ(slow.error().kind, ErrorKind::kTransient);
  fake_.SetLatency(0ms);
  EXPECT_TRUE(Send("fast again").ok());
}

// One sendMessage on an io_context run here (bounded); nothing when the callback never ran.
std::optional<Result<Message>> SendOnce(AsyncBotApi& api, boost::asio::io_context& io) {
  std::optional<Result<Message>> got;
  SendMessageRequest req;
  req.chat_id = 1;
  req.text = "x";
  api.SendMessage(req, [&](Result<Message> r) { got = std::move(r); });
  io.run_for(10s);
  return got;
}

class AsyncBotApiUnreachable : public ::testing::TestWithParam<Client> {};

TEST_P(AsyncBotApiUnreachable, ARefusedConnectionIsATransientError) {
  boost::asio::io_context io;
  CurlBotApiOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  o.token = FakeTelegram::kToken;
  auto api = GetParam().make(io, o);
  auto got = SendOnce(*api, io);
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().code, "TELEGRAM_UNAVAILABLE");
}

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  void Set(const char* name, const std::string& value) {
    Save(name);
    ::setenv(name, value.c_str(), 1);
  }
  void Unset(const char* name) {
    Save(name);
    ::unsetenv(name);
  }
  ~ScopedEnv() {
    for (const auto& [name, old] : saved_) {
      if (old) {
        ::setenv(name.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  void Save(const char* name) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// Beast does not speak to proxies: with one in the environment the event path takes libcurl, which
// sends the call through it. Nothing listens at the base URL, so only the proxy can see the call.
TEST(MakeEventBotApi, AProxyInTheEnvironmentCarriesTheCalls) {
  testing::PageServer proxy;  // records every request; unknown targets get 404
  ScopedEnv env;
  env.Set("http_proxy", proxy.Url(""));
  env.Unset("no_proxy");
  env.Unset("NO_PROXY");
  boost::asio::io_context io;
  CurlBotApiOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  o.token = FakeTelegram::kToken;
  auto api = MakeEventBotApi(io, o);
  auto got = SendOnce(*api, io);
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ok());  // the proxy answers 404
  const auto seen = proxy.Requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, o.base_url + "/bot" + FakeTelegram::kToken + "/sendMessage");
}

std::string ClientName(const ::testing::TestParamInfo<Client>& info) { return info.param.name; }
INSTANTIATE_TEST_SUITE_P(Clients, AsyncBotApiTest, ::testing::ValuesIn(kClients), ClientName);
INSTANTIATE_TEST_SUITE_P(Clients, AsyncBotApiUnreachable, ::testing::ValuesIn(kClients), ClientName);

}  // namespace
}  // namespace worthit::telegram
