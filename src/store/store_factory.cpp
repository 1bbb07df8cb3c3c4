#include "store/store_factory.h"

#include "store/sqlite_stores.h"

namespace worthit::store {

std::optional<std::string> SqlitePathFromUrl(const std::string& url) {
  constexpr std::string_view kScheme = "sqlite://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  std::string path = url.substr(kScheme.size());
  if (path.empty()) return std::nullopt;
  return path;
}

Result<FrontDoorStores> OpenFrontDoorStores(const std::string& url, Clock& clock) {
  if (url == "memory://" || url == "memory:") {
    return FrontDoorStores{MakeMemoryConversationStore(clock), MakeMemoryUpdateStore(clock)};
  }
  if (auto path = SqlitePathFromUrl(url)) {
    auto db = SqliteDb::Open(*path, FrontDoorMigrations());
    if (!db.ok()) return db.error();
    return FrontDoorStores{MakeSqliteConversationStore(*db, clock), MakeSqliteUpdateStore(*db, clock)};
  }
  return Error::Invalid("STORE_INVALID_URL", "unsupported store URL (memory://, sqlite://path): " + url);
}

}  // namespace worthit::store
