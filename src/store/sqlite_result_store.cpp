// SQLite ResultStore over the front door's database (migration 2 of FrontDoorMigrations()).
// Old rows (results, history, deliveries, windows) are pruned every kPruneEvery writes.
#include <atomic>
#include <chrono>
#include <cmath>

#include "store/result_store_backends.h"
#include "store/sqlite_stores.h"

namespace worthit::store {
namespace {

constexpr int64_t kPruneEvery = 500;

int64_t Ms(std::chrono::hours h) { return std::chrono::duration_cast<std::chrono::milliseconds>(h).count(); }

SqlValue ScoreValue(const std::optional<double>& s) {
  if (!s) return std::monostate{};
  return static_cast<int64_t>(std::llround(*s * 10));
}
std::optional<double> ScoreFrom(const SqlValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i) / 10.0;
  return std::nullopt;
}
const std::string& Str(const SqlValue& v) {
  static const std::string kEmpty;
  const auto* s = std::get_if<std::string>(&v);
  return s ? *s : kEmpty;
}
int64_t Int(const SqlValue& v) {
  const auto* i = std::get_if<int64_t>(&v);
  return i ? *i : 0;
}

Status Ok(const Result<int64_t>& r) { return r.ok() ? OkStatus() : Status(r.error()); }

class SqliteResultStore final : public ResultStore {
 public:
  explicit SqliteResultStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  Status PutResult(const StoredResult& r, const std::vector<std::string>& url_keys) override {
    auto e = db_->Exec(
        "INSERT INTO results(product_id, canonical_url, title, score_tenths, price, currency, card_it, card_en,"
        " keyboard, analyzed_at_ms) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) ON CONFLICT(product_id) DO UPDATE SET"
        " canonical_url=excluded.canonical_url, title=excluded.title, score_tenths=excluded.score_tenths,"
        " price=excluded.price, currency=excluded.currency, card_it=excluded.card_it, card_en=excluded.card_en,"
        " keyboard=excluded.keyboard, analyzed_at_ms=excluded.analyzed_at_ms",
        {r.product_id, r.canonical_url, r.title, ScoreValue(r.score), r.price, r.currency, r.card_it, r.card_en,
         r.keyboard_json, r.analyzed_at_ms});
    if (!e.ok()) return e.error();
    std::vector<std::string> keys = url_keys;
    keys.push_back(r.canonical_url);
    for (const auto& k : keys) {
      if (k.empty()) continue;
      auto u = db_->Exec(
          "INSERT INTO result_urls(url_key, product_id) VALUES(?1,?2) ON CONFLICT(url_key) DO UPDATE SET "
          "product_id=excluded.product_id",
          {k, r.product_id});
      if (!u.ok()) return u.error();
    }
    MaybePrune(r.analyzed_at_ms);
    return OkStatus();
  }

  Result<std::optional<StoredResult>> GetResult(const std::string& product_id) override {
    auto rows = db_->Query(
        "SELECT product_id, canonical_url, title, score_tenths, price, currency, card_it, card_en, keyboard,"
        " analyzed_at_ms FROM results WHERE product_id=?1",
        {product_id});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<StoredResult>();
    const auto& row = (*rows)[0];
    StoredResult r;
    r.product_id = Str(row[0]);
    r.canonical_url = Str(row[1]);
    r.title = Str(row[2]);
    r.score = ScoreFrom(row[3]);
    r.price = Str(row[4]);
    r.currency = Str(row[5]);
    r.card_it = Str(row[6]);
    r.card_en = Str(row[7]);
    r.keyboard_json = Str(row[8]);
    r.analyzed_at_ms = Int(row[9]);
    return std::optional<StoredResult>(std::move(r));
  }

  Result<std::optional<StoredResult>> GetResultByUrl(const std::string& url_key) override {
    auto rows = db_->Query("SELECT product_id FROM result_urls WHERE url_key=?1", {url_key});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<StoredResult>();
    return GetResult(Str((*rows)[0][0]));
  }

  Status RecordAnalysis(int64_t user_id, const std::string& product_id, int64_t at_ms) override {
    if (auto e =
            db_->Exec("INSERT INTO history(user_id, product_id, at_ms) VALUES(?1,?2,?3)", {user_id, product_id, at_ms});
        !e.ok())
      return e.error();
    return Ok(db_->Exec(
        "INSERT INTO popular(day, product_id, n) VALUES(?1,?2,1) ON CONFLICT(day, product_id) DO UPDATE SET n=n+1",
        {UtcDay(at_ms), product_id}));
  }

  Result<std::vector<HistoryItem>> History(int64_t user_id, int limit) override {
    auto rows = db_->Query(
        "SELECT h.product_id, MAX(h.at_ms) AS at, r.title, r.score_tenths FROM history h LEFT JOIN results r"
        " ON r.product_id=h.product_id WHERE h.user_id=?1 GROUP BY h.product_id ORDER BY at DESC LIMIT ?2",
        {user_id, static_cast<int64_t>(limit)});
    if (!rows.ok()) return rows.error();
    std::vector<HistoryItem> out;
    for (const auto& row : *rows) out.push_back({Str(row[0]), Str(row[2]), ScoreFrom(row[3]), Int(row[1])});
    return out;
  }

  Result<std::vector<PopularItem>> Popular(int64_t since_ms, int limit) override {
    auto rows = db_->Query(
        "SELECT p.product_id, SUM(p.n) AS total, r.title, r.score_tenths FROM popular p LEFT JOIN results r"
        " ON r.product_id=p.product_id WHERE p.day>=?1 GROUP BY p.product_id ORDER BY total DESC, p.product_id"
        " LIMIT ?2",
        {UtcDay(since_ms), static_cast<int64_t>(limit)});
    if (!rows.ok()) return rows.error();
    std::vector<PopularItem> out;
    for (const auto& row : *rows) out.push_back({Str(row[0]), Str(row[2]), ScoreFrom(row[3]), Int(row[1])});
    return out;
  }

  Status AddPrice(const std::string& product_id, const PriceObservation& o) override {
    return Ok(db_->Exec("INSERT INTO prices(product_id, price, currency, at_ms) VALUES(?1,?2,?3,?4)",
                        {product_id, o.price, o.currency, o.at_ms}));
  }

  Result<std::vector<PriceObservation>> Prices(const std::string& product_id, int limit) override {
    auto rows = db_->Query("SELECT price, currency, at_ms FROM prices WHERE product_id=?1 ORDER BY at_ms DESC LIMIT ?2",
                           {product_id, static_cast<int64_t>(std::min(limit, kPriceKeep))});
    if (!rows.ok()) return rows.error();
    std::vector<PriceObservation> out;
    for (const auto& row : *rows) out.push_back({Str(row[0]), Str(row[1]), Int(row[2])});
    return out;
  }

  Result<std::optional<std::string>> GetDelivery(const std::string& key) override {
    auto rows = db_->Query("SELECT outcome FROM deliveries WHERE key=?1", {key});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<std::string>();
    return std::optional<std::string>(Str((*rows)[0][0]));
  }

  Result<bool> PutDelivery(const std::string& key, const std::string& outcome) override {
    const int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    auto e = db_->Exec("INSERT OR IGNORE INTO deliveries(key, outcome, at_ms) VALUES(?1,?2,?3)", {key, outcome, now});
    MaybePrune(now);
    if (!e.ok()) return e.error();
    return *e > 0;
  }

  Result<UserAllowance> TakeUserRequest(int64_t user_id, int per_minute, int per_day, int64_t now_ms) override {
    const std::string minute = "m" + std::to_string(now_ms / 60000);
    const std::string day = "d" + std::to_string(UtcDay(now_ms));
    int64_t counts[2] = {0, 0};
    int i = 0;
    for (const auto& w : {minute, day}) {
      auto rows = db_->Query(
          "INSERT INTO user_windows(user_id, win, n) VALUES(?1,?2,1) ON CONFLICT(user_id, win) DO UPDATE SET"
          " n=n+1 RETURNING n",
          {user_id, w});
      if (!rows.ok()) return rows.error();
      counts[i++] = rows->empty() ? 1 : Int((*rows)[0][0]);
    }
    MaybePrune(now_ms);
    return AllowanceFor(counts[0], counts[1], per_minute, per_day, now_ms);
  }

  Status GiveBackUserRequest(int64_t user_id, int64_t now_ms) override {
    auto e = db_->Exec("UPDATE user_windows SET n = n - 1 WHERE user_id = ?1 AND win IN (?2, ?3) AND n > 0",
                       {user_id, "m" + std::to_string(now_ms / 60000), "d" + std::to_string(UtcDay(now_ms))});
    if (!e.ok()) return e.error();
    return OkStatus();
  }

  Result<int64_t> AddLearnedReviews(const std::vector<LearnedReview>& reviews) override {
    int64_t added = 0;
    const int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (const auto& r : reviews) {
      auto e = db_->Exec(
          "INSERT OR IGNORE INTO learned_reviews(key, product_id, text, stars, lang, date, at_ms) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7)",
          {LearnedReviewKey(r), r.product_id, r.text, static_cast<int64_t>(r.stars), r.lang, r.date, now});
      if (!e.ok()) return e.error();
      added += *e;
    }
    return added;
  }

  Result<std::vector<LearnedReview>> LearnedReviews(int64_t limit) override {
    auto rows =
        db_->Query("SELECT product_id, text, stars, lang, date FROM learned_reviews ORDER BY at_ms LIMIT ?1", {limit});
    if (!rows.ok()) return rows.error();
    std::vector<LearnedReview> out;
    for (const auto& row : *rows) {
      out.push_back({Str(row[0]), Str(row[1]), static_cast<int>(Int(row[2])), Str(row[3]), Str(row[4])});
    }
    return out;
  }

  Status Ping() override { return Ok(db_->Exec("SELECT 1")); }

 private:
  void MaybePrune(int64_t now) {
    if (++writes_ % kPruneEvery != 0) return;
    (void)db_->Exec("DELETE FROM results WHERE analyzed_at_ms<?1", {now - Ms(kResultRetention)});
    (void)db_->Exec("DELETE FROM history WHERE at_ms<?1", {now - Ms(kResultRetention)});
    (void)db_->Exec("DELETE FROM popular WHERE day<?1", {UtcDay(now) - 8});
    (void)db_->Exec("DELETE FROM deliveries WHERE at_ms<?1", {now - Ms(kDeliveryRetention)});
    (void)db_->Exec("DELETE FROM user_windows WHERE win<>?1 AND win<>?2",
                    {"m" + std::to_string(now / 60000), "d" + std::to_string(UtcDay(now))});
  }

  std::shared_ptr<SqliteDb> db_;
  std::atomic<int64_t> writes_{0};
};

}  // namespace

std::shared_ptr<ResultStore> MakeSqliteResultStore(std::shared_ptr<SqliteDb> db) {
  return std::make_shared<SqliteResultStore>(std::move(db));
}

}  // namespace worthit::store
