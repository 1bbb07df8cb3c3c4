// HttpClient: one blocking HTTP/1.1 request with a total deadline (webhook delivery, tests).
//
// Only http:// URLs are supported: the playground never talks to anything but loopback, and the
// webhook sender refuses non-loopback hosts before calling this (see BotApiServer).
// Thread-safety: the free function is reentrant (each call has its own io_context and socket).
// Failure modes: HTTP_BAD_URL (not http://host[:port]/path), HTTP_CONNECT_FAILED, HTTP_TIMEOUT,
// HTTP_IO (reset, malformed answer) — all kTransient except HTTP_BAD_URL.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "playground/http_types.h"

namespace worthit::playground {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

Result<ClientResponse> HttpCall(const std::string& method, const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                std::chrono::milliseconds timeout);

}  // namespace worthit::playground
