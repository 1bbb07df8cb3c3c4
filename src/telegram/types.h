// Telegram Bot API types the bot reads and writes, and their JSON mapping (Boost.JSON).
//
// Only the fields the bot uses are mapped. Unknown fields and unknown update kinds are ignored:
// Telegram adds fields and kinds over time and a bot must never fail on them. An update whose
// kind the bot does not know parses fine with kind == UpdateKind::kUnknown. Parsing fails only
// when the body is not JSON or has no integer update_id (TELEGRAM_BAD_UPDATE, invalid input).
// Offsets and lengths of entities count UTF-16 code units, as Telegram sends them; use
// Utf16Substr() to cut text by them.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace worthit::telegram {

struct User {
  int64_t id = 0;
  bool is_bot = false;
  std::string first_name;
  std::string last_name;
  std::string username;
  std::string language_code;
};

struct Chat {
  int64_t id = 0;
  std::string type;  // private | group | supergroup | channel ("" in old payloads)
  std::string title;
  std::string username;
  bool IsGroup() const { return type == "group" || type == "supergroup"; }
  bool IsPrivate() const { return type == "private" || type.empty(); }
};

struct MessageEntity {
  std::string type;    // url, text_link, bot_command, mention, ...
  int64_t offset = 0;  // UTF-16 code units
  int64_t length = 0;  // UTF-16 code units
  std::string url;     // text_link only
};

struct Message {
  int64_t message_id = 0;
  int64_t date = 0;
  std::optional<User> from;  // absent in channels and some old payloads
  Chat chat;
  std::string text;
  std::vector<MessageEntity> entities;
  std::string caption;
  std::vector<MessageEntity> caption_entities;
  bool forwarded = false;             // forward_origin / forward_from / forward_from_chat / forward_date
  std::optional<User> reply_to_from;  // author of the message this one replies to
  bool has_reply_to = false;
  std::optional<int64_t> migrate_to_chat_id;
};

struct CallbackQuery {
  std::string id;
  User from;
  std::optional<Message> message;  // absent for inline messages
  std::string inline_message_id;
  std::string data;
};

struct InlineQuery {
  std::string id;
  User from;
  std::string query;
  std::string offset;
};

struct ChatMemberUpdated {
  Chat chat;
  User from;
  std::string new_status;  // member, administrator, kicked, left, ...
};

enum class UpdateKind {
  kMessage,
  kEditedMessage,
  kChannelPost,
  kEditedChannelPost,
  kCallbackQuery,
  kInlineQuery,
  kMyChatMember,
  kUnknown,  // any other kind (poll_answer, chat_boost, message_reaction, ...), or a malformed known one
};
std::string_view ToString(UpdateKind kind);

struct Update {
  int64_t update_id = 0;
  UpdateKind kind = UpdateKind::kUnknown;
  std::string raw_kind;            // the JSON key of the kind ("poll_answer"), for metrics and logs
  std::optional<Message> message;  // message, edited_message, channel_post, edited_channel_post
  std::optional<CallbackQuery> callback_query;
  std::optional<InlineQuery> inline_query;
  std::optional<ChatMemberUpdated> my_chat_member;
};

// Parses one Update. Errors: TELEGRAM_BAD_UPDATE (not JSON, not an object, no integer update_id).
Result<Update> ParseUpdate(std::string_view json);
// Parses a getUpdates "result" array given as JSON text; updates without update_id are skipped.
Result<std::vector<Update>> ParseUpdateArray(std::string_view json);

// Cuts `text` (UTF-8) by UTF-16 offset/length, as entity offsets count. Out-of-range parts are
// clamped; a cut inside a surrogate pair moves to the pair's boundary.
std::string Utf16Substr(std::string_view text, int64_t offset, int64_t length);
// UTF-16 length of a UTF-8 string.
int64_t Utf16Length(std::string_view text);

// --- Outgoing markup -------------------------------------------------------------------------

struct InlineButton {
  std::string text;
  std::string callback_data;  // ≤ 64 bytes (Telegram's limit)
  std::string url;
  std::string switch_inline_query;  // set (even "") with has_switch_inline
  bool has_switch_inline = false;
};

struct InlineKeyboard {
  std::vector<std::vector<InlineButton>> rows;
};

struct ReplyKeyboard {
  std::vector<std::vector<std::string>> rows;
  bool resize = true;
  bool persistent = true;
};

// One of: none, inline keyboard, reply keyboard, remove keyboard.
struct ReplyMarkup {
  std::optional<InlineKeyboard> inline_keyboard;
  std::optional<ReplyKeyboard> reply_keyboard;
  bool remove_keyboard = false;
  bool empty() const { return !inline_keyboard && !reply_keyboard && !remove_keyboard; }
};

// JSON text of the markup ("" when empty).
std::string ToJson(const ReplyMarkup& markup);

}  // namespace worthit::telegram
