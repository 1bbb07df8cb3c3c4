#include "telegram/types.h"

#include "telegram/json_mapping.h"

namespace worthit::telegram {
namespace json = boost::json;

std::string_view ToString(UpdateKind kind) {
  switch (kind) {
    case UpdateKind::kMessage: return "message";
    case UpdateKind::kEditedMessage: return "edited_message";
    case UpdateKind::kChannelPost: return "channel_post";
    case UpdateKind::kEditedChannelPost: return "edited_channel_post";
    case UpdateKind::kCallbackQuery: return "callback_query";
    case UpdateKind::kInlineQuery: return "inline_query";
    case UpdateKind::kMyChatMember: return "my_chat_member";
    case UpdateKind::kUnknown: return "unknown";
  }
  return "unknown";
}

namespace detail {

int64_t IntOr(const json::object& o, std::string_view key, int64_t fallback) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return fallback;
}

std::string StrOr(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  return {};
}

bool BoolOr(const json::object& o, std::string_view key, bool fallback) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

User ReadUser(const json::object& o) {
  User u;
  u.id = IntOr(o, "id");
  u.is_bot = BoolOr(o, "is_bot");
  u.first_name = StrOr(o, "first_name");
  u.last_name = StrOr(o, "last_name");
  u.username = StrOr(o, "username");
  u.language_code = StrOr(o, "language_code");
  return u;
}

Chat ReadChat(const json::object& o) {
  Chat c;
  c.id = IntOr(o, "id");
  c.type = StrOr(o, "type");
  c.title = StrOr(o, "title");
  c.username = StrOr(o, "username");
  return c;
}

static std::vector<MessageEntity> ReadEntities(const json::object& o, std::string_view key) {
  std::vector<MessageEntity> out;
  const auto* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (!e.is_object()) continue;
    const auto& eo = e.as_object();
    MessageEntity me;
    me.type = StrOr(eo, "type");
    me.offset = IntOr(eo, "offset");
    me.length = IntOr(eo, "length");
    me.url = StrOr(eo, "url");
    out.push_back(std::move(me));
  }
  return out;
}

std::optional<Message> ReadMessage(const json::object& o) {
  const auto* chat = ObjectAt(o, "chat");
  if (!chat || !o.contains("message_id")) return std::nullopt;
  Message m;
  m.message_id = IntOr(o, "message_id");
  m.date = IntOr(o, "date");
  m.chat = ReadChat(*chat);
  if (const auto* from = ObjectAt(o, "from")) m.from = ReadUser(*from);
  m.text = StrOr(o, "text");
  m.entities = ReadEntities(o, "entities");
  m.caption = StrOr(o, "caption");
  m.caption_entities = ReadEntities(o, "caption_entities");
  m.forwarded = o.contains("forward_origin") || o.contains("forward_from") || o.contains("forward_from_chat") ||
                o.contains("forward_date") || o.contains("forward_sender_name");
  if (const auto* reply = ObjectAt(o, "reply_to_message")) {
    m.has_reply_to = true;
    if (const auto* rf = ObjectAt(*reply, "from")) m.reply_to_from = ReadUser(*rf);
  }
  if (o.contains("migrate_to_chat_id")) m.migrate_to_chat_id = IntOr(o, "migrate_to_chat_id");
  return m;
}

std::optional<Update> ReadUpdate(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* id = o.if_contains("update_id");
  if (!id || !(id->is_int64() || id->is_uint64())) return std::nullopt;
  Update u;
  u.update_id = IntOr(o, "update_id");
  struct MessageKind {
    std::string_view key;
    UpdateKind kind;
  };
  static constexpr MessageKind kMessageKinds[] = {{"message", UpdateKind::kMessage},
                                                  {"edited_message", UpdateKind::kEditedMessage},
                                                  {"channel_post", UpdateKind::kChannelPost},
                                                  {"edited_channel_post", UpdateKind::kEditedChannelPost}};
  for (const auto& [key, kind] : kMessageKinds) {
    if (const auto* mo = ObjectAt(o, key)) {
      u.raw_kind = std::string(key);
      if (auto m = ReadMessage(*mo)) {
        u.kind = kind;
        u.message = std::move(m);
      }
      return u;
    }
  }
  if (const auto* cq = ObjectAt(o, "callback_query")) {
    u.raw_kind = "callback_query";
    const auto* from = ObjectAt(*cq, "from");
    if (!from) return u;
    CallbackQuery q;
    q.id = StrOr(*cq, "id");
    q.from = ReadUser(*from);
    if (const auto* mo = ObjectAt(*cq, "message")) q.message = ReadMessage(*mo);
    q.inline_message_id = StrOr(*cq, "inline_message_id");
    q.data = StrOr(*cq, "data");
    u.kind = UpdateKind::kCallbackQuery;
    u.callback_query = std::move(q);
    return u;
  }
  if (const auto* iq = ObjectAt(o, "inline_query")) {
    u.raw_kind = "inline_query";
    const auto* from = ObjectAt(*iq, "from");
    if (!from) return u;
    InlineQuery q;
    q.id = StrOr(*iq, "id");
    q.from = ReadUser(*from);
    q.query = StrOr(*iq, "query");
    q.offset = StrOr(*iq, "offset");
    u.kind = UpdateKind::kInlineQuery;
    u.inline_query = std::move(q);
    return u;
  }
  if (const auto* cm = ObjectAt(o, "my_chat_member")) {
    u.raw_kind = "my_chat_member";
    const auto* chat = ObjectAt(*cm, "chat");
    const auto* from = ObjectAt(*cm, "from");
    if (!chat || !from) return u;
    ChatMemberUpdated m;
    m.chat = ReadChat(*chat);
    m.from = ReadUser(*from);
    if (const auto* nm = ObjectAt(*cm, "new_chat_member")) m.new_status = StrOr(*nm, "status");
    u.kind = UpdateKind::kMyChatMember;
    u.my_chat_member = std::move(m);
    return u;
  }
  for (const auto& kv : o) {
    if (kv.key() != "update_id") {
      u.raw_kind = std::string(kv.key());
      break;
    }
  }
  return u;
}

static json::value ButtonValue(const InlineButton& b) {
  json::object o;
  o["text"] = b.text;
  if (!b.url.empty()) {
    o["url"] = b.url;
  } else if (b.has_switch_inline) {
    o["switch_inline_query"] = b.switch_inline_query;
  } else {
    o["callback_data"] = b.callback_data;
  }
  return o;
}

json::value MarkupValue(const ReplyMarkup& markup) {
  json::object o;
  if (markup.inline_keyboard) {
    json::array rows;
    for (const auto& row : markup.inline_keyboard->rows) {
      json::array r;
      for (const auto& b : row) r.push_back(ButtonValue(b));
      rows.push_back(std::move(r));
    }
    o["inline_keyboard"] = std::move(rows);
  } else if (markup.reply_keyboard) {
    json::array rows;
    for (const auto& row : markup.reply_keyboard->rows) {
      json::array r;
      for (const auto& label : row) r.push_back(json::object{{"text", label}});
      rows.push_back(std::move(r));
    }
    o["keyboard"] = std::move(rows);
    o["resize_keyboard"] = markup.reply_keyboard->resize;
    o["is_persistent"] = markup.reply_keyboard->persistent;
  } else if (markup.remove_keyboard) {
    o["remove_keyboard"] = true;
  }
  return o;
}

}  // namespace detail

Result<Update> ParseUpdate(std::string_view text) {
  // The DOM lives only while it is read into Update: a monotonic arena on the stack (spilling to the
  // heap for a large update) instead of one allocation per JSON object, array and string.
  unsigned char arena[4096];
  json::monotonic_resource mr(arena, sizeof arena);
  json::error_code ec;
  auto v = json::parse(text, ec, &mr);
  if (ec) return Error::Invalid("TELEGRAM_BAD_UPDATE", "body is not JSON: " + ec.message());
  auto u = detail::ReadUpdate(v);
  if (!u) return Error::Invalid("TELEGRAM_BAD_UPDATE", "not an object with an integer update_id");
  return std::move(*u);
}

Result<std::vector<Update>> ParseUpdateArray(std::string_view text) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return Error::Invalid("TELEGRAM_BAD_UPDATE", "getUpdates result is not an array");
  std::vector<Update> out;
  for (const auto& item : v.as_array()) {
    if (auto u = detail::ReadUpdate(item)) out.push_back(std::move(*u));
  }
  return out;
}

// UTF-8 lead byte → (sequence length, UTF-16 units).
static void Utf8Step(unsigned char c, size_t& bytes, int& units) {
  if (c < 0x80) {
    bytes = 1, units = 1;
  } else if ((c >> 5) == 0x6) {
    bytes = 2, units = 1;
  } else if ((c >> 4) == 0xE) {
    bytes = 3, units = 1;
  } else if ((c >> 3) == 0x1E) {
    bytes = 4, units = 2;  // outside the BMP: a surrogate pair
  } else {
    bytes = 1, units = 1;  // invalid byte: count it as one unit, never loop forever
  }
}

std::string Utf16Substr(std::string_view text, int64_t offset, int64_t length) {
  if (offset < 0) offset = 0;
  if (length <= 0) return {};
  const int64_t end_unit = offset + length;
  size_t i = 0;
  int64_t unit = 0;
  size_t start_byte = text.size();
  size_t end_byte = text.size();
  bool started = false;
  while (i < text.size()) {
    if (!started && unit >= offset) {
      start_byte = i;
      started = true;
    }
    if (unit >= end_unit) {
      end_byte = i;
      break;
    }
    size_t bytes;
    int units;
    Utf8Step(static_cast<unsigned char>(text[i]), bytes, units);
    i += bytes;
    unit += units;
  }
  if (!started) return {};
  if (end_byte > text.size()) end_byte = text.size();
  return std::string(text.substr(start_byte, end_byte - start_byte));
}

int64_t Utf16Length(std::string_view text) {
  int64_t units_total = 0;
  for (size_t i = 0; i < text.size();) {
    size_t bytes;
    int units;
    Utf8Step(static_cast<unsigned char>(text[i]), bytes, units);
    i += bytes;
    units_total += units;
  }
  return units_total;
}

std::string ToJson(const ReplyMarkup& markup) {
  if (markup.empty()) return {};
  return json::serialize(detail::MarkupValue(markup));
}

}  // namespace worthit::telegram
