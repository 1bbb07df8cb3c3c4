#include "playground/chat_api.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace worthit::playground {

namespace json = boost::json;

namespace {

// The page re-polls right after an answer; 25 s stays under common proxy idle limits.
constexpr int kMaxEventWaitSeconds = 25;

HttpResponse JsonReply(int status, const json::object& body) {
  return HttpResponse::Json(status, json::serialize(body));
}

HttpResponse ErrorReply(int status, const std::string& code, const std::string& description) {
  return JsonReply(status, {{"ok", false}, {"code", code}, {"description", description}});
}

HttpResponse ErrorReply(const Error& e) {
  const int status = e.code == "STOPPED" ? 503 : 400;
  return ErrorReply(status, e.code, e.message);
}

std::string Str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

int64_t Int(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  if (v->is_string()) {
    try {
      return std::stoll(std::string(v->as_string()));
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

// Reads the user profile of a request body; Telegram's limits on names (64 chars) apply.
bool ParseUser(const json::object& body, UserProfile& user, std::string& why) {
  auto* u = body.if_contains("user");
  if (!u || !u->is_object()) {
    why = "missing user";
    return false;
  }
  const auto& o = u->as_object();
  user.id = Int(o, "id");
  user.first_name = Str(o, "first_name").substr(0, 64);
  user.last_name = Str(o, "last_name").substr(0, 64);
  user.username = Str(o, "username").substr(0, 32);
  user.language_code = Str(o, "language_code").substr(0, 8);
  // Telegram user ids are positive and fit in 52 bits (JavaScript numbers stay exact).
  if (user.id <= 0 || user.id >= (int64_t{1} << 52)) {
    why = "user.id must be a positive integer below 2^52";
    return false;
  }
  if (user.first_name.empty()) user.first_name = "User";
  return true;
}

std::optional<json::object> ParseBody(const HttpRequest& req) {
  json::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

}  // namespace

bool IsChatApiPath(const std::string& path) { return path.rfind("/chat/api/", 0) == 0; }

HttpResponse HandleChatApi(BotApiCore& core, const HttpRequest& req) {
  const std::string route = req.path.substr(std::string("/chat/api/").size());
  const auto query = ParseFormEncoded(req.query);
  auto q = [&](const std::string& k) {
    auto it = query.find(k);
    return it == query.end() ? std::string() : it->second;
  };

  if (route == "bot" && req.method == "GET") {
    const auto& bot = core.bot();
    return JsonReply(200, {{"ok", true},
                           {"bot", {{"id", bot.id}, {"first_name", bot.first_name}, {"username", bot.username}}},
                           {"connected", core.BotConnected()},
                           {"group", {{"id", BotApiCore::kDemoGroupId}, {"title", BotApiCore::kDemoGroupTitle}}},
                           {"pending_updates", static_cast<int64_t>(core.PendingUpdates())},
                           {"commands", core.Commands(q("lang"))}});
  }
  if (route == "events" && req.method == "GET") {
    int64_t chat_id = 0, after = 0, timeout = 0;
    try {
      chat_id = std::stoll(q("chat_id"));
      after = q("after").empty() ? 0 : std::stoll(q("after"));
      timeout = q("timeout").empty() ? 0 : std::stoll(q("timeout"));
    } catch (...) {
      return ErrorReply(400, "BAD_PARAMS", "chat_id, after and timeout must be integers");
    }
    timeout = std::clamp<int64_t>(timeout, 0, kMaxEventWaitSeconds);
    ChatEvents events = core.WaitEvents(chat_id, after, std::chrono::seconds(timeout));
    json::array list;
    for (auto& e : events.events) list.push_back(std::move(e));
    return JsonReply(200, {{"ok", true}, {"events", std::move(list)}, {"last_seq", events.last_seq}});
  }
  if (req.method != "POST") return ErrorReply(404, "NOT_FOUND", "unknown chat API route");
  auto body = ParseBody(req);
  if (!body) return ErrorReply(400, "BAD_JSON", "the body must be a JSON object");
  UserProfile user;
  std::string why;
  if (!ParseUser(*body, user, why)) return ErrorReply(400, "USER_INVALID", why);

  if (route == "send") {
    auto sent = core.UserSendText(user, Str(*body, "text"), Int(*body, "chat_id"));
    if (!sent.ok()) return ErrorReply(sent.error());
    return JsonReply(200, {{"ok", true}, {"message", *sent}});
  }
  if (route == "press") {
    auto id = core.UserPressButton(user, Int(*body, "message_id"), Str(*body, "data"), Int(*body, "chat_id"));
    if (!id.ok()) return ErrorReply(id.error());
    return JsonReply(200, {{"ok", true}, {"callback_query_id", *id}});
  }
  if (route == "inline") {
    auto id = core.UserInlineQuery(user, Str(*body, "query"), Int(*body, "chat_id"));
    if (!id.ok()) return ErrorReply(id.error());
    return JsonReply(200, {{"ok", true}, {"inline_query_id", *id}});
  }
  if (route == "inline_choose") {
    auto sent = core.UserChooseInlineResult(user, Str(*body, "inline_query_id"), Str(*body, "result_id"));
    if (!sent.ok()) return ErrorReply(sent.error());
    return JsonReply(200, {{"ok", true}, {"message", *sent}});
  }
  return ErrorReply(404, "NOT_FOUND", "unknown chat API route");
}

}  // namespace worthit::playground
