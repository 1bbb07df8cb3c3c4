// A tiny blocking HTTP client for tests (libcurl), 127.0.0.1 only, with a generous timeout.
// Thread-safety: each call is independent.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace worthit::testing {

struct HttpResult {
  long status = 0;  // 0: no HTTP answer (connection failed, timeout)
  std::string body;
};

HttpResult HttpRequest(const std::string& method, uint16_t port, const std::string& path,
                       const std::map<std::string, std::string>& headers = {}, const std::string& body = "");

}  // namespace worthit::testing
