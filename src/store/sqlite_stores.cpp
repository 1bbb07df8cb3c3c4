#include "store/sqlite_stores.h"

#include <atomic>

namespace worthit::store {
namespace {

// Prune every this many MarkHandled calls: cheap (indexed delete) and bounded growth.
constexpr int64_t kPruneEvery = 1000;

int64_t RetentionMs() { return std::chrono::duration_cast<std::chrono::milliseconds>(kUpdateRetention).count(); }

class SqliteConversationStore final : public ConversationStore {
 public:
  SqliteConversationStore(std::shared_ptr<SqliteDb> db, Clock& clock) : db_(std::move(db)), clock_(clock) {}

  Result<std::optional<ChatState>> GetChatState(int64_t chat_id) override {
    auto rows = db_->Query("SELECT mode, expires_at_ms FROM chat_state WHERE chat_id=?1", {chat_id});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<ChatState>();
    ChatState s{static_cast<ChatMode>(std::get<int64_t>((*rows)[0][0])), std::get<int64_t>((*rows)[0][1])};
    if (clock_.NowMillis() >= s.expires_at_ms) {
      (void)db_->Exec("DELETE FROM chat_state WHERE chat_id=?1 AND expires_at_ms<=?2", {chat_id, clock_.NowMillis()});
      return std::optional<ChatState>();
    }
    return std::optional<ChatState>(s);
  }

  Status SetChatState(int64_t chat_id, const ChatState& state) override {
    auto r = db_->Exec(
        "INSERT INTO chat_state(chat_id, mode, expires_at_ms) VALUES(?1,?2,?3) "
        "ON CONFLICT(chat_id) DO UPDATE SET mode=excluded.mode, expires_at_ms=excluded.expires_at_ms",
        {chat_id, static_cast<int64_t>(state.mode), state.expires_at_ms});
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  Status ClearChatState(int64_t chat_id) override {
    auto r = db_->Exec("DELETE FROM chat_state WHERE chat_id=?1", {chat_id});
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  Result<std::optional<std::string>> GetUserLanguage(int64_t user_id) override {
    auto rows = db_->Query("SELECT lang FROM user_prefs WHERE user_id=?1", {user_id});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<std::string>();
    return std::optional<std::string>(std::get<std::string>((*rows)[0][0]));
  }

  Status SetUserLanguage(int64_t user_id, const std::string& lang) override {
    auto r = db_->Exec(
        "INSERT INTO user_prefs(user_id, lang, updated_at_ms) VALUES(?1,?2,?3) "
        "ON CONFLICT(user_id) DO UPDATE SET lang=excluded.lang, updated_at_ms=excluded.updated_at_ms",
        {user_id, lang, clock_.NowMillis()});
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  Status Ping() override {
    auto r = db_->Query("SELECT 1");
    if (!r.ok()) return r.error();
    return OkStatus();
  }

 private:
  std::shared_ptr<SqliteDb> db_;
  Clock& clock_;
};

class SqliteUpdateStore final : public UpdateStore {
 public:
  SqliteUpdateStore(std::shared_ptr<SqliteDb> db, Clock& clock) : db_(std::move(db)), clock_(clock) {}

  Result<bool> IsHandled(int64_t update_id) override {
    auto rows = db_->Query("SELECT 1 FROM handled_updates WHERE update_id=?1", {update_id});
    if (!rows.ok()) return rows.error();
    return !rows->empty();
  }

  Status MarkHandled(int64_t update_id, const std::string& outcome) override {
    auto r = db_->Exec("INSERT OR IGNORE INTO handled_updates(update_id, outcome, at_ms) VALUES(?1,?2,?3)",
                       {update_id, outcome, clock_.NowMillis()});
    if (!r.ok()) return r.error();
    if (++marks_ % kPruneEvery == 0) (void)Prune();
    return OkStatus();
  }

  Result<std::optional<AckRecord>> GetAck(int64_t update_id) override {
    auto rows = db_->Query("SELECT chat_id, message_id FROM ack_records WHERE update_id=?1", {update_id});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<AckRecord>();
    return std::optional<AckRecord>(AckRecord{std::get<int64_t>((*rows)[0][0]), std::get<int64_t>((*rows)[0][1])});
  }

  Status PutAck(int64_t update_id, const AckRecord& ack) override {
    auto r = db_->Exec("INSERT OR REPLACE INTO ack_records(update_id, chat_id, message_id, at_ms) VALUES(?1,?2,?3,?4)",
                       {update_id, ack.chat_id, ack.message_id, clock_.NowMillis()});
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  Result<std::optional<int64_t>> GetCursor(const std::string& name) override {
    auto rows = db_->Query("SELECT value FROM cursors WHERE name=?1", {name});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<int64_t>();
    return std::optional<int64_t>(std::get<int64_t>((*rows)[0][0]));
  }

  Status SetCursor(const std::string& name, int64_t value) override {
    auto r =
        db_->Exec("INSERT INTO cursors(name, value) VALUES(?1,?2) ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                  {name, value});
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  Result<int64_t> Prune() override {
    const int64_t cutoff = clock_.NowMillis() - RetentionMs();
    auto a = db_->Exec("DELETE FROM handled_updates WHERE at_ms < ?1", {cutoff});
    if (!a.ok()) return a.error();
    auto b = db_->Exec("DELETE FROM ack_records WHERE at_ms < ?1", {cutoff});
    if (!b.ok()) return b.error();
    (void)db_->Exec("DELETE FROM chat_state WHERE expires_at_ms <= ?1", {clock_.NowMillis()});
    return *a + *b;
  }

  Status Ping() override {
    auto r = db_->Query("SELECT 1");
    if (!r.ok()) return r.error();
    return OkStatus();
  }

 private:
  std::shared_ptr<SqliteDb> db_;
  Clock& clock_;
  std::atomic<int64_t> marks_{0};
};

}  // namespace

const std::vector<std::string>& FrontDoorMigrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: conversation state, language preferences, dedupe, ack records, cursors.
      "CREATE TABLE chat_state(chat_id INTEGER PRIMARY KEY, mode INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL);"
      "CREATE TABLE user_prefs(user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);"
      "CREATE TABLE handled_updates(update_id INTEGER PRIMARY KEY, outcome TEXT NOT NULL, at_ms INTEGER NOT NULL);"
      "CREATE INDEX handled_updates_at ON handled_updates(at_ms);"
      "CREATE TABLE ack_records(update_id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL,"
      " at_ms INTEGER NOT NULL);"
      "CREATE INDEX ack_records_at ON ack_records(at_ms);"
      "CREATE TABLE cursors(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      // 2: the workers' results (cache, history, popularity, prices, deliveries, limits, learned
      // reviews); see result_store.h. Scores are stored in tenths (SqlValue has no REAL).
      "CREATE TABLE results(product_id TEXT PRIMARY KEY, canonical_url TEXT NOT NULL, title TEXT NOT NULL,"
      " score_tenths INTEGER, price TEXT NOT NULL, currency TEXT NOT NULL, card_it TEXT NOT NULL,"
      " card_en TEXT NOT NULL, keyboard TEXT NOT NULL, analyzed_at_ms INTEGER NOT NULL);"
      "CREATE INDEX results_at ON results(analyzed_at_ms);"
      "CREATE TABLE result_urls(url_key TEXT PRIMARY KEY, product_id TEXT NOT NULL);"
      "CREATE TABLE history(user_id INTEGER NOT NULL, product_id TEXT NOT NULL, at_ms INTEGER NOT NULL);"
      "CREATE INDEX history_user ON history(user_id, at_ms);"
      "CREATE TABLE popular(day INTEGER NOT NULL, product_id TEXT NOT NULL, n INTEGER NOT NULL,"
      " PRIMARY KEY(day, product_id));"
      "CREATE TABLE prices(product_id TEXT NOT NULL, price TEXT NOT NULL, currency TEXT NOT NULL,"
      " at_ms INTEGER NOT NULL);"
      "CREATE INDEX prices_product ON prices(product_id, at_ms);"
      "CREATE TABLE deliveries(key TEXT PRIMARY KEY, outcome TEXT NOT NULL, at_ms INTEGER NOT NULL);"
      "CREATE INDEX deliveries_at ON deliveries(at_ms);"
      "CREATE TABLE user_windows(user_id INTEGER NOT NULL, win TEXT NOT NULL, n INTEGER NOT NULL,"
      " PRIMARY KEY(user_id, win));"
      "CREATE TABLE learned_reviews(key TEXT PRIMARY KEY, product_id TEXT NOT NULL, text TEXT NOT NULL,"
      " stars INTEGER NOT NULL, lang TEXT NOT NULL, date TEXT NOT NULL, at_ms INTEGER NOT NULL)",
  };
  return kMigrations;
}

std::shared_ptr<ConversationStore> MakeSqliteConversationStore(std::shared_ptr<SqliteDb> db, Clock& clock) {
  return std::make_shared<SqliteConversationStore>(std::move(db), clock);
}

std::shared_ptr<UpdateStore> MakeSqliteUpdateStore(std::shared_ptr<SqliteDb> db, Clock& clock) {
  return std::make_shared<SqliteUpdateStore>(std::move(db), clock);
}

}  // namespace worthit::store
