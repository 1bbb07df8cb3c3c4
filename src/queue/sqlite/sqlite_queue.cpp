// SqliteQueue: the embedded TaskQueue in one SQLite file (the default on one machine).
//
// Concurrency: WAL (readers never block the one writer), every mutation in BEGIN IMMEDIATE (the
// write lock is taken up front, so two processes never both read-then-write and deadlock), and a
// busy timeout so a writer waits for another process instead of failing. Several processes may
// share the file; inside one process a queue object serialises its calls on one connection.
// Schema: PRAGMA user_version + numbered migrations (kMigrations), applied in one IMMEDIATE
// transaction so two processes starting together do not both migrate.
// Layout: `tasks` holds live tasks; `available_at` is when a ready task may be leased, or the
// lease deadline of a leased one, so one index scan (available_at <= now) finds due tasks and
// expired leases together. `dead` holds dead letters, `idempotency` the enqueue keys,
// `counters` the lifetime totals. Time comes from the injected Clock (milliseconds since epoch).
// Blocking lease: SQLite has no notifications across processes, so LeaseTasks polls with short
// sleeps (kPollMin doubling to kPollMax), woken early by Enqueue/Retry in this process.
// Failures: any SQLite error (disk full, locked beyond the busy timeout, corrupt file) is
// QUEUE_UNAVAILABLE; the transaction is rolled back, so nothing half-done is ever visible.
#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/ids.h"
#include "queue/backends.h"
#include "queue/reasons.h"

namespace worthit::queue {
namespace {

// Another process holding the write lock commits within milliseconds; 5 s covers a slow disk or
// a checkpoint without letting a wedged process hang callers for long.
constexpr int kBusyTimeoutMs = 5000;
// Poll interval while LeaseTasks waits: 5 ms keeps a busy queue's latency low, 100 ms caps the
// cost of idle workers (10 cheap indexed queries per second each).
constexpr auto kPollMin = std::chrono::milliseconds(5);
constexpr auto kPollMax = std::chrono::milliseconds(100);
// Expired idempotency keys are deleted every this many enqueues (amortised cleanup).
constexpr int kPruneEvery = 1000;

// Numbered migrations: index i brings user_version from i to i+1. Append only; never edit one
// that has shipped.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,        -- 0 ready or delayed, 1 leased
  available_at INTEGER NOT NULL,           -- ready: leasable from; leased: lease deadline (ms)
  attempt INTEGER NOT NULL DEFAULT 0,      -- deliveries so far
  reasons TEXT NOT NULL DEFAULT '[]',      -- JSON array of strings
  enqueued_at INTEGER NOT NULL,
  token TEXT,
  consumer TEXT
);
CREATE INDEX tasks_due ON tasks(available_at, seq);
CREATE TABLE dead (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  reasons TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL,
  dead_at INTEGER NOT NULL
);
CREATE TABLE idempotency (
  key TEXT PRIMARY KEY,
  task_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX idempotency_expiry ON idempotency(expires_at);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters(name, value) VALUES ('enqueued', 0), ('acked', 0), ('retried', 0), ('dead', 0);
)sql",
};

struct SqliteFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct LeaseLostFailure {};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
      throw SqliteFailure(std::string("prepare: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // true: a row is available; false: done. Throws on error.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SqliteFailure(sqlite3_errmsg(db_));
  }
  void Run() {
    while (Step()) {
    }
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets the statement when the use ends, success or not.
class Use {
 public:
  explicit Use(Statement& s) : s_(s) {}
  ~Use() { s_.Reset(); }
  Statement* operator->() { return &s_; }

 private:
  Statement& s_;
};

Error Unavailable(const std::string& what) { return Error::Transient("QUEUE_UNAVAILABLE", "sqlite queue: " + what); }
Error LeaseLost(const std::string& id) {
  return Error::Permanent("QUEUE_LEASE_LOST", "lease on task " + id + " expired or was taken over");
}

class SqliteQueue final : public TaskQueue {
 public:
  SqliteQueue(sqlite3* db, const QueueOptions& options, Clock& clock) : db_(db), options_(options), clock_(clock) {}
  ~SqliteQueue() override {
    statements_.clear();
    sqlite3_close_v2(db_);
  }

  void Migrate() {
    Exec("BEGIN IMMEDIATE");
    try {
      int version = 0;
      {
        Statement s(db_, "PRAGMA user_version");
        if (s.Step()) version = static_cast<int>(s.Int(0));
      }
      const int latest = static_cast<int>(std::size(kMigrations));
      if (version > latest) {
        throw SqliteFailure("schema version " + std::to_string(version) + " is newer than this binary (" +
                            std::to_string(latest) + ")");
      }
      for (int v = version; v < latest; ++v) {
        Exec(kMigrations[v]);
        Exec("PRAGMA user_version = " + std::to_string(v + 1));
      }
      Exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  Result<std::string> Enqueue(const std::string& payload, const EnqueueOptions& options) override {
    auto ids = EnqueueBatch({EnqueueRequest{payload, options}});
    if (!ids.ok()) return ids.error();
    return std::move(ids->front());
  }

  Result<std::vector<std::string>> EnqueueBatch(const std::vector<EnqueueRequest>& requests) override {
    std::vector<std::string> ids;
    auto status = Transaction([&] {
      ids.clear();
      const int64_t now = clock_.NowMillis();
      int64_t added = 0;
      for (const auto& r : requests) {
        if (!r.options.idempotency_key.empty()) {
          Use find(Stmt("SELECT task_id FROM idempotency WHERE key = ? AND expires_at > ?"));
          find->Bind(1, r.options.idempotency_key).Bind(2, now);
          if (find->Step()) {
            ids.push_back(find->Text(0));
            continue;
          }
        }
        std::string id = RandomId(16);
        {
          Use insert(Stmt("INSERT INTO tasks(id, payload, state, available_at, enqueued_at) VALUES (?, ?, 0, ?, ?)"));
          insert->Bind(1, id)
              .Bind(2, r.payload)
              .Bind(3, now + std::max<int64_t>(0, r.options.delay.count()))
              .Bind(4, now);
          insert->Run();
        }
        if (!r.options.idempotency_key.empty()) {
          Use key(Stmt("INSERT OR REPLACE INTO idempotency(key, task_id, expires_at) VALUES (?, ?, ?)"));
          key->Bind(1, r.options.idempotency_key).Bind(2, id).Bind(3, now + TtlMs());
          key->Run();
        }
        ids.push_back(std::move(id));
        ++added;
      }
      AddCounter("enqueued", added);
      if (++enqueue_calls_ % kPruneEvery == 0) {
        Use prune(Stmt("DELETE FROM idempotency WHERE expires_at <= ?"));
        prune->Bind(1, now);
        prune->Run();
      }
    });
    if (!status.ok()) return status.error();
    cv_.notify_all();
    return ids;
  }

  Result<std::vector<Lease>> LeaseTasks(const std::string& consumer, int max_tasks,
                                        std::chrono::milliseconds wait) override {
    std::vector<Lease> out;
    if (max_tasks < 1) return out;
    const auto give_up = std::chrono::steady_clock::now() + wait;
    auto pause = kPollMin;
    while (true) {
      auto status = Transaction([&] { LeaseLocked(consumer, max_tasks, out); });
      if (!status.ok()) return status.error();
      if (!out.empty()) return out;
      const auto now = std::chrono::steady_clock::now();
      if (now >= give_up) return out;
      std::unique_lock lock(wait_mu_);
      cv_.wait_until(lock, std::min(give_up, now + pause));
      pause = std::min(pause * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kPollMax));
    }
  }

  Status Extend(Lease& lease) override {
    int64_t deadline = 0;
    auto status = Transaction([&] {
      const int64_t now = clock_.NowMillis();
      deadline = now + options_.lease_duration.count();
      Use s(Stmt("UPDATE tasks SET available_at = ? WHERE id = ? AND state = 1 AND token = ? AND available_at > ?"));
      s->Bind(1, deadline).Bind(2, lease.task.id).Bind(3, lease.token).Bind(4, now);
      s->Run();
      if (sqlite3_changes(db_) != 1) throw LeaseLostFailure{};
    });
    if (!status.ok()) return status.error();
    lease.deadline_ms = deadline;
    return OkStatus();
  }

  Status Ack(const Lease& lease) override {
    auto results = AckBatch({lease});
    return results.front();
  }

  std::vector<Status> AckBatch(const std::vector<Lease>& leases) override {
    std::vector<Status> out;
    auto status = Transaction([&] {
      out.clear();
      const int64_t now = clock_.NowMillis();
      int64_t acked = 0;
      for (const auto& lease : leases) {
        Use s(Stmt("DELETE FROM tasks WHERE id = ? AND state = 1 AND token = ? AND available_at > ?"));
        s->Bind(1, lease.task.id).Bind(2, lease.token).Bind(3, now);
        s->Run();
        if (sqlite3_changes(db_) == 1) {
          out.push_back(OkStatus());
          ++acked;
        } else {
          out.push_back(LeaseLost(lease.task.id));
        }
      }
      AddCounter("acked", acked);
    });
    if (!status.ok()) return std::vector<Status>(leases.size(), status.error());
    return out;
  }

  Status Retry(const Lease& lease, std::chrono::milliseconds delay, const std::string& reason) override {
    auto status = Transaction([&] {
      const int64_t now = clock_.NowMillis();
      auto [attempt, reasons] = Validate(lease, now);
      reasons.push_back(reason);
      if (attempt >= options_.max_attempts) {
        ToDead(lease.task.id, reasons, now);
        return;
      }
      Use s(
          Stmt("UPDATE tasks SET state = 0, available_at = ?, reasons = ?, token = NULL, consumer = NULL "
               "WHERE id = ?"));
      s->Bind(1, now + std::max<int64_t>(0, delay.count())).Bind(2, EncodeReasons(reasons)).Bind(3, lease.task.id);
      s->Run();
      AddCounter("retried", 1);
    });
    if (status.ok()) cv_.notify_one();
    return status;
  }

  Status Dead(const Lease& lease, const std::string& reason) override {
    return Transaction([&] {
      const int64_t now = clock_.NowMillis();
      auto [attempt, reasons] = Validate(lease, now);
      reasons.push_back(reason);
      ToDead(lease.task.id, reasons, now);
    });
  }

  Result<std::vector<DeadLetter>> ListDead(int limit) override {
    std::vector<DeadLetter> out;
    auto status = Locked([&] {
      Use s(Stmt("SELECT id, payload, attempts, reasons, enqueued_at, dead_at FROM dead ORDER BY seq LIMIT ?"));
      s->Bind(1, std::max(0, limit));
      while (s->Step()) {
        out.push_back(DeadLetter{s->Text(0), s->Text(1), static_cast<int>(s->Int(2)), DecodeReasons(s->Text(3)),
                                 s->Int(4), s->Int(5)});
      }
    });
    if (!status.ok()) return status.error();
    return out;
  }

  Result<int64_t> RequeueDead(const std::optional<std::string>& id) override {
    int64_t moved = 0;
    bool missing = false;
    auto status = Transaction([&] {
      const int64_t now = clock_.NowMillis();
      const std::string where = id ? " WHERE id = ?" : "";
      {
        Use s(
            Stmt("INSERT INTO tasks(id, payload, state, available_at, attempt, reasons, enqueued_at) "
                 "SELECT id, payload, 0, ?, 0, reasons, enqueued_at FROM dead" +
                 where + " ORDER BY seq"));
        s->Bind(1, now);
        if (id) s->Bind(2, *id);
        s->Run();
        moved = sqlite3_changes(db_);
      }
      Use d(Stmt("DELETE FROM dead" + where));
      if (id) d->Bind(1, *id);
      d->Run();
      missing = id && moved == 0;
    });
    if (!status.ok()) return status.error();
    if (missing) return Error::Permanent("QUEUE_NOT_FOUND", "no dead letter with id " + *id);
    cv_.notify_all();
    return moved;
  }

  Result<int64_t> PurgeDead() override {
    int64_t n = 0;
    auto status = Transaction([&] {
      Use s(Stmt("DELETE FROM dead"));
      s->Run();
      n = sqlite3_changes(db_);
    });
    if (!status.ok()) return status.error();
    return n;
  }

  Result<QueueStats> Stats() override {
    QueueStats st;
    auto status = Locked([&] {
      const int64_t now = clock_.NowMillis();
      // One read transaction so the figures are a consistent snapshot.
      Exec("BEGIN");
      try {
        Use s(
            Stmt("SELECT "
                 "(SELECT COUNT(*) FROM tasks WHERE available_at <= ?1), "
                 "(SELECT COUNT(*) FROM tasks WHERE state = 1 AND available_at > ?1), "
                 "(SELECT COUNT(*) FROM tasks WHERE state = 0 AND available_at > ?1), "
                 "(SELECT COUNT(*) FROM dead), "
                 "(SELECT MIN(available_at) FROM tasks WHERE available_at <= ?1), "
                 "(SELECT value FROM counters WHERE name = 'enqueued'), "
                 "(SELECT value FROM counters WHERE name = 'acked'), "
                 "(SELECT value FROM counters WHERE name = 'retried'), "
                 "(SELECT value FROM counters WHERE name = 'dead')"));
        s->Bind(1, now);
        if (s->Step()) {
          st.ready = s->Int(0);
          st.leased = s->Int(1);
          st.delayed = s->Int(2);
          st.dead = s->Int(3);
          if (st.ready > 0) st.oldest_ready_age_seconds = static_cast<double>(now - s->Int(4)) / 1000.0;
          st.enqueued_total = s->Int(5);
          st.acked_total = s->Int(6);
          st.retried_total = s->Int(7);
          st.dead_total = s->Int(8);
        }
      } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
      Exec("COMMIT");
    });
    if (!status.ok()) return status.error();
    return st;
  }

  Status Ping() override {
    return Locked([&] {
      Use s(Stmt("SELECT 1"));
      s->Run();
    });
  }

  std::string Backend() const override { return "sqlite"; }

 private:
  int64_t TtlMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(options_.idempotency_ttl).count();
  }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw SqliteFailure(message);
    }
  }

  Statement& Stmt(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
    return *it->second;
  }

  void AddCounter(const char* name, int64_t by) {
    if (by == 0) return;
    Use s(Stmt("UPDATE counters SET value = value + ? WHERE name = ?"));
    s->Bind(1, by).Bind(2, std::string(name));
    s->Run();
  }

  template <typename F>
  Status Locked(F&& body) {
    std::lock_guard lock(mu_);
    try {
      body();
      return OkStatus();
    } catch (const SqliteFailure& e) {
      return Unavailable(e.what());
    }
  }

  // body runs inside BEGIN IMMEDIATE ... COMMIT; any failure rolls the whole thing back.
  template <typename F>
  Status Transaction(F&& body) {
    std::lock_guard lock(mu_);
    try {
      Exec("BEGIN IMMEDIATE");
    } catch (const SqliteFailure& e) {
      return Unavailable(e.what());
    }
    try {
      body();
      Exec("COMMIT");
      return OkStatus();
    } catch (const LeaseLostFailure&) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return Error::Permanent("QUEUE_LEASE_LOST", "lease expired or was taken over");
    } catch (const SqliteFailure& e) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return Unavailable(e.what());
    }
  }

  // (attempt, reasons) of a live lease, or throws LeaseLostFailure.
  std::pair<int, std::vector<std::string>> Validate(const Lease& lease, int64_t now) {
    Use s(Stmt("SELECT attempt, reasons FROM tasks WHERE id = ? AND state = 1 AND token = ? AND available_at > ?"));
    s->Bind(1, lease.task.id).Bind(2, lease.token).Bind(3, now);
    if (!s->Step()) throw LeaseLostFailure{};
    return {static_cast<int>(s->Int(0)), DecodeReasons(s->Text(1))};
  }

  void ToDead(const std::string& id, const std::vector<std::string>& reasons, int64_t now) {
    {
      Use s(
          Stmt("INSERT OR REPLACE INTO dead(id, payload, attempts, reasons, enqueued_at, dead_at) "
               "SELECT id, payload, attempt, ?, enqueued_at, ? FROM tasks WHERE id = ?"));
      s->Bind(1, EncodeReasons(reasons)).Bind(2, now).Bind(3, id);
      s->Run();
    }
    Use d(Stmt("DELETE FROM tasks WHERE id = ?"));
    d->Bind(1, id);
    d->Run();
    AddCounter("dead", 1);
  }

  void LeaseLocked(const std::string& consumer, int max_tasks, std::vector<Lease>& out) {
    const int64_t now = clock_.NowMillis();
    const int64_t deadline = now + options_.lease_duration.count();
    // Expired leases at their last attempt go to the dead-letter queue instead of out, so scan
    // again until `out` is full or nothing due is left (bounded: each pass removes what it saw).
    for (int pass = 0; pass < 1000 && static_cast<int>(out.size()) < max_tasks; ++pass) {
      struct Row {
        std::string id, payload, reasons, consumer;
        int64_t state, attempt, enqueued_at;
      };
      std::vector<Row> rows;
      {
        Use s(
            Stmt("SELECT id, payload, state, attempt, reasons, enqueued_at, consumer FROM tasks "
                 "WHERE available_at <= ? ORDER BY available_at, seq LIMIT ?"));
        s->Bind(1, now).Bind(2, static_cast<int64_t>(max_tasks - static_cast<int>(out.size())));
        while (s->Step()) {
          rows.push_back(Row{s->Text(0), s->Text(1), s->Text(4), s->Text(6), s->Int(2), s->Int(3), s->Int(5)});
        }
      }
      if (rows.empty()) return;
      for (auto& row : rows) {
        auto reasons = DecodeReasons(row.reasons);
        bool reasons_changed = false;
        if (row.state == 1) {  // the lease expired: the consumer died or hung
          reasons.push_back("lease expired (consumer " + row.consumer + ")");
          reasons_changed = true;
          if (row.attempt >= options_.max_attempts) {
            ToDead(row.id, reasons, now);
            continue;
          }
        }
        std::string token = RandomId(16);
        Use u(
            Stmt("UPDATE tasks SET state = 1, attempt = attempt + 1, available_at = ?, token = ?, consumer = ?, "
                 "reasons = ? WHERE id = ?"));
        u->Bind(1, deadline).Bind(2, token).Bind(3, consumer);
        u->Bind(4, reasons_changed ? EncodeReasons(reasons) : row.reasons).Bind(5, row.id);
        u->Run();
        Lease lease;
        lease.task = Task{row.id, std::move(row.payload), static_cast<int>(row.attempt) + 1, std::move(reasons),
                          row.enqueued_at};
        lease.token = std::move(token);
        lease.consumer = consumer;
        lease.deadline_ms = deadline;
        out.push_back(std::move(lease));
      }
    }
  }

  sqlite3* db_;
  const QueueOptions options_;
  Clock& clock_;
  std::mutex mu_;  // guards db_ and statements_
  std::map<std::string, std::unique_ptr<Statement>> statements_;
  int64_t enqueue_calls_ = 0;
  std::mutex wait_mu_;
  std::condition_variable cv_;
};

}  // namespace

Result<std::unique_ptr<TaskQueue>> OpenSqliteQueue(const std::string& path, const QueueOptions& options, Clock& clock) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Unavailable("cannot open " + path + ": " + message);
  }
  auto queue = std::make_unique<SqliteQueue>(db, options, clock);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  try {
    // WAL: readers (stats, other processes' polls) never block the writer. synchronous=NORMAL in
    // WAL mode survives any process crash; only an OS crash or power cut can lose the last
    // commits (documented in docs/queue-format.md).
    char* err = nullptr;
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
      if (sqlite3_exec(db, pragma, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string message = err ? err : "pragma failed";
        sqlite3_free(err);
        throw SqliteFailure(message);
      }
    }
    queue->Migrate();
  } catch (const SqliteFailure& e) {
    return Unavailable("cannot prepare " + path + ": " + e.what());
  }
  return std::unique_ptr<TaskQueue>(std::move(queue));
}

}  // namespace worthit::queue
