// In-process ResultStore (memory://): same contract as SQLite and Redis, lost at exit.
#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "common/ids.h"
#include "store/result_store_backends.h"

namespace worthit::store {
namespace {

class MemoryResultStore final : public ResultStore {
 public:
  Status PutResult(const StoredResult& result, const std::vector<std::string>& url_keys) override {
    std::lock_guard lock(mu_);
    results_[result.product_id] = result;
    for (const auto& k : url_keys) url_keys_[k] = result.product_id;
    url_keys_[result.canonical_url] = result.product_id;
    return OkStatus();
  }
  Result<std::optional<StoredResult>> GetResult(const std::string& product_id) override {
    std::lock_guard lock(mu_);
    auto it = results_.find(product_id);
    if (it == results_.end()) return std::optional<StoredResult>();
    return std::optional<StoredResult>(it->second);
  }
  Result<std::optional<StoredResult>> GetResultByUrl(const std::string& url_key) override {
    std::string id;
    {
      std::lock_guard lock(mu_);
      auto it = url_keys_.find(url_key);
      if (it == url_keys_.end()) return std::optional<StoredResult>();
      id = it->second;
    }
    return GetResult(id);
  }
  Status RecordAnalysis(int64_t user_id, const std::string& product_id, int64_t at_ms) override {
    std::lock_guard lock(mu_);
    auto& h = history_[user_id];
    h.push_front({product_id, at_ms});
    while (h.size() > static_cast<size_t>(kHistoryKeep)) h.pop_back();
    popular_[UtcDay(at_ms)][product_id]++;
    return OkStatus();
  }
  Result<std::vector<HistoryItem>> History(int64_t user_id, int limit) override {
    std::lock_guard lock(mu_);
    std::vector<HistoryItem> out;
    std::set<std::string> seen;
    for (const auto& [id, at] : history_[user_id]) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (!seen.insert(id).second) continue;
      HistoryItem item{id, "", std::nullopt, at};
      if (auto it = results_.find(id); it != results_.end()) {
        item.title = it->second.title;
        item.score = it->second.score;
      }
      out.push_back(item);
    }
    return out;
  }
  Result<std::vector<PopularItem>> Popular(int64_t since_ms, int limit) override {
    std::lock_guard lock(mu_);
    std::map<std::string, int64_t> counts;
    for (const auto& [day, m] : popular_) {
      if (day < UtcDay(since_ms)) continue;
      for (const auto& [id, n] : m) counts[id] += n;
    }
    std::vector<PopularItem> out;
    for (const auto& [id, n] : counts) {
      PopularItem p{id, "", std::nullopt, n};
      if (auto it = results_.find(id); it != results_.end()) {
        p.title = it->second.title;
        p.score = it->second.score;
      }
      out.push_back(p);
    }
    SortPopular(out);
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }
  Status AddPrice(const std::string& product_id, const PriceObservation& o) override {
    std::lock_guard lock(mu_);
    auto& v = prices_[product_id];
    v.push_front(o);
    while (v.size() > static_cast<size_t>(kPriceKeep)) v.pop_back();
    return OkStatus();
  }
  Result<std::vector<PriceObservation>> Prices(const std::string& product_id, int limit) override {
    std::lock_guard lock(mu_);
    std::vector<PriceObservation> out;
    for (const auto& o : prices_[product_id]) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(o);
    }
    return out;
  }
  Result<std::optional<std::string>> GetDelivery(const std::string& key) override {
    std::lock_guard lock(mu_);
    auto it = deliveries_.find(key);
    if (it == deliveries_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Result<bool> PutDelivery(const std::string& key, const std::string& outcome) override {
    std::lock_guard lock(mu_);
    return deliveries_.try_emplace(key, outcome).second;
  }
  Result<UserAllowance> TakeUserRequest(int64_t user_id, int per_minute, int per_day, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    auto& m = minute_[{user_id, now_ms / 60000}];
    auto& d = day_[{user_id, UtcDay(now_ms)}];
    ++m;
    ++d;
    return AllowanceFor(m, d, per_minute, per_day, now_ms);
  }
  Status GiveBackUserRequest(int64_t user_id, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    for (auto* w : {&minute_, &day_}) {
      auto it = w->find({user_id, w == &minute_ ? now_ms / 60000 : UtcDay(now_ms)});
      if (it != w->end() && it->second > 0) --it->second;
    }
    return OkStatus();
  }
  Result<int64_t> AddLearnedReviews(const std::vector<LearnedReview>& reviews) override {
    std::lock_guard lock(mu_);
    int64_t added = 0;
    for (const auto& r : reviews) {
      if (learned_keys_.insert(LearnedReviewKey(r)).second) {
        learned_.push_back(r);
        ++added;
      }
    }
    return added;
  }
  Result<std::vector<LearnedReview>> LearnedReviews(int64_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<LearnedReview> out;
    for (const auto& r : learned_) {
      if (static_cast<int64_t>(out.size()) >= limit) break;
      out.push_back(r);
    }
    return out;
  }
  Status Ping() override { return OkStatus(); }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, StoredResult> results_;
  std::unordered_map<std::string, std::string> url_keys_;
  std::unordered_map<int64_t, std::deque<std::pair<std::string, int64_t>>> history_;
  std::map<int64_t, std::map<std::string, int64_t>> popular_;
  std::unordered_map<std::string, std::deque<PriceObservation>> prices_;
  std::unordered_map<std::string, std::string> deliveries_;
  std::map<std::pair<int64_t, int64_t>, int64_t> minute_, day_;
  std::set<std::string> learned_keys_;
  std::vector<LearnedReview> learned_;
};

}  // namespace

void SortPopular(std::vector<PopularItem>& items) {
  std::sort(items.begin(), items.end(), [](const PopularItem& a, const PopularItem& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.product_id < b.product_id;
  });
}

std::string LearnedReviewKey(const LearnedReview& r) { return ShortHash(r.lang + "\n" + r.text); }

std::shared_ptr<ResultStore> MakeMemoryResultStore() { return std::make_shared<MemoryResultStore>(); }

}  // namespace worthit::store
