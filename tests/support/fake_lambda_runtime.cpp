#include "support/fake_lambda_runtime.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace worthit::testing {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime";
// Lambda answers "next" only when an event exists; the fake re-checks for shutdown this often.
constexpr auto kWaitSlice = std::chrono::milliseconds(100);

struct Request {
  std::string method, target, body, error_type;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Minimal HTTP/1.1 reader: request line, headers, Content-Length body. False on EOF/error.
bool ReadRequest(int fd, std::string& buffer, Request& req) {
  size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    char chunk[8192];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    if (buffer.size() > (1u << 20)) return false;
  }
  const std::string head = buffer.substr(0, header_end);
  const size_t sp1 = head.find(' ');
  const size_t sp2 = head.find(' ', sp1 + 1);
  req.method = head.substr(0, sp1);
  req.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string lower = Lower(head);
  size_t length = 0;
  if (auto p = lower.find("\r\ncontent-length:"); p != std::string::npos) length = std::stoul(lower.substr(p + 17));
  req.error_type.clear();
  if (auto p = lower.find("\r\nlambda-runtime-function-error-type:"); p != std::string::npos) {
    const size_t start = p + 37;
    const size_t end = head.find("\r\n", start);
    req.error_type = head.substr(start, end - start);
    req.error_type.erase(0, req.error_type.find_first_not_of(' '));
  }
  while (buffer.size() < header_end + 4 + length) {
    char chunk[8192];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  req.body = buffer.substr(header_end + 4, length);
  buffer.erase(0, header_end + 4 + length);
  return true;
}

std::string Response(int status, const std::string& extra_headers, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + (status < 300 ? " OK" : " Error") +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

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
  Request req;
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
                        "Lambda-Runtime-Aws-Request-Id: " + event.first + "\r\nLambda-Runtime-Deadline-Ms: " +
                            std::to_string(deadline) + "\r\nLambda-Runtime-Trace-Id: Root=1-test\r\n",
                        event.second);
    } else if (req.method == "POST" && (path.starts_with("/invocation/") || path == "/init/error")) {
      LambdaResult r;
      r.body = req.body;
      r.error_type = req.error_type;
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
      answer = known ? Response(202, "", R"({"status":"OK"})") : Response(404, "", "{}");
    } else {
      answer = Response(404, "", "{}");
    }
    if (!WriteAll(fd, answer)) break;
  }
}

}  // namespace worthit::testing
