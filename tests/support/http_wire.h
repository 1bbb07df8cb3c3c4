// HttpWire: the HTTP/1.1 wire of the tests' fake servers (FakeTelegram, FakeLambdaRuntime,
// PageServer) on a plain connected socket — requests parsed and response heads written by
// Boost.Beast, never by hand.
//
// Ownership: the caller owns the fd and the per-connection `buffer` (bytes received past the
// request just read, e.g. a pipelined next request: keep it between calls on one connection).
// Thread-safety: none needed; each connection is served by one thread.
// Failure: ReadRequest answers false on EOF, a read error, a request Beast rejects, or one larger
// than `max_bytes` (the fakes then close the connection, as a real server would).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace worthit::testing {

struct WireRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  bool keep_alive = true;  // HTTP/1.1 default, unless the client said "Connection: close"
};

// Requests in tests are small; a bigger one means something is wrong.
inline constexpr size_t kMaxWireRequest = 1u << 20;

// Blocks until one whole request is read from `fd` (the fakes' listeners shut the socket down to
// unblock it at stop).
bool ReadRequest(int fd, std::string& buffer, WireRequest& out, size_t max_bytes = kMaxWireRequest);

// The status line (with its standard reason), `headers` in order, `Content-Length` when
// `content_length` is set (absent: the body ends when the connection closes), and
// `Connection: close` unless `keep_alive`. The body, if any, follows from the caller.
std::string ResponseHead(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                         std::optional<size_t> content_length, bool keep_alive);

// A whole response with a body and its Content-Length.
std::string Response(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, bool keep_alive);

}  // namespace worthit::testing
