#include "support/page_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace worthit::testing {
namespace {

// Requests in tests are small; a bigger head means something is wrong.
constexpr size_t kMaxRequestHead = 64 * 1024;
constexpr int kPollMs = 10;

std::string Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

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

PageServer::PageServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 16) != 0) {
    close(listen_fd_);
    throw std::runtime_error("bind 127.0.0.1 failed");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

PageServer::~PageServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  for (auto& t : connections_) t.join();  // bounded: every wait in Serve checks stop_
  close(listen_fd_);
}

std::string PageServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
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

void PageServer::Loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    // Its own thread per connection: a slow answer must not keep the next request unread (a
    // test counting requests would otherwise depend on timing).
    std::lock_guard lock(mu_);
    connections_.emplace_back([this, fd] {
      Serve(fd);
      close(fd);
    });
  }
}

void PageServer::Serve(int fd) {
  std::string head;
  char buf[4096];
  // Read the request head, bounded in size and by the stop flag.
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestHead && !stop_) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, kPollMs);
    if (ready == 0) continue;
    const ssize_t n = ready > 0 ? recv(fd, buf, sizeof buf, 0) : -1;
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
  if (head.find("\r\n\r\n") == std::string::npos) return;
  Request req;
  std::istringstream lines(head.substr(0, head.find("\r\n\r\n")));
  std::string line;
  std::getline(lines, line);
  std::istringstream first(line);
  first >> req.method >> req.target;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    req.headers[name] = value;
  }
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
  for (auto waited = std::chrono::milliseconds(0); waited < resp.delay && !stop_;
       waited += std::chrono::milliseconds(kPollMs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  if (stop_) return;
  std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " " + Reason(resp.status) + "\r\n";
  for (const auto& [k, v] : resp.headers) out += k + ": " + v + "\r\n";
  const size_t length = resp.stream_bytes > 0 ? resp.stream_bytes : resp.body.size();
  if (resp.send_length) out += "Content-Length: " + std::to_string(length) + "\r\n";
  out += "Connection: close\r\n\r\n";
  if (!SendAll(fd, out.data(), out.size(), stop_)) return;
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
