// AWS Lambda custom runtime: the Runtime API client and the invocation loop that feeds API Gateway /
// function URL events through the same WebhookHandler `serve` uses (secret check, body cap, dedupe,
// enqueue, ack — all in the handler's sink).
//
// Protocol (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), base
// http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime:
//   GET  /invocation/next                 blocks until an event; headers Lambda-Runtime-Aws-Request-Id,
//                                         Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Trace-Id
//   POST /invocation/<id>/response        the proxy response JSON (lambda_event.h)
//   POST /invocation/<id>/error           {"errorMessage","errorType"} for an event we cannot serve
//   POST /init/error                      when the process cannot start (bad config, no queue)
// An HTTP-level failure of the webhook (401, 503...) is a *response* with that statusCode, not an
// invocation error: API Gateway returns it to Telegram, which redelivers on 5xx.
//
// Ownership: the client holds only the base URL; the loop borrows the client and the handler.
// Thread-safety: one loop per process (Lambda sends one event at a time to an execution environment).
// Failure modes: LAMBDA_RUNTIME_UNAVAILABLE when the Runtime API cannot be reached or answers 5xx
// (the sandbox is going away: the loop returns it and the process exits non-zero, as AWS expects).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "webhook/webhook_handler.h"

namespace worthit::webhook {

struct LambdaInvocation {
  std::string request_id;
  std::string event;        // JSON text
  int64_t deadline_ms = 0;  // ms since the epoch, 0 when absent
  std::string trace_id;     // X-Ray trace header value, may be empty
};

class LambdaRuntimeClient {
 public:
  // api: AWS_LAMBDA_RUNTIME_API, "host:port". stop: polled while waiting for the next event.
  LambdaRuntimeClient(std::string api, std::function<bool()> stop);

  // Blocks until an event arrives; LAMBDA_STOPPED (permanent) when stop() turned true meanwhile.
  Result<LambdaInvocation> Next() const;
  Status Respond(const std::string& request_id, const std::string& response_json) const;
  Status ReportError(const std::string& request_id, const Error& error) const;
  Status ReportInitError(const Error& error) const;

 private:
  Status Post(const std::string& path, const std::string& body, const std::string& error_type) const;

  std::string base_;
  std::function<bool()> stop_;
};

struct LambdaLoopOptions {
  std::string webhook_path = "/telegram/webhook";
  std::optional<int64_t> max_invocations;  // tests; unset = until stop() or a Runtime API failure
};

// Serves invocations until stop() (→ OK), max_invocations served (→ OK), or the Runtime API fails
// (→ LAMBDA_RUNTIME_UNAVAILABLE after a few quick retries).
Status RunLambdaLoop(const LambdaRuntimeClient& client, const WebhookHandler& handler, const LambdaLoopOptions& options,
                     const std::function<bool()>& stop);

}  // namespace worthit::webhook
