#include "webhook/webhook_handler.h"

#include <gtest/gtest.h>

#include <atomic>

namespace worthit::webhook {
namespace {

class WebhookHandlerTest : public ::testing::Test {
 protected:
  WebhookHandler Make() {
    return WebhookHandler(
        {"/telegram/webhook", "s3cret-token", 4096, ""},
        [this](const telegram::Update& u) -> Status {
          ++calls_;
          last_kind_ = u.kind;
          if (fail_) return Error::Transient("QUEUE_UNAVAILABLE", "down");
          return OkStatus();
        },
        [this]() -> Status { return ready_ ? OkStatus() : Status(Error::Transient("STORE_UNAVAILABLE", "x")); });
  }
  WebhookRequest Post(std::string body, std::optional<std::string> secret = std::string("s3cret-token")) {
    return {"POST", "/telegram/webhook", std::move(secret), std::move(body), false};
  }
  std::atomic<int> calls_{0};
  telegram::UpdateKind last_kind_ = telegram::UpdateKind::kUnknown;
  bool fail_ = false;
  bool ready_ = true;
};

TEST_F(WebhookHandlerTest, ValidUpdateGoesToTheSink) {
  auto h = Make();
  auto r = h.Handle(Post(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"text":"x"}})"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(last_kind_, telegram::UpdateKind::kMessage);
}

TEST_F(WebhookHandlerTest, WrongOrMissingSecretIs401AndNothingHappens) {
  auto h = Make();
  EXPECT_EQ(h.Handle(Post(R"({"update_id":1})", std::string("s3cret-tokem"))).status, 401);
  EXPECT_EQ(h.Handle(Post(R"({"update_id":1})", std::string("s3cret"))).status, 401);
  EXPECT_EQ(h.Handle(Post(R"({"update_id":1})", std::nullopt)).status, 401);
  EXPECT_EQ(h.Handle(Post("not json", std::nullopt)).status, 401) << "secret is checked before the body";
  EXPECT_EQ(calls_, 0);
}

TEST_F(WebhookHandlerTest, DuringARotationBothSecretsAreAcceptedAndNothingElse) {
  int calls = 0;
  WebhookHandlerOptions o{"/telegram/webhook", "new-secret", 4096, ""};
  o.previous_secret = "old-secret";
  WebhookHandler h(
      o,
      [&](const telegram::Update&) {
        ++calls;
        return OkStatus();
      },
      nullptr);
  const std::string body = R"({"update_id":1})";
  EXPECT_EQ(h.Handle({"POST", "/telegram/webhook", std::string("new-secret"), body, false}).status, 200);
  EXPECT_EQ(h.Handle({"POST", "/telegram/webhook", std::string("old-secret"), body, false}).status, 200);
  EXPECT_EQ(h.Handle({"POST", "/telegram/webhook", std::string("older-secret"), body, false}).status, 401);
  EXPECT_EQ(h.Handle({"POST", "/telegram/webhook", std::string(""), body, false}).status, 401);
  EXPECT_EQ(calls, 2);
  // Without a previous secret the old one is refused.
  WebhookHandler after(
      {"/telegram/webhook", "new-secret", 4096, ""}, [&](const telegram::Update&) { return OkStatus(); }, nullptr);
  EXPECT_EQ(after.Handle({"POST", "/telegram/webhook", std::string("old-secret"), body, false}).status, 401);
}

TEST_F(WebhookHandlerTest, EmptyConfiguredSecretRejectsEverything) {
  WebhookHandler h(
      {"/telegram/webhook", "", 4096, ""}, [](const telegram::Update&) { return OkStatus(); }, nullptr);
  EXPECT_EQ(h.Handle({"POST", "/telegram/webhook", std::string(""), R"({"update_id":1})", false}).status, 401);
}

TEST_F(WebhookHandlerTest, BadBodiesAndMethods) {
  auto h = Make();
  EXPECT_EQ(h.Handle(Post("{nope")).status, 400);
  EXPECT_EQ(h.Handle(Post(R"({"message":{}})")).status, 400);
  EXPECT_EQ(h.Handle(Post(std::string(5000, ' '))).status, 413);
  EXPECT_EQ(h.Handle({"GET", "/telegram/webhook", std::string("s3cret-token"), "", false}).status, 405);
  EXPECT_EQ(h.Handle({"GET", "/nope", std::nullopt, "", false}).status, 404);
  EXPECT_EQ(calls_, 0);
}

TEST_F(WebhookHandlerTest, UnusableKindIs200) {
  auto h = Make();
  EXPECT_EQ(h.Handle(Post(R"({"update_id":5,"chat_boost":{"x":1}})")).status, 200);
  EXPECT_EQ(last_kind_, telegram::UpdateKind::kUnknown);
}

TEST_F(WebhookHandlerTest, SinkFailureAsksForRedelivery) {
  auto h = Make();
  fail_ = true;
  EXPECT_EQ(h.Handle(Post(R"({"update_id":1})")).status, 503);
}

TEST_F(WebhookHandlerTest, HealthReadinessMetrics) {
  auto h = Make();
  EXPECT_EQ(h.Handle({"GET", "/healthz", std::nullopt, "", false}).status, 200);
  EXPECT_EQ(h.Handle({"GET", "/readyz", std::nullopt, "", false}).status, 200);
  ready_ = false;
  auto not_ready = h.Handle({"GET", "/readyz", std::nullopt, "", false});
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.body.find("STORE_UNAVAILABLE"), std::string::npos);
  (void)h.Handle(Post(R"({"update_id":9,"message":{"message_id":1,"chat":{"id":1},"text":"x"}})"));
  auto metrics = h.Handle({"GET", "/metrics?x=1", std::nullopt, "", false});
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("worthit_webhook_updates_total{kind=\"message\"}"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("worthit_webhook_responses_total"), std::string::npos);
}

TEST(ConstantTimeEquals, Basics) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace worthit::webhook
