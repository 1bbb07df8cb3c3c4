// BotApi: the Telegram Bot API methods the bot and the workers call.
//
// Implementations: the libcurl client (MakeCurlBotApi, curl_bot_api.h) and test fakes. Every
// method is one HTTPS POST with a JSON body; results and errors come through MapBotApiResponse
// (api_error.h), so callers match on the stable codes documented there (TELEGRAM_RATE_LIMITED
// with retry_after, TELEGRAM_MESSAGE_NOT_FOUND, TELEGRAM_FORBIDDEN, TELEGRAM_UNAVAILABLE, ...).
// EditMessageText treats "message is not modified" as success: editing is idempotent.
// Thread-safety: implementations are safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "telegram/types.h"

namespace worthit::telegram {

struct SendMessageRequest {
  int64_t chat_id = 0;
  std::string text;
  std::string parse_mode;  // "" | "HTML"
  std::optional<int64_t> reply_to_message_id;
  ReplyMarkup reply_markup;
  bool disable_link_preview = true;
};

struct EditMessageTextRequest {
  int64_t chat_id = 0;
  int64_t message_id = 0;
  std::string inline_message_id;  // instead of chat_id + message_id
  std::string text;
  std::string parse_mode;
  std::optional<InlineKeyboard> reply_markup;  // Telegram only allows inline keyboards on edits
  bool disable_link_preview = true;
};

struct InlineQueryResultArticle {
  std::string id;
  std::string title;
  std::string description;
  std::string message_text;
  std::string parse_mode;
  std::optional<InlineKeyboard> reply_markup;
};

struct BotCommand {
  std::string command;  // without '/'
  std::string description;
};

struct SetWebhookRequest {
  std::string url;
  std::string secret_token;
  std::vector<std::string> allowed_updates;
  int max_connections = 40;
  bool drop_pending_updates = false;
};

struct WebhookInfo {
  std::string url;
  int64_t pending_update_count = 0;
  int64_t last_error_date = 0;
  std::string last_error_message;
  int64_t max_connections = 0;
  std::vector<std::string> allowed_updates;
};

struct GetUpdatesRequest {
  int64_t offset = 0;
  int limit = 100;
  int timeout_seconds = 25;
  std::vector<std::string> allowed_updates;
};

// The update kinds the bot uses; passed to setWebhook and getUpdates.
std::vector<std::string> DefaultAllowedUpdates();

class BotApi {
 public:
  virtual ~BotApi() = default;

  virtual Result<User> GetMe() = 0;
  virtual Result<Message> SendMessage(const SendMessageRequest& request) = 0;
  virtual Status EditMessageText(const EditMessageTextRequest& request) = 0;
  virtual Status DeleteMessage(int64_t chat_id, int64_t message_id) = 0;
  virtual Status AnswerCallbackQuery(const std::string& callback_query_id, const std::string& text,
                                     bool show_alert = false) = 0;
  virtual Status AnswerInlineQuery(const std::string& inline_query_id,
                                   const std::vector<InlineQueryResultArticle>& results, int cache_time_seconds) = 0;
  virtual Status SendChatAction(int64_t chat_id, const std::string& action) = 0;
  virtual Status SetWebhook(const SetWebhookRequest& request) = 0;
  virtual Status DeleteWebhook(bool drop_pending_updates) = 0;
  virtual Result<WebhookInfo> GetWebhookInfo() = 0;
  virtual Result<std::vector<Update>> GetUpdates(const GetUpdatesRequest& request) = 0;
  // language_code "" = the default for every language.
  virtual Status SetMyCommands(const std::vector<BotCommand>& commands, const std::string& language_code) = 0;
};

}  // namespace worthit::telegram
