// Boost.Beast adapter of HttpServer (see http_server.h). Beast stays in this file and
// http_client.cpp only.
#include "playground/http_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "common/log.h"

namespace worthit::playground {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
// A keep-alive connection idle this long is closed (browsers reopen as needed).
constexpr int kIdleTimeoutMs = 75'000;
// Granularity at which idle connections notice Stop().
constexpr int kPollSliceMs = 200;
}  // namespace

struct HttpServer::Impl {
  net::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  HttpHandler handler;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};
  std::atomic<uint16_t> port{0};

  std::mutex mu;
  std::condition_variable cv;
  std::set<int> open_fds;  // native handles of live connections (shut down on Stop)
  int live = 0;            // connection threads still running

  void AcceptLoop() {
    while (!stopping) {
      tcp::socket socket(ioc);
      beast::error_code ec;
      acceptor->accept(socket, ec);
      if (stopping) break;
      if (ec) {
        if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // EMFILE and the like: back off
        continue;
      }
      std::unique_lock lock(mu);
      if (live >= kMaxConnections) {
        lock.unlock();
        socket.close(ec);
        continue;
      }
      ++live;
      open_fds.insert(socket.native_handle());
      lock.unlock();
      // The socket lives on the heap so that it is destroyed before the thread reports itself
      // finished: after `live` drops to 0, Stop() may destroy the io_context it belongs to.
      std::thread([this, s = std::make_unique<tcp::socket>(std::move(socket))]() mutable {
        const int fd = s->native_handle();
        Serve(*s);
        {
          std::lock_guard guard(mu);
          open_fds.erase(fd);  // before close(): the number may be reused by the next accept
          beast::error_code ignored;
          s->close(ignored);
        }
        s.reset();
        std::lock_guard guard(mu);
        --live;
        cv.notify_all();
      }).detach();
    }
  }

  // Waits until the socket is readable, the idle timeout passes or the server stops.
  bool WaitReadable(int fd) {
    for (int waited = 0; waited < kIdleTimeoutMs && !stopping; waited += kPollSliceMs) {
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, kPollSliceMs);
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
    return false;
  }

  void Serve(tcp::socket& socket) {
    const int fd = socket.native_handle();
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      if (buffer.size() == 0 && !WaitReadable(fd)) break;
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBodyBytes);
      http::read(socket, buffer, parser, ec);
      if (ec == http::error::body_limit) {
        http::response<http::string_body> res{http::status::payload_too_large, 11};
        res.set(http::field::content_type, "text/plain");
        res.body() = "request body too large";
        res.prepare_payload();
        http::write(socket, res, ec);
        break;
      }
      if (ec) break;
      auto& req = parser.get();
      HttpRequest in;
      in.method = std::string(req.method_string());
      in.target = std::string(req.target());
      const auto q = in.target.find('?');
      in.path = in.target.substr(0, q);
      in.query = q == std::string::npos ? "" : in.target.substr(q + 1);
      for (const auto& field : req) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        in.headers[name] = std::string(field.value());
      }
      in.body = std::move(req.body());
      HttpResponse out;
      try {
        out = handler(in);
      } catch (const std::exception& e) {
        log::Error("playground.http.handler_failed", {{"path", in.path}, {"error", e.what()}});
        out = HttpResponse::Json(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
      }
      http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
      res.set(http::field::server, "worthit-playground");
      res.set(http::field::content_type, out.content_type);
      res.set(http::field::cache_control, "no-store");
      for (const auto& [k, v] : out.headers) res.set(k, v);
      res.keep_alive(req.keep_alive() && !stopping);
      res.body() = std::move(out.body);
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !res.keep_alive()) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
};

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}
HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start(const std::string& address, uint16_t port, HttpHandler handler) {
  beast::error_code ec;
  const auto addr = net::ip::make_address(address, ec);
  if (ec) return Error::Invalid("HTTP_LISTEN_FAILED", "bad listen address " + address);
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->ioc);
  const tcp::endpoint endpoint(addr, port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::Transient("HTTP_LISTEN_FAILED",
                            "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  }
  impl_->port = acceptor->local_endpoint().port();
  impl_->acceptor = std::move(acceptor);
  impl_->handler = std::move(handler);
  impl_->accept_thread = std::thread([this] { impl_->AcceptLoop(); });
  return OkStatus();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  if (!impl_->acceptor || impl_->stopping.exchange(true)) return;
  // shutdown() on the listening socket wakes the blocking accept() on Linux.
  ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  beast::error_code ec;
  impl_->acceptor->close(ec);
  std::unique_lock lock(impl_->mu);
  for (int fd : impl_->open_fds) ::shutdown(fd, SHUT_RDWR);
  // Bounded: every connection thread is unblocked by the shutdown above or by its poll slice;
  // a handler stuck in a long poll is woken by its owner before Stop() (see header).
  impl_->cv.wait_for(lock, std::chrono::seconds(60), [&] { return impl_->live == 0; });
}

}  // namespace worthit::playground
