// The libcurl PageFetcher. Redirects are followed here hop by hop (not CURLOPT_FOLLOWLOCATION)
// so that every hop's URL is checked for its scheme, the total time budget spans all hops, and a
// caller can stop before a hop (short-link resolution). The address check runs in the
// opensocket callback, which sees the exact sockaddr curl is about to connect to.
#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "analysis/fetch/address_policy.h"
#include "analysis/fetch/charset.h"
#include "analysis/fetch/page_fetcher.h"
#include "analysis/fetch/robot_check.h"
#include "common/curl_global.h"
#include "common/log.h"
#include "common/metrics.h"

namespace worthit::analysis::fetch {
namespace {

using Clock = std::chrono::steady_clock;

// A body's capacity at its first write: a typical product page (100-300 KB) then grows at most
// once or twice instead of through a dozen reallocations and copies.
constexpr size_t kFirstReserve = 256 * 1024;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct HopState {
  const AllowList* allow = nullptr;
  std::string host;  // URL host of this hop, without [] for IPv6
  bool blocked = false;
  std::string blocked_address;
  size_t max_bytes = 0;
  bool too_large = false;
  bool not_html = false;
  bool checked_type = false;
  CURL* curl = nullptr;
  std::string body;
};

curl_socket_t OpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* state = static_cast<HopState*>(clientp);
  uint16_t port = 0;
  const auto ip = IpAddress::FromSockaddr(&address->addr, &port);
  if (purpose != CURLSOCKTYPE_IPCXN || !ip || !MayConnect(*state->allow, state->host, *ip, port)) {
    state->blocked = true;
    state->blocked_address =
        ip ? ip->ToString() + " (" + std::string(ToString(ClassifyAddress(*ip))) + ")" : std::string("non-IP socket");
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

bool IsHtmlType(const std::string& type) {
  return type.empty() || type == "text/html" || type == "application/xhtml+xml" || type == "text/plain";
}

std::string MediaType(const char* content_type) {
  if (content_type == nullptr) return "";
  std::string t = Lower(content_type);
  if (auto semi = t.find(';'); semi != std::string::npos) t.resize(semi);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

size_t Write(char* data, size_t size, size_t nmemb, void* userp) {
  auto* state = static_cast<HopState*>(userp);
  const size_t n = size * nmemb;
  if (!state->checked_type) {
    state->checked_type = true;
    long status = 0;
    char* type = nullptr;
    curl_easy_getinfo(state->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(state->curl, CURLINFO_CONTENT_TYPE, &type);
    if (status >= 200 && status < 300 && !IsHtmlType(MediaType(type))) {
      state->not_html = true;
      return 0;  // abort: an image or a PDF is not read at all
    }
  }
  if (state->body.size() + n > state->max_bytes) {
    state->too_large = true;
    return 0;
  }
  // Room for a typical product page at the first write: appending 200 KB from an empty string
  // would copy it through a dozen reallocations.
  if (state->body.empty()) state->body.reserve(std::min<size_t>(state->max_bytes, kFirstReserve));
  state->body.append(data, n);
  return n;
}

std::string AcceptLanguage(const std::string& lang) {
  if (lang == "en") return "en-GB,en;q=0.9,it;q=0.6";
  if (lang == "de") return "de-DE,de;q=0.9,en;q=0.6";
  if (lang == "fr") return "fr-FR,fr;q=0.9,en;q=0.6";
  if (lang == "es") return "es-ES,es;q=0.9,en;q=0.6";
  return "it-IT,it;q=0.9,en;q=0.6";
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// Scheme and host of an absolute URL, or an error.
Result<std::pair<std::string, std::string>> SchemeAndHost(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Error::Invalid("FETCH_BAD_URL", "not a valid URL: " + url);
  }
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(u.get(), CURLUPART_HOST, &host, 0);
  std::string s = scheme ? Lower(scheme) : "";
  std::string h = host ? Lower(host) : "";
  curl_free(scheme);
  curl_free(host);
  if (s != "http" && s != "https") return Error::Invalid("FETCH_BAD_URL", "only http and https links: " + url);
  if (h.empty()) return Error::Invalid("FETCH_BAD_URL", "no host: " + url);
  if (h.size() >= 2 && h.front() == '[') h = h.substr(1, h.size() - 2);
  return std::make_pair(std::move(s), std::move(h));
}

Error CurlError(CURLcode rc, const HopState& state, const std::string& url) {
  const std::string where = " (" + url + ")";
  if (state.blocked) {
    return Error::Permanent("FETCH_FORBIDDEN_ADDRESS", "refused to connect to " + state.blocked_address + where);
  }
  if (state.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error::Permanent("FETCH_TOO_LARGE",
                            "page larger than " + std::to_string(state.max_bytes) + " bytes" + where);
  }
  if (state.not_html) return Error::Permanent("FETCH_NOT_HTML", "not an HTML page" + where);
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return Error::Transient("FETCH_TIMEOUT", "timed out" + where);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return Error::Invalid("FETCH_BAD_URL", curl_easy_strerror(rc) + where);
    case CURLE_TOO_MANY_REDIRECTS: return Error::Permanent("FETCH_TOO_MANY_REDIRECTS", "too many redirects" + where);
    default: return Error::Transient("FETCH_UNREACHABLE", std::string(curl_easy_strerror(rc)) + where);
  }
}

Result<FetchedPage> ClassifyFinal(FetchedPage page, long retry_after_s) {
  const long s = page.status;
  const std::string where = " (" + page.final_url + ")";
  if (s == 404 || s == 410) return Error::Permanent("FETCH_NOT_FOUND", "HTTP " + std::to_string(s) + where);
  if (s == 429 && retry_after_s > 0) {
    return Error::RateLimited("FETCH_BLOCKED", "HTTP 429" + where, std::chrono::seconds(retry_after_s));
  }
  if (s == 403 || s == 429 || s == 503) {
    return Error::Transient("FETCH_BLOCKED", "HTTP " + std::to_string(s) + " from the shop" + where);
  }
  if (s >= 500) return Error::Transient("FETCH_UNREACHABLE", "HTTP " + std::to_string(s) + where);
  if (s >= 400 || s < 200 || s >= 300) {
    return Error::Permanent("FETCH_HTTP_ERROR", "HTTP " + std::to_string(s) + where);
  }
  if (!IsHtmlType(page.content_type)) return Error::Permanent("FETCH_NOT_HTML", page.content_type + where);
  if (LooksLikeRobotCheck(page.body)) {
    return Error::Transient("FETCH_BLOCKED", "the shop answered with a robot check" + where);
  }
  page.robot_check_passed = true;
  return page;
}

class CurlPageFetcher final : public PageFetcher {
 public:
  CurlPageFetcher(FetchOptions options, AllowList allow) : options_(std::move(options)), allow_(std::move(allow)) {
    EnsureCurlGlobalInit();
  }

  Result<FetchedPage> Fetch(const FetchRequest& request) override {
    const auto start = Clock::now();
    auto result = FetchOnce(request);
    const std::string outcome = result.ok() ? "ok" : result.error().code;
    auto& registry = metrics::Registry::Global();
    registry
        .GetCounter("worthit_fetch_total", "Page fetches by outcome (ok or the FETCH_* code).", {{"outcome", outcome}})
        .Inc();
    registry.GetHistogram("worthit_fetch_seconds", "Time to fetch one page, redirects included, in seconds.")
        .Observe(std::chrono::duration<double>(Clock::now() - start).count());
    if (!result.ok() && result.error().code == "FETCH_FORBIDDEN_ADDRESS") {
      // Someone sent a link that leads to an internal address: worth an operator's look.
      log::Warn("fetch_forbidden_address", {{"detail", result.error().message}});
    }
    return result;
  }

 private:
  // Easy handles of this fetcher, kept between fetches: a handle keeps its open connections, so
  // the next page from the same shop (host and port) skips the TCP (and TLS) handshake, and the
  // handle's own setup is not paid per page. Per fetcher, so connections vetted under one
  // allow-list are never reused under another. Every option is set again and the cookies erased
  // before each fetch: nothing of one fetch but the connection carries over to the next.
  std::unique_ptr<CURL, CurlDeleter> TakeHandle() {
    {
      std::lock_guard lock(idle_mu_);
      if (!idle_.empty()) {
        std::unique_ptr<CURL, CurlDeleter> c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    // The cookie engine, in memory: switched on once per handle. CURLOPT_COOKIEFILE appends to a
    // list that lives with the handle's options; set per fetch it grew by one entry a fetch, and
    // curl_easy_reset dropped that list without freeing it (LeakSanitizer). So handles are not
    // reset: FetchWith sets every option it uses on every fetch, unconditionally, and erases the
    // cookies first.
    if (c) curl_easy_setopt(c.get(), CURLOPT_COOKIEFILE, "");
    return c;
  }
  void ReturnHandle(std::unique_ptr<CURL, CurlDeleter> c) {
    std::lock_guard lock(idle_mu_);
    if (idle_.size() < kIdleHandles) idle_.push_back(std::move(c));
  }

  Result<FetchedPage> FetchOnce(const FetchRequest& request) {
    std::unique_ptr<CURL, CurlDeleter> curl = TakeHandle();
    if (!curl) return Error::Transient("FETCH_UNREACHABLE", "curl_easy_init failed");
    auto result = FetchWith(curl.get(), request);
    ReturnHandle(std::move(curl));
    return result;
  }

  Result<FetchedPage> FetchWith(CURL* c, const FetchRequest& request) {
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    {
      curl_slist* h = nullptr;
      h = curl_slist_append(h, "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
      h = curl_slist_append(h, ("Accept-Language: " + AcceptLanguage(request.lang)).c_str());
      h = curl_slist_append(h, "Upgrade-Insecure-Requests: 1");
      headers.reset(h);
    }
    HopState state;
    state.allow = &allow_;
    state.max_bytes = options_.max_bytes;
    state.curl = c;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl was built with
    curl_easy_setopt(c, CURLOPT_COOKIELIST, "ALL");    // a reused handle's cookies are erased (engine: TakeHandle)
    curl_easy_setopt(c, CURLOPT_MAXCONNECTS, kConnectionsPerHandle);
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, kReceiveBuffer);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // never a proxy from the environment: it would bypass the check
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &state);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_bytes));

    const auto deadline = Clock::now() + options_.total_timeout;
    FetchedPage page;
    std::string url = request.url;
    for (int hop = 0;; ++hop) {
      auto target = SchemeAndHost(url);
      if (!target.ok()) return target.error();
      state.host = target->second;
      state.blocked = false;
      state.too_large = false;
      state.not_html = false;
      state.checked_type = false;
      state.body.clear();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return Error::Transient("FETCH_TIMEOUT", "timed out (" + url + ")");
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
      curl_easy_setopt(c, CURLOPT_URL, url.c_str());
      const CURLcode rc = curl_easy_perform(c);
      if (rc != CURLE_OK) return CurlError(rc, state, url);

      long status = 0;
      char* redirect = nullptr;
      char* type = nullptr;
      curl_off_t retry_after = 0;
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &redirect);
      curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
      curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after);
      if (status >= 300 && status < 400 && redirect != nullptr) {
        if (hop >= options_.max_redirects) {
          return Error::Permanent("FETCH_TOO_MANY_REDIRECTS", "more than " + std::to_string(options_.max_redirects) +
                                                                  " redirects (" + request.url + ")");
        }
        url = redirect;
        page.redirects.push_back(url);
        if (auto next = SchemeAndHost(url); !next.ok()) return next.error();
        if (request.stop_before && request.stop_before(url)) {
          page.final_url = url;
          page.status = status;
          return page;
        }
        continue;
      }
      page.final_url = url;
      page.status = status;
      page.content_type = MediaType(type);
      auto text = ToUtf8Owned(std::move(state.body), CharsetFromContentType(type ? type : ""));
      page.body = std::move(text.text);
      page.charset = std::move(text.charset);
      return ClassifyFinal(std::move(page), static_cast<long>(retry_after));
    }
  }

  // Idle handles kept: one per task thread of a worker (WORKER_CONCURRENCY is 8 by default);
  // more threads than this just create a handle now and then.
  static constexpr size_t kIdleHandles = 32;
  // Open connections a handle keeps (curl's default is 5): one shop per task thread at a time.
  static constexpr long kConnectionsPerHandle = 2;
  // curl's receive buffer (default 16 KB): a 200 KB page in a few reads instead of a dozen
  // poll + recv pairs.
  static constexpr long kReceiveBuffer = 256 * 1024;

  FetchOptions options_;
  AllowList allow_;
  std::mutex idle_mu_;
  std::vector<std::unique_ptr<CURL, CurlDeleter>> idle_;
};

}  // namespace

FetchOptions FetchOptions::FromConfig(const Config& config) {
  FetchOptions o;
  o.allow = config.GetList("FETCH_ALLOW");
  o.total_timeout = std::chrono::seconds(config.GetInt("FETCH_TIMEOUT_SECONDS"));
  o.connect_timeout = std::chrono::seconds(config.GetInt("FETCH_CONNECT_TIMEOUT_SECONDS"));
  o.max_bytes = static_cast<size_t>(config.GetInt("FETCH_MAX_BYTES"));
  o.max_redirects = static_cast<int>(config.GetInt("FETCH_MAX_REDIRECTS"));
  return o;
}

Result<std::unique_ptr<PageFetcher>> MakeCurlPageFetcher(FetchOptions options) {
  auto allow = AllowList::Parse(options.allow);
  if (!allow.ok()) return allow.error();
  return std::unique_ptr<PageFetcher>(std::make_unique<CurlPageFetcher>(std::move(options), std::move(*allow)));
}

}  // namespace worthit::analysis::fetch
