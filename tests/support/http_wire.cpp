#include "support/http_wire.h"

#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <sstream>

namespace worthit::testing {
namespace http = boost::beast::http;

bool ReadRequest(int fd, std::string& buffer, WireRequest& out, size_t max_bytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(static_cast<std::uint32_t>(max_bytes));
  parser.body_limit(max_bytes);
  // Bounded: every pass either consumes bytes, reads more (at most max_bytes before the limits
  // stop it), or returns.
  for (;;) {
    if (!buffer.empty()) {
      boost::beast::error_code ec;
      const size_t used = parser.put(boost::asio::buffer(buffer), ec);
      buffer.erase(0, used);
      if (parser.is_done()) break;
      if (ec && ec != http::error::need_more) return false;
      if (used > 0 && !buffer.empty()) continue;
    }
    if (buffer.size() > max_bytes) return false;
    char chunk[8192];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  const auto& req = parser.get();
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.headers.clear();
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = req.body();
  out.keep_alive = req.keep_alive();
  return true;
}

std::string ResponseHead(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                         std::optional<size_t> content_length, bool keep_alive) {
  http::response<http::empty_body> res;
  res.version(11);
  res.result(static_cast<unsigned>(status));
  for (const auto& [name, value] : headers) res.insert(name, value);
  if (content_length) res.content_length(*content_length);
  res.keep_alive(keep_alive);
  std::ostringstream os;
  os << res.base();
  return os.str();
}

std::string Response(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, bool keep_alive) {
  return ResponseHead(status, headers, body.size(), keep_alive) + body;
}

}  // namespace worthit::testing
