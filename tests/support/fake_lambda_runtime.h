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
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_listener.h"

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
  std::string Api() const { return "127.0.0.1:" + std::to_string(listener_->port()); }
  void PushEvent(const std::string& request_id, const std::string& event_json);
  std::vector<LambdaResult> Results() const;
  // Waits (bounded) until at least n results were posted.
  bool WaitForResults(size_t n, std::chrono::milliseconds timeout) const;
  // How many /next requests were answered with an event.
  size_t Delivered() const;
  void Stop();

 private:
  void Serve(int fd);

  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<std::pair<std::string, std::string>> events_;
  std::vector<LambdaResult> results_;
  size_t delivered_ = 0;
  // Last: its threads run Serve(), which uses every member above.
  std::unique_ptr<LoopbackListener> listener_;
};

}  // namespace worthit::testing
