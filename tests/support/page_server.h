// PageServer: a small HTTP/1.1 server on 127.0.0.1 for tests of page fetching and end-to-end
// runs — serves fixture files, redirects, slow responses, huge bodies, 403/503 and captcha
// pages, and records every request it receives (so a test can prove that a blocked address got
// none).
//
// Ownership: the server owns its listening socket, an accept thread and one thread per connection
// (tests make few); the destructor stops and joins them all (bounded: slow and streaming
// responses check the stop flag every 10 ms).
// Thread-safety: Route/ServeFile/Redirect and the request accessors may be called from any
// thread while the server runs. Connections are served concurrently, "Connection: close".
// Failure: the constructor throws std::runtime_error when it cannot bind 127.0.0.1.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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

  uint16_t port() const { return port_; }
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
  void Loop();
  void Serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, Response> routes_;
  std::vector<Request> requests_;
  std::vector<std::thread> connections_;  // guarded by mu_ (added by Loop, joined by the destructor)
  std::thread thread_;
};

}  // namespace worthit::testing
