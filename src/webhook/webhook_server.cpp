#include "webhook/webhook_server.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

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

struct Shared {
  WebhookServerOptions options;
  std::shared_ptr<const WebhookHandler> handler;
  net::thread_pool* pool = nullptr;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  metrics::Histogram* latency = nullptr;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared) : stream_(std::move(socket)), shared_(std::move(shared)) {
    buffer_.reserve(kHttpReadReserve);  // one read takes a whole update (http_read_reserve.h)
  }

  void Start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  void ReadHeader() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    // No limit while reading the header: Beast would fail a large Content-Length before we could
    // check the secret (401 must win over 413). The cap is set before the body is read.
    parser_->body_limit(boost::none);
    parser_->header_limit(16 * 1024);  // Telegram sends a few hundred bytes of headers
    stream_.expires_after(shared_->options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return Close();
    started_ = std::chrono::steady_clock::now();
    shared_->in_flight++;
    counted_ = true;
    const auto& h = parser_->get();
    // assign(): a kept-alive session reuses the strings' capacity instead of allocating per request.
    request_.method.assign(h.method_string());
    request_.target.assign(h.target());
    if (auto it = h.find("X-Telegram-Bot-Api-Secret-Token"); it != h.end()) {
      if (!request_.secret) request_.secret.emplace();
      request_.secret->assign(it->value());
    } else {
      request_.secret.reset();
    }
    request_.body.clear();
    request_.body_too_large = false;
    keep_alive_ = h.keep_alive();
    auto length = parser_->content_length();
    if (auto pre = shared_->handler->PreCheck(request_.method, request_.target, request_.secret,
                                              length ? std::optional<uint64_t>(*length) : std::nullopt)) {
      // The body (if any) is not read: close after answering so it cannot be mistaken for the next request.
      body_unread_ = !parser_->is_done();
      keep_alive_ = keep_alive_ && !body_unread_;
      return Write(std::move(*pre));
    }
    parser_->body_limit(shared_->handler->options().max_body_bytes);  // chunked bodies have no length up front
    if (ParseBuffered()) return;
    stream_.expires_after(shared_->options.io_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  // The body usually arrived with the header (one read takes both). Beast's parser takes it from the
  // buffer here; an async_read would find it there too, but complete through a post: one more trip
  // through the scheduler (and one more epoll_wait) per request. True when OnBody ran.
  bool ParseBuffered() {
    beast::error_code ec;
    while (!parser_->is_done() && buffer_.size() > 0) {
      const size_t n = parser_->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == http::error::need_more) return false;  // the rest is still on the wire
      if (ec) break;
      if (n == 0) return false;
    }
    if (!ec && !parser_->is_done()) return false;
    OnBody(ec, 0);
    return true;
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      body_unread_ = true;
      return Write({413, "text/plain; charset=utf-8", "payload too large\n"});
    }
    if (ec) return Close();
    request_.body = std::move(parser_->get().body());
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
        net::dispatch(self->stream_.get_executor(),
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
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable { self->Write(std::move(response)); });
    });
  }

  void Write(WebhookResponse r) {
    // The header fields are kept from the session's previous response: Server never changes and
    // Content-Type rarely does, and each field Beast sets is an allocation.
    response_.version(11);
    response_.result(static_cast<http::status>(r.status));
    if (response_.find(http::field::server) == response_.end()) response_.set(http::field::server, "worthit");
    if (response_[http::field::content_type] != r.content_type)
      response_.set(http::field::content_type, r.content_type);
    if (shared_->stopping) keep_alive_ = false;
    response_.keep_alive(keep_alive_);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    stream_.expires_after(shared_->options.io_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
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
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(kDrainSeconds));
    DrainMore();
  }
  void DrainMore() {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->stream_.close();
      self->DrainMore();
    });
  }

  void Finish() {
    if (!counted_) return;
    counted_ = false;
    shared_->latency->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    shared_->in_flight--;
  }

  void Close() {
    Finish();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Shared> shared_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  WebhookRequest request_;
  // How long a refused client may keep sending before the connection is closed anyway.
  static constexpr int kDrainSeconds = 2;
  bool keep_alive_ = false;
  bool body_unread_ = false;
  bool counted_ = false;
  std::array<char, 4096> drain_{};
  std::chrono::steady_clock::time_point started_;
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
