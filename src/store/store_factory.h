// Opens the stores (conversation, updates, results) from one URL (STORE_URL):
//   memory://                 in-process maps (tests, the playground; lost at exit)
//   sqlite:///abs/path.db     one SQLite file (WAL, busy_timeout, user_version migrations)
//   sqlite://rel/path.db      relative to the working directory (parents are created)
//   redis://[:pw@]host:port/db  Redis (redis_stores.h); keys under `redis_prefix`:s:
// Errors: STORE_INVALID_URL (invalid input), STORE_UNAVAILABLE (cannot open/migrate the file).
// Thread-safety: the returned stores are safe from many threads; both share one connection.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "store/conversation_store.h"
#include "store/result_store.h"
#include "store/update_store.h"

namespace worthit::store {

struct FrontDoorStores {
  std::shared_ptr<ConversationStore> conversations;
  std::shared_ptr<UpdateStore> updates;
  std::shared_ptr<ResultStore> results;
};

Result<FrontDoorStores> OpenFrontDoorStores(const std::string& url, Clock& clock = SystemClock::Instance(),
                                            const std::string& redis_prefix = "worthit");

// "sqlite://x" → "x", "sqlite:///x" → "/x"; nullopt when not a sqlite URL.
std::optional<std::string> SqlitePathFromUrl(const std::string& url);

}  // namespace worthit::store
