// End-to-end: `worthit lambda` (the real binary) against a fake Lambda Runtime API and the fake
// Bot API, both on 127.0.0.1: the same front door as `serve`, behind API Gateway-shaped events.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include "support/fake_lambda_runtime.h"
#include "support/fake_telegram.h"
#include "support/process.h"
#include "support/telegram_updates.h"
#include "support/temp_dir.h"

namespace worthit {
namespace {

using namespace std::chrono_literals;
using testing::FakeLambdaRuntime;
using testing::FakeTelegram;

constexpr auto kWait = 60s;  // generous: a loaded 2-core machine
const std::string kAck = "Sto analizzando il prodotto... Riceverai presto i risultati! ⏳";

std::string Update(int64_t update_id, int64_t chat, const std::string& text) {
  return testing::PrivateTextUpdate(update_id, chat, text);
}

// A function URL event (payload 2.0).
std::string FunctionUrlEvent(const std::string& secret, const std::string& body) {
  return boost::json::serialize(boost::json::object{
      {"version", "2.0"},
      {"routeKey", "$default"},
      {"rawPath", "/telegram/webhook"},
      {"rawQueryString", ""},
      {"headers",
       boost::json::object{{"content-type", "application/json"}, {"x-telegram-bot-api-secret-token", secret}}},
      {"requestContext",
       boost::json::object{{"http", boost::json::object{{"method", "POST"}, {"path", "/telegram/webhook"}}}}},
      {"body", body},
      {"isBase64Encoded", false}});
}

// A REST API event (payload 1.0) with the stage in the path.
std::string RestApiEvent(const std::string& secret, const std::string& body) {
  return boost::json::serialize(
      boost::json::object{{"resource", "/telegram/webhook"},
                          {"path", "/prod/telegram/webhook"},
                          {"httpMethod", "POST"},
                          {"headers", boost::json::object{{"X-Telegram-Bot-Api-Secret-Token", secret}}},
                          {"body", body},
                          {"isBase64Encoded", false}});
}

int StatusOf(const testing::LambdaResult& r) {
  return static_cast<int>(boost::json::parse(r.body).at("statusCode").as_int64());
}

class LambdaE2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> Env() {
    return {{"AWS_LAMBDA_RUNTIME_API", runtime_.Api()},   {"TELEGRAM_TOKEN", FakeTelegram::kToken},
            {"TELEGRAM_API_URL", telegram_.BaseUrl()},    {"WEBHOOK_SECRET", "lambda-secret"},
            {"BOT_USERNAME", FakeTelegram::kBotUsername}, {"BOT_PUBLISH_COMMANDS", "false"},
            {"DATA_DIR", dir_.path().string()},           {"LOG_FORMAT", "json"}};
  }

  FakeTelegram telegram_;
  FakeLambdaRuntime runtime_;
  testing::TempDir dir_;
};

TEST_F(LambdaE2E, LinkIsAcknowledgedWrongSecretIs401AndSigtermStopsIt) {
  runtime_.PushEvent("inv-1",
                     FunctionUrlEvent("lambda-secret", Update(4001, 41, "https://www.amazon.it/dp/B0LAMBDA01")));
  runtime_.PushEvent("inv-2", FunctionUrlEvent("wrong", Update(4002, 41, "https://www.amazon.it/dp/B0LAMBDA02")));
  runtime_.PushEvent("inv-3", RestApiEvent("lambda-secret", Update(4001, 41, "https://www.amazon.it/dp/B0LAMBDA01")));
  runtime_.PushEvent("inv-4", R"({"Records":[]})");
  testing::ChildProcess lambda(testing::WorthitBinary(), {"lambda"}, Env(), dir_.File("lambda.log"));
  ASSERT_TRUE(runtime_.WaitForResults(4, kWait)) << lambda.Log();

  auto results = runtime_.Results();
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].request_id, "inv-1");
  EXPECT_EQ(results[0].kind, "response");
  EXPECT_EQ(StatusOf(results[0]), 200) << results[0].body;
  EXPECT_EQ(results[1].request_id, "inv-2");
  EXPECT_EQ(StatusOf(results[1]), 401);
  // The redelivered update through a REST API stage path: 200, nothing sent twice.
  EXPECT_EQ(results[2].request_id, "inv-3");
  EXPECT_EQ(StatusOf(results[2]), 200) << results[2].body;
  EXPECT_EQ(results[3].kind, "error");
  EXPECT_EQ(results[3].error_type, "LAMBDA_BAD_EVENT");

  // Exactly one acknowledgement, for the right chat, sent before the 200; no getMe, no setMyCommands.
  auto sends = telegram_.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  auto ack = boost::json::parse(sends[0].body);
  EXPECT_EQ(ack.at("chat_id").as_int64(), 41);
  EXPECT_EQ(ack.at("text").as_string(), kAck);
  EXPECT_EQ(telegram_.CountCalls("getMe"), 0u);
  EXPECT_EQ(telegram_.CountCalls("setMyCommands"), 0u);

  // The task is durable in the queue the workers read (SQLite in DATA_DIR here).
  auto stats = testing::RunToExit(testing::WorthitBinary(), {"queue", "stats"}, Env(), dir_.File("stats.log"), kWait);
  EXPECT_EQ(stats.exit_code, 0) << stats.output;
  EXPECT_NE(stats.output.find("ready    1"), std::string::npos) << stats.output;

  // JSON logs: the lines of an invocation carry its Lambda request id and the update id.
  EXPECT_NE(lambda.Log().find(R"("event":"bot.link_enqueued","lambda_request_id":"inv-1","update_id":4001)"),
            std::string::npos)
      << lambda.Log();

  lambda.Signal(SIGTERM);  // blocked in "next": stops promptly and cleanly
  auto code = lambda.Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << lambda.Log();
}

TEST_F(LambdaE2E, BadConfigurationIsAnInitError) {
  auto env = Env();
  env.erase("WEBHOOK_SECRET");
  auto r = testing::RunToExit(testing::WorthitBinary(), {"lambda"}, env, dir_.File("init.log"), kWait);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  ASSERT_TRUE(runtime_.WaitForResults(1, kWait));
  EXPECT_EQ(runtime_.Results().at(0).kind, "init_error");
  EXPECT_EQ(runtime_.Results().at(0).error_type, "CONFIG_INVALID");
  EXPECT_EQ(runtime_.Delivered(), 0u);
}

}  // namespace
}  // namespace worthit
