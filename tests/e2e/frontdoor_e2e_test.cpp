// End-to-end: the real `worthit` binary against the fake Bot API on 127.0.0.1.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include "support/fake_telegram.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/telegram_updates.h"
#include "support/temp_dir.h"

namespace worthit {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::FakeTelegram;
using testing::HttpRequest;

constexpr auto kWait = 60s;  // generous: a loaded 2-core machine
const std::string kAck = "Sto analizzando il prodotto... Riceverai presto i risultati! ⏳";

std::string Update(int64_t update_id, int64_t chat, const std::string& text) {
  return testing::PrivateTextUpdate(update_id, chat, text);
}

std::vector<std::string> SentTexts(const FakeTelegram& fake) {
  std::vector<std::string> out;
  for (const auto& c : fake.Calls("sendMessage")) {
    out.emplace_back(boost::json::parse(c.body).at("text").as_string());
  }
  return out;
}

class E2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> Env() {
    return {{"TELEGRAM_TOKEN", FakeTelegram::kToken},
            {"TELEGRAM_API_URL", fake_.BaseUrl()},
            {"WEBHOOK_SECRET", "e2e-secret"},
            {"LISTEN_ADDR", "127.0.0.1"},
            {"PORT", std::to_string(port_)},
            {"DATA_DIR", dir_.path().string()},
            {"POLL_TIMEOUT_SECONDS", "1"},
            {"SHUTDOWN_GRACE_SECONDS", "5"}};
  }
  std::unique_ptr<ChildProcess> Start(const std::vector<std::string>& args,
                                      std::map<std::string, std::string> extra = {}) {
    auto env = Env();
    for (auto& [k, v] : extra) env[k] = v;
    return std::make_unique<ChildProcess>(testing::WorthitBinary(), args, env, dir_.File(args[0] + ".log"));
  }
  testing::HttpResult Post(const std::string& body, const std::string& secret = "e2e-secret") {
    return HttpRequest("POST", port_, "/telegram/webhook",
                       {{"X-Telegram-Bot-Api-Secret-Token", secret}, {"Content-Type", "application/json"}}, body);
  }

  FakeTelegram fake_;
  testing::TempDir dir_;
  uint16_t port_ = testing::FreePort();
};

TEST_F(E2E, ServeAcknowledgesLinksOnceAndSpeaksTheConversation) {
  auto serve = Start({"serve"});
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  EXPECT_EQ(HttpRequest("GET", port_, "/healthz").status, 200);
  EXPECT_EQ(HttpRequest("GET", port_, "/readyz").status, 200);
  // setMyCommands at start: Italian default and English.
  ASSERT_TRUE(fake_.WaitForCalls("setMyCommands", 2, kWait));

  // A product link: acknowledged (reply to the user's message) before the 200.
  auto r = Post(Update(5001, 77, "guarda https://www.amazon.it/dp/B0E2E00001"));
  ASSERT_EQ(r.status, 200) << serve->Log();
  auto texts = SentTexts(fake_);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0], kAck);
  auto ack = boost::json::parse(fake_.Calls("sendMessage")[0].body);
  EXPECT_EQ(ack.at("chat_id").as_int64(), 77);
  EXPECT_EQ(ack.at("reply_parameters").at("message_id").as_int64(), 6001);

  // The same update again (Telegram redelivery): 200, no second acknowledgement.
  ASSERT_EQ(Post(Update(5001, 77, "guarda https://www.amazon.it/dp/B0E2E00001")).status, 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 1u);

  // Wrong secret: 401 and no call at all to Telegram.
  const size_t before = fake_.Calls().size();
  EXPECT_EQ(Post(Update(5002, 77, "https://www.amazon.it/dp/B0E2E00002"), "wrong").status, 401);
  EXPECT_EQ(fake_.Calls().size(), before);

  // /cerca, then the link in a second update.
  ASSERT_EQ(Post(Update(5003, 78, "/cerca")).status, 200);
  ASSERT_EQ(Post(Update(5004, 78, "amzn.to/3e2eXyZ")).status, 200);
  texts = SentTexts(fake_);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[1], "Incolla il link del prodotto che vuoi analizzare 🔗");
  EXPECT_EQ(texts[2], kAck);

  // /start: the reply keyboard.
  ASSERT_EQ(Post(Update(5005, 79, "/start")).status, 200);
  auto start = boost::json::parse(fake_.Calls("sendMessage").back().body);
  EXPECT_EQ(start.at("reply_markup").at("keyboard").at(0).at(0).at("text").as_string(), "🔍 Cerca prodotto");
  EXPECT_EQ(start.at("reply_markup").at("keyboard").at(2).at(0).at("text").as_string(), "⭐️ Prodotti popolari");

  // Malformed body and an unusable kind.
  EXPECT_EQ(Post("{nope").status, 400);
  EXPECT_EQ(Post(R"({"update_id":5006,"chat_boost":{"chat":{"id":1}}})").status, 200);

  auto metrics = HttpRequest("GET", port_, "/metrics");
  EXPECT_NE(metrics.body.find("worthit_bot_dedupe_hits_total 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("worthit_webhook_responses_total{status=\"401\"} 1"), std::string::npos);
  // serve exports the queue's depth: the two links above wait for a worker.
  EXPECT_NE(metrics.body.find("worthit_queue_ready{backend=\"sqlite\"} 2"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("worthit_queue_up{backend=\"sqlite\"} 1"), std::string::npos);

  serve->Signal(SIGTERM);
  auto code = serve->Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << serve->Log();
}

TEST_F(E2E, ServeAsksForRedeliveryWhileTelegramFails) {
  auto serve = Start({"serve"}, {{"BOT_USERNAME", "WorthItTestBot"}});
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  fake_.FailNext("sendMessage", 1, 502, R"({"ok":false,"error_code":502,"description":"Bad Gateway"})");
  EXPECT_EQ(Post(Update(7001, 90, "https://www.ebay.it/itm/123")).status, 503);
  EXPECT_EQ(Post(Update(7001, 90, "https://www.ebay.it/itm/123")).status, 200);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 2u);  // the failed attempt and the one that worked
  // 429 on the acknowledgement: also redelivered later, never dropped.
  fake_.FailNext(
      "sendMessage", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})");
  EXPECT_EQ(Post(Update(7002, 91, "https://www.ebay.it/itm/124")).status, 503);
  // Blocked by the user: answered 200 (redelivery cannot help).
  fake_.FailNext("sendMessage", 1, 403,
                 R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  EXPECT_EQ(Post(Update(7003, 92, "https://www.ebay.it/itm/125")).status, 200);
  serve->Signal(SIGTERM);
  EXPECT_EQ(serve->Wait(kWait), 0);
}

TEST_F(E2E, ServeNamesTheMissingKey) {
  auto env = Env();
  env.erase("WEBHOOK_SECRET");
  auto r = testing::RunToExit(testing::WorthitBinary(), {"serve"}, env, dir_.File("missing.log"), kWait);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("WEBHOOK_SECRET"), std::string::npos) << r.output;
  EXPECT_EQ(fake_.Calls().size(), 0u);
}

TEST_F(E2E, AnUnreadableCaFileIsRefusedAtStartNamingTheKey) {
  auto env = Env();
  env["TELEGRAM_CA_FILE"] = (dir_.path() / "no-such-ca.pem").string();
  auto r = testing::RunToExit(testing::WorthitBinary(), {"webhook", "info"}, env, dir_.File("ca.log"), kWait);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("TELEGRAM_CA_FILE"), std::string::npos) << r.output;
  EXPECT_TRUE(fake_.Calls().empty());  // nothing was sent with an unusable trust store
}

TEST_F(E2E, PollBehavesTheSameAndPersistsItsOffset) {
  fake_.PushUpdate(Update(8001, 55, "https://www.amazon.de/dp/B0POLL0001"));
  fake_.PushUpdate(Update(8002, 56, "/cerca"));
  auto poll = Start({"poll"});
  ASSERT_TRUE(fake_.WaitForCalls("sendMessage", 2, kWait)) << poll->Log();
  fake_.PushUpdate(Update(8003, 56, "https://amzn.eu/d/pollXyz"));
  ASSERT_TRUE(fake_.WaitForCalls("sendMessage", 3, kWait)) << poll->Log();
  auto texts = SentTexts(fake_);
  EXPECT_EQ(texts[0], kAck);
  EXPECT_EQ(texts[1], "Incolla il link del prodotto che vuoi analizzare 🔗");
  EXPECT_EQ(texts[2], kAck);
  poll->Signal(SIGTERM);
  ASSERT_EQ(poll->Wait(kWait), 0) << poll->Log();

  // A restart continues after the last handled update (offset persisted in DATA_DIR).
  fake_.ClearCalls();
  auto again = Start({"poll"});
  ASSERT_TRUE(fake_.WaitForCalls("getUpdates", 1, kWait));
  auto first = boost::json::parse(fake_.Calls("getUpdates")[0].body);
  EXPECT_EQ(first.at("offset").as_int64(), 8004);
  again->Signal(SIGTERM);
  EXPECT_EQ(again->Wait(kWait), 0);
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 0u);
}

TEST_F(E2E, PollRetriesAnUpdateWhileTelegramFails) {
  fake_.FailNext("sendMessage", 2, 502, R"({"ok":false,"error_code":502,"description":"Bad Gateway"})");
  fake_.PushUpdate(Update(9001, 60, "https://www.amazon.it/dp/B0RETRY001"));
  auto poll = Start({"poll"});
  ASSERT_TRUE(fake_.WaitForCalls("sendMessage", 3, kWait)) << poll->Log();
  poll->Signal(SIGTERM);
  ASSERT_EQ(poll->Wait(kWait), 0) << poll->Log();
  // Two failed attempts, then exactly one acknowledgement delivered; nothing after it.
  EXPECT_EQ(fake_.CountCalls("sendMessage"), 3u);
  EXPECT_NE(poll->Log().find("poll.update_failed"), std::string::npos);
}

TEST_F(E2E, PollRefusesWhileAWebhookIsSetUnlessAskedToDeleteIt) {
  fake_.SetWebhookUrl("https://bot.example/telegram/webhook");
  auto r = testing::RunToExit(testing::WorthitBinary(), {"poll"}, Env(), dir_.File("poll1.log"), kWait);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--delete-webhook"), std::string::npos) << r.output;
  EXPECT_EQ(fake_.CountCalls("getUpdates"), 0u);

  auto poll = Start({"poll", "--delete-webhook"});
  ASSERT_TRUE(fake_.WaitForCalls("getUpdates", 1, kWait)) << poll->Log();
  EXPECT_EQ(fake_.CountCalls("deleteWebhook"), 1u);
  poll->Signal(SIGTERM);
  EXPECT_EQ(poll->Wait(kWait), 0);
}

TEST_F(E2E, WebhookSetInfoDelete) {
  auto env = Env();
  env["WEBHOOK_URL"] = "https://bot.example/telegram/webhook";
  auto set = testing::RunToExit(testing::WorthitBinary(), {"webhook", "set"}, env, dir_.File("w1.log"), kWait);
  ASSERT_EQ(set.exit_code, 0) << set.output;
  auto body = boost::json::parse(fake_.Calls("setWebhook")[0].body);
  EXPECT_EQ(body.at("secret_token").as_string(), "e2e-secret");
  EXPECT_EQ(body.at("max_connections").as_int64(), 40);
  auto info = testing::RunToExit(testing::WorthitBinary(), {"webhook", "info"}, env, dir_.File("w2.log"), kWait);
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.output.find("https://bot.example/telegram/webhook"), std::string::npos) << info.output;
  EXPECT_EQ(info.output.find(FakeTelegram::kToken), std::string::npos) << "token leaked";
  auto del = testing::RunToExit(testing::WorthitBinary(), {"webhook", "delete"}, env, dir_.File("w3.log"), kWait);
  EXPECT_EQ(del.exit_code, 0);
  EXPECT_EQ(fake_.CountCalls("deleteWebhook"), 1u);
}

}  // namespace
}  // namespace worthit
