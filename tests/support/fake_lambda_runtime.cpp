#include "support/fake_lambda_runtime.h"

#include <vector>

#include "support/http_wire.h"

namespace worthit::testing {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime";
// Lambda answers "next" only when an event exists; the fake re-checks for shutdown this often.
constexpr auto kWaitSlice = std::chrono::milliseconds(100);
const std::vector<std::pair<std::string, std::string>> kJson = {{"Content-Type", "application/json"}};

}  // namespace

FakeLambdaRuntime::FakeLambdaRuntime()
    : listener_(std::make_unique<LoopbackListener>("FakeLambdaRuntime", 64, [this](int fd) { Serve(fd); })) {}

FakeLambdaRuntime::~FakeLambdaRuntime() { Stop(); }

void FakeLambdaRuntime::Stop() {
  {
    std::lock_guard lock(mu_);  // a waiter checks stopping_ under mu_: no lost wake-up
    stopping_ = true;
  }
  cv_.notify_all();
  listener_->Stop();
}

void FakeLambdaRuntime::PushEvent(const std::string& request_id, const std::string& event_json) {
  {
    std::lock_guard lock(mu_);
    events_.emplace_back(request_id, event_json);
  }
  cv_.notify_all();
}

std::vector<LambdaResult> FakeLambdaRuntime::Results() const {
  std::lock_guard lock(mu_);
  return results_;
}

size_t FakeLambdaRuntime::Delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

bool FakeLambdaRuntime::WaitForResults(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
}

void FakeLambdaRuntime::Serve(int fd) {
  std::string buffer;
  WireRequest req;
  while (!stopping_ && ReadRequest(fd, buffer, req)) {
    std::string answer;
    const std::string path = req.target.starts_with(kPrefix) ? req.target.substr(kPrefix.size()) : "";
    if (req.method == "GET" && path == "/invocation/next") {
      std::pair<std::string, std::string> event;
      {
        std::unique_lock lock(mu_);
        while (!stopping_ && events_.empty()) cv_.wait_for(lock, kWaitSlice);
        if (stopping_) break;
        event = events_.front();
        events_.pop_front();
        ++delivered_;
      }
      const auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch() + std::chrono::seconds(30))
                                .count();
      answer = Response(200,
                        {{"Content-Type", "application/json"},
                         {"Lambda-Runtime-Aws-Request-Id", event.first},
                         {"Lambda-Runtime-Deadline-Ms", std::to_string(deadline)},
                         {"Lambda-Runtime-Trace-Id", "Root=1-test"}},
                        event.second, req.keep_alive);
    } else if (req.method == "POST" && (path.starts_with("/invocation/") || path == "/init/error")) {
      LambdaResult r;
      r.body = req.body;
      if (auto it = req.headers.find("lambda-runtime-function-error-type"); it != req.headers.end()) {
        r.error_type = it->second;
      }
      if (path == "/init/error") {
        r.kind = "init_error";
      } else {
        const std::string rest = path.substr(std::string_view("/invocation/").size());
        const size_t slash = rest.find('/');
        r.request_id = rest.substr(0, slash);
        r.kind = slash == std::string::npos ? "" : rest.substr(slash + 1);
      }
      const bool known = r.kind == "response" || r.kind == "error" || r.kind == "init_error";
      if (known) {
        {
          std::lock_guard lock(mu_);
          results_.push_back(std::move(r));
        }
        cv_.notify_all();
      }
      answer = known ? Response(202, kJson, R"({"status":"OK"})", req.keep_alive)
                     : Response(404, kJson, "{}", req.keep_alive);
    } else {
      answer = Response(404, kJson, "{}", req.keep_alive);
    }
    if (!WriteAll(fd, answer)) break;
  }
}

}  // namespace worthit::testing
