#include "store/result_store.h"

#include "telegram/outbound_limiter.h"

namespace worthit::store {

int64_t UtcDay(int64_t ms) { return ms / 86400000; }

UserAllowance AllowanceFor(int64_t minute_count, int64_t day_count, int per_minute, int per_day, int64_t now_ms) {
  UserAllowance a;
  if (day_count > per_day) {
    a.allowed = false;
    a.daily = true;
    a.retry_after = std::chrono::seconds((86400000 - now_ms % 86400000 + 999) / 1000);
  } else if (minute_count > per_minute) {
    a.allowed = false;
    a.retry_after = std::chrono::seconds((60000 - now_ms % 60000 + 999) / 1000);
  }
  return a;
}

Result<TaskLookup> ResultStore::LookupTask(const std::string& delivery_key, const std::string& url_key,
                                           const std::string& prices_of) {
  TaskLookup out;
  auto delivered = GetDelivery(delivery_key);
  if (!delivered.ok()) return delivered.error();
  out.delivery = std::move(*delivered);
  if (out.delivery) return out;
  if (!url_key.empty()) {
    auto cached = GetResultByUrl(url_key);
    if (!cached.ok()) return cached.error();
    out.result = std::move(*cached);
  }
  if (!prices_of.empty()) {
    // A history that cannot be read costs the score its trend, not the task (as Prices alone).
    if (auto prices = Prices(prices_of, kPriceKeep); prices.ok()) out.prices = std::move(*prices);
  }
  return out;
}

Status ResultStore::PutAnalysis(const StoredResult& result, const std::vector<std::string>& url_keys,
                                const std::optional<PriceObservation>& price) {
  // A lost price observation costs one point of the price history, not the task: not an error.
  if (price) (void)AddPrice(result.product_id, *price);
  return PutResult(result, url_keys);
}

Status ResultStore::RecordDelivered(const std::string& key, const std::string& outcome, int64_t user_id,
                                    const std::string& product_id, int64_t at_ms) {
  auto claimed = PutDelivery(key, outcome);
  if (!claimed.ok()) return claimed.error();
  return RecordAnalysis(user_id, product_id, at_ms);
}

Status ResultStore::PutAnalysisTakeToken(const StoredResult& result, const std::vector<std::string>& url_keys,
                                         const std::optional<PriceObservation>& price,
                                         telegram::OutboundLimiter& limiter, int64_t chat_id, bool is_group,
                                         std::optional<std::chrono::milliseconds>& token_wait) {
  token_wait.reset();
  if (auto st = PutAnalysis(result, url_keys, price); !st.ok()) return st;
  token_wait = limiter.TryAcquire(chat_id, is_group);
  return OkStatus();
}

}  // namespace worthit::store
