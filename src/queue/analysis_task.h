// AnalysisTask: the payload of an "analyze this product link" task (versioned JSON, "v": 1).
//
// Written by the bot when a user sends a product link, read by the workers. The format and the
// steps for changing it are in docs/queue-format.md: readers accept every version they know and
// ignore unknown fields; a payload with an unknown higher "v" is rejected as QUEUE_BAD_PAYLOAD
// (permanent: the task goes to the dead-letter queue, where a newer worker can requeue it).
// Pure value type; thread-safe as any value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace worthit::queue {

inline constexpr int kAnalysisTaskVersion = 1;

struct AnalysisTask {
  int v = kAnalysisTaskVersion;
  int64_t update_id = 0;
  int64_t chat_id = 0;
  int64_t user_id = 0;
  std::string chat_type = "private";           // private | group | supergroup | channel
  std::string lang = "it";                     // "it" | "en"
  std::string url;                             // the link as the user sent it
  std::optional<int64_t> ack_message_id;       // the "Sto analizzando..." message to edit
  std::optional<int64_t> reply_to_message_id;  // the user's message (groups: reply to it)
  bool force_refresh = false;                  // "🔄 Aggiorna analisi": bypass the result cache
  int64_t created_at_ms = 0;
};

std::string ToJson(const AnalysisTask& task);
Result<AnalysisTask> ParseAnalysisTask(const std::string& json);

}  // namespace worthit::queue
