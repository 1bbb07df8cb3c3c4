// The ONE place where Bot API responses become results: HTTP status + body → value or Error.
//
// Mapping (codes are stable; the worker and the bot match on them):
//   ok:true                                   → the "result" JSON text
//   429 or parameters.retry_after             → TELEGRAM_RATE_LIMITED, kRateLimited, retry_after
//   parameters.migrate_to_chat_id             → TELEGRAM_CHAT_MIGRATED, kPermanent (MigratedChatId())
//   400 "message is not modified" (edits)     → success (the edit is already in place: idempotent)
//   400 "message to edit not found"           → TELEGRAM_MESSAGE_NOT_FOUND, kPermanent (send instead)
//   403 (blocked, kicked, deactivated)        → TELEGRAM_FORBIDDEN, kPermanent (redelivery cannot help)
//   401 / 404 (bad token)                     → TELEGRAM_UNAUTHORIZED, kPermanent
//   409 (webhook set while polling)           → TELEGRAM_CONFLICT, kPermanent
//   other 4xx                                 → TELEGRAM_BAD_REQUEST, kInvalidInput
//   5xx, body not JSON, network failure       → TELEGRAM_UNAVAILABLE, kTransient
// Some recorded bodies carry no error_code (only parameters); the HTTP status is then used, and
// parameters win over both. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace worthit::telegram {

// Largest retry_after honoured, so a bogus or huge value cannot park a chat for days.
inline constexpr int64_t kMaxRetryAfterSeconds = 3600;

// http_status: 0 when unknown (the body alone is then mapped). method: the Bot API method name
// (edits get the "not modified" rule). Returns the JSON text of "result" ("true" for the
// not-modified success).
Result<std::string> MapBotApiResponse(long http_status, std::string_view body, std::string_view method);

// For TELEGRAM_CHAT_MIGRATED errors: the new chat id (parsed from the error message).
std::optional<int64_t> MigratedChatId(const Error& error);

// Transport failure (curl error) → TELEGRAM_UNAVAILABLE.
Error NetworkError(std::string_view method, std::string_view detail);

}  // namespace worthit::telegram
