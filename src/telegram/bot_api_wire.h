// What the Bot API clients share on the wire: request bodies and result parsing, so the blocking
// libcurl client (curl_bot_api.cpp) and the event-driven one (async_bot_api.cpp) send and read the
// very same JSON. Errors come from MapBotApiResponse (api_error.h) in both. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "telegram/bot_api.h"

namespace worthit::telegram {

boost::json::object SendMessageBody(const SendMessageRequest& request, boost::json::storage_ptr sp = {});
// SendMessageBody serialised, its DOM built in a stack arena (no heap allocation per field).
std::string SerializeSendMessageBody(const SendMessageRequest& request);
// The "result" JSON text of sendMessage / editMessageText → Message.
Result<Message> ReadMessageResult(std::string_view method, const std::string& result_json);
// A whole sendMessage / editMessageText HTTP answer → Message: the same outcome as MapBotApiResponse
// then ReadMessageResult, with one parse (in a stack arena) instead of parse, serialise, parse.
Result<Message> ReadSendMessageResponse(long http_status, std::string_view body, std::string_view method);

}  // namespace worthit::telegram
