// PageServer: a small HTTP/1.1 server on 127.0.0.1 for tests of page fetching and end-to-end
// runs — serves fixture files, redirects, slow responses, huge bodies, 403/503 and captcha
// pages, and records every request it receives (so a test can prove that a blocked address got
// none).
//
// Ownership: the server owns a LoopbackListener (listening socket, accept thread, one thread per
// connection: tests make few); the destructor stops and joins them all (bounded: slow and
// streaming responses check the stop flag every 10 ms). Requests are parsed and response heads
// written by Beast (http_wire.h).
// Thread-safety: Route/ServeFile/Redirect and the request accessors may be called from any
// thread while the server runs. Connections are served concurrently, "Connection: close".
// Failure: the constructor throws std::runtime_error when it cannot bind 127.0.0.1.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/loopback_listener.h"

namespace worthit::testing {

class PageServer {
 public:
  struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "text/html; charset=utf-8"}};
    std::string body;
    std::chrono::milliseconds delay{0};  // before the status line is sent
    size_t stream_bytes = 0;             // > 0: send this many filler bytes as the body instead
    bool send_length = true;             // false: no Content-Length, the body ends when the connection closes
  };

  struct Request {
    std::string method;
    std::string target;                          // path and query as sent
    std::map<std::string, std::string> headers;  // lower-cased names
  };

  PageServer();
  ~PageServer();
  PageServer(const PageServer&) = delete;
  PageServer& operator=(const PageServer&) = delete;

  uint16_t port() const;
  // "http://127.0.0.1:<port><path>"
  std::string Url(const std::string& path) const;

  // Exact match on the request target (path and query); unknown targets get 404.
  void Route(const std::string& target, Response response);
  void ServeFile(const std::string& target, const std::string& file,
                 const std::string& content_type = "text/html; charset=utf-8");
  void Redirect(const std::string& target, const std::string& location, int status = 302,
                std::vector<std::pair<std::string, std::string>> extra_headers = {});

  size_t RequestCount() const;
  std::vector<Request> Requests() const;

 private:
  void Serve(int fd);

  // Requests in tests are small; a bigger one means something is wrong.
  static constexpr size_t kMaxRequest = 64 * 1024;

  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, Response> routes_;
  std::vector<Request> requests_;
  std::unique_ptr<LoopbackListener> listener_;  // last: its threads use the members above
};

}  // namespace worthit::testing
