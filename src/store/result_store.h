// ResultStore: what the workers remember about analyses, read by the front door and the workers.
//
// - Results (the cache): per product id (card::ProductId, a short hash of the canonical URL) the
//   rendered card in Italian and English (HTML without the age line), its keyboard, title, score,
//   price and when it was analysed. Also reachable by "url keys" (the canonical link computed
//   from the user's URL alone, so the front door finds the product without fetching). Results are
//   kept kResultRetention (history re-opens them); freshness (CACHE_TTL_SECONDS) is the caller's
//   decision from analyzed_at_ms.
// - History per user (last kHistoryKeep analyses) and popularity (analyses per product per UTC day,
//   kept 8 days for the 7-day ranking).
// - Price observations per product (for "📉 minimo visto" and the score).
// - Delivery records: key ("task:<id>") → outcome, so a task leased again after its worker died
//   sends no second card or final message (docs/design.md "Delivery").
// - Per-user request limits: fixed one-minute and one-UTC-day windows.
// - Learned reviews (LEARN_REVIEWS): text, stars, language, product, date; deduplicated by text.
// Implementations: memory://, sqlite://path, redis://host:port/db (OpenResultStore in
// store_factory.h). Errors: STORE_UNAVAILABLE (transient). Thread-safety: safe from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace worthit::telegram {
class OutboundLimiter;
}

namespace worthit::store {

// A result older than this is gone even from history (a month is what /analisi is useful for).
inline constexpr std::chrono::hours kResultRetention{24 * 30};
// /analisi shows at most 10; keep a few more so repeats of one product do not shorten the list.
inline constexpr int kHistoryKeep = 30;
// Delivery records outlive any task: leases and retries end within hours.
inline constexpr std::chrono::hours kDeliveryRetention{24 * 7};
// Price observations kept per product (the median and the low need no more).
inline constexpr int kPriceKeep = 200;

struct StoredResult {
  std::string product_id;
  std::string canonical_url;
  std::string title;
  std::optional<double> score;  // 0-10, one decimal
  std::string price;            // decimal string, "" when unknown
  std::string currency;
  std::string card_it;  // Telegram HTML, without the "🕒 ..." age line
  std::string card_en;
  std::string keyboard_json;  // card::Keyboard as JSON (see worker/result_codec.h)
  int64_t analyzed_at_ms = 0;
};

struct HistoryItem {
  std::string product_id;
  std::string title;
  std::optional<double> score;
  int64_t at_ms = 0;
};

struct PopularItem {
  std::string product_id;
  std::string title;
  std::optional<double> score;
  int64_t count = 0;
};

struct PriceObservation {
  std::string price;  // decimal string
  std::string currency;
  int64_t at_ms = 0;
};

struct LearnedReview {
  std::string product_id;
  std::string text;
  int stars = 0;  // 1..5
  std::string lang;
  std::string date;  // YYYY-MM-DD or ""
};

// What a worker reads before running a task (ResultStore::LookupTask).
struct TaskLookup {
  std::optional<std::string> delivery;  // the task's delivery record, if any
  std::optional<StoredResult> result;   // the result reachable by the task's url key (read only
                                        // when there is no delivery record)
  // Prices(prices_of, kPriceKeep) when LookupTask was given a product (read only when there is
  // no delivery record; nullopt when not read or not readable).
  std::optional<std::vector<PriceObservation>> prices;
};

struct UserAllowance {
  bool allowed = true;
  bool daily = false;  // refused by the daily quota (else by the per-minute rate)
  std::chrono::seconds retry_after{0};
};

class ResultStore {
 public:
  virtual ~ResultStore() = default;

  virtual Status PutResult(const StoredResult& result, const std::vector<std::string>& url_keys) = 0;
  virtual Result<std::optional<StoredResult>> GetResult(const std::string& product_id) = 0;
  virtual Result<std::optional<StoredResult>> GetResultByUrl(const std::string& url_key) = 0;

  // One analysis delivered to a user: history and the day's popularity count.
  virtual Status RecordAnalysis(int64_t user_id, const std::string& product_id, int64_t at_ms) = 0;
  // Newest first, one entry per product (its latest), at most `limit`.
  virtual Result<std::vector<HistoryItem>> History(int64_t user_id, int limit) = 0;
  // Most analysed since `since_ms` (whole UTC days), most first, at most `limit`.
  virtual Result<std::vector<PopularItem>> Popular(int64_t since_ms, int limit) = 0;

  virtual Status AddPrice(const std::string& product_id, const PriceObservation& observation) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<PriceObservation>> Prices(const std::string& product_id, int limit) = 0;

  virtual Result<std::optional<std::string>> GetDelivery(const std::string& key) = 0;
  // Records the outcome unless the key already has one; true when this call recorded it (a claim).
  virtual Result<bool> PutDelivery(const std::string& key, const std::string& outcome) = 0;

  // Counts one request of the user (also when refused) and says whether it is within the limits.
  virtual Result<UserAllowance> TakeUserRequest(int64_t user_id, int per_minute, int per_day, int64_t now_ms) = 0;
  // Undoes one TakeUserRequest made at now_ms (its minute and day windows; a window no longer kept,
  // or already at zero, stays as it is): for a request whose reply could not be sent, which comes
  // again (Telegram's redelivery, polling's retry) and is counted then.
  virtual Status GiveBackUserRequest(int64_t user_id, int64_t now_ms) = 0;

  // Returns how many were new.
  virtual Result<int64_t> AddLearnedReviews(const std::vector<LearnedReview>& reviews) = 0;
  virtual Result<std::vector<LearnedReview>> LearnedReviews(int64_t limit) = 0;

  virtual Status Ping() = 0;

  // The worker's per-task reads and writes, each a combination of the calls above with the same
  // effects; Redis answers each in one round trip (a task costs a round trip per store call).
  // GetDelivery(delivery_key), then (no record) GetResultByUrl(url_key) when url_key is not
  // empty and Prices(prices_of, kPriceKeep) when prices_of is not: the worker asks for the price
  // history of the product its link names, so the analysis needs no round trip of its own when
  // the page turns out to be that product (worker.cpp).
  virtual Result<TaskLookup> LookupTask(const std::string& delivery_key, const std::string& url_key,
                                        const std::string& prices_of);
  // AddPrice (when `price`) and PutResult; an error means the result may not be stored.
  virtual Status PutAnalysis(const StoredResult& result, const std::vector<std::string>& url_keys,
                             const std::optional<PriceObservation>& price);
  // PutDelivery(key, outcome) and RecordAnalysis(user_id, product_id, at_ms): a card delivered.
  virtual Status RecordDelivered(const std::string& key, const std::string& outcome, int64_t user_id,
                                 const std::string& product_id, int64_t at_ms);
  // RecordDelivered's writes as Redis commands, for a worker to send with the task's ack in one
  // round trip (queue::PipelinedWrites: only where the queue lives on the same Redis server and
  // database). Empty when the store is not on Redis: call RecordDelivered then.
  virtual std::vector<std::vector<std::string>> RecordDeliveredCommands(const std::string& /*key*/,
                                                                        const std::string& /*outcome*/,
                                                                        int64_t /*user_id*/,
                                                                        const std::string& /*product_id*/,
                                                                        int64_t /*at_ms*/) const {
    return {};
  }
  // PutAnalysis, then the Bot API token for the message that delivers the result:
  // limiter.TryAcquire(chat_id, is_group), whose answer goes to `token_wait` (0: taken; else how
  // long to wait, nothing taken). On Redis, one round trip when the limiter's buckets live on the
  // store's server and key prefix (the token is taken in the same breath as the write, right
  // before the card's call). An error means the result may not be stored; a token may have been
  // taken then (it only spends budget) and token_wait is left unset.
  virtual Status PutAnalysisTakeToken(const StoredResult& result, const std::vector<std::string>& url_keys,
                                      const std::optional<PriceObservation>& price, telegram::OutboundLimiter& limiter,
                                      int64_t chat_id, bool is_group,
                                      std::optional<std::chrono::milliseconds>& token_wait);
};

// Shared pure helpers of the implementations.
int64_t UtcDay(int64_t ms);  // days since the epoch
UserAllowance AllowanceFor(int64_t minute_count, int64_t day_count, int per_minute, int per_day, int64_t now_ms);

}  // namespace worthit::store
