// Telegram Update JSON builders shared by the end-to-end suites (what Telegram would POST to the
// webhook or hand out from getUpdates). Header-only; pure functions.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace worthit::testing {

// A private-chat text message from user `chat` (Italian client), as one Update.
inline std::string PrivateTextUpdate(int64_t update_id, int64_t chat, const std::string& text) {
  boost::json::object msg{
      {"message_id", update_id + 1000},
      {"date", 1767225600},
      {"from", boost::json::object{{"id", chat}, {"is_bot", false}, {"first_name", "E2E"}, {"language_code", "it"}}},
      {"chat", boost::json::object{{"id", chat}, {"type", "private"}}},
      {"text", text}};
  return boost::json::serialize(boost::json::object{{"update_id", update_id}, {"message", msg}});
}

}  // namespace worthit::testing
