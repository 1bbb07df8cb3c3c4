#include "support/page_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_wire.h"

namespace worthit::testing {
namespace {

constexpr auto kDelaySlice = std::chrono::milliseconds(10);

bool SendAll(int fd, const char* data, size_t n, const std::atomic<bool>& stop) {
  while (n > 0 && !stop) {
    const ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return n == 0;
}

}  // namespace

// Its own thread per connection (LoopbackListener): a slow answer must not keep the next request
// unread (a test counting requests would otherwise depend on timing).
PageServer::PageServer()
    : listener_(std::make_unique<LoopbackListener>("PageServer", 16, [this](int fd) { Serve(fd); })) {}

PageServer::~PageServer() {
  stop_ = true;       // slow and streaming answers check it
  listener_->Stop();  // shuts every connection down and joins its thread
}

uint16_t PageServer::port() const { return listener_->port(); }

std::string PageServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void PageServer::Route(const std::string& target, Response response) {
  std::lock_guard lock(mu_);
  routes_[target] = std::move(response);
}

void PageServer::ServeFile(const std::string& target, const std::string& file, const std::string& content_type) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("fixture not found: " + file);
  std::ostringstream s;
  s << in.rdbuf();
  Response r;
  r.headers = {{"Content-Type", content_type}};
  r.body = s.str();
  Route(target, std::move(r));
}

void PageServer::Redirect(const std::string& target, const std::string& location, int status,
                          std::vector<std::pair<std::string, std::string>> extra_headers) {
  Response r;
  r.status = status;
  r.headers = {{"Location", location}};
  for (auto& h : extra_headers) r.headers.push_back(std::move(h));
  Route(target, std::move(r));
}

size_t PageServer::RequestCount() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

std::vector<PageServer::Request> PageServer::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void PageServer::Serve(int fd) {
  std::string buffer;
  WireRequest wire;
  if (!ReadRequest(fd, buffer, wire, kMaxRequest)) return;
  Request req{wire.method, wire.target, std::move(wire.headers)};
  Response resp;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(req);
    auto it = routes_.find(req.target);
    if (it == routes_.end()) {
      resp.status = 404;
      resp.body = "<html><body>not found</body></html>";
    } else {
      resp = it->second;
    }
  }
  for (auto waited = std::chrono::milliseconds(0); waited < resp.delay && !stop_; waited += kDelaySlice) {
    std::this_thread::sleep_for(kDelaySlice);
  }
  if (stop_) return;
  const size_t length = resp.stream_bytes > 0 ? resp.stream_bytes : resp.body.size();
  const std::string head =
      ResponseHead(resp.status, resp.headers, resp.send_length ? std::optional<size_t>(length) : std::nullopt, false);
  if (!SendAll(fd, head.data(), head.size(), stop_)) return;
  if (resp.stream_bytes == 0) {
    SendAll(fd, resp.body.data(), resp.body.size(), stop_);
    return;
  }
  const std::string chunk(64 * 1024, 'a');
  for (size_t sent = 0; sent < resp.stream_bytes && !stop_;) {
    const size_t n = std::min(chunk.size(), resp.stream_bytes - sent);
    if (!SendAll(fd, chunk.data(), n, stop_)) return;  // the client hung up (body cap): fine
    sent += n;
  }
}

}  // namespace worthit::testing
