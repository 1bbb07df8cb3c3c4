// SqliteDb: a small RAII adapter over one sqlite3 connection, shared by the SQLite stores.
//
// Open() creates parent directories, sets WAL (readers never block the writer), synchronous=NORMAL
// (durable across process crashes; WAL makes fsync per transaction unnecessary for that),
// busy_timeout (another process holding the write lock is waited for, not failed), and applies
// migrations: migration i (1-based) runs once, in a transaction, when PRAGMA user_version < i.
// Every call runs under one mutex (one connection, serialized; the front door's statements take
// microseconds). Prepared statements are cached per SQL text (the stores use a fixed set of
// literals; compiling one costs more than running it), at most kMaxCachedStatements; finalized
// on destruction. Errors: STORE_UNAVAILABLE with sqlite's message.
// Thread-safety: all methods are safe from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace worthit::store {

using SqlValue = std::variant<std::monostate, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

class SqliteDb {
 public:
  // Writers wait this long for a lock held by another process before STORE_UNAVAILABLE.
  static constexpr int kBusyTimeoutMs = 5000;
  // Statements kept prepared; beyond this (SQL built at run time) they are compiled per call.
  static constexpr size_t kMaxCachedStatements = 64;

  static Result<std::shared_ptr<SqliteDb>> Open(const std::string& path, const std::vector<std::string>& migrations);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one statement with bound parameters (?1, ?2, ...); returns the rows.
  Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<SqlValue>& params = {});
  // Runs one statement; returns the number of changed rows.
  Result<int64_t> Exec(const std::string& sql, const std::vector<SqlValue>& params = {});
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<std::vector<SqlRow>> RunLocked(const std::string& sql, const std::vector<SqlValue>& params, int64_t* changes);

  std::mutex mu_;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;  // guarded by mu_
  std::string path_;
};

}  // namespace worthit::store
