#include "webhook/lambda_runtime.h"

#include <boost/json.hpp>

#include <chrono>
#include <exception>
#include <thread>

#include "common/log.h"
#include "common/metrics.h"
#include "webhook/http_call.h"
#include "webhook/lambda_event.h"

namespace worthit::webhook {
namespace {

// A Runtime API that fails this many times in a row (with a short pause between) is gone: AWS
// recycles the execution environment, so exiting is right; three tries absorb a hiccup only.
constexpr int kRuntimeAttempts = 3;
constexpr auto kRuntimePause = std::chrono::milliseconds(200);
// Posting a response to the local Runtime API is a loopback call; 10 s is far above normal.
constexpr auto kPostTimeout = std::chrono::milliseconds(10000);

Error Unavailable(std::string message) { return Error::Transient("LAMBDA_RUNTIME_UNAVAILABLE", std::move(message)); }

}  // namespace

LambdaRuntimeClient::LambdaRuntimeClient(std::string api, std::function<bool()> stop)
    : base_("http://" + api + "/2018-06-01/runtime"), stop_(std::move(stop)) {}

Result<LambdaInvocation> LambdaRuntimeClient::Next() const {
  HttpCallRequest req;
  req.url = base_ + "/invocation/next";
  req.timeout = std::chrono::milliseconds(0);  // blocks until the next event, by design
  req.stop = stop_;
  auto r = HttpCall(req);
  if (!r.ok()) {
    // Aborted by stop(): not a failure. An event that did arrive is still served.
    if (stop_ && stop_()) return Error::Permanent("LAMBDA_STOPPED", "shutdown requested");
    return Unavailable(r.error().message);
  }
  if (r->status != 200) return Unavailable("next invocation: HTTP " + std::to_string(r->status) + ": " + r->body);
  LambdaInvocation inv;
  inv.request_id = r->headers["lambda-runtime-aws-request-id"];
  if (inv.request_id.empty()) return Unavailable("next invocation without Lambda-Runtime-Aws-Request-Id");
  inv.trace_id = r->headers["lambda-runtime-trace-id"];
  try {
    inv.deadline_ms = std::stoll(r->headers["lambda-runtime-deadline-ms"]);
  } catch (const std::exception&) {
    inv.deadline_ms = 0;
  }
  inv.event = std::move(r->body);
  return inv;
}

Status LambdaRuntimeClient::Post(const std::string& path, const std::string& body,
                                 const std::string& error_type) const {
  HttpCallRequest req;
  req.method = "POST";
  req.url = base_ + path;
  req.body = body;
  req.timeout = kPostTimeout;
  req.headers["Content-Type"] = "application/json";
  if (!error_type.empty()) req.headers["Lambda-Runtime-Function-Error-Type"] = error_type;
  auto r = HttpCall(req);
  if (!r.ok()) return Unavailable(r.error().message);
  if (r->status >= 500) return Unavailable("POST " + path + ": HTTP " + std::to_string(r->status));
  if (r->status >= 400) {
    // 400/413: this response was rejected (too large, invocation already answered); the loop goes on.
    return Error::Permanent("LAMBDA_RESPONSE_REJECTED",
                            "POST " + path + ": HTTP " + std::to_string(r->status) + ": " + r->body);
  }
  return OkStatus();
}

Status LambdaRuntimeClient::Respond(const std::string& request_id, const std::string& response_json) const {
  return Post("/invocation/" + request_id + "/response", response_json, "");
}

Status LambdaRuntimeClient::ReportError(const std::string& request_id, const Error& error) const {
  const std::string body = boost::json::serialize(
      boost::json::object{{"errorMessage", log::Redact(error.message)}, {"errorType", error.code}});
  return Post("/invocation/" + request_id + "/error", body, error.code);
}

Status LambdaRuntimeClient::ReportInitError(const Error& error) const {
  const std::string body = boost::json::serialize(
      boost::json::object{{"errorMessage", log::Redact(error.message)}, {"errorType", error.code}});
  return Post("/init/error", body, error.code);
}

Status RunLambdaLoop(const LambdaRuntimeClient& client, const WebhookHandler& handler, const LambdaLoopOptions& options,
                     const std::function<bool()>& stop) {
  auto& registry = metrics::Registry::Global();
  int64_t served = 0;
  int failures = 0;
  while (!(stop && stop()) && !(options.max_invocations && served >= *options.max_invocations)) {
    auto inv = client.Next();
    if (!inv.ok()) {
      if (inv.error().code == "LAMBDA_STOPPED") return OkStatus();
      if (++failures >= kRuntimeAttempts) return inv.error();
      log::Warn("lambda.next_failed", {{"error", inv.error().ToString()}, {"attempt", failures}});
      std::this_thread::sleep_for(kRuntimePause);
      continue;
    }
    failures = 0;
    ++served;
    log::Scope scope(log::Fields{{"lambda_request_id", inv->request_id}});
    std::string outcome = "response";
    Status posted = OkStatus();
    auto request = ParseLambdaEvent(inv->event, options.webhook_path);
    if (!request.ok()) {
      outcome = "bad_event";
      log::Warn("lambda.bad_event", {{"error", request.error().ToString()}});
      posted = client.ReportError(inv->request_id, request.error());
    } else {
      WebhookResponse response;
      try {
        response = handler.Handle(*request);
      } catch (const std::exception& e) {
        // The handler's sink returns Status; an exception is a bug: report it, keep serving.
        outcome = "handler_error";
        log::Error("lambda.handler_threw", {{"what", e.what()}});
        posted = client.ReportError(inv->request_id, Error::Permanent("LAMBDA_HANDLER_FAILED", e.what()));
      }
      if (outcome == "response") posted = client.Respond(inv->request_id, LambdaResponseJson(response));
    }
    registry.GetCounter("worthit_lambda_invocations_total", "Lambda invocations by outcome", {{"outcome", outcome}})
        .Inc();
    if (!posted.ok()) {
      if (posted.error().kind == ErrorKind::kTransient) return posted.error();
      log::Warn("lambda.post_rejected", {{"error", posted.error().ToString()}});
    }
  }
  return OkStatus();
}

}  // namespace worthit::webhook
