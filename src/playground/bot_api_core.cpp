#include "playground/bot_api_core.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

namespace worthit::playground {

namespace json = boost::json;

namespace {

ApiReply Ok(json::value result, std::string description = "") {
  ApiReply r;
  r.body["ok"] = true;
  r.body["result"] = std::move(result);
  if (!description.empty()) r.body["description"] = description;
  return r;
}

ApiReply Fail(int code, const std::string& description) {
  ApiReply r;
  r.http_status = code;
  r.body["ok"] = false;
  r.body["error_code"] = code;
  r.body["description"] = description;
  return r;
}

ApiReply BadRequest(const std::string& what) { return Fail(400, "Bad Request: " + what); }

// Parameter access: JSON bodies carry typed values, form-encoded ones strings.
std::optional<int64_t> GetInt(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end() || it->value().is_null()) return std::nullopt;
  const auto& v = it->value();
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.as_uint64());
  if (v.is_double()) return static_cast<int64_t>(v.as_double());
  if (v.is_string()) {
    const auto& s = v.as_string();
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && ptr == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

bool Has(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  return it != p.end() && !it->value().is_null();
}

std::string GetString(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return "";
  const auto& v = it->value();
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

bool GetBool(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return false;
  const auto& v = it->value();
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) return v.as_string() == "true" || v.as_string() == "1";
  if (v.is_int64()) return v.as_int64() != 0;
  return false;
}

// An object/array parameter: JSON bodies may send it inline or as a JSON string (form bodies must).
std::optional<json::value> GetJson(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) return it->value();
  json::error_code ec;
  auto v = json::parse(it->value().as_string(), ec);
  if (ec) return json::value(json::string("\x01invalid"));  // marker: caller reports a parse error
  return v;
}

bool IsInvalidMarker(const json::value& v) { return v.is_string() && v.as_string() == "\x01invalid"; }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool IsHttpUrl(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return false;
  const auto scheme = Lower(std::string(u->scheme()));
  return (scheme == "http" || scheme == "https") && !u->host().empty();
}

// Validates a reply_markup as Telegram does; `error` gets Telegram's description on failure.
bool ValidateMarkup(const json::value& markup, std::string& error) {
  if (IsInvalidMarker(markup) || !markup.is_object()) {
    error = "can't parse reply keyboard markup JSON object";
    return false;
  }
  const auto& o = markup.as_object();
  if (auto* rows = o.if_contains("inline_keyboard")) {
    if (!rows->is_array()) {
      error = "field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array";
      return false;
    }
    for (const auto& row : rows->as_array()) {
      if (!row.is_array()) {
        error = "field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays";
        return false;
      }
      for (const auto& b : row.as_array()) {
        if (!b.is_object() || !b.as_object().contains("text") || !b.as_object().at("text").is_string()) {
          error = "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
          return false;
        }
        const auto& button = b.as_object();
        if (button.at("text").as_string().empty()) {
          error = "BUTTON_TEXT_INVALID";
          return false;
        }
        static const char* kKinds[] = {
            "url", "callback_data", "switch_inline_query", "switch_inline_query_current_chat", "web_app", "login_url",
            "pay", "copy_text",     "callback_game",       "switch_inline_query_chosen_chat"};
        int kinds = 0;
        for (const char* k : kKinds) kinds += button.contains(k) ? 1 : 0;
        if (kinds != 1) {
          error = "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
          return false;
        }
        if (auto* data = button.if_contains("callback_data")) {
          if (!data->is_string() || data->as_string().empty() || data->as_string().size() > 64) {
            error = "BUTTON_DATA_INVALID";
            return false;
          }
        }
        if (auto* url = button.if_contains("url")) {
          const std::string u = url->is_string() ? std::string(url->as_string()) : "";
          if (!IsHttpUrl(u) && Lower(u).rfind("tg://", 0) != 0) {
            error = "inline keyboard button URL '" + u + "' is invalid: Wrong HTTP URL";
            return false;
          }
        }
      }
    }
    return true;
  }
  if (auto* rows = o.if_contains("keyboard")) {
    if (!rows->is_array()) {
      error = "field \"keyboard\" of the ReplyKeyboardMarkup must be an Array";
      return false;
    }
    for (const auto& row : rows->as_array()) {
      if (!row.is_array()) {
        error = "field \"keyboard\" of the ReplyKeyboardMarkup must be an Array of Arrays";
        return false;
      }
      for (const auto& b : row.as_array()) {
        const bool ok = (b.is_string() && !b.as_string().empty()) ||
                        (b.is_object() && b.as_object().contains("text") && b.as_object().at("text").is_string() &&
                         !b.as_object().at("text").as_string().empty());
        if (!ok) {
          error = "can't parse keyboard button: Field \"text\" must be of type String";
          return false;
        }
      }
    }
    return true;
  }
  if (o.contains("remove_keyboard") || o.contains("force_reply")) return true;
  error = "can't find field \"inline_keyboard\"";
  return false;
}

// Normalises reply keyboard buttons given as plain strings to {"text": ...} (as clients see them).
json::value NormaliseMarkup(json::value markup) {
  if (auto* rows = markup.as_object().if_contains("keyboard")) {
    for (auto& row : rows->as_array()) {
      for (auto& b : row.as_array()) {
        if (b.is_string()) b = json::object{{"text", b.as_string()}};
      }
    }
  }
  return markup;
}

json::array EntitiesJson(const std::vector<MessageEntity>& entities) {
  json::array out;
  for (const auto& e : entities) {
    json::object o{{"offset", e.offset}, {"length", e.length}, {"type", e.type}};
    if (!e.url.empty()) o["url"] = e.url;
    if (!e.language.empty()) o["language"] = e.language;
    if (!e.custom_emoji_id.empty()) o["custom_emoji_id"] = e.custom_emoji_id;
    out.push_back(std::move(o));
  }
  return out;
}

bool IsLoopbackHost(std::string host) {
  host = Lower(host);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1";
}

const std::set<std::string>& DefaultUpdateTypes() {
  // Telegram's default when allowed_updates is empty: every type except these three.
  static const std::set<std::string> kExcluded = {"chat_member", "message_reaction", "message_reaction_count"};
  return kExcluded;
}

}  // namespace

bool ApiReply::ok() const {
  auto* v = body.if_contains("ok");
  return v && v->is_bool() && v->as_bool();
}

const json::value& ApiReply::result() const {
  static const json::value kNull;
  auto* v = body.if_contains("result");
  return v ? *v : kNull;
}

std::string ApiReply::description() const {
  auto* v = body.if_contains("description");
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

BotApiCore::BotApiCore(BotIdentity bot, const Clock& clock) : bot_(std::move(bot)), clock_(clock) {
  Chat& group = chats_[kDemoGroupId];
  group.id = kDemoGroupId;
  group.group = true;
}

int64_t BotApiCore::NowSeconds() const { return clock_.NowMillis() / 1000; }

ApiReply BotApiCore::Call(const std::string& raw_method, const Params& params) {
  // Telegram's method names are case-insensitive.
  const std::string method = Lower(raw_method);
  std::unique_lock lock(mu_);
  if (method == "getme") return GetMe();
  if (method == "sendmessage") return SendMessage(params);
  if (method == "editmessagetext") return EditMessageText(params);
  if (method == "editmessagereplymarkup") return EditMessageReplyMarkup(params);
  if (method == "deletemessage") return DeleteMessage(params);
  if (method == "answercallbackquery") return AnswerCallbackQuery(params);
  if (method == "answerinlinequery") return AnswerInlineQuery(params);
  if (method == "sendchataction") return SendChatAction(params);
  if (method == "setmycommands") return SetMyCommands(params);
  if (method == "getmycommands") return GetMyCommands(params);
  if (method == "deletemycommands") return DeleteMyCommands(params);
  if (method == "getupdates") return GetUpdates(params, lock);
  if (method == "setwebhook") return SetWebhook(params);
  if (method == "deletewebhook") return DeleteWebhook(params);
  if (method == "getwebhookinfo") return GetWebhookInfo();
  if (method == "logout" || method == "close") return Ok(true);
  return Fail(404, "Not Found");
}

json::object BotApiCore::UserJson(const UserProfile& u) const {
  json::object o{{"id", u.id}, {"is_bot", false}, {"first_name", u.first_name}};
  if (!u.last_name.empty()) o["last_name"] = u.last_name;
  if (!u.username.empty()) o["username"] = u.username;
  if (!u.language_code.empty()) o["language_code"] = u.language_code;
  return o;
}

json::object BotApiCore::BotUserJson() const {
  return {{"id", bot_.id}, {"is_bot", true}, {"first_name", bot_.first_name}, {"username", bot_.username}};
}

json::object BotApiCore::ChatJson(const Chat& chat) const {
  if (chat.group) return {{"id", chat.id}, {"title", kDemoGroupTitle}, {"type", "supergroup"}};
  json::object o{{"id", chat.id}, {"first_name", chat.user.first_name}, {"type", "private"}};
  if (!chat.user.last_name.empty()) o["last_name"] = chat.user.last_name;
  if (!chat.user.username.empty()) o["username"] = chat.user.username;
  return o;
}

json::object BotApiCore::MessageJson(const Chat& chat, const StoredMessage& m) const {
  json::object o{{"message_id", m.message_id}};
  o["from"] = m.from_bot ? BotUserJson() : UserJson(Sender(chat, m.user_id));
  o["chat"] = ChatJson(chat);
  o["date"] = m.date;
  if (m.edit_date) o["edit_date"] = m.edit_date;
  if (m.via_bot) o["via_bot"] = BotUserJson();
  if (m.reply_to) {
    auto it = chat.messages.find(m.reply_to);
    if (it != chat.messages.end() && it->second.message_id != m.message_id) {
      StoredMessage inner = it->second;
      inner.reply_to = 0;  // Telegram does not nest replies further
      o["reply_to_message"] = MessageJson(chat, inner);
    }
  }
  o["text"] = m.text;
  if (!m.entities.empty()) o["entities"] = EntitiesJson(m.entities);
  if (!m.inline_markup.is_null()) o["reply_markup"] = m.inline_markup;
  return o;
}

void BotApiCore::PushEvent(Chat& chat, const std::string& type, json::object fields) {
  fields["seq"] = next_event_seq_++;
  fields["type"] = type;
  fields["chat_id"] = chat.id;
  chat.events.push_back(std::move(fields));
  while (chat.events.size() > kMaxEventsPerChat) chat.events.pop_front();
  events_cv_.notify_all();
}

bool BotApiCore::UpdateAllowed(const std::string& type) const {
  if (allowed_updates_.empty()) return DefaultUpdateTypes().count(type) == 0;
  return allowed_updates_.count(type) > 0;
}

void BotApiCore::PushUpdate(std::string type, json::object payload) {
  if (!UpdateAllowed(type)) return;  // Telegram does not even store filtered-out updates
  Update u;
  u.update_id = next_update_id_++;
  u.type = type;
  u.json["update_id"] = u.update_id;
  u.json[type] = std::move(payload);
  updates_.push_back(std::move(u));
  while (updates_.size() > kMaxPendingUpdates) updates_.pop_front();
  updates_cv_.notify_all();
}

BotApiCore::Chat* BotApiCore::FindChat(const Params& p, ApiReply& error) {
  if (!Has(p, "chat_id")) {
    error = BadRequest("chat_id is empty");
    return nullptr;
  }
  auto id = GetInt(p, "chat_id");
  if (!id) {
    error = BadRequest("chat not found");  // "@channelusername": the playground has no channels
    return nullptr;
  }
  auto it = chats_.find(*id);
  if (it == chats_.end()) {
    error = BadRequest("chat not found");
    return nullptr;
  }
  return &it->second;
}

const UserProfile& BotApiCore::Sender(const Chat& chat, int64_t user_id) const {
  if (!chat.group) return chat.user;
  auto it = chat.members.find(user_id);
  return it == chat.members.end() ? chat.user : it->second;
}

BotApiCore::Chat* BotApiCore::UserChat(const UserProfile& user, int64_t chat_id) {
  if (chat_id == 0 || chat_id == user.id) return &TouchChat(user);
  if (chat_id != kDemoGroupId) return nullptr;
  Chat& group = chats_[kDemoGroupId];
  group.members[user.id] = user;
  // Bounded: the group remembers its last 1000 posters' profiles.
  if (group.members.size() > 1000) group.members.erase(group.members.begin());
  return &group;
}

BotApiCore::Chat& BotApiCore::TouchChat(const UserProfile& user) {
  auto& chat = chats_[user.id];
  chat.id = user.id;
  chat.user = user;
  return chat;
}

bool BotApiCore::PrepareText(const Params& p, ParsedText& out, std::string& html, ApiReply& error) const {
  const std::string text = GetString(p, "text");
  const std::string mode = Lower(GetString(p, "parse_mode"));
  html.clear();
  if (mode == "html") {
    std::string why;
    if (!ParseTelegramHtml(text, out, why)) {
      error = BadRequest("can't parse entities: " + why);
      return false;
    }
    html = text;
  } else if (mode.empty()) {
    out.text = text;
    out.entities.clear();
    if (auto ents = GetJson(p, "entities"); ents && ents->is_array()) {
      for (const auto& e : ents->as_array()) {
        if (!e.is_object()) continue;
        const auto& o = e.as_object();
        MessageEntity m;
        m.type = GetString(o, "type");
        m.offset = static_cast<size_t>(GetInt(o, "offset").value_or(0));
        m.length = static_cast<size_t>(GetInt(o, "length").value_or(0));
        m.url = GetString(o, "url");
        m.language = GetString(o, "language");
        if (!m.type.empty() && m.length > 0) out.entities.push_back(std::move(m));
      }
    }
  } else {
    // The bot uses HTML; Markdown(V2) parsing is not part of the playground.
    error = BadRequest("unsupported parse_mode \"" + GetString(p, "parse_mode") + "\" (the playground supports HTML)");
    return false;
  }
  const auto first = out.text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    error = BadRequest("message text is empty");
    return false;
  }
  if (Utf16Length(out.text) > kMaxTextUtf16) {
    error = BadRequest("message is too long");
    return false;
  }
  // Telegram also links URLs, commands and mentions the bot wrote as plain text.
  for (auto& detected : DetectUserEntities(out.text)) {
    const bool overlaps = std::any_of(out.entities.begin(), out.entities.end(), [&](const MessageEntity& e) {
      return detected.offset < e.offset + e.length && e.offset < detected.offset + detected.length &&
             (e.type == "text_link" || e.type == "code" || e.type == "pre" || e.type == detected.type);
    });
    if (!overlaps) out.entities.push_back(std::move(detected));
  }
  std::stable_sort(out.entities.begin(), out.entities.end(), [](const MessageEntity& a, const MessageEntity& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  return true;
}

ApiReply BotApiCore::GetMe() {
  json::object me = BotUserJson();
  me["can_join_groups"] = true;
  me["can_read_all_group_messages"] = false;
  me["supports_inline_queries"] = true;
  me["can_connect_to_business"] = false;
  me["has_main_web_app"] = false;
  return Ok(me);
}

ApiReply BotApiCore::SendMessage(const Params& p) {
  ApiReply error;
  Chat* chat = FindChat(p, error);
  if (!chat) return error;
  if (!Has(p, "text")) return BadRequest("message text is empty");
  ParsedText parsed;
  std::string html;
  if (!PrepareText(p, parsed, html, error)) return error;
  json::value markup;
  if (auto m = GetJson(p, "reply_markup")) {
    std::string why;
    if (!ValidateMarkup(*m, why)) return BadRequest(why);
    markup = NormaliseMarkup(*m);
  }
  int64_t reply_to = GetInt(p, "reply_to_message_id").value_or(0);
  if (auto rp = GetJson(p, "reply_parameters"); rp && rp->is_object()) {
    reply_to = GetInt(rp->as_object(), "message_id").value_or(0);
  }
  if (reply_to && !chat->messages.count(reply_to)) return BadRequest("message to be replied not found");

  StoredMessage m;
  m.message_id = chat->next_message_id++;
  m.from_bot = true;
  m.date = NowSeconds();
  m.text = parsed.text;
  m.html = html;
  m.entities = parsed.entities;
  m.reply_to = reply_to;
  m.sent_markup = markup;
  if (markup.is_object() && markup.as_object().contains("inline_keyboard")) m.inline_markup = markup;
  auto& stored = chat->messages[m.message_id] = std::move(m);
  json::object message = MessageJson(*chat, stored);
  json::object event{{"message", message}};
  if (!stored.html.empty()) event["html"] = stored.html;
  if (!markup.is_null()) event["keyboard"] = markup;
  PushEvent(*chat, "message", std::move(event));
  return Ok(message);
}

BotApiCore::StoredMessage* BotApiCore::FindEditable(const Params& p, Chat*& chat, bool& inline_message,
                                                    ApiReply& error) {
  inline_message = Has(p, "inline_message_id");
  int64_t message_id = 0;
  if (inline_message) {
    // The playground's inline_message_id is "pg<chat_id>.<message_id>" (opaque to bots).
    const std::string raw = GetString(p, "inline_message_id");
    const size_t dot = raw.find('.');
    int64_t chat_id = 0;
    if (raw.rfind("pg", 0) != 0 || dot == std::string::npos ||
        std::from_chars(raw.data() + 2, raw.data() + dot, chat_id).ec != std::errc() ||
        std::from_chars(raw.data() + dot + 1, raw.data() + raw.size(), message_id).ec != std::errc()) {
      error = BadRequest("MESSAGE_ID_INVALID");
      return nullptr;
    }
    auto c = chats_.find(chat_id);
    chat = c == chats_.end() ? nullptr : &c->second;
  } else {
    chat = FindChat(p, error);
    if (!chat) return nullptr;
    auto id = GetInt(p, "message_id");
    if (!id) {
      error = BadRequest("message identifier is not specified");
      return nullptr;
    }
    message_id = *id;
  }
  auto it = chat ? chat->messages.find(message_id) : decltype(chat->messages.end()){};
  if (!chat || it == chat->messages.end()) {
    error = BadRequest(inline_message ? "MESSAGE_ID_INVALID" : "message to edit not found");
    return nullptr;
  }
  // A bot edits its own messages, and the messages users posted through its inline mode.
  if (inline_message ? !it->second.via_bot : !it->second.from_bot) {
    error = BadRequest("message can't be edited");
    return nullptr;
  }
  return &it->second;
}

namespace {
constexpr const char* kNotModified =
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message";

// The reply_markup of an edit: absent (the keyboard is removed) or a valid inline keyboard.
bool EditMarkup(const json::object& p, json::value& markup, ApiReply& error) {
  auto mk = GetJson(p, "reply_markup");
  if (!mk) return true;
  std::string why;
  if (!ValidateMarkup(*mk, why)) {
    error = BadRequest(why);
    return false;
  }
  if (!mk->as_object().contains("inline_keyboard")) {
    error = BadRequest("inline keyboard expected");
    return false;
  }
  markup = *mk;
  return true;
}
}  // namespace

ApiReply BotApiCore::PublishEdit(Chat& chat, StoredMessage& m, bool inline_message) {
  m.edit_date = NowSeconds();
  json::object message = MessageJson(chat, m);
  json::object event{{"message", message}};
  if (!m.html.empty()) event["html"] = m.html;
  PushEvent(chat, "edit", std::move(event));
  // Edits of inline messages answer true, as in Telegram.
  return inline_message ? Ok(true) : Ok(message);
}

ApiReply BotApiCore::EditMessageText(const Params& p) {
  ApiReply error;
  Chat* chat = nullptr;
  bool inline_message = false;
  StoredMessage* found = FindEditable(p, chat, inline_message, error);
  if (!found) return error;
  StoredMessage& m = *found;
  if (!Has(p, "text")) return BadRequest("text must be non-empty");
  ParsedText parsed;
  std::string html;
  if (!PrepareText(p, parsed, html, error)) return error;
  json::value markup;
  if (!EditMarkup(p, markup, error)) return error;
  if (parsed.text == m.text && parsed.entities == m.entities && markup == m.inline_markup) {
    return BadRequest(kNotModified);
  }
  m.text = parsed.text;
  m.html = html;
  m.entities = parsed.entities;
  // As in Telegram, an edit without reply_markup removes the inline keyboard.
  m.inline_markup = markup;
  m.sent_markup = markup;
  return PublishEdit(*chat, m, inline_message);
}

ApiReply BotApiCore::EditMessageReplyMarkup(const Params& p) {
  ApiReply error;
  Chat* chat = nullptr;
  bool inline_message = false;
  StoredMessage* found = FindEditable(p, chat, inline_message, error);
  if (!found) return error;
  StoredMessage& m = *found;
  json::value markup;
  if (!EditMarkup(p, markup, error)) return error;
  if (markup == m.inline_markup) {
    return BadRequest(kNotModified);
  }
  m.inline_markup = markup;
  m.sent_markup = markup;
  return PublishEdit(*chat, m, inline_message);
}

ApiReply BotApiCore::DeleteMessage(const Params& p) {
  ApiReply error;
  Chat* chat = FindChat(p, error);
  if (!chat) return error;
  auto id = GetInt(p, "message_id");
  if (!id) return BadRequest("message identifier is not specified");
  if (!chat->messages.erase(*id)) return BadRequest("message to delete not found");
  PushEvent(*chat, "delete", {{"message_id", *id}});
  return Ok(true);
}

ApiReply BotApiCore::AnswerCallbackQuery(const Params& p) {
  const std::string id = GetString(p, "callback_query_id");
  if (id.empty()) return BadRequest("QUERY_ID_INVALID");
  auto it = callback_queries_.find(id);
  if (it == callback_queries_.end() || it->second.answered) {
    return BadRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const std::string url = GetString(p, "url");
  if (!url.empty() && !IsHttpUrl(url)) return BadRequest("URL_INVALID");
  it->second.answered = true;
  auto chat = chats_.find(it->second.chat_id);
  if (chat != chats_.end()) {
    json::object event{
        {"callback_query_id", id}, {"text", GetString(p, "text")}, {"show_alert", GetBool(p, "show_alert")}};
    event["user_id"] = it->second.user_id;
    if (!url.empty()) event["url"] = url;
    PushEvent(chat->second, "callback_answer", std::move(event));
  }
  return Ok(true);
}

ApiReply BotApiCore::AnswerInlineQuery(const Params& p) {
  const std::string id = GetString(p, "inline_query_id");
  auto it = inline_queries_.find(id);
  if (id.empty() || it == inline_queries_.end()) {
    return BadRequest("query is too old and response timeout expired or query ID is invalid");
  }
  auto results = GetJson(p, "results");
  if (!results || !results->is_array()) return BadRequest("can't parse inline query results JSON object");
  for (const auto& r : results->as_array()) {
    if (!r.is_object() || GetString(r.as_object(), "type").empty() || GetString(r.as_object(), "id").empty()) {
      return BadRequest("can't parse InlineQueryResult JSON object");
    }
  }
  if (!it->second.results.is_null()) {
    return BadRequest("query is too old and response timeout expired or query ID is invalid");
  }
  it->second.results = *results;
  auto chat = chats_.find(it->second.chat_id);
  if (chat != chats_.end()) {
    PushEvent(chat->second, "inline_results",
              {{"inline_query_id", id}, {"user_id", it->second.user_id}, {"results", *results}});
  }
  return Ok(true);
}

ApiReply BotApiCore::SendChatAction(const Params& p) {
  ApiReply error;
  Chat* chat = FindChat(p, error);
  if (!chat) return error;
  static const std::set<std::string> kActions = {
      "typing",          "upload_photo",   "record_video",  "upload_video",      "record_voice",     "upload_voice",
      "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"};
  const std::string action = GetString(p, "action");
  if (!kActions.count(action)) return BadRequest("wrong parameter action in request");
  PushEvent(*chat, "chat_action", {{"action", action}});
  return Ok(true);
}

ApiReply BotApiCore::SetMyCommands(const Params& p) {
  auto commands = GetJson(p, "commands");
  if (!commands || !commands->is_array()) return BadRequest("can't parse commands JSON object");
  if (commands->as_array().size() > 100) return BadRequest("too many commands specified");
  json::array clean;
  for (const auto& c : commands->as_array()) {
    if (!c.is_object()) return BadRequest("can't parse BotCommand JSON object");
    const std::string command = GetString(c.as_object(), "command");
    const std::string description = GetString(c.as_object(), "description");
    const bool valid =
        !command.empty() && command.size() <= 32 && std::all_of(command.begin(), command.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        });
    if (!valid) return BadRequest("BOT_COMMAND_INVALID");
    if (description.empty() || description.size() > 256) return BadRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    clean.push_back(json::object{{"command", command}, {"description", description}});
  }
  commands_[GetString(p, "language_code")] = std::move(clean);
  return Ok(true);
}

ApiReply BotApiCore::GetMyCommands(const Params& p) {
  auto it = commands_.find(GetString(p, "language_code"));
  return Ok(it == commands_.end() ? json::array{} : it->second);
}

ApiReply BotApiCore::DeleteMyCommands(const Params& p) {
  commands_.erase(GetString(p, "language_code"));
  return Ok(true);
}

ApiReply BotApiCore::GetUpdates(const Params& p, std::unique_lock<std::mutex>& lock) {
  if (!webhook_url_.empty()) {
    return Fail(409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first");
  }
  if (auto allowed = GetJson(p, "allowed_updates"); allowed && allowed->is_array()) {
    allowed_updates_.clear();
    for (const auto& t : allowed->as_array()) {
      if (t.is_string()) allowed_updates_.insert(std::string(t.as_string()));
    }
  }
  const int64_t offset = GetInt(p, "offset").value_or(0);
  const int64_t limit = std::clamp<int64_t>(GetInt(p, "limit").value_or(100), 1, 100);
  const int64_t timeout = std::clamp<int64_t>(GetInt(p, "timeout").value_or(0), 0, kMaxPollTimeoutSeconds);
  // Confirming: updates with an id below offset are forgotten; a negative offset keeps the last |offset|.
  if (offset > 0) {
    while (!updates_.empty() && updates_.front().update_id < offset) updates_.pop_front();
  } else if (offset < 0) {
    while (static_cast<int64_t>(updates_.size()) > -offset) updates_.pop_front();
  }
  const uint64_t generation = ++poll_generation_;
  updates_cv_.notify_all();  // an older waiting getUpdates ends with 409
  last_poll_millis_ = clock_.NowMillis();
  auto available = [&] {
    return std::any_of(updates_.begin(), updates_.end(), [&](const Update& u) {
      return (offset <= 0 || u.update_id >= offset) && UpdateAllowed(u.type);
    });
  };
  if (timeout > 0 && !available()) {
    updates_cv_.wait_for(lock, std::chrono::seconds(timeout), [&] {
      return stopped_ || available() || poll_generation_ != generation || !webhook_url_.empty();
    });
  }
  last_poll_millis_ = clock_.NowMillis();
  if (poll_generation_ != generation) {
    return Fail(409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
                "running");
  }
  json::array result;
  for (const auto& u : updates_) {
    if (static_cast<int64_t>(result.size()) >= limit) break;
    if (offset > 0 && u.update_id < offset) continue;
    if (!UpdateAllowed(u.type)) continue;
    result.push_back(u.json);
  }
  return Ok(result);
}

ApiReply BotApiCore::SetWebhook(const Params& p) {
  const std::string url = GetString(p, "url");
  if (url.empty()) return DeleteWebhook(p);
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return BadRequest("bad webhook: Failed to resolve host: Name or service not known");
  if (Lower(std::string(parsed->scheme())) != "http") {
    return BadRequest("bad webhook: the playground delivers webhooks to http:// loopback URLs only");
  }
  if (!IsLoopbackHost(std::string(parsed->host()))) {
    return BadRequest("bad webhook: the playground delivers webhooks to 127.0.0.1, ::1 or localhost only");
  }
  const std::string secret = GetString(p, "secret_token");
  const bool secret_ok = secret.size() <= 256 && std::all_of(secret.begin(), secret.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                         });
  if (!secret_ok) return BadRequest("secret token contains unallowed characters");
  const int64_t max_conn = GetInt(p, "max_connections").value_or(40);
  if (max_conn < 1 || max_conn > 100) return BadRequest("bad max_connections");
  if (auto allowed = GetJson(p, "allowed_updates"); allowed && allowed->is_array()) {
    allowed_updates_.clear();
    for (const auto& t : allowed->as_array()) {
      if (t.is_string()) allowed_updates_.insert(std::string(t.as_string()));
    }
  }
  if (GetBool(p, "drop_pending_updates")) updates_.clear();
  const bool same = webhook_url_ == url && webhook_secret_ == secret;
  webhook_url_ = url;
  webhook_secret_ = secret;
  webhook_max_connections_ = max_conn;
  if (!same) {
    webhook_last_error_.clear();
    webhook_last_error_date_ = 0;
  }
  updates_cv_.notify_all();
  return Ok(true, same ? "Webhook is already set" : "Webhook was set");
}

ApiReply BotApiCore::DeleteWebhook(const Params& p) {
  if (GetBool(p, "drop_pending_updates")) updates_.clear();
  const bool was_set = !webhook_url_.empty();
  webhook_url_.clear();
  webhook_secret_.clear();
  webhook_last_error_.clear();
  webhook_last_error_date_ = 0;
  updates_cv_.notify_all();
  return Ok(true, was_set ? "Webhook was deleted" : "Webhook is already deleted");
}

ApiReply BotApiCore::GetWebhookInfo() {
  json::object info{{"url", webhook_url_},
                    {"has_custom_certificate", false},
                    {"pending_update_count", static_cast<int64_t>(updates_.size())}};
  if (!webhook_url_.empty()) {
    info["max_connections"] = webhook_max_connections_;
    info["ip_address"] = "127.0.0.1";
    if (!allowed_updates_.empty()) {
      json::array a;
      for (const auto& t : allowed_updates_) a.push_back(json::string(t));
      info["allowed_updates"] = std::move(a);
    }
    if (webhook_last_error_date_) {
      info["last_error_date"] = webhook_last_error_date_;
      info["last_error_message"] = webhook_last_error_;
    }
  }
  return Ok(info);
}

std::optional<WebhookJob> BotApiCore::WaitWebhookJob(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto ready = [&] { return stopped_ || (!webhook_url_.empty() && !updates_.empty()); };
  updates_cv_.wait_for(lock, timeout, ready);
  if (stopped_ || webhook_url_.empty() || updates_.empty()) return std::nullopt;
  const Update& u = updates_.front();
  webhook_in_flight_ = u.update_id;
  return WebhookJob{webhook_url_, webhook_secret_, u.update_id, json::serialize(u.json)};
}

void BotApiCore::WebhookDelivered(int64_t update_id) {
  std::lock_guard lock(mu_);
  if (!updates_.empty() && updates_.front().update_id == update_id) updates_.pop_front();
  webhook_in_flight_ = 0;
}

void BotApiCore::WebhookFailed(int64_t update_id, const std::string& message) {
  std::lock_guard lock(mu_);
  webhook_in_flight_ = 0;
  webhook_last_error_date_ = NowSeconds();
  webhook_last_error_ = message;
}

Result<json::object> BotApiCore::UserSendText(const UserProfile& user, const std::string& text, int64_t chat_id) {
  if (user.id <= 0) return Error::Invalid("USER_INVALID", "user id must be positive");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Invalid("TEXT_EMPTY", "empty messages are not sent");
  }
  if (Utf16Length(text) > kMaxTextUtf16) {
    return Error::Invalid("TEXT_TOO_LONG", "a message holds at most 4096 characters; split it");
  }
  std::lock_guard lock(mu_);
  if (stopped_) return Error::Transient("STOPPED", "the playground is stopping");
  Chat* target = UserChat(user, chat_id);
  if (!target) return Error::Invalid("CHAT_NOT_FOUND", "no such chat");
  Chat& chat = *target;
  StoredMessage m;
  m.message_id = chat.next_message_id++;
  m.user_id = user.id;
  m.date = NowSeconds();
  m.text = text;
  m.entities = DetectUserEntities(text);
  auto& stored = chat.messages[m.message_id] = std::move(m);
  json::object message = MessageJson(chat, stored);
  PushEvent(chat, "message", {{"message", message}, {"outgoing", true}});
  // Privacy mode in groups: a command, or a message that mentions the bot.
  bool addressed = !chat.group;
  if (chat.group) {
    const std::string mention = Lower("@" + bot_.username);
    const std::string lower = Lower(text);
    for (const auto& e : stored.entities) {
      if (e.type == "bot_command" && e.offset == 0) addressed = true;
    }
    if (lower.find(mention) != std::string::npos) addressed = true;
  }
  if (addressed) PushUpdate("message", message);
  return message;
}

Result<std::string> BotApiCore::UserPressButton(const UserProfile& user, int64_t message_id, const std::string& data,
                                                int64_t chat_id) {
  std::lock_guard lock(mu_);
  if (stopped_) return Error::Transient("STOPPED", "the playground is stopping");
  if (chat_id != 0 && chat_id != user.id && chat_id != kDemoGroupId) {
    return Error::Invalid("CHAT_NOT_FOUND", "no such chat");
  }
  if ((chat_id == 0 || chat_id == user.id) && !chats_.count(user.id)) {
    return Error::Invalid("MESSAGE_NOT_FOUND", "no chat with this user");
  }
  Chat& chat = *UserChat(user, chat_id);
  auto it = chat.messages.find(message_id);
  if (it == chat.messages.end()) return Error::Invalid("MESSAGE_NOT_FOUND", "message not found");
  bool found = false;
  if (it->second.inline_markup.is_object()) {
    for (const auto& row : it->second.inline_markup.as_object().at("inline_keyboard").as_array()) {
      for (const auto& b : row.as_array()) {
        auto* cd = b.as_object().if_contains("callback_data");
        if (cd && cd->is_string() && cd->as_string() == data) found = true;
      }
    }
  }
  if (!found) return Error::Invalid("BUTTON_NOT_FOUND", "the message has no callback button with this data");
  const std::string id = std::to_string(next_query_id_++);
  callback_queries_[id] = {chat.id, user.id, false};
  // Bounded: unanswered queries older than the newest 10000 are forgotten (Telegram expires them too).
  while (callback_queries_.size() > 10000) callback_queries_.erase(callback_queries_.begin());
  json::object query{{"id", id},
                     {"from", UserJson(user)},
                     {"message", MessageJson(chat, it->second)},
                     {"chat_instance", std::to_string(chat.id < 0 ? -chat.id * 7 + 1 : chat.id * 7 + 3)},
                     {"data", data}};
  if (it->second.via_bot) {
    // A button on a message posted through inline mode: Telegram gives the bot only its
    // inline_message_id, never the message.
    query.erase("message");
    query["inline_message_id"] = "pg" + std::to_string(chat.id) + "." + std::to_string(message_id);
  }
  PushUpdate("callback_query", std::move(query));
  return id;
}

Result<std::string> BotApiCore::UserInlineQuery(const UserProfile& user, const std::string& query, int64_t chat_id) {
  if (query.size() > 256) return Error::Invalid("TEXT_TOO_LONG", "inline queries hold at most 256 characters");
  std::lock_guard lock(mu_);
  if (stopped_) return Error::Transient("STOPPED", "the playground is stopping");
  Chat* chat = UserChat(user, chat_id);
  if (!chat) return Error::Invalid("CHAT_NOT_FOUND", "no such chat");
  const std::string id = std::to_string(next_query_id_++);
  inline_queries_[id] = {user.id, chat->id, json::value()};
  while (inline_queries_.size() > 10000) inline_queries_.erase(inline_queries_.begin());
  PushUpdate("inline_query", {{"id", id},
                              {"from", UserJson(user)},
                              {"query", query},
                              {"offset", ""},
                              {"chat_type", chat->group ? "supergroup" : "sender"}});
  return id;
}

Result<json::object> BotApiCore::UserChooseInlineResult(const UserProfile& user, const std::string& inline_query_id,
                                                        const std::string& result_id) {
  std::lock_guard lock(mu_);
  if (stopped_) return Error::Transient("STOPPED", "the playground is stopping");
  auto q = inline_queries_.find(inline_query_id);
  if (q == inline_queries_.end() || q->second.user_id != user.id || !q->second.results.is_array()) {
    return Error::Invalid("QUERY_NOT_FOUND", "no answered inline query with this id for this user");
  }
  const json::object* result = nullptr;
  for (const auto& r : q->second.results.as_array()) {
    if (GetString(r.as_object(), "id") == result_id) result = &r.as_object();
  }
  if (!result) return Error::Invalid("RESULT_NOT_FOUND", "no such result");
  const auto* content = result->if_contains("input_message_content");
  if (!content || !content->is_object() || !content->as_object().contains("message_text")) {
    return Error::Invalid("RESULT_UNSUPPORTED", "the playground posts only InputTextMessageContent results");
  }
  Params params{{"text", content->as_object().at("message_text")}};
  if (auto* mode = content->as_object().if_contains("parse_mode")) params["parse_mode"] = *mode;
  ParsedText parsed;
  std::string html;
  ApiReply error;
  if (!PrepareText(params, parsed, html, error)) return Error::Invalid("RESULT_INVALID", error.description());
  json::value markup;
  if (auto* mk = result->if_contains("reply_markup")) {
    std::string why;
    if (!ValidateMarkup(*mk, why) || !mk->as_object().contains("inline_keyboard")) {
      return Error::Invalid("RESULT_INVALID", "Bad Request: " + why);
    }
    markup = *mk;
  }
  Chat* chat = UserChat(user, q->second.chat_id == user.id ? 0 : q->second.chat_id);
  if (!chat) return Error::Invalid("CHAT_NOT_FOUND", "no such chat");
  StoredMessage m;
  m.message_id = chat->next_message_id++;
  m.user_id = user.id;
  m.via_bot = true;
  m.date = NowSeconds();
  m.text = parsed.text;
  m.html = html;
  m.entities = parsed.entities;
  m.inline_markup = markup;
  m.sent_markup = markup;
  auto& stored = chat->messages[m.message_id] = std::move(m);
  json::object message = MessageJson(*chat, stored);
  json::object event{{"message", message}, {"outgoing", true}};
  if (!stored.html.empty()) event["html"] = stored.html;
  PushEvent(*chat, "message", std::move(event));
  // In the bot's own private chat the bot receives it as a message; in the group privacy mode hides it.
  if (!chat->group) PushUpdate("message", message);
  return message;
}

ChatEvents BotApiCore::WaitEvents(int64_t chat_id, int64_t after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto collect = [&] {
    ChatEvents out;
    out.last_seq = after;
    auto it = chats_.find(chat_id);
    if (it == chats_.end()) return out;
    for (const auto& e : it->second.events) {
      const int64_t seq = e.at("seq").as_int64();
      if (seq <= after) continue;
      if (out.events.size() >= kMaxEventsPerWait) break;
      out.events.push_back(e);
      out.last_seq = seq;
    }
    return out;
  };
  ChatEvents out = collect();
  if (out.events.empty() && timeout.count() > 0 && !stopped_) {
    events_cv_.wait_for(lock, timeout, [&] {
      if (stopped_) return true;
      auto it = chats_.find(chat_id);
      return it != chats_.end() && !it->second.events.empty() && it->second.events.back().at("seq").as_int64() > after;
    });
    out = collect();
  }
  return out;
}

json::array BotApiCore::Commands(const std::string& language_code) const {
  std::lock_guard lock(mu_);
  auto it = commands_.find(language_code);
  if (it == commands_.end()) it = commands_.find("");
  return it == commands_.end() ? json::array{} : it->second;
}

bool BotApiCore::BotConnected() const {
  std::lock_guard lock(mu_);
  // A long poll is at most 50 s; a minute without one means no bot is polling.
  return !webhook_url_.empty() || (last_poll_millis_ > 0 && clock_.NowMillis() - last_poll_millis_ < 60'000);
}

size_t BotApiCore::PendingUpdates() const {
  std::lock_guard lock(mu_);
  return updates_.size();
}

void BotApiCore::Shutdown() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  updates_cv_.notify_all();
  events_cv_.notify_all();
}

}  // namespace worthit::playground
