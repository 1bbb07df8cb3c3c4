// The Beast Bot API client's transport against ScriptedHttpServer on 127.0.0.1: keep-alive reuse,
// a connection the server closed while idle (one retry on a fresh connection, never two), the
// bound on connections, timeouts, error answers keeping the connection, base URL path prefixes, and
// TLS: a trusted certificate works (IP literal and DNS name), an untrusted or mismatching one is
// refused. (Results and error codes against FakeTelegram: async_bot_api_test, for both clients.)
// Timing never decides a test: delays only make calls overlap or outlast a timeout.
#include "telegram/beast_bot_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <future>
#include <thread>

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
