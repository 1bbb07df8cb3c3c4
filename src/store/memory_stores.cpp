// In-process implementations of the front-door stores (memory://): same contracts as SQLite,
// lost at exit. Used by unit tests and single-process setups that need no durability.
#include <map>
#include <mutex>
#include <unordered_map>

#include "store/sqlite_stores.h"

namespace worthit::store {
namespace {

class MemoryConversationStore final : public ConversationStore {
 public:
  explicit MemoryConversationStore(Clock& clock) : clock_(clock) {}

  Result<std::optional<ChatState>> GetChatState(int64_t chat_id) override {
    std::lock_guard lock(mu_);
    auto it = states_.find(chat_id);
    if (it == states_.end()) return std::optional<ChatState>();
    if (clock_.NowMillis() >= it->second.expires_at_ms) {
      states_.erase(it);
      return std::optional<ChatState>();
    }
    return std::optional<ChatState>(it->second);
  }
  Status SetChatState(int64_t chat_id, const ChatState& state) override {
    std::lock_guard lock(mu_);
    states_[chat_id] = state;
    return OkStatus();
  }
  Status ClearChatState(int64_t chat_id) override {
    std::lock_guard lock(mu_);
    states_.erase(chat_id);
    return OkStatus();
  }
  Result<std::optional<std::string>> GetUserLanguage(int64_t user_id) override {
    std::lock_guard lock(mu_);
    auto it = langs_.find(user_id);
    if (it == langs_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status SetUserLanguage(int64_t user_id, const std::string& lang) override {
    std::lock_guard lock(mu_);
    langs_[user_id] = lang;
    return OkStatus();
  }
  Status Ping() override { return OkStatus(); }

 private:
  Clock& clock_;
  std::mutex mu_;
  std::unordered_map<int64_t, ChatState> states_;
  std::unordered_map<int64_t, std::string> langs_;
};

class MemoryUpdateStore final : public UpdateStore {
 public:
  explicit MemoryUpdateStore(Clock& clock) : clock_(clock) {}

  Result<bool> IsHandled(int64_t update_id) override {
    std::lock_guard lock(mu_);
    return handled_.count(update_id) > 0;
  }
  Status MarkHandled(int64_t update_id, const std::string&) override {
    std::lock_guard lock(mu_);
    handled_.try_emplace(update_id, clock_.NowMillis());
    if (++marks_ % 1000 == 0) PruneLocked();
    return OkStatus();
  }
  Result<std::optional<AckRecord>> GetAck(int64_t update_id) override {
    std::lock_guard lock(mu_);
    auto it = acks_.find(update_id);
    if (it == acks_.end()) return std::optional<AckRecord>();
    return std::optional<AckRecord>(it->second.first);
  }
  Status PutAck(int64_t update_id, const AckRecord& ack) override {
    std::lock_guard lock(mu_);
    acks_[update_id] = {ack, clock_.NowMillis()};
    return OkStatus();
  }
  Result<std::optional<int64_t>> GetCursor(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = cursors_.find(name);
    if (it == cursors_.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }
  Status SetCursor(const std::string& name, int64_t value) override {
    std::lock_guard lock(mu_);
    cursors_[name] = value;
    return OkStatus();
  }
  Result<int64_t> Prune() override {
    std::lock_guard lock(mu_);
    return PruneLocked();
  }
  Status Ping() override { return OkStatus(); }

 private:
  int64_t PruneLocked() {
    const int64_t cutoff =
        clock_.NowMillis() - std::chrono::duration_cast<std::chrono::milliseconds>(kUpdateRetention).count();
    int64_t n = std::erase_if(handled_, [&](const auto& kv) { return kv.second < cutoff; });
    n += std::erase_if(acks_, [&](const auto& kv) { return kv.second.second < cutoff; });
    return n;
  }

  Clock& clock_;
  std::mutex mu_;
  std::unordered_map<int64_t, int64_t> handled_;  // update_id → at_ms
  std::unordered_map<int64_t, std::pair<AckRecord, int64_t>> acks_;
  std::map<std::string, int64_t> cursors_;
  int64_t marks_ = 0;
};

}  // namespace

std::shared_ptr<ConversationStore> MakeMemoryConversationStore(Clock& clock) {
  return std::make_shared<MemoryConversationStore>(clock);
}
std::shared_ptr<UpdateStore> MakeMemoryUpdateStore(Clock& clock) { return std::make_shared<MemoryUpdateStore>(clock); }

}  // namespace worthit::store
