// HttpCall: one blocking HTTP/1.1 request through libcurl, for the webhook side's own outbound
// needs: the AWS Lambda Runtime API client (lambda_runtime.h) and `worthit probe` (container
// health checks without curl in the image). Not for user URLs (analysis/fetch/ has the SSRF guard)
// nor the Bot API (telegram/).
//
// Ownership: every call owns its curl handle. Thread-safety: calls are independent (curl's global
// init happens once, thread-safely, on first use).
// Failure modes: a transport failure (refused, timeout, aborted by `stop`) is HTTP_UNAVAILABLE
// (transient); any HTTP status, 4xx/5xx included, is a successful HttpCallResponse.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "common/result.h"

namespace worthit::webhook {

struct HttpCallRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  // 0 = no overall limit (the Lambda "next invocation" call blocks until an event arrives).
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{5000};
  // Polled about every 100 ms while the request runs; true aborts it (shutdown).
  std::function<bool()> stop;
};

struct HttpCallResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
};

Result<HttpCallResponse> HttpCall(const HttpCallRequest& request);

}  // namespace worthit::webhook
