// UpdateStore: what the front door remembers about Telegram updates so redelivery is harmless.
//
// - Handled update ids (dedupe): an update whose effect is durable (task enqueued, or command
//   reply sent) is marked handled; a redelivered one is then ignored. Kept kRetention (≥ 24 h,
//   Telegram's redelivery window) and pruned afterwards.
// - Ack records: update_id → (chat_id, ack message_id) of the "Sto analizzando..." message, stored
//   right after it was sent, so a retry of the same update reuses it instead of sending a second.
// - Cursors: small named integers (the getUpdates offset of `worthit poll`).
// See docs/design.md "Intake" for the order of these steps and what a crash at each point does.
// Errors: STORE_UNAVAILABLE (transient). Thread-safety: implementations are safe from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace worthit::store {

// Telegram redelivers an unanswered update for up to 24 h; keep twice that for clock skew and
// outages that end just before the window closes.
inline constexpr std::chrono::hours kUpdateRetention{48};

struct AckRecord {
  int64_t chat_id = 0;
  int64_t message_id = 0;
};

class UpdateStore {
 public:
  virtual ~UpdateStore() = default;
  virtual Result<bool> IsHandled(int64_t update_id) = 0;
  // outcome: a short label for operators ("enqueued", "command", "ignored").
  virtual Status MarkHandled(int64_t update_id, const std::string& outcome) = 0;

  virtual Result<std::optional<AckRecord>> GetAck(int64_t update_id) = 0;
  virtual Status PutAck(int64_t update_id, const AckRecord& ack) = 0;

  virtual Result<std::optional<int64_t>> GetCursor(const std::string& name) = 0;
  virtual Status SetCursor(const std::string& name, int64_t value) = 0;

  // Removes handled ids and ack records older than kUpdateRetention; returns how many went.
  // Implementations also call it by themselves every so often.
  virtual Result<int64_t> Prune() = 0;
  virtual Status Ping() = 0;
};

}  // namespace worthit::store
