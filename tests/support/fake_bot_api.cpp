#include "support/fake_bot_api.h"

namespace worthit::testing {
namespace {

FakeApiCall Call(std::string method, int64_t chat_id = 0, int64_t message_id = 0) {
  FakeApiCall c;
  c.method = std::move(method);
  c.chat_id = chat_id;
  c.message_id = message_id;
  return c;
}

}  // namespace

void FakeBotApi::FailNext(const std::string& method, Error error, int times) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < times; ++i) failures_[method].push_back(error);
}

std::vector<FakeApiCall> FakeBotApi::Calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::vector<FakeApiCall> FakeBotApi::Calls(const std::string& method) const {
  std::lock_guard lock(mu_);
  std::vector<FakeApiCall> out;
  for (const auto& c : calls_) {
    if (c.method == method) out.push_back(c);
  }
  return out;
}

void FakeBotApi::Clear() {
  std::lock_guard lock(mu_);
  calls_.clear();
}

std::optional<Error> FakeBotApi::Record(FakeApiCall call) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(call.method);
  std::optional<Error> err;
  if (it != failures_.end() && !it->second.empty()) {
    err = it->second.front();
    it->second.pop_front();
  }
  if (!err && call.method == "sendMessage") call.message_id = ++next_message_id_;
  calls_.push_back(std::move(call));
  return err;
}

Result<telegram::User> FakeBotApi::GetMe() {
  if (auto e = Record(Call("getMe"))) return *e;
  return telegram::User{42, true, "WorthIt", "", "WorthItTestBot", ""};
}

Result<telegram::Message> FakeBotApi::SendMessage(const telegram::SendMessageRequest& r) {
  FakeApiCall c = Call("sendMessage", r.chat_id);
  c.text = r.text;
  c.reply_to_message_id = r.reply_to_message_id;
  c.markup = r.reply_markup;
  if (auto e = Record(c)) return *e;
  telegram::Message m;
  {
    std::lock_guard lock(mu_);
    m.message_id = calls_.back().message_id;
  }
  m.chat.id = r.chat_id;
  m.chat.type = "private";
  m.text = r.text;
  return m;
}

Status FakeBotApi::EditMessageText(const telegram::EditMessageTextRequest& r) {
  FakeApiCall c = Call("editMessageText", r.chat_id, r.message_id);
  c.text = r.text;
  if (r.reply_markup) c.markup.inline_keyboard = r.reply_markup;
  if (auto e = Record(c)) return *e;
  return OkStatus();
}

Status FakeBotApi::DeleteMessage(int64_t chat_id, int64_t message_id) {
  if (auto e = Record(Call("deleteMessage", chat_id, message_id))) return *e;
  return OkStatus();
}

Status FakeBotApi::AnswerCallbackQuery(const std::string& id, const std::string& text, bool) {
  FakeApiCall c = Call("answerCallbackQuery");
  c.text = text;
  if (auto e = Record(c)) return *e;
  return OkStatus();
}

Status FakeBotApi::AnswerInlineQuery(const std::string&, const std::vector<telegram::InlineQueryResultArticle>&, int) {
  if (auto e = Record(Call("answerInlineQuery"))) return *e;
  return OkStatus();
}

Status FakeBotApi::SendChatAction(int64_t chat_id, const std::string& action) {
  FakeApiCall c = Call("sendChatAction", chat_id);
  c.text = action;
  if (auto e = Record(c)) return *e;
  return OkStatus();
}

Status FakeBotApi::SetWebhook(const telegram::SetWebhookRequest& r) {
  FakeApiCall c = Call("setWebhook");
  c.text = r.url;
  if (auto e = Record(c)) return *e;
  return OkStatus();
}

Status FakeBotApi::DeleteWebhook(bool) {
  if (auto e = Record(Call("deleteWebhook"))) return *e;
  return OkStatus();
}

Result<telegram::WebhookInfo> FakeBotApi::GetWebhookInfo() {
  if (auto e = Record(Call("getWebhookInfo"))) return *e;
  return telegram::WebhookInfo{};
}

Result<std::vector<telegram::Update>> FakeBotApi::GetUpdates(const telegram::GetUpdatesRequest&) {
  if (auto e = Record(Call("getUpdates"))) return *e;
  return std::vector<telegram::Update>{};
}

Status FakeBotApi::SetMyCommands(const std::vector<telegram::BotCommand>& commands, const std::string& language_code) {
  FakeApiCall c = Call("setMyCommands");
  c.language_code = language_code;
  c.commands = commands;
  if (auto e = Record(c)) return *e;
  return OkStatus();
}

}  // namespace worthit::testing
