// Opens the front door's stores from one URL:
//   memory://                 in-process maps (tests, the playground; lost at exit)
//   sqlite:///abs/path.db     one SQLite file (WAL, busy_timeout, user_version migrations)
//   sqlite://rel/path.db      relative to the working directory (parents are created)
// redis:// is reserved for the Redis implementation (STORE_INVALID_URL until it exists).
// Errors: STORE_INVALID_URL (invalid input), STORE_UNAVAILABLE (cannot open/migrate the file).
// Thread-safety: the returned stores are safe from many threads; both share one connection.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "store/conversation_store.h"
#include "store/update_store.h"

namespace worthit::store {

struct FrontDoorStores {
  std::shared_ptr<ConversationStore> conversations;
  std::shared_ptr<UpdateStore> updates;
};

Result<FrontDoorStores> OpenFrontDoorStores(const std::string& url, Clock& clock = SystemClock::Instance());

// "sqlite://x" → "x", "sqlite:///x" → "/x"; nullopt when not a sqlite URL.
std::optional<std::string> SqlitePathFromUrl(const std::string& url);

}  // namespace worthit::store
