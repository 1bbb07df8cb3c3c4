#include "webhook/lambda_event.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace worthit::webhook {
namespace {

constexpr std::string_view kPath = "/telegram/webhook";

TEST(LambdaEventTest, RestApiPayloadOne) {
  auto r = ParseLambdaEvent(R"({"resource":"/telegram/webhook","path":"/telegram/webhook","httpMethod":"POST",
    "headers":{"Content-Type":"application/json","X-Telegram-Bot-Api-Secret-Token":"s3cret"},
    "multiValueHeaders":{"X-Telegram-Bot-Api-Secret-Token":["s3cret"]},
    "queryStringParameters":null,"body":"{\"update_id\":1}","isBase64Encoded":false})",
                            kPath);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->target, "/telegram/webhook");
  EXPECT_EQ(r->secret, "s3cret");
  EXPECT_EQ(r->body, R"({"update_id":1})");
}

TEST(LambdaEventTest, HttpApiAndFunctionUrlPayloadTwoWithBase64Body) {
  // {"update_id":7} in base64; function URLs lower-case header names.
  auto r = ParseLambdaEvent(R"({"version":"2.0","routeKey":"$default","rawPath":"/telegram/webhook",
    "rawQueryString":"a=1","headers":{"x-telegram-bot-api-secret-token":"tok","content-type":"application/json"},
    "requestContext":{"http":{"method":"POST","path":"/telegram/webhook"}},
    "body":"eyJ1cGRhdGVfaWQiOjd9","isBase64Encoded":true})",
                            kPath);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->target, "/telegram/webhook?a=1");
  EXPECT_EQ(r->secret, "tok");
  EXPECT_EQ(r->body, R"({"update_id":7})");
}

TEST(LambdaEventTest, HeaderNamesMatchInAnyCaseAndMultiValueIsAFallback) {
  auto r = ParseLambdaEvent(
      R"({"httpMethod":"POST","path":"/telegram/webhook","headers":null,
          "multiValueHeaders":{"x-TELEGRAM-bot-api-secret-token":["mv"]},"body":"{}"})",
      kPath);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->secret, "mv");
  auto none = ParseLambdaEvent(R"({"httpMethod":"POST","path":"/telegram/webhook","body":"{}"})", kPath);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->secret.has_value());
}

TEST(LambdaEventTest, StagePrefixIsStrippedOnlyForTheWebhookPath) {
  auto staged = ParseLambdaEvent(
      R"({"version":"2.0","rawPath":"/prod/telegram/webhook","requestContext":{"http":{"method":"POST"}}})", kPath);
  ASSERT_TRUE(staged.ok());
  EXPECT_EQ(staged->target, "/telegram/webhook");
  auto other = ParseLambdaEvent(
      R"({"version":"2.0","rawPath":"/prod/healthz","requestContext":{"http":{"method":"GET"}}})", kPath);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->target, "/prod/healthz");
  auto lookalike = ParseLambdaEvent(
      R"({"version":"2.0","rawPath":"/x-telegram/webhook2","requestContext":{"http":{"method":"POST"}}})", kPath);
  ASSERT_TRUE(lookalike.ok());
  EXPECT_EQ(lookalike->target, "/x-telegram/webhook2");
}

TEST(LambdaEventTest, NonHttpEventsAreBadEvents) {
  for (std::string_view bad :
       {std::string_view("not json"), std::string_view("[1,2]"),
        std::string_view(R"({"Records":[{"eventSource":"aws:sqs"}]})"),
        std::string_view(R"({"version":"2.0","rawPath":"/x"})"), std::string_view(R"({"httpMethod":"POST"})"),
        std::string_view(R"({"httpMethod":"POST","path":"/p","body":"@@","isBase64Encoded":true})")}) {
    auto r = ParseLambdaEvent(bad, kPath);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "LAMBDA_BAD_EVENT");
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  }
}

TEST(LambdaEventTest, Base64) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(DecodeBase64("aGVs\nbG8h"), "hello!");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_FALSE(DecodeBase64("aGV*").has_value());
  EXPECT_FALSE(DecodeBase64("aGVsbG8=x").has_value());
  EXPECT_FALSE(DecodeBase64("a").has_value());
}

TEST(LambdaEventTest, ResponseIsAProxyIntegrationObject) {
  auto v = boost::json::parse(LambdaResponseJson({401, "text/plain; charset=utf-8", "unauthorized\n"}));
  EXPECT_EQ(v.at("statusCode").as_int64(), 401);
  EXPECT_EQ(v.at("body").as_string(), "unauthorized\n");
  EXPECT_EQ(v.at("headers").at("Content-Type").as_string(), "text/plain; charset=utf-8");
  EXPECT_FALSE(v.at("isBase64Encoded").as_bool());
}

}  // namespace
}  // namespace worthit::webhook
