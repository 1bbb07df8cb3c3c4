// Lambda event mapping (pure): an API Gateway / Lambda function URL event → WebhookRequest, and a
// WebhookResponse → the proxy-integration response object. No I/O; lambda_runtime.h does the I/O.
//
// Accepted events (what AWS sends a function behind an HTTP front):
//   API Gateway REST API, payload 1.0: httpMethod, path, headers / multiValueHeaders, body,
//     isBase64Encoded, queryStringParameters (ignored);
//   API Gateway HTTP API payload 2.0 and function URLs ("version": "2.0"): requestContext.http.method,
//     rawPath, rawQueryString, headers (lower-cased by AWS), body, isBase64Encoded.
// Header names are matched case-insensitively. A path that ends with the webhook path (an API
// Gateway stage prefix such as /prod/telegram/webhook) is treated as the webhook path.
// Failure modes: LAMBDA_BAD_EVENT (invalid input) when the event is not JSON, not an object, has
// no method or path, or a base64 body that does not decode. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "webhook/webhook_handler.h"

namespace worthit::webhook {

Result<WebhookRequest> ParseLambdaEvent(std::string_view event_json, std::string_view webhook_path);

// {"statusCode":N,"headers":{"Content-Type":...},"body":"...","isBase64Encoded":false}
std::string LambdaResponseJson(const WebhookResponse& response);

// Standard base64 (RFC 4648, padding optional, whitespace ignored); nullopt on a bad character.
std::optional<std::string> DecodeBase64(std::string_view in);

}  // namespace worthit::webhook
