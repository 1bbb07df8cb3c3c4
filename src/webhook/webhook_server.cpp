#include "webhook/webhook_server.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

#include "common/beast_body_parser.h"
#include "common/beast_serialize.h"
#include "common/http_read_reserve.h"
#include "common/io_strand.h"
#include "common/log.h"
#include "common/metrics.h"

namespace worthit::webhook {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// The session's request parser: Beast's framing (BodyParser, common/beast_body_parser.h) writing
// straight into the session's WebhookRequest: the method, the target, the one field the webhook reads
// (the secret token) and the body, in strings whose capacity a kept-alive connection reuses.
class RequestParser : public BodyParser<true> {
 public:
  // `out` outlives the parser; `max_body` bounds what a Content-Length makes it reserve up front.
  RequestParser(WebhookRequest& out, uint64_t max_body) : BodyParser(out.body, max_body), out_(out) {
    out_.body_too_large = false;
  }

 private:
  static constexpr std::string_view kSecretField = "X-Telegram-Bot-Api-Secret-Token";

  void on_request_impl(http::verb, string_view method, string_view target, int, error_code&) override {
    out_.method.assign(method.data(), method.size());
    out_.target.assign(target.data(), target.size());
  }
  void on_field_impl(http::field, string_view name, string_view value, error_code&) override {
    // The first one counts if a client repeats it (as basic_fields::find returned the first). The
    // string is assigned, not re-created: its capacity is kept for the connection's next request.
    if (secret_seen_ || !beast::iequals(name, kSecretField)) return;
    secret_seen_ = true;
    if (!out_.secret) out_.secret.emplace();
    out_.secret->assign(value.data(), value.size());
  }
  void on_header_impl(error_code&) override {
    if (!secret_seen_) out_.secret.reset();
  }

  WebhookRequest& out_;
  bool secret_seen_ = false;
};

struct Shared {
  WebhookServerOptions options;
  std::shared_ptr<const WebhookHandler> handler;
  net::thread_pool* pool = nullptr;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  metrics::Histogram* latency = nullptr;
};

// One connection. Reads and writes without Beast's composed operations (docs/performance.md, issue 2,
// session 7): raw bytes are read with the socket's async_read_some into the flat_buffer and fed to
// Beast's parser (RequestParser) with put(); a response is serialized by Beast's serializer into a string
// (AppendSerialized) and written with one non-blocking write_some, falling back to async_write for
// what the kernel did not take. The framing stays Beast's; the session only moves bytes.
// Timeouts: a per-session watchdog timer (see SetDeadline) instead of beast::tcp_stream's, which
// armed and cancelled a timer around every single read and write (a cancelled wait is one more
// handler through the scheduler). Every socket operation still runs under a deadline.
// All handlers run on the socket's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : socket_(std::move(socket)), watchdog_(socket_.get_executor()), shared_(std::move(shared)) {
    buffer_.reserve(kHttpReadReserve);  // one read takes a whole update (http_read_reserve.h)
  }

  void Start() {
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      // Non-blocking: Write's direct write_some must never block the io thread (Asio's async
      // operations are unaffected by this flag).
      beast::error_code ec;
      self->socket_.non_blocking(true, ec);
      if (ec) return self->Close();
      self->ReadHeader();
    });
  }

 private:
  using Clock = std::chrono::steady_clock;
  // Pipelined requests already in the buffer are answered inline, one inside the other's stack
  // frame; past this depth the next one goes through a post, so a client that pipelines thousands
  // of tiny requests cannot overflow the io thread's stack.
  static constexpr int kMaxInlineDepth = 16;
  // A response string grown past this (a big /metrics) is released after its write instead of kept
  // for the connection's life.
  static constexpr size_t kKeepWriteCapacity = 64 * 1024;
  // How long a refused client may keep sending before the connection is closed anyway.
  static constexpr int kDrainSeconds = 2;

  void ReadHeader() {
    if (shared_->stopping) return Close();
    parser_.emplace(request_, shared_->handler->options().max_body_bytes);
    // No limit while reading the header: Beast would fail a large Content-Length before we could
    // check the secret (401 must win over 413). The cap is set before the body is read.
    parser_->body_limit(boost::none);
    parser_->header_limit(16 * 1024);  // Telegram sends a few hundred bytes of headers
    reading_body_ = false;
    SetDeadline(shared_->options.idle_timeout);  // the whole header, however many reads it takes
    Parse();
  }

  // Feeds the buffered bytes to the parser (a pipelined request may already be there), then reads
  // more until the header (then the body) is complete. Beast's parser does all the framing.
  void Parse() {
    beast::error_code ec;
    while (!(reading_body_ ? parser_->is_done() : parser_->is_header_done())) {
      if (buffer_.size() == 0) return ReadMore();
      const size_t n = parser_->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == http::error::need_more) return ReadMore();  // the rest is still on the wire
      if (ec) break;
      if (n == 0) return ReadMore();
    }
    if (!reading_body_) return OnHeader(ec);
    OnBody(ec);
  }

  void ReadMore() {
    if (reading_body_ && !body_deadline_set_) {
      // Set only when the body did not come with the header (the usual case needs no read at all).
      body_deadline_set_ = true;
      SetDeadline(shared_->options.io_timeout);
    }
    socket_.async_read_some(buffer_.prepare(beast::read_size(buffer_, kHttpMaxRead)),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();  // end of stream, reset, or the watchdog
                              self->buffer_.commit(n);
                              self->Parse();
                            });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Close();
    deadline_ = Clock::time_point::max();  // no socket operation until the body read or the write
    started_ = Clock::now();
    shared_->in_flight++;
    counted_ = true;
    // The parser has filled request_'s method, target and secret (RequestParser).
    keep_alive_ = parser_->keep_alive();
    auto length = parser_->content_length();
    if (auto pre = shared_->handler->PreCheck(request_.method, request_.target, request_.secret,
                                              length ? std::optional<uint64_t>(*length) : std::nullopt)) {
      // The body (if any) is not read: close after answering so it cannot be mistaken for the next request.
      body_unread_ = !parser_->is_done();
      keep_alive_ = keep_alive_ && !body_unread_;
      return Write(std::move(*pre));
    }
    parser_->body_limit(shared_->handler->options().max_body_bytes);  // chunked bodies have no length up front
    // The body usually arrived with the header (one read takes both): Parse takes it from the
    // buffer without a read, and OnBody runs in this same call.
    reading_body_ = true;
    body_deadline_set_ = false;
    Parse();
  }

  void OnBody(beast::error_code ec) {
    deadline_ = Clock::time_point::max();
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      body_unread_ = true;
      return Write({413, "text/plain; charset=utf-8", "payload too large\n"});
    }
    if (ec) return Close();
    if (shared_->in_flight > shared_->options.max_in_flight) {
      return Write({503, "text/plain; charset=utf-8", "overloaded\n"});
    }
    if (shared_->handler->IsAsync(request_)) {
      // Event-driven: the handler starts the update's work and answers through the callback (on
      // whichever thread finished it); this io thread goes back to other sockets at once.
      // dispatch: when the answer comes on this session's strand (the one strand shared by the
      // io_context's objects with HTTP_THREADS=1, common/io_strand.h) it is written at once, no
      // trip through the scheduler; from another thread (the blocking pool) it is posted.
      return shared_->handler->HandleAsync(request_, [self = shared_from_this()](WebhookResponse response) {
        net::dispatch(self->socket_.get_executor(),
                      [self, response = std::move(response)]() mutable { self->Write(std::move(response)); });
      });
    }
    if (request_.target == "/healthz") {
      // Liveness is answered by the io thread itself: instant even when every handler is busy.
      return Write(shared_->handler->Handle(request_));
    }
    if (shared_->pool == nullptr) {
      // Inline mode (handler_threads = 0): this io thread runs the handler and writes the answer
      // itself; no hand-off to a pool and back (two thread switches per request saved). While it
      // blocks, the other io threads serve the other connections.
      return Write(shared_->handler->Handle(request_));
    }
    // Application code runs on the handler pool; the io thread goes back to other sockets.
    net::post(*shared_->pool, [self = shared_from_this()] {
      WebhookResponse response = self->shared_->handler->Handle(self->request_);
      net::post(self->socket_.get_executor(),
                [self, response = std::move(response)]() mutable { self->Write(std::move(response)); });
    });
  }

  void Write(WebhookResponse r) {
    if (shared_->stopping) keep_alive_ = false;
    // out_ still holds the bytes Beast serialized for the session's previous response (empty when
    // there was none, or they were released). A response equal to it (status, content type, body and
    // keep-alive: the 200 every update gets) is sent as those bytes again: serializing it anew cost
    // ≈ 2.5 % of `serve`'s CPU per update.
    const bool same_as_last = !out_.empty() && response_.result_int() == static_cast<unsigned>(r.status) &&
                              response_.keep_alive() == keep_alive_ && response_.body() == r.body &&
                              response_[http::field::content_type] == r.content_type;
    if (!same_as_last) {
      // The header fields are kept from the session's previous response: Server never changes and
      // Content-Type rarely does, and each field Beast sets is an allocation.
      response_.version(11);
      response_.result(static_cast<http::status>(r.status));
      if (response_.find(http::field::server) == response_.end()) response_.set(http::field::server, "worthit");
      if (response_[http::field::content_type] != r.content_type)
        response_.set(http::field::content_type, r.content_type);
      response_.keep_alive(keep_alive_);
      response_.body() = std::move(r.body);
      response_.prepare_payload();
      out_.clear();                             // keeps the capacity of the session's previous response
      if (AppendSerialized(response_, out_)) {  // a string body's writer cannot fail
        out_.clear();                           // never a partial serialization to reuse
        return Close();
      }
    }
    // Usually the kernel takes the whole response at once: no composed write operation, no
    // completion through the scheduler; OnWrite's continuation runs right here.
    beast::error_code ec;
    size_t sent = socket_.write_some(net::buffer(out_), ec);
    if (!ec && sent == out_.size()) {
      if (inline_depth_ >= kMaxInlineDepth) {
        net::post(socket_.get_executor(), [self = shared_from_this()] { self->OnWrite({}); });
        return;
      }
      ++inline_depth_;
      OnWrite({});
      --inline_depth_;
      return;
    }
    if (ec && ec != net::error::would_block && ec != net::error::try_again) return OnWrite(ec);
    if (ec) sent = 0;
    // The send buffer is full (a big response, or a client that does not read): the rest waits
    // for the socket to be writable, under io_timeout.
    SetDeadline(shared_->options.io_timeout);
    net::async_write(socket_, net::buffer(out_.data() + sent, out_.size() - sent),
                     [self = shared_from_this()](beast::error_code write_ec, size_t) { self->OnWrite(write_ec); });
  }

  void OnWrite(beast::error_code ec) {
    deadline_ = Clock::time_point::max();
    if (out_.capacity() > kKeepWriteCapacity) std::string().swap(out_);
    Finish();
    if (!ec && body_unread_) return Drain();
    if (ec || !keep_alive_) return Close();
    ReadHeader();
  }

  // Lingering close: the client may still be sending a body we refused. Closing with unread data
  // makes the kernel send RST, which can destroy our response before the client reads it; so stop
  // sending, read and discard for a short, bounded while, then close.
  void Drain() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    SetDeadline(std::chrono::seconds(kDrainSeconds));
    DrainMore();
  }
  void DrainMore() {
    socket_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->DrainMore();
    });
  }

  // The watchdog: `deadline_` is when the pending socket operation (or sequence of reads, e.g. a
  // whole header) times out; max() while none is pending (the request is being handled). The timer
  // is re-armed only when a deadline comes earlier than its expiry, or when it fires before the
  // current deadline (at most once per timeout period) — setting a later deadline, as every
  // kept-alive request does, costs a clock read and no timer operation. On expiry the socket is
  // closed: the pending operation completes with operation_aborted and its handler closes the session.
  void SetDeadline(Clock::duration timeout) {
    deadline_ = Clock::now() + timeout;
    if (!watchdog_armed_ || deadline_ < watchdog_expiry_) ArmWatchdog();
  }
  void ArmWatchdog() {
    watchdog_armed_ = true;
    watchdog_expiry_ = deadline_;
    const uint64_t generation = ++watchdog_generation_;
    watchdog_.expires_at(deadline_);  // cancels the previous wait, if any (superseded below)
    watchdog_.async_wait(
        [self = shared_from_this(), generation](beast::error_code ec) { self->OnWatchdog(ec, generation); });
  }
  void OnWatchdog(beast::error_code ec, uint64_t generation) {
    if (generation != watchdog_generation_) return;  // a later ArmWatchdog superseded this wait
    watchdog_armed_ = false;
    if (ec || closed_ || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < deadline_) return ArmWatchdog();  // the deadline moved on since this wait began
    beast::error_code ignored;
    socket_.close(ignored);  // the slow or half-open client's pending operation fails; its handler closes
  }

  void Finish() {
    if (!counted_) return;
    counted_ = false;
    shared_->latency->Observe(std::chrono::duration<double>(Clock::now() - started_).count());
    shared_->in_flight--;
  }

  void Close() {
    Finish();
    if (closed_) return;
    closed_ = true;
    deadline_ = Clock::time_point::max();
    watchdog_.cancel();  // releases the wait's reference to this session now
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  net::steady_timer watchdog_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Shared> shared_;
  std::optional<RequestParser> parser_;  // fills request_
  http::response<http::string_body> response_;
  std::string out_;  // the serialization of response_, being written (and reused for an equal response)
  WebhookRequest request_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point watchdog_expiry_;
  uint64_t watchdog_generation_ = 0;
  bool watchdog_armed_ = false;
  bool reading_body_ = false;
  bool body_deadline_set_ = false;
  bool keep_alive_ = false;
  bool body_unread_ = false;
  bool counted_ = false;
  bool closed_ = false;
  int inline_depth_ = 0;
  std::array<char, 4096> drain_{};
  Clock::time_point started_;
};

class BeastServer final : public WebhookServer {
 public:
  BeastServer(const WebhookServerOptions& options, std::shared_ptr<const WebhookHandler> handler,
              std::shared_ptr<net::io_context> io)
      : io_(io ? std::move(io) : MakeIoContext(options.io_threads)),
        ioc_(*io_),
        work_(net::make_work_guard(ioc_)),
        acceptor_(StrandFor(ioc_)),
        pool_(options.handler_threads > 0 ? std::make_unique<net::thread_pool>(options.handler_threads) : nullptr) {
    shared_ = std::make_shared<Shared>();
    shared_->options = options;
    shared_->handler = std::move(handler);
    shared_->pool = pool_.get();
    shared_->latency = &metrics::Registry::Global().GetHistogram("worthit_webhook_request_seconds",
                                                                 "Webhook request latency (header read to response)");
  }

  ~BeastServer() override { Stop(std::chrono::milliseconds(0)); }

  Status Listen() {
    beast::error_code ec;
    auto address = net::ip::make_address(shared_->options.listen_addr, ec);
    if (ec) return Error::Invalid("WEBHOOK_LISTEN_FAILED", "bad LISTEN_ADDR " + shared_->options.listen_addr);
    tcp::endpoint endpoint(address, shared_->options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error::Permanent("WEBHOOK_LISTEN_FAILED", "listen on " + shared_->options.listen_addr + ":" +
                                                           std::to_string(shared_->options.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (int i = 0; i < shared_->options.io_threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
    return OkStatus();
  }

  uint16_t port() const override { return port_; }

  void Stop(std::chrono::milliseconds grace) override {
    if (stopped_.exchange(true)) return;
    shared_->stopping = true;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    // Let requests already being handled finish and answer (bounded by `grace`).
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (shared_->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pool_) pool_->join();
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void Accept() {
    acceptor_.async_accept(StrandFor(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        log::Warn("webhook.accept_failed", {{"error", ec.message()}});
      } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), shared_)->Start();
      }
      if (acceptor_.is_open()) Accept();
    });
  }

  std::shared_ptr<net::io_context> io_;
  net::io_context& ioc_;
  // Keeps the io threads running while a request is on the handler pool (no socket operation is
  // pending then, and io_context::run would otherwise return and never write the response).
  net::executor_work_guard<net::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  std::unique_ptr<net::thread_pool> pool_;  // null in inline mode (handler_threads = 0)
  std::shared_ptr<Shared> shared_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

std::shared_ptr<net::io_context> MakeIoContext(int threads) {
  auto io = std::make_shared<net::io_context>(std::max(1, threads));
  if (threads <= 1) ShareOneStrand(*io);  // one thread: every object on one strand (common/io_strand.h)
  return io;
}

Result<std::unique_ptr<WebhookServer>> WebhookServer::Start(const WebhookServerOptions& options,
                                                            std::shared_ptr<const WebhookHandler> handler,
                                                            std::shared_ptr<net::io_context> io) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler), std::move(io));
  if (auto s = server->Listen(); !s.ok()) return s.error();
  return std::unique_ptr<WebhookServer>(std::move(server));
}

}  // namespace worthit::webhook
