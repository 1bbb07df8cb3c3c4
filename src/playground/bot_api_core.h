// BotApiCore: an in-memory Telegram — users, private chats, messages, updates — and the Bot API
// methods a bot calls against it, answered exactly in Telegram's shapes.
//
// This is the pure state machine behind BotApiServer (which adds HTTP, webhook delivery, fault
// injection and call recording). It has two faces:
//  - the bot side: Call(method, params) → {"ok":true,"result":...} or
//    {"ok":false,"error_code":400,"description":"Bad Request: ..."} with Telegram's wording, for
//    getMe, sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage,
//    answerCallbackQuery, answerInlineQuery, sendChatAction, setMyCommands, getMyCommands,
//    deleteMyCommands, getUpdates (long polling, offset, limit, timeout, allowed_updates),
//    setWebhook, deleteWebhook, getWebhookInfo, logOut/close (no-ops);
//  - the user side (the chat page, tests): a user sends text, presses an inline button, types an
//    inline query; every change of a chat becomes an event that the page long-polls.
// Messages carry Telegram's per-chat message ids (shared by both sides of a private chat); a
// bot's parse_mode=HTML text is parsed and validated like Telegram does (message_entities.h) and
// stored as text + entities, and the original HTML is kept in the page's events as well.
// Chats: each user's private chat with the bot (its id is the user's id, as in Telegram) and one
// demo supergroup (kDemoGroupId) that every user can post in. The bot sits in the group with
// Telegram's default privacy mode: it receives only commands and messages that mention it.
//
// Thread-safety: every public function may be called from any thread; one mutex guards the state.
// getUpdates and WaitEvents block up to their timeout (or until Shutdown()).
// Failure modes: bot-side errors are returned as Telegram error bodies; user-side errors as
// Result errors with stable codes (TEXT_EMPTY, TEXT_TOO_LONG, MESSAGE_NOT_FOUND,
// BUTTON_NOT_FOUND, STOPPED).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "playground/message_entities.h"

namespace worthit::playground {

struct BotIdentity {
  int64_t id = 7000000001;
  std::string first_name = "WorthIt!";
  std::string username = "WorthItPlaygroundBot";
};

struct UserProfile {
  int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::string username;
  std::string language_code;  // "it", "en", ...
};

// One Bot API answer: the HTTP status and Telegram's JSON body.
struct ApiReply {
  int http_status = 200;
  boost::json::object body;  // {"ok":true,"result":...} or {"ok":false,"error_code":..,"description":..}

  bool ok() const;
  const boost::json::value& result() const;  // null when !ok()
  std::string description() const;
};

// A pending webhook delivery (the oldest undelivered update).
struct WebhookJob {
  std::string url;
  std::string secret_token;  // "" = no header
  int64_t update_id = 0;
  std::string body;  // the Update as JSON
};

// A snapshot of what the page shows: events after a sequence number.
struct ChatEvents {
  std::vector<boost::json::object> events;  // each has "seq" and "type"
  int64_t last_seq = 0;                     // pass as `after` next time
};

class BotApiCore {
 public:
  // Telegram's limits that the core enforces (the Bot API documents them).
  static constexpr size_t kMaxTextUtf16 = 4096;        // sendMessage / editMessageText text
  static constexpr size_t kMaxCallbackDataBytes = 64;  // InlineKeyboardButton.callback_data
  static constexpr int kMaxPollTimeoutSeconds = 50;    // longer long polls are cut to this
  // Memory bounds: the playground runs for hours; older items are dropped first.
  static constexpr size_t kMaxPendingUpdates = 10000;
  static constexpr size_t kMaxEventsPerChat = 2000;
  static constexpr size_t kMaxEventsPerWait = 500;
  // The demo group: a supergroup id in Telegram's -100… form.
  static constexpr int64_t kDemoGroupId = -1001000000001;
  static constexpr const char* kDemoGroupTitle = "WorthIt! · gruppo demo";

  explicit BotApiCore(BotIdentity bot = {}, const Clock& clock = SystemClock::Instance());

  const BotIdentity& bot() const { return bot_; }

  // ---- bot side ----
  // `params` merges the query string and the body (JSON or form-encoded: values may be strings).
  // getUpdates may block up to its timeout.
  ApiReply Call(const std::string& method, const boost::json::object& params);

  // ---- webhook delivery (driven by BotApiServer's sender thread) ----
  // Blocks until a webhook is set and an update is pending, `timeout` passes, or Shutdown().
  std::optional<WebhookJob> WaitWebhookJob(std::chrono::milliseconds timeout);
  void WebhookDelivered(int64_t update_id);
  void WebhookFailed(int64_t update_id, const std::string& message);

  // ---- user side ----
  // `chat_id` 0 means the user's private chat with the bot; kDemoGroupId the demo group (anything
  // else fails with CHAT_NOT_FOUND).
  // The user's text as a message in that chat (creates the private chat); Telegram's server-side
  // entities (url, bot_command, mention, email) are added. In the group, only commands and
  // mentions of the bot become updates (privacy mode); every message is shown to the page.
  Result<boost::json::object> UserSendText(const UserProfile& user, const std::string& text, int64_t chat_id = 0);
  // Presses the inline callback button carrying `data` on message `message_id` of that chat;
  // returns the callback query id.
  Result<std::string> UserPressButton(const UserProfile& user, int64_t message_id, const std::string& data,
                                      int64_t chat_id = 0);
  // Types "@bot query" (inline mode) in a chat; returns the inline query id. The bot's
  // answerInlineQuery results reach that user's page as an "inline_results" event.
  Result<std::string> UserInlineQuery(const UserProfile& user, const std::string& query, int64_t chat_id = 0);
  // Picks result `result_id` of an answered inline query: the user posts the result's
  // input_message_content (text, parse_mode HTML, reply_markup) "via @bot" into the chat where the
  // query was typed — how "📤 Condividi" posts a card. Errors: QUERY_NOT_FOUND, RESULT_NOT_FOUND,
  // RESULT_UNSUPPORTED (only InputTextMessageContent), or the text's parse error (RESULT_INVALID).
  Result<boost::json::object> UserChooseInlineResult(const UserProfile& user, const std::string& inline_query_id,
                                                     const std::string& result_id);
  // Events of the user's chat with seq > after; waits up to `timeout` when there are none.
  ChatEvents WaitEvents(int64_t chat_id, int64_t after, std::chrono::milliseconds timeout);

  // Commands set with setMyCommands for `language_code` (falls back to the default scope's).
  boost::json::array Commands(const std::string& language_code) const;
  // Whether a bot is attached: a webhook is set or getUpdates was called in the last minute.
  bool BotConnected() const;
  // Number of updates not yet confirmed (getUpdates offset) or delivered (webhook).
  size_t PendingUpdates() const;

  // Wakes every waiter; later waits return at once. Idempotent.
  void Shutdown();

 private:
  struct StoredMessage {
    int64_t message_id = 0;
    bool from_bot = false;
    bool via_bot = false;  // posted by the user through inline mode
    int64_t user_id = 0;
    int64_t date = 0;
    int64_t edit_date = 0;
    std::string text;
    std::string html;  // the bot's original text when parse_mode was HTML
    std::vector<MessageEntity> entities;
    boost::json::value inline_markup;  // null or {"inline_keyboard":[...]}
    boost::json::value sent_markup;    // as sent (reply keyboards too), for the page
    int64_t reply_to = 0;
  };
  struct Chat {
    int64_t id = 0;
    bool group = false;
    UserProfile user;                        // private chats: the user
    std::map<int64_t, UserProfile> members;  // group: users who posted, by id
    int64_t next_message_id = 1;
    std::map<int64_t, StoredMessage> messages;
    std::deque<boost::json::object> events;
  };
  struct Update {
    int64_t update_id = 0;
    std::string type;
    boost::json::object json;
  };
  struct CallbackQuery {
    int64_t chat_id = 0;
    int64_t user_id = 0;  // who pressed: only their page shows the answer
    bool answered = false;
  };

  using Params = boost::json::object;
  ApiReply GetMe();
  ApiReply SendMessage(const Params& p);
  ApiReply EditMessageText(const Params& p);
  ApiReply EditMessageReplyMarkup(const Params& p);
  ApiReply DeleteMessage(const Params& p);
  ApiReply AnswerCallbackQuery(const Params& p);
  ApiReply AnswerInlineQuery(const Params& p);
  ApiReply SendChatAction(const Params& p);
  ApiReply SetMyCommands(const Params& p);
  ApiReply GetMyCommands(const Params& p);
  ApiReply DeleteMyCommands(const Params& p);
  ApiReply GetUpdates(const Params& p, std::unique_lock<std::mutex>& lock);
  ApiReply SetWebhook(const Params& p);
  ApiReply DeleteWebhook(const Params& p);
  ApiReply GetWebhookInfo();

  // Helpers; all expect mu_ held.
  int64_t NowSeconds() const;
  Chat* FindChat(const Params& p, ApiReply& error);
  // The message an edit targets (chat_id + message_id, or inline_message_id), or nullptr + error.
  StoredMessage* FindEditable(const Params& p, Chat*& chat, bool& inline_message, ApiReply& error);
  Chat& TouchChat(const UserProfile& user);
  // The chat a user acts in (0 = private, kDemoGroupId = group), or nullptr.
  Chat* UserChat(const UserProfile& user, int64_t chat_id);
  const UserProfile& Sender(const Chat& chat, int64_t user_id) const;
  boost::json::object UserJson(const UserProfile& u) const;
  boost::json::object BotUserJson() const;
  boost::json::object ChatJson(const Chat& chat) const;
  boost::json::object MessageJson(const Chat& chat, const StoredMessage& m) const;
  void PushEvent(Chat& chat, const std::string& type, boost::json::object fields);
  // Stamps an edited message, tells the chat's watchers, and answers as Telegram does.
  ApiReply PublishEdit(Chat& chat, StoredMessage& m, bool inline_message);
  void PushUpdate(std::string type, boost::json::object payload);
  bool UpdateAllowed(const std::string& type) const;
  // Parses text + parse_mode into `out`; false with a Telegram error in `error`.
  bool PrepareText(const Params& p, ParsedText& out, std::string& html, ApiReply& error) const;

  const BotIdentity bot_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable updates_cv_;  // new update, webhook change, getUpdates superseded
  std::condition_variable events_cv_;   // new chat event
  bool stopped_ = false;

  std::map<int64_t, Chat> chats_;
  std::deque<Update> updates_;
  int64_t next_update_id_ = 100000001;
  int64_t next_event_seq_ = 1;
  int64_t next_query_id_ = 4242000001;
  std::set<std::string> allowed_updates_;  // empty = Telegram's default (all but member/reaction)
  uint64_t poll_generation_ = 0;           // a newer getUpdates terminates an older waiting one
  int64_t last_poll_millis_ = 0;
  std::map<std::string, CallbackQuery> callback_queries_;
  struct InlineQuery {
    int64_t user_id = 0;
    int64_t chat_id = 0;         // where it was typed
    boost::json::value results;  // null until answered
  };
  std::map<std::string, InlineQuery> inline_queries_;
  std::map<std::string, boost::json::array> commands_;  // language_code ("" = default) → commands

  // Webhook.
  std::string webhook_url_;
  std::string webhook_secret_;
  int64_t webhook_max_connections_ = 40;
  int64_t webhook_last_error_date_ = 0;
  std::string webhook_last_error_;
  int64_t webhook_in_flight_ = 0;  // update id being delivered (not handed out twice)
};

}  // namespace worthit::playground
