// Plain HTTP request/response values shared by the playground's server and client adapters.
//
// These carry no Beast types so that the Bot API core, the chat API and the demo shop stay pure
// (they take an HttpRequest and return an HttpResponse) and only http_server.cpp / http_client.cpp
// include Boost.Beast. Header names are stored lower-case.
// Thread-safety: plain values.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace worthit::playground {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as sent: path plus optional ?query
  std::string path;                            // target without the query, percent-encoding kept
  std::string query;                           // after '?', without it; "" when absent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // Header value or "" (name in lower case).
  const std::string& Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse Json(int status, std::string body) { return {status, "application/json", std::move(body), {}}; }
  static HttpResponse Text(int status, std::string body) {
    return {status, "text/plain; charset=utf-8", std::move(body), {}};
  }
  static HttpResponse Html(int status, std::string body) {
    return {status, "text/html; charset=utf-8", std::move(body), {}};
  }
};

// Decodes application/x-www-form-urlencoded text ('+' is a space); bad escapes are kept as-is.
std::string UrlDecode(const std::string& text);
// Splits "a=1&b=2" into decoded pairs (later keys win).
std::map<std::string, std::string> ParseFormEncoded(const std::string& text);

}  // namespace worthit::playground
