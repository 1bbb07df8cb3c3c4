// FakeLambdaRuntime: a fake AWS Lambda Runtime API on 127.0.0.1 (free port) for tests.
//
// Serves the 2018-06-01 runtime protocol: GET /runtime/invocation/next hands out the events the test
// pushed, in order (blocking, as Lambda does, until one is queued or the fake stops), with the
// Lambda-Runtime-Aws-Request-Id / -Deadline-Ms / -Trace-Id headers; POST /invocation/<id>/response,
// /invocation/<id>/error and /init/error are recorded and answered 202. Any other request → 404.
// Thread-safety: public methods are safe from any thread; one thread per connection inside.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace worthit::testing {

struct LambdaResult {
  std::string request_id;  // empty for init errors
  std::string kind;        // "response", "error" or "init_error"
  std::string body;        // JSON text as posted
  std::string error_type;  // Lambda-Runtime-Function-Error-Type header, if any
};

class FakeLambdaRuntime {
 public:
  FakeLambdaRuntime();
  ~FakeLambdaRuntime();
  FakeLambdaRuntime(const FakeLambdaRuntime&) = delete;
  FakeLambdaRuntime& operator=(const FakeLambdaRuntime&) = delete;

  // "127.0.0.1:<port>", the value of AWS_LAMBDA_RUNTIME_API.
  std::string Api() const { return "127.0.0.1:" + std::to_string(port_); }
  void PushEvent(const std::string& request_id, const std::string& event_json);
  std::vector<LambdaResult> Results() const;
  // Waits (bounded) until at least n results were posted.
  bool WaitForResults(size_t n, std::chrono::milliseconds timeout) const;
  // How many /next requests were answered with an event.
  size_t Delivered() const;
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<std::pair<std::string, std::string>> events_;
  std::vector<LambdaResult> results_;
  size_t delivered_ = 0;
  std::set<int> open_fds_;
  std::vector<std::thread> connections_;
};

}  // namespace worthit::testing
