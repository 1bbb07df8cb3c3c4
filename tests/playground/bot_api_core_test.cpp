#include "playground/bot_api_core.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace worthit::playground {
namespace {

namespace json = boost::json;

class BotApiCoreTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  BotApiCore core_{BotIdentity{}, clock_};
  UserProfile giulia_{1001, "Giulia", "", "giulia", "it"};

  ApiReply Call(const std::string& method, const std::string& params_json) {
    return core_.Call(method, json::parse(params_json).as_object());
  }
  int64_t SendBot(const std::string& params_json) {
    auto r = Call("sendMessage", params_json);
    EXPECT_TRUE(r.ok()) << r.description();
    return r.ok() ? r.result().at("message_id").as_int64() : 0;
  }
};

TEST_F(BotApiCoreTest, GetMeDescribesTheBot) {
  auto r = Call("getMe", "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.result().at("username").as_string(), "WorthItPlaygroundBot");
  EXPECT_TRUE(r.result().at("is_bot").as_bool());
}

TEST_F(BotApiCoreTest, UnknownMethodIs404) {
  auto r = Call("sendTelepathy", "{}");
  EXPECT_EQ(r.http_status, 404);
  EXPECT_EQ(r.description(), "Not Found");
}

TEST_F(BotApiCoreTest, UserMessageBecomesAnUpdateAndSharesMessageIdsWithTheBot) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "/start").ok());
  auto updates = Call("getUpdates", "{}");
  ASSERT_TRUE(updates.ok());
  const auto& list = updates.result().as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& msg = list[0].at("message");
  EXPECT_EQ(msg.at("message_id").as_int64(), 1);
  EXPECT_EQ(msg.at("chat").at("id").as_int64(), 1001);
  EXPECT_EQ(msg.at("chat").at("type").as_string(), "private");
  EXPECT_EQ(msg.at("from").at("language_code").as_string(), "it");
  EXPECT_EQ(msg.at("entities").at(0).at("type").as_string(), "bot_command");
  EXPECT_EQ(SendBot(R"({"chat_id":1001,"text":"Benvenuto"})"), 2);
}

TEST_F(BotApiCoreTest, GetUpdatesOffsetConfirms) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "a").ok());
  ASSERT_TRUE(core_.UserSendText(giulia_, "b").ok());
  auto first = Call("getUpdates", "{}");
  ASSERT_EQ(first.result().as_array().size(), 2u);
  const int64_t last = first.result().as_array()[1].at("update_id").as_int64();
  auto again = Call("getUpdates", R"({"offset":)" + std::to_string(last) + "}");
  ASSERT_EQ(again.result().as_array().size(), 1u);
  auto none = Call("getUpdates", R"({"offset":)" + std::to_string(last + 1) + "}");
  EXPECT_TRUE(none.result().as_array().empty());
  EXPECT_EQ(core_.PendingUpdates(), 0u);
}

TEST_F(BotApiCoreTest, AllowedUpdatesFiltersTypes) {
  ASSERT_TRUE(Call("getUpdates", R"({"allowed_updates":["callback_query"]})").ok());
  ASSERT_TRUE(core_.UserSendText(giulia_, "ignored").ok());
  EXPECT_TRUE(Call("getUpdates", "{}").result().as_array().empty());
}

TEST_F(BotApiCoreTest, SendMessageToUnknownChatFails) {
  auto r = Call("sendMessage", R"({"chat_id":42,"text":"x"})");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.description(), "Bad Request: chat not found");
}

TEST_F(BotApiCoreTest, TextLimitsAreTelegrams) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "hi").ok());
  EXPECT_EQ(Call("sendMessage", R"({"chat_id":1001,"text":"   "})").description(),
            "Bad Request: message text is empty");
  const std::string ok_text(4096, 'a');
  EXPECT_TRUE(Call("sendMessage", R"({"chat_id":1001,"text":")" + ok_text + "\"}").ok());
  EXPECT_EQ(Call("sendMessage", R"({"chat_id":1001,"text":")" + ok_text + "a\"}").description(),
            "Bad Request: message is too long");
  // Tags do not count: 4096 visible characters inside <b> are fine.
  EXPECT_TRUE(Call("sendMessage", R"({"chat_id":1001,"parse_mode":"HTML","text":"<b>)" + ok_text + "</b>\"}").ok());
  EXPECT_EQ(core_.UserSendText(giulia_, std::string(4097, 'x')).error().code, "TEXT_TOO_LONG");
  EXPECT_EQ(core_.UserSendText(giulia_, " \n ").error().code, "TEXT_EMPTY");
}

TEST_F(BotApiCoreTest, HtmlErrorsAreWordedLikeTelegram) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "hi").ok());
  auto r = Call("sendMessage", R"({"chat_id":1001,"parse_mode":"HTML","text":"<script>x</script>"})");
  EXPECT_EQ(r.description(), "Bad Request: can't parse entities: Unsupported start tag \"script\" at byte offset 0");
}

TEST_F(BotApiCoreTest, EditInPlaceNotModifiedAndNotFound) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "https://shop.it/p/1").ok());
  const int64_t ack = SendBot(R"({"chat_id":1001,"text":"Sto analizzando il prodotto..."})");
  auto edit = Call(
      "editMessageText",
      R"({"chat_id":1001,"message_id":)" + std::to_string(ack) +
          R"(,"parse_mode":"HTML","text":"<b>Moka</b> 8,1/10","reply_markup":{"inline_keyboard":[[{"text":"🔄 Aggiorna analisi","callback_data":"r:abc"}]]}})");
  ASSERT_TRUE(edit.ok()) << edit.description();
  EXPECT_EQ(edit.result().at("text").as_string(), "Moka 8,1/10");
  EXPECT_TRUE(edit.result().as_object().contains("edit_date"));
  // The same content again: Telegram's "not modified".
  auto same = Call(
      "editMessageText",
      R"({"chat_id":1001,"message_id":)" + std::to_string(ack) +
          R"(,"parse_mode":"HTML","text":"<b>Moka</b> 8,1/10","reply_markup":{"inline_keyboard":[[{"text":"🔄 Aggiorna analisi","callback_data":"r:abc"}]]}})");
  EXPECT_EQ(same.http_status, 400);
  EXPECT_EQ(same.description().rfind("Bad Request: message is not modified: ", 0), 0u);
  // Same text without the keyboard is a modification (it removes the keyboard).
  EXPECT_TRUE(Call("editMessageText", R"({"chat_id":1001,"message_id":)" + std::to_string(ack) +
                                          R"(,"parse_mode":"HTML","text":"<b>Moka</b> 8,1/10"})")
                  .ok());
  EXPECT_EQ(Call("editMessageText", R"({"chat_id":1001,"message_id":999,"text":"x"})").description(),
            "Bad Request: message to edit not found");
  EXPECT_EQ(Call("editMessageText", R"({"chat_id":1001,"message_id":1,"text":"x"})").description(),
            "Bad Request: message can't be edited");
  // The page saw: user message, ack, two edits.
  auto events = core_.WaitEvents(1001, 0, std::chrono::milliseconds(0));
  ASSERT_EQ(events.events.size(), 4u);
  EXPECT_EQ(events.events[2].at("type").as_string(), "edit");
  EXPECT_EQ(events.events[2].at("html").as_string(), "<b>Moka</b> 8,1/10");
}

TEST_F(BotApiCoreTest, DeleteMessage) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "x").ok());
  const int64_t id = SendBot(R"({"chat_id":1001,"text":"tmp"})");
  EXPECT_TRUE(Call("deleteMessage", R"({"chat_id":1001,"message_id":)" + std::to_string(id) + "}").ok());
  EXPECT_EQ(Call("deleteMessage", R"({"chat_id":1001,"message_id":)" + std::to_string(id) + "}").description(),
            "Bad Request: message to delete not found");
}

TEST_F(BotApiCoreTest, KeyboardsAreValidated) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "x").ok());
  const std::string long_data(65, 'd');
  EXPECT_EQ(Call("sendMessage",
                 R"({"chat_id":1001,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":")" +
                     long_data + "\"}]]}}")
                .description(),
            "Bad Request: BUTTON_DATA_INVALID");
  EXPECT_EQ(
      Call("sendMessage",
           R"({"chat_id":1001,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","url":"javascript:x"}]]}})")
          .http_status,
      400);
  EXPECT_EQ(Call("sendMessage", R"({"chat_id":1001,"text":"x","reply_markup":"{not json"})").description(),
            "Bad Request: can't parse reply keyboard markup JSON object");
  // Reply keyboard given as a JSON string (form-encoded bots do that), strings normalised to objects.
  auto ok = Call(
      "sendMessage",
      R"({"chat_id":1001,"text":"menu","reply_markup":"{\"keyboard\":[[\"🔍 Cerca prodotto\"]],\"resize_keyboard\":true}"})");
  ASSERT_TRUE(ok.ok()) << ok.description();
  EXPECT_FALSE(ok.result().as_object().contains("reply_markup"));  // Message objects carry inline keyboards only
  auto events = core_.WaitEvents(1001, 0, std::chrono::milliseconds(0));
  EXPECT_EQ(events.events.back().at("keyboard").at("keyboard").at(0).at(0).at("text").as_string(), "🔍 Cerca prodotto");
}

TEST_F(BotApiCoreTest, CallbackQueryRoundTrip) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "x").ok());
  const int64_t id = SendBot(
      R"({"chat_id":1001,"text":"card","reply_markup":{"inline_keyboard":[[{"text":"🔄","callback_data":"r:1"}]]}})");
  EXPECT_EQ(core_.UserPressButton(giulia_, id, "nope").error().code, "BUTTON_NOT_FOUND");
  EXPECT_EQ(core_.UserPressButton(giulia_, 999, "r:1").error().code, "MESSAGE_NOT_FOUND");
  auto query_id = core_.UserPressButton(giulia_, id, "r:1");
  ASSERT_TRUE(query_id.ok());
  auto updates = Call("getUpdates", "{}").result().as_array();
  const auto& cq = updates.back().at("callback_query");
  EXPECT_EQ(cq.at("data").as_string(), "r:1");
  EXPECT_EQ(cq.at("message").at("message_id").as_int64(), id);
  EXPECT_EQ(cq.at("from").at("id").as_int64(), 1001);
  EXPECT_TRUE(Call("answerCallbackQuery", R"({"callback_query_id":")" + *query_id + R"(","text":"Aggiorno…"})").ok());
  EXPECT_EQ(Call("answerCallbackQuery", R"({"callback_query_id":")" + *query_id + "\"}").description(),
            "Bad Request: query is too old and response timeout expired or query ID is invalid");
  auto events = core_.WaitEvents(1001, 0, std::chrono::milliseconds(0));
  EXPECT_EQ(events.events.back().at("type").as_string(), "callback_answer");
  EXPECT_EQ(events.events.back().at("text").as_string(), "Aggiorno…");
}

TEST_F(BotApiCoreTest, InlineQueryRoundTrip) {
  auto id = core_.UserInlineQuery(giulia_, "moka");
  ASSERT_TRUE(id.ok());
  auto updates = Call("getUpdates", "{}").result().as_array();
  EXPECT_EQ(updates.back().at("inline_query").at("query").as_string(), "moka");
  EXPECT_TRUE(
      Call(
          "answerInlineQuery",
          R"({"inline_query_id":")" + *id +
              R"(","results":[{"type":"article","id":"1","title":"Moka","input_message_content":{"message_text":"x"}}]})")
          .ok());
  EXPECT_FALSE(Call("answerInlineQuery", R"({"inline_query_id":")" + *id + R"(","results":[]})").ok());
}

TEST_F(BotApiCoreTest, SharingThroughInlineModePostsViaBotAndEditsByInlineMessageId) {
  const int64_t group = BotApiCore::kDemoGroupId;
  auto id = core_.UserInlineQuery(giulia_, "moka", group);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(core_.UserChooseInlineResult(giulia_, *id, "1").error().code, "QUERY_NOT_FOUND");  // not answered yet
  ASSERT_TRUE(
      Call(
          "answerInlineQuery",
          R"({"inline_query_id":")" + *id +
              R"(","results":[{"type":"article","id":"1","title":"Moka","input_message_content":{"message_text":"<b>Moka</b> 8,1/10","parse_mode":"HTML"},"reply_markup":{"inline_keyboard":[[{"text":"🔄","callback_data":"r:1"}]]}}]})")
          .ok());
  EXPECT_EQ(core_.UserChooseInlineResult(giulia_, *id, "nope").error().code, "RESULT_NOT_FOUND");
  auto posted = core_.UserChooseInlineResult(giulia_, *id, "1");
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(posted->at("text").as_string(), "Moka 8,1/10");
  EXPECT_EQ(posted->at("via_bot").at("username").as_string(), "WorthItPlaygroundBot");
  EXPECT_EQ(posted->at("chat").at("id").as_int64(), group);
  const int64_t mid = posted->at("message_id").as_int64();
  UserProfile tom{2002, "Tom", "", "", "en"};
  ASSERT_TRUE(core_.UserPressButton(tom, mid, "r:1", group).ok());
  auto updates = Call("getUpdates", "{}").result().as_array();
  const auto& cq = updates.back().at("callback_query").as_object();
  EXPECT_FALSE(cq.contains("message"));
  const std::string inline_id(cq.at("inline_message_id").as_string());
  // The bot cannot edit it by chat and message id, only by inline_message_id (answer: true).
  EXPECT_EQ(
      Call("editMessageText", R"({"chat_id":-1001000000001,"message_id":)" + std::to_string(mid) + R"(,"text":"x"})")
          .description(),
      "Bad Request: message can't be edited");
  auto edit = Call("editMessageText", R"({"inline_message_id":")" + inline_id + R"(","text":"Moka 8,3/10"})");
  ASSERT_TRUE(edit.ok()) << edit.description();
  EXPECT_TRUE(edit.result().as_bool());
  EXPECT_EQ(Call("editMessageText", R"({"inline_message_id":"garbage","text":"x"})").description(),
            "Bad Request: MESSAGE_ID_INVALID");
}

TEST_F(BotApiCoreTest, ChatActionAndCommands) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "x").ok());
  EXPECT_TRUE(Call("sendChatAction", R"({"chat_id":1001,"action":"typing"})").ok());
  EXPECT_EQ(Call("sendChatAction", R"({"chat_id":1001,"action":"dancing"})").description(),
            "Bad Request: wrong parameter action in request");
  EXPECT_TRUE(Call("setMyCommands", R"({"commands":[{"command":"start","description":"Avvia"}]})").ok());
  EXPECT_TRUE(
      Call("setMyCommands", R"({"commands":[{"command":"start","description":"Start"}],"language_code":"en"})").ok());
  EXPECT_EQ(Call("setMyCommands", R"({"commands":[{"command":"Bad-Cmd","description":"x"}]})").description(),
            "Bad Request: BOT_COMMAND_INVALID");
  EXPECT_EQ(core_.Commands("en").at(0).at("description").as_string(), "Start");
  EXPECT_EQ(core_.Commands("de").at(0).at("description").as_string(), "Avvia");  // default scope
}

TEST_F(BotApiCoreTest, WebhookExcludesGetUpdatesAndQueuesJobs) {
  EXPECT_EQ(Call("setWebhook", R"({"url":"https://example.com/hook"})").http_status, 400);
  EXPECT_EQ(Call("setWebhook", R"({"url":"http://10.0.0.1/hook"})").http_status, 400);
  EXPECT_EQ(Call("setWebhook", R"({"url":"http://127.0.0.1:1/hook","secret_token":"bad secret!"})").description(),
            "Bad Request: secret token contains unallowed characters");
  auto set = Call("setWebhook", R"({"url":"http://127.0.0.1:9/hook","secret_token":"s3cr3t"})");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set.description(), "Webhook was set");
  EXPECT_EQ(Call("getUpdates", "{}").http_status, 409);
  ASSERT_TRUE(core_.UserSendText(giulia_, "hi").ok());
  auto job = core_.WaitWebhookJob(std::chrono::milliseconds(0));
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->secret_token, "s3cr3t");
  EXPECT_NE(job->body.find("\"text\":\"hi\""), std::string::npos);
  core_.WebhookFailed(job->update_id, "Wrong response from the webhook: 500");
  auto info = Call("getWebhookInfo", "{}").result();
  EXPECT_EQ(info.at("pending_update_count").as_int64(), 1);
  EXPECT_EQ(info.at("last_error_message").as_string(), "Wrong response from the webhook: 500");
  core_.WebhookDelivered(job->update_id);
  EXPECT_EQ(core_.PendingUpdates(), 0u);
  EXPECT_TRUE(Call("deleteWebhook", "{}").ok());
  EXPECT_TRUE(Call("getUpdates", "{}").ok());
}

TEST_F(BotApiCoreTest, DemoGroupDeliversOnlyCommandsAndMentions) {
  const int64_t group = BotApiCore::kDemoGroupId;
  UserProfile tom{2002, "Tom", "", "", "en"};
  ASSERT_TRUE(core_.UserSendText(giulia_, "ciao a tutti", group).ok());
  ASSERT_TRUE(core_.UserSendText(tom, "/start@WorthItPlaygroundBot", group).ok());
  ASSERT_TRUE(core_.UserSendText(giulia_, "guarda @worthitplaygroundbot amazon.it/dp/X", group).ok());
  EXPECT_EQ(core_.UserSendText(giulia_, "x", 999).error().code, "CHAT_NOT_FOUND");
  auto updates = Call("getUpdates", "{}").result().as_array();
  ASSERT_EQ(updates.size(), 2u);
  const auto& first = updates[0].at("message");
  EXPECT_EQ(first.at("chat").at("type").as_string(), "supergroup");
  EXPECT_EQ(first.at("chat").at("id").as_int64(), group);
  EXPECT_EQ(first.at("from").at("first_name").as_string(), "Tom");
  EXPECT_EQ(updates[1].at("message").at("from").at("id").as_int64(), 1001);
  // Every message is on the group's page, the bot's replies too.
  const int64_t reply = SendBot(
      R"({"chat_id":-1001000000001,"text":"Ciao gruppo","reply_markup":{"inline_keyboard":[[{"text":"ok","callback_data":"g"}]]}})");
  EXPECT_EQ(core_.WaitEvents(group, 0, std::chrono::milliseconds(0)).events.size(), 4u);
  // A press in the group: the answer event names the presser.
  auto q = core_.UserPressButton(tom, reply, "g", group);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(Call("answerCallbackQuery", R"({"callback_query_id":")" + *q + R"(","text":"fatto"})").ok());
  EXPECT_EQ(core_.WaitEvents(group, 0, std::chrono::milliseconds(0)).events.back().at("user_id").as_int64(), 2002);
}

TEST_F(BotApiCoreTest, WaitEventsReturnsOnlyNewerEvents) {
  ASSERT_TRUE(core_.UserSendText(giulia_, "one").ok());
  auto first = core_.WaitEvents(1001, 0, std::chrono::milliseconds(0));
  ASSERT_EQ(first.events.size(), 1u);
  EXPECT_TRUE(core_.WaitEvents(1001, first.last_seq, std::chrono::milliseconds(0)).events.empty());
  EXPECT_TRUE(core_.WaitEvents(2002, 0, std::chrono::milliseconds(0)).events.empty());  // another user's chat
}

}  // namespace
}  // namespace worthit::playground
