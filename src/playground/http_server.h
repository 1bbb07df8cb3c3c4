// HttpServer: a small blocking HTTP/1.1 server on one loopback address, one thread per connection.
//
// Why thread-per-connection: the playground's endpoints long-poll (getUpdates, the chat page's
// event stream) and block on condition variables; a blocking handler per connection keeps that
// code straight-line. Connections are capped (kMaxConnections) so a runaway client cannot spawn
// unbounded threads; over the cap the connection is closed at once.
// Ownership: the server owns its acceptor thread and connection threads; the handler is owned by
// the caller and must outlive Stop(). Thread-safety: the handler is called concurrently from many
// connection threads. Start/Stop from one controlling thread.
// Failure modes: Start fails with HTTP_LISTEN_FAILED (port taken, bad address). Stop() closes the
// listener and every open connection, then waits for the connection threads; handlers that block
// must watch their own stop flag (the Bot API server wakes its waiters before stopping this).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "playground/http_types.h"

namespace worthit::playground {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Enough for a bot, a few browser tabs (each holds ~6 connections) and tests.
  static constexpr int kMaxConnections = 256;
  // Largest request body accepted (the Bot API's text methods need far less); larger gets 413.
  static constexpr uint64_t kMaxBodyBytes = 8 * 1024 * 1024;

  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on address:port (port 0 = any free port) and serves `handler` until Stop().
  Status Start(const std::string& address, uint16_t port, HttpHandler handler);
  // The bound port (after Start).
  uint16_t port() const;
  // Idempotent; returns when every connection thread has finished.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace worthit::playground
