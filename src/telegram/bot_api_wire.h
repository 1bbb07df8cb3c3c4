// What the Bot API clients share on the wire: request bodies and result parsing, so the blocking
// libcurl client (curl_bot_api.cpp) and the event-driven one (async_bot_api.cpp) send and read the
// very same JSON. Errors come from MapBotApiResponse (api_error.h) in both. Pure; thread-safe
// (GlobalCurlInit runs curl_global_init once, thread-safely).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "telegram/bot_api.h"

namespace worthit::telegram {

boost::json::object SendMessageBody(const SendMessageRequest& request);
// The "result" JSON text of sendMessage / editMessageText → Message.
Result<Message> ReadMessageResult(std::string_view method, const std::string& result_json);
void GlobalCurlInit();

}  // namespace worthit::telegram
