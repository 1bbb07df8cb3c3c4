#include "store/store_factory.h"

#include "store/redis_stores.h"
#include "store/result_store_backends.h"
#include "store/sqlite_stores.h"

namespace worthit::store {

std::optional<std::string> SqlitePathFromUrl(const std::string& url) {
  constexpr std::string_view kScheme = "sqlite://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  std::string path = url.substr(kScheme.size());
  if (path.empty()) return std::nullopt;
  return path;
}

Result<FrontDoorStores> OpenFrontDoorStores(const std::string& url, Clock& clock, const std::string& redis_prefix) {
  if (url == "memory://" || url == "memory:") {
    return FrontDoorStores{MakeMemoryConversationStore(clock), MakeMemoryUpdateStore(clock), MakeMemoryResultStore()};
  }
  if (url.starts_with("redis://")) {
    auto r = OpenRedisStores(url, redis_prefix);
    if (!r.ok()) return r.error();
    return FrontDoorStores{r->conversations, r->updates, r->results};
  }
  if (auto path = SqlitePathFromUrl(url)) {
    auto db = SqliteDb::Open(*path, FrontDoorMigrations());
    if (!db.ok()) return db.error();
    return FrontDoorStores{MakeSqliteConversationStore(*db, clock), MakeSqliteUpdateStore(*db, clock),
                           MakeSqliteResultStore(*db)};
  }
  return Error::Invalid("STORE_INVALID_URL",
                        "unsupported store URL (memory://, sqlite://path, redis://host:port): " + url);
}

}  // namespace worthit::store
