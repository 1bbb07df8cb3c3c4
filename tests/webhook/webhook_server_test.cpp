#include "webhook/webhook_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "support/http_client.h"

namespace worthit::webhook {
namespace {

using worthit::testing::HttpRequest;

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until the peer closes or `timeout`; returns what arrived and whether it closed.
std::pair<std::string, bool> ReadUntilClose(int fd, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {out, true};
    out.append(buf, static_cast<size_t>(n));
  }
  return {out, false};
}

class WebhookServerTest : public ::testing::Test {
 protected:
  void Start(std::chrono::seconds idle = std::chrono::seconds(30)) {
    auto handler = std::make_shared<const WebhookHandler>(
        WebhookHandlerOptions{"/telegram/webhook", "s3cret", 2048, ""},
        [this](const telegram::Update&) -> Status {
          ++handled_;
          if (slow_) std::this_thread::sleep_for(std::chrono::milliseconds(300));
          return OkStatus();
        },
        [] { return OkStatus(); });
    WebhookServerOptions o;
    o.listen_addr = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.handler_threads = handler_threads_;
    o.idle_timeout = idle;
    o.io_timeout = idle;
    auto s = WebhookServer::Start(o, handler);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    server_ = std::move(*s);
  }
  void TearDown() override {
    if (server_) server_->Stop(std::chrono::seconds(5));
  }
  std::map<std::string, std::string> Secret() { return {{"X-Telegram-Bot-Api-Secret-Token", "s3cret"}}; }

  std::unique_ptr<WebhookServer> server_;
  std::atomic<int> handled_{0};
  std::atomic<bool> slow_{false};
  int handler_threads_ = 4;  // 0 = inline mode
};

TEST_F(WebhookServerTest, StatusCodesOverTheWire) {
  Start();
  const auto port = server_->port();
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", Secret(), R"({"update_id":1})").status, 200);
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", {}, R"({"update_id":1})").status, 401);
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", {{"X-Telegram-Bot-Api-Secret-Token", "nope"}},
                        R"({"update_id":1})")
                .status,
            401);
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", Secret(), "{oops").status, 400);
  auto big = HttpRequest("POST", port, "/telegram/webhook", Secret(), std::string(4096, 'x'));
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(HttpRequest("PUT", port, "/telegram/webhook", Secret(), "{}").status, 405);
  EXPECT_EQ(HttpRequest("GET", port, "/healthz").status, 200);
  EXPECT_EQ(HttpRequest("GET", port, "/readyz").status, 200);
  auto metrics = HttpRequest("GET", port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("worthit_webhook_request_seconds"), std::string::npos);
  EXPECT_EQ(handled_, 1);
}

TEST_F(WebhookServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const std::string body = R"({"update_id":7})";
  std::string req =
      "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: s3cret\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string two = req + req;
  ASSERT_EQ(::send(fd, two.data(), two.size(), 0), static_cast<ssize_t>(two.size()));
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  size_t count = 0;
  while (std::chrono::steady_clock::now() < deadline && count < 2) {
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    count = 0;
    for (size_t pos = 0; (pos = got.find("HTTP/1.1 200", pos)) != std::string::npos; ++pos) ++count;
  }
  ::close(fd);
  EXPECT_EQ(count, 2u) << got;
  EXPECT_EQ(handled_, 2);
}

// The server parses a body that came with the header from its buffer, and reads the rest of one
// that did not: header + a piece of the body, a pause, then the rest.
TEST_F(WebhookServerTest, BodyArrivingInPiecesAfterTheHeaderIsReadWhole) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const std::string body =
      R"({"update_id":8,"edited_message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"}}})";
  const std::string head =
      "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: s3cret\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  const std::string first = head + body.substr(0, 10);
  ASSERT_EQ(::send(fd, first.data(), first.size(), 0), static_cast<ssize_t>(first.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the server has the partial body by now
  const std::string rest = body.substr(10);
  ASSERT_EQ(::send(fd, rest.data(), rest.size(), 0), static_cast<ssize_t>(rest.size()));
  ::shutdown(fd, SHUT_WR);
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_EQ(handled_, 1);
}

TEST_F(WebhookServerTest, SilentClientIsDisconnected) {
  Start(std::chrono::seconds(1));
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  ::send(fd, "POST /telegram/webhook HTTP/1.1\r\n", 33, 0);  // and then nothing
  auto [data, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed) << "a half-sent request must not hold the connection forever";
}

TEST_F(WebhookServerTest, StopFinishesInFlightRequests) {
  Start();
  slow_ = true;
  std::atomic<long> status{0};
  std::thread client([&] {
    status = HttpRequest("POST", server_->port(), "/telegram/webhook", Secret(), R"({"update_id":3})").status;
  });
  // Wait until the request is being handled, then stop.
  for (int i = 0; i < 3000 && handled_ == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->Stop(std::chrono::seconds(10));
  client.join();
  EXPECT_EQ(status, 200);
  EXPECT_LT(Connect(server_->port()), 0) << "no longer accepting";
}

// Inline mode (handler_threads = 0): the io threads run the handler themselves; the same answers,
// keep-alive, and a graceful stop that lets an in-flight request finish.
TEST_F(WebhookServerTest, InlineModeAnswersTheSameAndStopsGracefully) {
  handler_threads_ = 0;
  Start();
  const auto port = server_->port();
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", Secret(), R"({"update_id":1})").status, 200);
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", {}, R"({"update_id":1})").status, 401);
  EXPECT_EQ(HttpRequest("POST", port, "/telegram/webhook", Secret(), "{oops").status, 400);
  EXPECT_EQ(HttpRequest("GET", port, "/healthz").status, 200);
  EXPECT_EQ(handled_, 1);
  // A slow update occupies one io thread; the other still serves another connection.
  slow_ = true;
  std::atomic<long> status{0};
  std::thread client(
      [&] { status = HttpRequest("POST", port, "/telegram/webhook", Secret(), R"({"update_id":2})").status; });
  for (int i = 0; i < 3000 && handled_ < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(HttpRequest("GET", port, "/healthz").status, 200);
  server_->Stop(std::chrono::seconds(10));
  client.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(handled_, 2);
}

TEST(WebhookServerStart, PortInUseFails) {
  auto handler = std::make_shared<const WebhookHandler>(
      WebhookHandlerOptions{"/w", "s", 1024, ""}, [](const telegram::Update&) { return OkStatus(); }, nullptr);
  WebhookServerOptions o;
  o.listen_addr = "127.0.0.1";
  o.port = 0;
  auto a = WebhookServer::Start(o, handler);
  ASSERT_TRUE(a.ok());
  o.port = (*a)->port();
  auto b = WebhookServer::Start(o, handler);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "WEBHOOK_LISTEN_FAILED");
  (*a)->Stop(std::chrono::seconds(1));
}

}  // namespace
}  // namespace worthit::webhook
