#include "webhook/http_call.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "common/curl_global.h"

namespace worthit::webhook {
namespace {

// Bodies we read are Lambda events (API Gateway caps them at 10 MB) and probe answers; cap the
// buffer so a misbehaving peer cannot grow memory without bound.
constexpr size_t kMaxBodyBytes = 16u << 20;

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > kMaxBodyBytes) return 0;  // aborts with CURLE_WRITE_ERROR
  out->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;  // status line, blank line
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  (*headers)[name] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* stop = static_cast<const std::function<bool()>*>(user);
  return (*stop && (*stop)()) ? 1 : 0;
}

}  // namespace

Result<HttpCallResponse> HttpCall(const HttpCallRequest& request) {
  EnsureCurlGlobalInit();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Error::Transient("HTTP_UNAVAILABLE", "curl_easy_init failed");
  HttpCallResponse response;
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &request.stop);
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  // No "Expect: 100-continue" round trip for POST bodies.
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  const CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    return Error::Transient("HTTP_UNAVAILABLE", request.method + " " + request.url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace worthit::webhook
