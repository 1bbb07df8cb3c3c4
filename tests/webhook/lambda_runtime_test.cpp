// The Lambda invocation loop against a fake Runtime API on 127.0.0.1, with an in-process handler.
#include "webhook/lambda_runtime.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <thread>

#include "support/fake_lambda_runtime.h"

namespace worthit::webhook {
namespace {

using namespace std::chrono_literals;
using testing::FakeLambdaRuntime;

constexpr auto kWait = 60s;  // generous: a loaded 2-core machine

std::string Event(const std::string& secret, const std::string& body, const std::string& path = "/telegram/webhook") {
  return boost::json::serialize(
      boost::json::object{{"version", "2.0"},
                          {"rawPath", path},
                          {"rawQueryString", ""},
                          {"headers", boost::json::object{{"x-telegram-bot-api-secret-token", secret}}},
                          {"requestContext", boost::json::object{{"http", boost::json::object{{"method", "POST"}}}}},
                          {"body", body},
                          {"isBase64Encoded", false}});
}

class LambdaRuntimeTest : public ::testing::Test {
 protected:
  WebhookHandler handler_{{"/telegram/webhook", "s3cret", 4096, ""},
                          [this](const telegram::Update& u) -> Status {
                            seen_.push_back(u.update_id);
                            if (fail_) return Error::Transient("QUEUE_UNAVAILABLE", "down");
                            return OkStatus();
                          },
                          [] { return OkStatus(); }};
  FakeLambdaRuntime runtime_;
  std::vector<int64_t> seen_;
  bool fail_ = false;
};

TEST_F(LambdaRuntimeTest, EventsBecomeResponsesWithTheHandlersStatus) {
  runtime_.PushEvent(
      "req-1",
      Event("s3cret", R"({"update_id":11,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"text":"hi"}})"));
  runtime_.PushEvent("req-2", Event("wrong", R"({"update_id":12})"));
  runtime_.PushEvent("req-3", Event("s3cret", "{nope"));
  LambdaRuntimeClient client(runtime_.Api(), nullptr);
  LambdaLoopOptions options;
  options.max_invocations = 3;
  ASSERT_TRUE(RunLambdaLoop(client, handler_, options, nullptr).ok());
  ASSERT_TRUE(runtime_.WaitForResults(3, kWait));
  auto results = runtime_.Results();
  ASSERT_EQ(results.size(), 3u);
  const std::vector<std::pair<std::string, int>> want = {{"req-1", 200}, {"req-2", 401}, {"req-3", 400}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(results[i].request_id, want[i].first);
    EXPECT_EQ(results[i].kind, "response");
    EXPECT_EQ(boost::json::parse(results[i].body).at("statusCode").as_int64(), want[i].second) << results[i].body;
  }
  EXPECT_EQ(seen_, std::vector<int64_t>{11}) << "a wrong secret reaches nothing";
}

TEST_F(LambdaRuntimeTest, ASinkFailureIsA503ResponseSoTelegramRedelivers) {
  fail_ = true;
  runtime_.PushEvent(
      "req-9",
      Event("s3cret", R"({"update_id":99,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"text":"x"}})"));
  LambdaRuntimeClient client(runtime_.Api(), nullptr);
  LambdaLoopOptions options;
  options.max_invocations = 1;
  ASSERT_TRUE(RunLambdaLoop(client, handler_, options, nullptr).ok());
  ASSERT_TRUE(runtime_.WaitForResults(1, kWait));
  auto r = runtime_.Results().at(0);
  EXPECT_EQ(r.kind, "response");
  EXPECT_EQ(boost::json::parse(r.body).at("statusCode").as_int64(), 503);
}

TEST_F(LambdaRuntimeTest, ANonHttpEventIsAnInvocationError) {
  runtime_.PushEvent("req-sqs", R"({"Records":[{"eventSource":"aws:sqs"}]})");
  LambdaRuntimeClient client(runtime_.Api(), nullptr);
  LambdaLoopOptions options;
  options.max_invocations = 1;
  ASSERT_TRUE(RunLambdaLoop(client, handler_, options, nullptr).ok());
  ASSERT_TRUE(runtime_.WaitForResults(1, kWait));
  auto r = runtime_.Results().at(0);
  EXPECT_EQ(r.request_id, "req-sqs");
  EXPECT_EQ(r.kind, "error");
  EXPECT_EQ(r.error_type, "LAMBDA_BAD_EVENT");
  EXPECT_EQ(boost::json::parse(r.body).at("errorType").as_string(), "LAMBDA_BAD_EVENT");
  EXPECT_TRUE(seen_.empty());
}

TEST_F(LambdaRuntimeTest, StopWhileWaitingForAnEventEndsTheLoopCleanly) {
  std::atomic<bool> stop{false};
  LambdaRuntimeClient client(runtime_.Api(), [&] { return stop.load(); });
  Status result = Error::Transient("UNSET", "");
  std::thread loop([&] { result = RunLambdaLoop(client, handler_, {}, [&] { return stop.load(); }); });
  std::this_thread::sleep_for(200ms);  // let it block in "next" (not an assertion on timing)
  stop = true;
  loop.join();
  EXPECT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(runtime_.Results().empty());
}

TEST_F(LambdaRuntimeTest, AnUnreachableRuntimeApiIsReportedAfterAFewTries) {
  runtime_.Stop();
  LambdaRuntimeClient client(runtime_.Api(), nullptr);
  auto s = RunLambdaLoop(client, handler_, {}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "LAMBDA_RUNTIME_UNAVAILABLE");
}

TEST_F(LambdaRuntimeTest, InitErrorIsPosted) {
  LambdaRuntimeClient client(runtime_.Api(), nullptr);
  ASSERT_TRUE(client.ReportInitError(Error::Invalid("CONFIG_INVALID", "PORT=x: not an integer")).ok());
  ASSERT_TRUE(runtime_.WaitForResults(1, kWait));
  auto r = runtime_.Results().at(0);
  EXPECT_EQ(r.kind, "init_error");
  EXPECT_EQ(r.error_type, "CONFIG_INVALID");
}

}  // namespace
}  // namespace worthit::webhook
