#include "webhook/lambda_event.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace worthit::webhook {
namespace json = boost::json;
namespace {

constexpr std::string_view kSecretHeader = "x-telegram-bot-api-secret-token";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const json::string* StringAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// headers: {"Name": "v"}; multiValueHeaders: {"Name": ["v", ...]} (REST API). First match wins.
std::optional<std::string> FindHeader(const json::object& event, std::string_view name) {
  if (const auto* h = event.if_contains("headers"); h && h->is_object()) {
    for (const auto& [k, v] : h->as_object()) {
      if (EqualsIgnoreCase(k, name) && v.is_string()) return std::string(v.as_string());
    }
  }
  if (const auto* h = event.if_contains("multiValueHeaders"); h && h->is_object()) {
    for (const auto& [k, v] : h->as_object()) {
      if (EqualsIgnoreCase(k, name) && v.is_array() && !v.as_array().empty() && v.as_array()[0].is_string()) {
        return std::string(v.as_array()[0].as_string());
      }
    }
  }
  return std::nullopt;
}

Error Bad(std::string message) { return Error::Invalid("LAMBDA_BAD_EVENT", std::move(message)); }

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view in) {
  static const std::array<int8_t, 256> kTable = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int8_t v = kTable[static_cast<unsigned char>(c)];
    if (v < 0 || padding) return std::nullopt;  // bad character, or data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character carries no full byte
  return out;
}

Result<WebhookRequest> ParseLambdaEvent(std::string_view event_json, std::string_view webhook_path) {
  json::error_code ec;
  json::value parsed = json::parse(event_json, ec);
  if (ec) return Bad("event is not JSON: " + ec.message());
  if (!parsed.is_object()) return Bad("event is not a JSON object");
  const json::object& event = parsed.as_object();

  WebhookRequest req;
  std::string path, query;
  const auto* version = StringAt(event, "version");
  if (version && *version == "2.0") {
    const auto* ctx = event.if_contains("requestContext");
    const auto* http = ctx && ctx->is_object() ? ctx->as_object().if_contains("http") : nullptr;
    const auto* method = http && http->is_object() ? StringAt(http->as_object(), "method") : nullptr;
    if (!method) return Bad("payload 2.0 event without requestContext.http.method");
    req.method = std::string(*method);
    if (const auto* raw = StringAt(event, "rawPath")) path = std::string(*raw);
    if (const auto* raw = StringAt(event, "rawQueryString")) query = std::string(*raw);
  } else {
    const auto* method = StringAt(event, "httpMethod");
    const auto* p = StringAt(event, "path");
    if (!method) return Bad("event has neither httpMethod (payload 1.0) nor version 2.0");
    req.method = std::string(*method);
    if (p) path = std::string(*p);
  }
  if (path.empty()) return Bad("event without a path");
  // The secret is still checked on the rewritten request, so the rewrite widens nothing.
  if (!webhook_path.empty() && webhook_path.front() == '/' && path.size() > webhook_path.size() &&
      path.ends_with(webhook_path)) {
    path = std::string(webhook_path);  // /<stage>/telegram/webhook
  }
  req.target = query.empty() ? path : path + "?" + query;
  req.secret = FindHeader(event, kSecretHeader);

  if (const auto* body = event.if_contains("body"); body && body->is_string()) {
    const auto* b64 = event.if_contains("isBase64Encoded");
    if (b64 && b64->is_bool() && b64->as_bool()) {
      auto decoded = DecodeBase64(body->as_string());
      if (!decoded) return Bad("isBase64Encoded body is not valid base64");
      req.body = std::move(*decoded);
    } else {
      req.body = std::string(body->as_string());
    }
  }
  return req;
}

std::string LambdaResponseJson(const WebhookResponse& response) {
  return json::serialize(json::object{{"statusCode", response.status},
                                      {"headers", json::object{{"Content-Type", response.content_type}}},
                                      {"body", response.body},
                                      {"isBase64Encoded", false}});
}

}  // namespace worthit::webhook
