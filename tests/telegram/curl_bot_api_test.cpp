#include "telegram/curl_bot_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_telegram.h"
#include "support/process.h"

namespace worthit::telegram {
namespace {

using worthit::testing::FakeTelegram;

SendMessageRequest Simple() {
  SendMessageRequest r;
  r.chat_id = 1;
  r.text = "x";
  return r;
}

class CurlBotApiTest : public ::testing::Test {
 protected:
  std::unique_ptr<BotApi> Api(std::chrono::milliseconds timeout = std::chrono::milliseconds(15000)) {
    CurlBotApiOptions o;
    o.base_url = fake_.BaseUrl() + "/";
    o.token = FakeTelegram::kToken;
    o.request_timeout = timeout;
    return MakeCurlBotApi(o);
  }
  FakeTelegram fake_;
};

TEST_F(CurlBotApiTest, SendMessagePostsJsonAndReadsTheMessage) {
  auto api = Api();
  SendMessageRequest req;
  req.chat_id = 42;
  req.text = "ciao <b>";
  req.reply_to_message_id = 7;
  ReplyMarkup markup;
  markup.reply_keyboard = ReplyKeyboard{{{"🔍 Cerca prodotto"}}};
  req.reply_markup = markup;
  auto first = api->SendMessage(req);
  auto second = api->SendMessage(req);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->message_id, first->message_id + 1);
  EXPECT_EQ(first->chat.id, 42);
  auto calls = fake_.Calls("sendMessage");
  ASSERT_EQ(calls.size(), 2u);
  auto body = boost::json::parse(calls[0].body);
  EXPECT_EQ(body.at("chat_id").as_int64(), 42);
  EXPECT_EQ(body.at("text").as_string(), "ciao <b>");
  EXPECT_EQ(body.at("reply_parameters").at("message_id").as_int64(), 7);
  EXPECT_EQ(body.at("reply_markup").at("keyboard").at(0).at(0).at("text").as_string(), "🔍 Cerca prodotto");
}

TEST_F(CurlBotApiTest, RateLimitFromTheServer) {
  fake_.FailNext(
      "sendMessage", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})");
  auto r = Api()->SendMessage(Simple());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_RATE_LIMITED");
  EXPECT_EQ(r.error().retry_after, std::chrono::seconds(3));
}

TEST_F(CurlBotApiTest, ServerErrorIsTransientThenRecovers) {
  fake_.FailNext("sendMessage", 1, 500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
  auto api = Api();
  auto r = api->SendMessage(Simple());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kTransient);
  EXPECT_TRUE(api->SendMessage(Simple()).ok());
}

TEST_F(CurlBotApiTest, EditNotModifiedIsSuccess) {
  fake_.FailNext("editMessageText", 1, 400,
                 R"({"ok":false,"error_code":400,"description":"Bad Request: message is not modified"})");
  EditMessageTextRequest edit;
  edit.chat_id = 1;
  edit.message_id = 2;
  edit.text = "card";
  edit.reply_markup = InlineKeyboard{{{InlineButton{"🔄 Aggiorna analisi", "r:abc", "", "", false}}}};
  EXPECT_TRUE(Api()->EditMessageText(edit).ok());
  auto body = boost::json::parse(fake_.Calls("editMessageText")[0].body);
  EXPECT_EQ(body.at("reply_markup").at("inline_keyboard").at(0).at(0).at("callback_data").as_string(), "r:abc");
}

TEST_F(CurlBotApiTest, WebhookLifecycleAndCommands) {
  auto api = Api();
  SetWebhookRequest set;
  set.url = "https://bot.example/telegram/webhook";
  set.secret_token = "s3cret";
  set.allowed_updates = DefaultAllowedUpdates();
  set.max_connections = 40;
  set.drop_pending_updates = true;
  ASSERT_TRUE(api->SetWebhook(set).ok());
  auto body = boost::json::parse(fake_.Calls("setWebhook")[0].body);
  EXPECT_EQ(body.at("secret_token").as_string(), "s3cret");
  EXPECT_EQ(body.at("max_connections").as_int64(), 40);
  EXPECT_TRUE(body.at("drop_pending_updates").as_bool());
  EXPECT_EQ(api->GetWebhookInfo()->url, set.url);
  ASSERT_TRUE(api->DeleteWebhook(false).ok());
  EXPECT_EQ(api->GetWebhookInfo()->url, "");
  ASSERT_TRUE(api->SetMyCommands({{"start", "Avvia"}}, "en").ok());
  auto cmd = boost::json::parse(fake_.Calls("setMyCommands")[0].body);
  EXPECT_EQ(cmd.at("language_code").as_string(), "en");
  EXPECT_EQ(api->GetMe()->username, FakeTelegram::kBotUsername);
  EXPECT_TRUE(api->AnswerCallbackQuery("q", "ok", false).ok());
  EXPECT_TRUE(api->SendChatAction(1, "typing").ok());
  EXPECT_TRUE(api->DeleteMessage(1, 2).ok());
  EXPECT_TRUE(api->AnswerInlineQuery("iq", {{"1", "t", "d", "text", "HTML", std::nullopt}}, 10).ok());
}

TEST_F(CurlBotApiTest, GetUpdatesReturnsPushedUpdates) {
  fake_.PushUpdate(R"({"update_id":10,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"text":"hi"}})");
  fake_.PushUpdate(R"({"update_id":11,"poll_answer":{"poll_id":"x"}})");
  auto r = Api()->GetUpdates({.offset = 0, .limit = 100, .timeout_seconds = 0, .allowed_updates = {}});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].message->text, "hi");
  EXPECT_EQ((*r)[1].kind, UpdateKind::kUnknown);
  auto after = Api()->GetUpdates({.offset = 12, .limit = 100, .timeout_seconds = 0, .allowed_updates = {}});
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_F(CurlBotApiTest, WrongTokenIsUnauthorized) {
  CurlBotApiOptions o;
  o.base_url = fake_.BaseUrl();
  o.token = "999:wrong";
  auto r = MakeCurlBotApi(o)->GetMe();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_UNAUTHORIZED");
}

TEST_F(CurlBotApiTest, SlowServerTimesOutAsTransient) {
  fake_.SetLatency(std::chrono::milliseconds(1500));
  auto r = Api(std::chrono::milliseconds(100))->GetMe();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_UNAVAILABLE");
  fake_.SetLatency(std::chrono::milliseconds(0));
}

TEST(CurlBotApiNoServer, ConnectionRefusedIsTransient) {
  CurlBotApiOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(worthit::testing::FreePort());
  o.token = "1:x";
  auto r = MakeCurlBotApi(o)->GetMe();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(r.error().message.find("1:x"), std::string::npos) << "token leaked into the error";
}

}  // namespace
}  // namespace worthit::telegram
