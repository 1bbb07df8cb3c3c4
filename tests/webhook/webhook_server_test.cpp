#include "webhook/webhook_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/tcp.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "common/metrics.h"

#include "support/http_client.h"
#include "support/loopback_listener.h"

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
        [this](const telegram::Update& update) -> Status {
          {
            std::lock_guard lock(ids_mu_);
            update_ids_.push_back(update.update_id);
          }
          ++handled_;
          if (slow_) std::this_thread::sleep_for(std::chrono::milliseconds(300));
          return OkStatus();
        },
        [this]() -> Status {
          if (ready_message_.empty()) return OkStatus();
          return Error::Transient("NOT_READY", ready_message_);  // /readyz answers 503 with it
        });
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
  std::mutex ids_mu_;
  std::vector<int64_t> update_ids_;  // of the updates handled, in order
  std::atomic<bool> slow_{false};
  int handler_threads_ = 4;    // 0 = inline mode
  std::string ready_message_;  // non-empty: /readyz fails with this message in its body
};

// The responses in `wire`, in order, each checked to be whole: its header ends and its body has
// exactly Content-Length bytes. Stops at the first incomplete one.
std::vector<std::string> SplitResponses(const std::string& wire) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < wire.size()) {
    const size_t end = wire.find("\r\n\r\n", pos);
    if (end == std::string::npos || wire.compare(pos, 9, "HTTP/1.1 ") != 0) break;
    const std::string head = wire.substr(pos, end - pos);
    const size_t cl = head.find("Content-Length: ");
    if (cl == std::string::npos) break;
    const size_t length = std::stoul(head.substr(cl + 16));
    if (wire.size() < end + 4 + length) break;
    out.push_back(wire.substr(pos, end + 4 + length - pos));
    pos = end + 4 + length;
  }
  return out;
}

// The status codes of the responses in `wire` (SplitResponses).
std::vector<int> Statuses(const std::string& wire) {
  std::vector<int> out;
  for (const auto& response : SplitResponses(wire)) out.push_back(std::stoi(response.substr(9, 3)));
  return out;
}

std::string UpdateRequest(const std::string& body, const std::string& secret = "s3cret",
                          const std::string& extra_headers = "") {
  return "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: " + secret +
         "\r\nContent-Type: application/json\r\n" + extra_headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

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

// The other deadlines: a kept-alive connection that goes quiet after an answer, and a body that
// stops halfway, are closed too (the session's watchdog re-arms for the later deadline).
TEST_F(WebhookServerTest, IdleKeepAliveAndHalfSentBodyAreDisconnected) {
  Start(std::chrono::seconds(1));
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::WriteAll(fd, UpdateRequest(R"({"update_id":31})")));  // answered, then nothing more
  auto [answered, idle_closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(idle_closed) << "an idle keep-alive connection must be closed";
  EXPECT_EQ(Statuses(answered), std::vector<int>{200}) << answered;
  fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const std::string request = UpdateRequest(R"({"update_id":32})");
  ASSERT_TRUE(testing::WriteAll(fd, request.substr(0, request.size() - 5)));  // the body stops short
  auto [partial, body_closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(body_closed) << "a half-sent body must not hold the connection forever";
  EXPECT_TRUE(Statuses(partial).empty()) << partial;
  EXPECT_EQ(handled_, 1);
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

// Several requests in one write (HTTP pipelining): each is answered, in order. The last asks to close,
// so the server closes after it. Past the first few, the answers are continued through a post
// instead of inline (a bound on the stack depth): 40 requests cover both.
TEST_F(WebhookServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  std::string wire = UpdateRequest(R"({"update_id":11})") + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> expected = {200, 404};
  for (int i = 0; i < 40; ++i) {
    wire += i % 2 == 0 ? "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n";
    expected.push_back(i % 2 == 0 ? 200 : 404);
  }
  wire += UpdateRequest(R"({"update_id":12})", "s3cret", "Connection: close\r\n");
  expected.push_back(200);
  ASSERT_TRUE(testing::WriteAll(fd, wire));
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(Statuses(got), expected) << got;
  EXPECT_EQ(handled_, 2);
}

// A session sends the bytes of its previous response again when the next response is equal to it
// (Session::Write). Every response on a keep-alive connection must be byte for byte what the same
// request gets first on a fresh connection, whether it differs from the one before in status, body,
// content type or keep-alive, or equals it.
TEST_F(WebhookServerTest, EachResponseOnAKeepAliveConnectionIsItsOwn) {
  ready_message_ = "queue down";  // /readyz: 503 with this body, /healthz: 200
  Start();
  const std::string update = UpdateRequest(R"({"update_id":21})");
  const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string readyz = "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string missing = "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string bad_json = UpdateRequest("{oops");
  const std::string closing = UpdateRequest(R"({"update_id":22})", "s3cret", "Connection: close\r\n");
  const std::vector<std::string> sequence = {update,  update, healthz,  healthz,  update, readyz, readyz,
                                             missing, update, bad_json, bad_json, update, closing};
  // What one request gets first on a fresh connection (a closing request after it ends the read).
  auto first_response = [&](const std::string& request) {
    int fd = Connect(server_->port());
    EXPECT_GE(fd, 0);
    EXPECT_TRUE(testing::WriteAll(fd, request + (request == closing ? "" : closing)));
    auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
    ::close(fd);
    EXPECT_TRUE(closed);
    auto responses = SplitResponses(got);
    return responses.empty() ? std::string() : responses.front();
  };
  std::vector<std::string> expected;
  for (const auto& request : sequence) expected.push_back(first_response(request));
  ASSERT_NE(expected.back().find("Connection: close"), std::string::npos) << expected.back();
  ASSERT_EQ(expected.back().substr(0, 12), "HTTP/1.1 200");

  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  for (const auto& request : sequence) {  // one at a time: each answer is read before the next request
    ASSERT_TRUE(testing::WriteAll(fd, request));
    if (&request == &sequence.back()) break;
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (SplitResponses(got).empty() && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    const size_t i = static_cast<size_t>(&request - sequence.data());
    ASSERT_EQ(SplitResponses(got), std::vector<std::string>{expected[i]}) << "request " << i;
  }
  auto [last, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(SplitResponses(last), std::vector<std::string>{expected.back()});
}

// A request in many tiny writes: the header byte by byte, the body later in two pieces. The parser
// is fed what each read brought and asks for more until the message is whole.
TEST_F(WebhookServerTest, RequestInTinyPiecesIsAnswered) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // each byte its own segment
  const std::string body = R"({"update_id":21})";
  const std::string request = UpdateRequest(body);
  const size_t header_size = request.size() - body.size();
  for (size_t i = 0; i < header_size; ++i) {
    ASSERT_EQ(::send(fd, request.data() + i, 1, MSG_NOSIGNAL), 1);
    if (i % 16 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // let some bytes go alone
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(testing::WriteAll(fd, body.substr(0, 5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(testing::WriteAll(fd, body.substr(5) + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(Statuses(got), (std::vector<int>{200, 200})) << got;
  EXPECT_EQ(handled_, 1);
}

// A response larger than any socket send buffer (tcp_wmem's maximum is 4 MiB by default): the first
// direct write takes part of it and the rest is written as the client reads. It arrives whole,
// and the connection then serves the next request.
TEST_F(WebhookServerTest, ResponseLargerThanTheSendBufferIsWrittenWhole) {
  ready_message_ = std::string(16 * 1024 * 1024, 'r');
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::WriteAll(fd,
                                "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(60));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(Statuses(got), (std::vector<int>{503, 200})) << got.substr(0, 300);
  const size_t first_body = got.find(std::string(1024, 'r'));
  ASSERT_NE(first_body, std::string::npos);
  EXPECT_NE(got.find(ready_message_), std::string::npos) << "the whole message, in one body";
}

// A client that asks for a big response and never reads cannot hold the session: the write times
// out (io_timeout), the request is finished (the latency histogram counts it) and the socket closed.
// Only the waiting is bounded by time; the outcome is what the server did.
TEST_F(WebhookServerTest, ClientThatDoesNotReadTimesOut) {
  ready_message_ = std::string(16 * 1024 * 1024, 'r');
  Start(std::chrono::seconds(1));
  auto& latency = metrics::Registry::Global().GetHistogram("worthit_webhook_request_seconds", "");
  const uint64_t before = latency.Count();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);  // before connect: a small window
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(server_->port());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_TRUE(testing::WriteAll(fd, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"));
  for (int i = 0; i < 3000 && latency.Count() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(latency.Count(), before + 1) << "the stuck write must end the request";
  // The server still answers others, and the stuck connection ends (reading it now drains what
  // the kernel had queued, then the close).
  EXPECT_EQ(HttpRequest("GET", server_->port(), "/healthz").status, 200);
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_LT(got.size(), ready_message_.size()) << "the response was cut off, not completed";
}

// A wrong secret with a body: 401 without reading the body, then a lingering close — the server
// stops sending (the client sees the end of the stream after the answer) and discards what the
// client still sends, so the answer is not destroyed by a reset.
TEST_F(WebhookServerTest, WrongSecretWithBodyGets401AndTheConnectionCloses) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const std::string body(1500, ' ');
  const std::string request = UpdateRequest(body, "wrong");
  ASSERT_TRUE(testing::WriteAll(fd, request.substr(0, request.size() - 1000)));  // the header and part of the body
  std::string got;
  bool closed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!closed && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      closed = true;
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_TRUE(closed) << "end of stream after the 401";
  EXPECT_EQ(Statuses(got), std::vector<int>{401}) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  // The rest of the body is still accepted (drained) rather than reset right away.
  EXPECT_TRUE(testing::WriteAll(fd, request.substr(request.size() - 1000)));
  ::close(fd);
  EXPECT_EQ(handled_, 0);
  // The same with the whole body in the first write (already in the server's buffer).
  fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::WriteAll(fd, request));
  auto [again, closed_again] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed_again);
  EXPECT_EQ(Statuses(again), std::vector<int>{401}) << again;
  EXPECT_EQ(handled_, 0);
}

// A chunked body has no length up front: the parser's body limit stops it while it is read, in
// pieces here, and the answer is 413 with a lingering close.
TEST_F(WebhookServerTest, ChunkedBodyOverTheLimitGets413) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const std::string head =
      "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: s3cret\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(testing::WriteAll(fd, head));
  const std::string chunk = "400\r\n" + std::string(1024, ' ') + "\r\n";  // 1 KiB per chunk; the limit is 2 KiB
  std::this_thread::sleep_for(std::chrono::milliseconds(10));             // the header alone first
  ASSERT_TRUE(testing::WriteAll(fd, chunk + chunk + chunk + "0\r\n\r\n"));
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(Statuses(got), std::vector<int>{413}) << got;
  EXPECT_EQ(handled_, 0);
}

// What the request parser keeps of a request, on one kept-alive connection: the secret field in
// any case, the first of two secret fields, a chunked body whole, and a request without the field
// after requests with it (the secret is not carried over: 401).
TEST_F(WebhookServerTest, SecretFieldAndBodyAreReadPerRequest) {
  Start();
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const std::string chunked_body = "9\r\n{\"update_\r\n7\r\nid\":31}\r\n0\r\n\r\n";
  const std::string wire =
      "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nx-telegram-BOT-api-secret-token: s3cret\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      chunked_body + UpdateRequest(R"({"update_id":32})", "s3cret", "X-Telegram-Bot-Api-Secret-Token: wrong\r\n") +
      "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n{\"update_id\":34}";
  ASSERT_TRUE(testing::WriteAll(fd, wire));
  auto [got, closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(Statuses(got), (std::vector<int>{200, 200, 401})) << got;
  // A 401 closes the connection: the other order of two secret fields on a connection of its own.
  fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::WriteAll(
      fd, UpdateRequest(R"({"update_id":33})", "wrong", "X-Telegram-Bot-Api-Secret-Token: s3cret\r\n")));
  auto [second, second_closed] = ReadUntilClose(fd, std::chrono::seconds(30));
  ::close(fd);
  EXPECT_TRUE(second_closed);
  EXPECT_EQ(Statuses(second), std::vector<int>{401}) << second;
  std::lock_guard lock(ids_mu_);
  EXPECT_EQ(update_ids_, (std::vector<int64_t>{31, 32}));
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
