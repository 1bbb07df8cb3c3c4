// SQLite implementations of ConversationStore and UpdateStore over one shared SqliteDb.
// Internal to store/ (created by store_factory.cpp); see the interface headers for contracts.
#pragma once

#include <memory>

#include "common/clock.h"
#include "store/conversation_store.h"
#include "store/sqlite_db.h"
#include "store/update_store.h"

namespace worthit::store {

// Schema of the front-door database, one migration per entry (append only, never edit).
const std::vector<std::string>& FrontDoorMigrations();

std::shared_ptr<ConversationStore> MakeSqliteConversationStore(std::shared_ptr<SqliteDb> db, Clock& clock);
std::shared_ptr<UpdateStore> MakeSqliteUpdateStore(std::shared_ptr<SqliteDb> db, Clock& clock);
std::shared_ptr<ConversationStore> MakeMemoryConversationStore(Clock& clock);
std::shared_ptr<UpdateStore> MakeMemoryUpdateStore(Clock& clock);

}  // namespace worthit::store
