// FakePageFetcher (declared in page_fetcher.h): answers from a table, records the requests.
#include "analysis/fetch/page_fetcher.h"

namespace worthit::analysis::fetch {

Result<FetchedPage> FakePageFetcher::Fetch(const FetchRequest& request) {
  std::function<void(const FetchRequest&)> hook;
  {
    std::lock_guard lock(mu_);
    hook = on_fetch_;
  }
  if (hook) hook(request);
  std::lock_guard lock(mu_);
  requests_.push_back(request);
  auto it = responses_.find(request.url);
  if (it == responses_.end()) return Error::Permanent("FETCH_NOT_FOUND", "fake: no page for " + request.url);
  return it->second;
}

}  // namespace worthit::analysis::fetch
