#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <filesystem>

namespace worthit::store {
namespace {

Error Unavailable(sqlite3* db, const std::string& what) {
  return Error::Transient("STORE_UNAVAILABLE", what + ": " + (db ? sqlite3_errmsg(db) : "no connection"));
}

}  // namespace

Result<std::shared_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, const std::vector<std::string>& migrations) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = Unavailable(raw, "open " + path);
    sqlite3_close(raw);
    return e;
  }
  std::shared_ptr<SqliteDb> db(new SqliteDb(raw, path));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    if (auto r = db->Query(pragma); !r.ok()) return r.error();
  }
  auto version = db->Query("PRAGMA user_version");
  if (!version.ok()) return version.error();
  int64_t current = std::get<int64_t>((*version)[0][0]);
  for (size_t i = static_cast<size_t>(current); i < migrations.size(); ++i) {
    std::lock_guard lock(db->mu_);
    std::string sql =
        "BEGIN IMMEDIATE;\n" + migrations[i] + ";\nPRAGMA user_version=" + std::to_string(i + 1) + ";\nCOMMIT;";
    char* err = nullptr;
    if (sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
      return Error::Transient("STORE_UNAVAILABLE", "migration " + std::to_string(i + 1) + " of " + path + ": " + msg);
    }
  }
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<std::vector<SqlRow>> SqliteDb::Query(const std::string& sql, const std::vector<SqlValue>& params) {
  std::lock_guard lock(mu_);
  return RunLocked(sql, params, nullptr);
}

Result<int64_t> SqliteDb::Exec(const std::string& sql, const std::vector<SqlValue>& params) {
  std::lock_guard lock(mu_);
  int64_t changes = 0;
  auto r = RunLocked(sql, params, &changes);
  if (!r.ok()) return r.error();
  return changes;
}

Result<std::vector<SqlRow>> SqliteDb::RunLocked(const std::string& sql, const std::vector<SqlValue>& params,
                                                int64_t* changes) {
  sqlite3_stmt* stmt = nullptr;
  bool cached = false;
  if (auto it = statements_.find(sql); it != statements_.end()) {
    stmt = it->second;
    cached = true;
  } else {
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Unavailable(db_, "prepare");
    }
    if (stmt && statements_.size() < kMaxCachedStatements) {
      statements_.emplace(sql, stmt);
      cached = true;
    }
  }
  // A cached statement goes back to its initial state (bindings cleared) whatever happens below.
  auto release = [&] {
    if (cached) {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    } else {
      sqlite3_finalize(stmt);
    }
  };
  for (size_t i = 0; i < params.size(); ++i) {
    const int idx = static_cast<int>(i + 1);
    if (const auto* n = std::get_if<int64_t>(&params[i])) {
      sqlite3_bind_int64(stmt, idx, *n);
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(stmt, idx);
    }
  }
  std::vector<SqlRow> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    SqlRow row;
    const int n = sqlite3_column_count(stmt);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(text ? text : "", sqlite3_column_bytes(stmt, c)));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    Error e = Unavailable(db_, "step");
    release();
    return e;
  }
  if (changes) *changes = sqlite3_changes64(db_);
  release();
  return rows;
}

}  // namespace worthit::store
