// ConversationStore: per-chat conversation state and per-user preferences of the front door.
//
// - Chat state: what the next message of a chat means (after /cerca: "awaiting a link"), with an
//   expiry so a forgotten /cerca does not capture a message hours later. Keyed by chat id: the
//   PRODUCT says "the next message of that chat". Stored durably so it survives restarts and works
//   when consecutive updates of one chat hit different processes.
// - User language: "it" | "en" chosen with /lingua.
// Implementations: SQLite (store_factory.h, sqlite://), memory (memory://) and Redis (redis_stores.h).
// Errors: STORE_UNAVAILABLE (transient: database locked beyond busy_timeout, I/O error).
// Thread-safety: implementations are safe from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace worthit::store {

enum class ChatMode { kNone = 0, kAwaitingLink = 1 };

struct ChatState {
  ChatMode mode = ChatMode::kNone;
  int64_t expires_at_ms = 0;  // the state is ignored (and removed) once now >= expires_at_ms
};

// What the front door reads about a message's user and chat before acting on it.
struct ChatContext {
  std::optional<std::string> language;  // the user's /lingua choice
  std::optional<ChatState> state;       // as GetChatState
};

class ConversationStore {
 public:
  virtual ~ConversationStore() = default;
  // nullopt when there is no state or it expired.
  virtual Result<std::optional<ChatState>> GetChatState(int64_t chat_id) = 0;
  virtual Status SetChatState(int64_t chat_id, const ChatState& state) = 0;
  virtual Status ClearChatState(int64_t chat_id) = 0;

  virtual Result<std::optional<std::string>> GetUserLanguage(int64_t user_id) = 0;
  virtual Status SetUserLanguage(int64_t user_id, const std::string& lang) = 0;

  // GetUserLanguage (when user_id is set) and GetChatState in one read (one round trip on Redis).
  // The default runs the calls.
  virtual Result<ChatContext> GetChatContext(std::optional<int64_t> user_id, int64_t chat_id) {
    ChatContext out;
    if (user_id) {
      auto lang = GetUserLanguage(*user_id);
      if (!lang.ok()) return lang.error();
      out.language = *lang;
    }
    auto state = GetChatState(chat_id);
    if (!state.ok()) return state.error();
    out.state = *state;
    return out;
  }

  virtual Status Ping() = 0;
};

}  // namespace worthit::store
