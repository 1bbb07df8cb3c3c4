// ChatApi: the user side of the embedded Telegram, as JSON over HTTP for the chat page.
//
//   GET  /chat/api/bot?lang=it           {"bot":{id,first_name,username},"connected":bool,
//                                          "group":{id,title},"commands":[{command,description}]}
//   POST /chat/api/send    {"user":U,"text":"...","chat_id":C}                 → {"ok":true,"message":Message}
//   POST /chat/api/press   {"user":U,"message_id":N,"data":"...","chat_id":C}  → {"ok":true,"callback_query_id":"…"}
//   POST /chat/api/inline  {"user":U,"query":"...","chat_id":C}     → {"ok":true,"inline_query_id":"…"}
//   POST /chat/api/inline_choose {"user":U,"inline_query_id":"…","result_id":"…"}
//                                                                  → {"ok":true,"message":Message}
//   GET  /chat/api/events?chat_id=N&after=SEQ&timeout=S             → {"events":[...],"last_seq":SEQ}
// C is optional: absent/0 = the user's private chat with the bot, or the demo group's id.
// U = {"id":N,"first_name":"…","last_name":"…","username":"…","language_code":"it"}; each browser
// tab picks its own user. Pressing a reply-keyboard button is /send with the button's text, as in
// Telegram. Errors: 400 {"ok":false,"code":"TEXT_EMPTY","description":"…"}; events long-poll at
// most kMaxEventWaitSeconds.
// Event types: message (with "outgoing" for the user's own), edit, delete, chat_action,
// callback_answer, inline_results; bot messages carry "keyboard" (the reply_markup as sent,
// reply keyboards included) and "html" (the original parse_mode=HTML text).
// Thread-safety: stateless; the core is thread-safe. Blocks up to the events timeout.
#pragma once

#include "playground/bot_api_core.h"
#include "playground/http_types.h"

namespace worthit::playground {

// Whether `path` belongs to the chat API (starts with /chat/api/).
bool IsChatApiPath(const std::string& path);

HttpResponse HandleChatApi(BotApiCore& core, const HttpRequest& request);

}  // namespace worthit::playground
