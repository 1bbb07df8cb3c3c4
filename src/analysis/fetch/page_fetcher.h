// PageFetcher: fetches one product page from the web, safely. The worker and `worthit analyze`
// hold a PageFetcher; tests substitute a fake (FakePageFetcher below is the shared one).
//
// The libcurl implementation (MakeCurlPageFetcher) enforces, per fetch: http/https only; the
// AddressPolicy on every connection (connect-time, every redirect, every resolved address);
// connect and total timeouts; a body cap checked while streaming; a redirect cap (redirects are
// followed here, one hop at a time, so each hop's URL is checked); gzip/deflate/br decoding;
// charset conversion to UTF-8; a browser-like User-Agent and Accept-Language for the user's
// language; a cookie jar that lives for one fetch only (shops set a session cookie on the first
// redirect and insist on it on the next hop).
//
// Failures, with the ErrorKind the worker acts on:
//   FETCH_BAD_URL (invalid input)         not http(s), unparsable
//   FETCH_FORBIDDEN_ADDRESS (permanent)   a connection would reach a non-public address
//   FETCH_TIMEOUT (transient)             connect or total timeout
//   FETCH_UNREACHABLE (transient)         DNS, refused, TLS, reset, 5xx other than 503
//   FETCH_BLOCKED (transient)             403/429/503 or a captcha / robot-check page
//   FETCH_NOT_FOUND (permanent)           404/410
//   FETCH_HTTP_ERROR (permanent)          other 4xx
//   FETCH_TOO_LARGE (permanent)           body over the cap
//   FETCH_TOO_MANY_REDIRECTS (permanent)  redirect cap exceeded (or a loop)
//   FETCH_NOT_HTML (permanent)            Content-Type is not an HTML type
// Observability: worthit_fetch_total{outcome="ok"|FETCH_*} and worthit_fetch_seconds in the
// metrics registry; a warning log line for every FETCH_FORBIDDEN_ADDRESS.
// Thread-safety: Fetch may be called from many threads at once (one curl handle per fetch).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/result.h"

namespace worthit::analysis::fetch {

struct FetchOptions {
  std::vector<std::string> allow;  // FETCH_ALLOW entries (see AllowList)
  // Product pages come back in well under 5 s; 15 s total leaves room for two redirects on a slow
  // shop without letting one task hold a worker slot for long.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
  // Amazon product pages are 1-2 MB of HTML; 5 MB is generous and still bounds memory per task.
  size_t max_bytes = 5 * 1024 * 1024;
  int max_redirects = 5;
  std::string user_agent =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

  // FETCH_ALLOW, FETCH_TIMEOUT_SECONDS, FETCH_CONNECT_TIMEOUT_SECONDS, FETCH_MAX_BYTES,
  // FETCH_MAX_REDIRECTS.
  static FetchOptions FromConfig(const Config& config);
};

struct FetchRequest {
  std::string url;
  std::string lang = "it";  // user's language → Accept-Language
  // Called with each redirect target; returning true stops there without contacting it and
  // returns a FetchedPage whose final_url is the target and body empty (short-link resolution).
  std::function<bool(const std::string& next_url)> stop_before;
};

struct FetchedPage {
  std::string final_url;               // after redirects
  long status = 0;                     // HTTP status of the last response
  std::string content_type;            // as sent, lower-cased media type without parameters
  std::string charset;                 // the charset the body was converted from ("utf-8" when it was already)
  std::string body;                    // UTF-8
  std::vector<std::string> redirects;  // each URL redirected to, in order
  // True when the fetcher has already run LooksLikeRobotCheck on `body` (and it said no), so the
  // extractor need not run it again on the same bytes (robot_check.h; the curl fetcher does).
  bool robot_check_passed = false;
};

class PageFetcher {
 public:
  virtual ~PageFetcher() = default;
  virtual Result<FetchedPage> Fetch(const FetchRequest& request) = 0;
};

// The libcurl fetcher; fails CONFIG_INVALID for a malformed allow-list entry.
Result<std::unique_ptr<PageFetcher>> MakeCurlPageFetcher(FetchOptions options);

// A fetcher answering from a table (URL → page or error), for tests of the layers above.
// Thread-safe (workers fetch from many threads).
class FakePageFetcher final : public PageFetcher {
 public:
  void Add(std::string url, Result<FetchedPage> response) {
    std::lock_guard lock(mu_);
    responses_.insert_or_assign(std::move(url), std::move(response));
  }
  // Called (outside the table's lock) before each answer: a test can hold a fetch in flight.
  void OnFetch(std::function<void(const FetchRequest&)> hook) {
    std::lock_guard lock(mu_);
    on_fetch_ = std::move(hook);
  }
  Result<FetchedPage> Fetch(const FetchRequest& request) override;
  std::vector<FetchRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Result<FetchedPage>> responses_;
  std::vector<FetchRequest> requests_;
  std::function<void(const FetchRequest&)> on_fetch_;
};

}  // namespace worthit::analysis::fetch
