// WebhookServer: the Boost.Beast HTTP/1.1 server in front of WebhookHandler.
//
// Threads: `io_threads` run the sockets (accept, read, write; never application code). Each
// complete request is handed to a bounded pool of `handler_threads` (the bot calls Telegram and
// the queue, which block); the response is posted back to the connection's strand. At most
// `max_in_flight` requests are handled at once; beyond that the server answers 503 at once
// (Telegram retries) instead of queueing without bound.
// Inline mode (handler_threads = 0): the io thread that read a request runs the handler and writes
// the answer, with no hand-off to a pool and back (two thread switches fewer per request). The
// handler blocks that thread, so io_threads is then also the number of requests handled at once
// (size it like handler_threads); the other connections are served by the other io threads.
// Timeouts: waiting for the next request on a keep-alive connection = idle_timeout; reading a
// request's body and writing a response = io_timeout. A slow or half-open client is closed.
// Event-driven handlers (WebhookHandler::IsAsync): the io thread hands the update over and goes back
// to its sockets; the answer is written when the handler calls back. /healthz is always answered
// by the io thread itself.
// Keep-alive: honoured (Telegram keeps up to max_connections connections open).
// Stop(): stops accepting, lets in-flight requests finish (up to `grace`), closes everything and
// joins the threads. Start() errors: WEBHOOK_LISTEN_FAILED (address in use, bad address).
// Thread-safety: Start/Stop/port from one controlling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "webhook/webhook_handler.h"

namespace boost::asio {
class io_context;
}

namespace worthit::webhook {

struct WebhookServerOptions {
  std::string listen_addr = "0.0.0.0";
  uint16_t port = 8080;  // 0 = any free port (tests)
  int io_threads = 2;
  int handler_threads = 8;  // 0 = inline mode (see above)
  int max_in_flight = 256;
  std::chrono::seconds idle_timeout{75};
  std::chrono::seconds io_timeout{30};
};

class WebhookServer {
 public:
  // io: the io_context to run the sockets on (nullptr: the server makes its own). Shared so the
  // event-driven front door's clients (Redis, Bot API) live on the same threads as the sockets:
  // a request then never changes thread. Destroy objects bound to it before the last owner.
  static Result<std::unique_ptr<WebhookServer>> Start(const WebhookServerOptions& options,
                                                      std::shared_ptr<const WebhookHandler> handler,
                                                      std::shared_ptr<boost::asio::io_context> io = nullptr);
  virtual ~WebhookServer() = default;
  virtual uint16_t port() const = 0;
  // Idempotent. Returns once every thread has exited.
  virtual void Stop(std::chrono::milliseconds grace) = 0;
};

// An io_context sized for `threads` threads, for Start() and the objects that share it.
std::shared_ptr<boost::asio::io_context> MakeIoContext(int threads);

}  // namespace worthit::webhook
