// Internal to telegram/: Boost.JSON <-> Bot API type mapping shared by types.cpp and the client.
// Every reader is lenient: a missing or mistyped field leaves the default value.
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include "telegram/types.h"

namespace worthit::telegram::detail {

int64_t IntOr(const boost::json::object& o, std::string_view key, int64_t fallback = 0);
std::string StrOr(const boost::json::object& o, std::string_view key);
bool BoolOr(const boost::json::object& o, std::string_view key, bool fallback = false);
const boost::json::object* ObjectAt(const boost::json::object& o, std::string_view key);

User ReadUser(const boost::json::object& o);
Chat ReadChat(const boost::json::object& o);
// nullopt when the object lacks message_id or chat (a malformed message is not a message).
std::optional<Message> ReadMessage(const boost::json::object& o);
// nullopt when there is no integer update_id.
std::optional<Update> ReadUpdate(const boost::json::value& v);

boost::json::value MarkupValue(const ReplyMarkup& markup);

}  // namespace worthit::telegram::detail
