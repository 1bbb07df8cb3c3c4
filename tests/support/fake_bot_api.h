// FakeBotApi: an in-process BotApi that records every call and answers like Telegram would
// (incrementing message_ids), with per-method error injection. For unit tests of code that talks
// to Telegram (bot/, worker/) without sockets.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "telegram/bot_api.h"

namespace worthit::testing {

struct FakeApiCall {
  std::string method;
  int64_t chat_id = 0;
  int64_t message_id = 0;  // edits/deletes: the target; sendMessage: the id returned
  std::string text;
  std::optional<int64_t> reply_to_message_id;
  telegram::ReplyMarkup markup;
  std::string language_code;  // setMyCommands
  std::vector<telegram::BotCommand> commands;
};

class FakeBotApi final : public telegram::BotApi {
 public:
  // The next `times` calls of `method` fail with `error`.
  void FailNext(const std::string& method, Error error, int times = 1);
  std::vector<FakeApiCall> Calls() const;
  std::vector<FakeApiCall> Calls(const std::string& method) const;
  size_t Count(const std::string& method) const { return Calls(method).size(); }
  void Clear();

  Result<telegram::User> GetMe() override;
  Result<telegram::Message> SendMessage(const telegram::SendMessageRequest& r) override;
  Status EditMessageText(const telegram::EditMessageTextRequest& r) override;
  Status DeleteMessage(int64_t chat_id, int64_t message_id) override;
  Status AnswerCallbackQuery(const std::string& id, const std::string& text, bool show_alert) override;
  Status AnswerInlineQuery(const std::string& id, const std::vector<telegram::InlineQueryResultArticle>& results,
                           int cache_time_seconds) override;
  Status SendChatAction(int64_t chat_id, const std::string& action) override;
  Status SetWebhook(const telegram::SetWebhookRequest& r) override;
  Status DeleteWebhook(bool drop_pending_updates) override;
  Result<telegram::WebhookInfo> GetWebhookInfo() override;
  Result<std::vector<telegram::Update>> GetUpdates(const telegram::GetUpdatesRequest& r) override;
  Status SetMyCommands(const std::vector<telegram::BotCommand>& commands, const std::string& language_code) override;

 private:
  std::optional<Error> Record(FakeApiCall call);

  mutable std::mutex mu_;
  std::vector<FakeApiCall> calls_;
  std::map<std::string, std::deque<Error>> failures_;
  int64_t next_message_id_ = 500;
};

}  // namespace worthit::testing
