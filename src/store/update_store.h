// UpdateStore: what the front door remembers about Telegram updates so redelivery is harmless.
//
// - Handled update ids (dedupe): an update whose effect is durable (task enqueued, or command
//   reply sent) is marked handled; a redelivered one is then ignored. Kept kRetention (≥ 24 h,
//   Telegram's redelivery window) and pruned afterwards.
// - Ack records: update_id → (chat_id, ack message_id) of the "Sto analizzando..." message, stored
//   right after it was sent, so a retry of the same update reuses it instead of sending a second.
// - Cursors: small named integers (the getUpdates offset of `worthit poll`).
// - Lookup: handled + ack in one read; IntakeRecords: the records a same-backend queue writes
//   atomically with the task (Redis), so a link's intake costs one durable write.
// See docs/design.md "Intake" for the order of these steps and what a crash at each point does.
// Errors: STORE_UNAVAILABLE (transient). Thread-safety: implementations are safe from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "queue/queue.h"
#include "store/conversation_store.h"
#include "store/result_store.h"

namespace worthit::store {

// Telegram redelivers an unanswered update for up to 24 h; keep twice that for clock skew and
// outages that end just before the window closes.
inline constexpr std::chrono::hours kUpdateRetention{48};

struct AckRecord {
  int64_t chat_id = 0;
  int64_t message_id = 0;
};

struct UpdateLookup {
  bool handled = false;
  std::optional<AckRecord> ack;
};

// What a product link needs read before the bot decides on it: the user's per-minute and per-day
// request counters (taken: the request is counted) and the stored result under the link's
// canonical key. Folded into the update's one read (Redis: one script in the lookup pipeline) and
// taken only when the update is new: not handled, no acknowledgement recorded (a redelivery is not
// counted twice), and, with require_awaiting, only when the chat awaits a link (a group message
// the bot would otherwise ignore is not counted).
struct LinkProbe {
  int64_t user_id = 0;
  int per_minute = 0;
  int per_day = 0;
  int64_t now_ms = 0;
  std::string url_key;            // canonical product link; "" = no cache lookup
  bool require_awaiting = false;  // count only if the chat state says "awaiting a link"
};

struct LinkProbeResult {
  bool taken = false;  // the request was counted (the conditions above held)
  UserAllowance allowance;
  std::optional<StoredResult> cached;  // the result under url_key, fresh or not (the caller decides)
};

// Lookup plus the message's ChatContext (read when the update was not handled yet) and, when a
// LinkProbe was passed, its result.
struct MessageLookup {
  UpdateLookup update;
  ChatContext chat;
  LinkProbeResult link;
};

class UpdateStore {
 public:
  virtual ~UpdateStore() = default;
  virtual Result<bool> IsHandled(int64_t update_id) = 0;
  // outcome: a short label for operators ("enqueued", "command", "ignored").
  virtual Status MarkHandled(int64_t update_id, const std::string& outcome) = 0;

  virtual Result<std::optional<AckRecord>> GetAck(int64_t update_id) = 0;
  virtual Status PutAck(int64_t update_id, const AckRecord& ack) = 0;

  // IsHandled and GetAck in one read (one round trip on Redis); the front door's first call per
  // update. The default runs the two calls.
  virtual Result<UpdateLookup> Lookup(int64_t update_id) {
    UpdateLookup out;
    auto handled = IsHandled(update_id);
    if (!handled.ok()) return handled.error();
    out.handled = *handled;
    if (out.handled) return out;
    auto ack = GetAck(update_id);
    if (!ack.ok()) return ack.error();
    out.ack = *ack;
    return out;
  }

  // Lookup and conversations.GetChatContext(user_id, chat_id), plus the LinkProbe on `results`
  // when `probe` is set: everything the front door reads before acting on a message. One round trip
  // when the stores share a backend connection (Redis: one pipeline); the default runs the calls
  // (the context only when not handled, the probe only under its conditions).
  virtual Result<MessageLookup> LookupMessage(int64_t update_id, ConversationStore& conversations,
                                              std::optional<int64_t> user_id, int64_t chat_id,
                                              const LinkProbe* probe = nullptr, ResultStore* results = nullptr) {
    MessageLookup out;
    auto seen = Lookup(update_id);
    if (!seen.ok()) return seen.error();
    out.update = *seen;
    if (out.update.handled) return out;
    auto chat = conversations.GetChatContext(user_id, chat_id);
    if (!chat.ok()) return chat.error();
    out.chat = *chat;
    if (probe == nullptr || results == nullptr || out.update.ack.has_value()) return out;
    const bool awaiting = out.chat.state.has_value() && out.chat.state->mode == ChatMode::kAwaitingLink;
    if (probe->require_awaiting && !awaiting) return out;
    auto allowance = results->TakeUserRequest(probe->user_id, probe->per_minute, probe->per_day, probe->now_ms);
    if (!allowance.ok()) return allowance.error();
    out.link.taken = true;
    out.link.allowance = *allowance;
    if (!probe->url_key.empty()) {
      auto cached = results->GetResultByUrl(probe->url_key);
      if (!cached.ok()) return cached.error();
      out.link.cached = std::move(*cached);
    }
    return out;
  }

  // The ack record and the handled mark of a link's intake as queue::AtomicRecords, for a queue on
  // the same backend to write in the same atomic step as the task (TaskQueue::SupportsRecords):
  // then ack record, task and "handled" exist together or not at all (one durable write instead of
  // three). Writing them must have the effect of PutAck(update_id, ack) + MarkHandled(update_id,
  // outcome). Empty when this store's records cannot be written by a queue (memory, SQLite): the
  // caller then calls PutAck and MarkHandled itself.
  virtual std::vector<queue::AtomicRecord> IntakeRecords(int64_t /*update_id*/, const AckRecord& /*ack*/,
                                                         const std::string& /*outcome*/) const {
    return {};
  }

  virtual Result<std::optional<int64_t>> GetCursor(const std::string& name) = 0;
  virtual Status SetCursor(const std::string& name, int64_t value) = 0;

  // Removes handled ids and ack records older than kUpdateRetention; returns how many went.
  // Implementations also call it by themselves every so often.
  virtual Result<int64_t> Prune() = 0;
  virtual Status Ping() = 0;
};

}  // namespace worthit::store
