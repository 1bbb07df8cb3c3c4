#include "telegram/api_error.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "telegram/bot_api_wire.h"
#include "telegram/fixture.h"

namespace worthit::telegram {
namespace {

using worthit::testing::Fixture;

TEST(MapBotApiResponse, SuccessReturnsResult) {
  auto r = MapBotApiResponse(200, Fixture("resp_send_ok.json"), "sendMessage");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(boost::json::parse(*r).at("message_id").as_int64(), 321);
}

TEST(MapBotApiResponse, RateLimitedCarriesRetryAfter) {
  auto r = MapBotApiResponse(429, Fixture("resp_429.json"), "sendMessage");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_RATE_LIMITED");
  EXPECT_EQ(r.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(r.error().retry_after, std::chrono::seconds(17));
}

// A redirect means TELEGRAM_API_URL is wrong (the Bot API never redirects): transient, so the
// updates are retried once it is fixed, and the error names the key to fix.
TEST(MapBotApiResponse, RedirectNamesTheSettingToFix) {
  for (long status : {301L, 302L, 307L, 308L}) {
    auto r = MapBotApiResponse(status, "<html>Moved</html>", "sendMessage");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "TELEGRAM_REDIRECTED") << status;
    EXPECT_EQ(r.error().kind, ErrorKind::kTransient);
    EXPECT_NE(r.error().message.find("TELEGRAM_API_URL"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(MapBotApiResponse(502, "<html>Bad Gateway</html>", "sendMessage").error().code, "TELEGRAM_UNAVAILABLE");
}

TEST(MapBotApiResponse, RetryAfterIsCapped) {
  auto r = MapBotApiResponse(0, R"({"ok":false,"parameters":{"retry_after":123456}})", "sendMessage");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().retry_after, std::chrono::seconds(kMaxRetryAfterSeconds));
}

TEST(MapBotApiResponse, NotModifiedIsSuccessForEditsOnly) {
  EXPECT_TRUE(MapBotApiResponse(400, Fixture("resp_not_modified.json"), "editMessageText").ok());
  auto other = MapBotApiResponse(400, Fixture("resp_not_modified.json"), "sendMessage");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "TELEGRAM_BAD_REQUEST");
}

TEST(MapBotApiResponse, EditTargetMissingHasItsOwnCode) {
  auto r = MapBotApiResponse(400, Fixture("resp_edit_not_found.json"), "editMessageText");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_MESSAGE_NOT_FOUND");
  EXPECT_EQ(r.error().kind, ErrorKind::kPermanent);
}

TEST(MapBotApiResponse, BlockedIsPermanent) {
  auto r = MapBotApiResponse(403, Fixture("resp_blocked.json"), "sendMessage");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_FORBIDDEN");
  EXPECT_FALSE(r.error().Retryable());
}

TEST(MapBotApiResponse, MigratedCarriesNewChatId) {
  auto r = MapBotApiResponse(400, Fixture("resp_migrated.json"), "sendMessage");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "TELEGRAM_CHAT_MIGRATED");
  EXPECT_EQ(MigratedChatId(r.error()), -1009876543210);
  EXPECT_EQ(MigratedChatId(Error::Permanent("X", "migrate_to_chat_id=5")), std::nullopt);
}

TEST(MapBotApiResponse, ServerErrorsAndGarbageAreTransient) {
  EXPECT_EQ(MapBotApiResponse(502, Fixture("resp_502.json"), "sendMessage").error().kind, ErrorKind::kTransient);
  EXPECT_EQ(MapBotApiResponse(502, "<html>bad gateway</html>", "sendMessage").error().kind, ErrorKind::kTransient);
  EXPECT_EQ(MapBotApiResponse(200, "", "getMe").error().code, "TELEGRAM_UNAVAILABLE");
  EXPECT_EQ(NetworkError("getMe", "connection refused").kind, ErrorKind::kTransient);
}

TEST(MapBotApiResponse, UnauthorizedAndConflict) {
  EXPECT_EQ(
      MapBotApiResponse(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})", "getMe").error().code,
      "TELEGRAM_UNAUTHORIZED");
  EXPECT_EQ(
      MapBotApiResponse(
          409,
          R"({"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active"})",
          "getUpdates")
          .error()
          .code,
      "TELEGRAM_CONFLICT");
}

// The real responses recorded by other projects map to the class their content implies.
TEST(SharedData, RealResponsesMapToTheirClass) {
  const auto dir = worthit::testing::SharedData() / "telegram-responses";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name == "manifest.json") continue;
    const std::string text = worthit::testing::ReadFile(entry.path());
    boost::json::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object() || !v.as_object().contains("ok")) continue;  // not a response body
    const auto& o = v.as_object();
    const bool edit = name.find("not_modified") != std::string::npos;
    auto r = MapBotApiResponse(0, text, edit ? "editMessageText" : "sendMessage");
    ++checked;
    if (o.at("ok").as_bool() || edit) {
      EXPECT_TRUE(r.ok()) << name;
      continue;
    }
    ASSERT_FALSE(r.ok()) << name;
    const auto* params = o.if_contains("parameters");
    if (params && params->as_object().contains("retry_after")) {
      EXPECT_EQ(r.error().code, "TELEGRAM_RATE_LIMITED") << name;
      EXPECT_TRUE(r.error().retry_after.has_value()) << name;
    } else if (params && params->as_object().contains("migrate_to_chat_id")) {
      EXPECT_EQ(r.error().code, "TELEGRAM_CHAT_MIGRATED") << name;
    } else if (o.contains("error_code") && o.at("error_code").as_int64() == 403) {
      EXPECT_EQ(r.error().code, "TELEGRAM_FORBIDDEN") << name;
    } else if (o.contains("error_code") && o.at("error_code").as_int64() >= 500) {
      EXPECT_EQ(r.error().kind, ErrorKind::kTransient) << name;
    } else {
      EXPECT_FALSE(r.error().code.empty()) << name;
    }
  }
  EXPECT_GT(checked, 20);
}

// Every description in the recorded error table, sent as Telegram would (403 for "Forbidden:",
// 401 for "Unauthorized", 400 otherwise), lands in the class the bot relies on.
TEST(SharedData, ErrorDescriptionTable) {
  const auto path = worthit::testing::SharedData() / "telegram-responses" / "teloxide_api_error_descriptions.tsv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  std::istringstream lines(worthit::testing::ReadFile(path));
  std::string line;
  std::getline(lines, line);  // header
  int rows = 0;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string description = line.substr(tab + 1);
    const bool conflict = description.starts_with("Conflict") || description.starts_with("can't use getUpdates");
    const int status = conflict                                                                                  ? 409
                       : description.starts_with("Forbidden")                                                    ? 403
                       : description.starts_with("Unauthorized") || description.starts_with("Invalid bot token") ? 401
                                                                                                                 : 400;
    boost::json::object body{{"ok", false}, {"error_code", status}, {"description", description}};
    auto r = MapBotApiResponse(status, boost::json::serialize(body), "editMessageText");
    ++rows;
    if (description.find("message is not modified") != std::string::npos) {
      EXPECT_TRUE(r.ok()) << description;
      continue;
    }
    ASSERT_FALSE(r.ok()) << description;
    EXPECT_FALSE(r.error().Retryable()) << description;
    if (status == 403) {
      EXPECT_EQ(r.error().code, "TELEGRAM_FORBIDDEN") << description;
    }
    if (description.find("message to edit not found") != std::string::npos) {
      EXPECT_EQ(r.error().code, "TELEGRAM_MESSAGE_NOT_FOUND") << description;
    }
  }
  EXPECT_GT(rows, 10);
}

// The one-parse reader of sendMessage answers must agree with the generic path (map, then read the
// result) on every answer: fixtures, the shared real responses, and malformed or odd bodies.
TEST(ReadSendMessageResponse, AgreesWithMapThenReadOnEveryAnswer) {
  std::vector<std::string> bodies;
  for (const char* f : {"resp_429.json", "resp_502.json", "resp_blocked.json", "resp_edit_not_found.json",
                        "resp_migrated.json", "resp_not_modified.json", "resp_send_ok.json"}) {
    bodies.push_back(Fixture(f));
  }
  // The shared real responses are read when ../shared/data is next to the checkout (not on CI's
  // fresh clone): the fixtures and odd bodies above and below always run.
  size_t shared_count = 0;
  const auto shared = worthit::testing::SharedData() / "telegram-responses";
  if (std::filesystem::exists(shared)) {
    for (const auto& e : std::filesystem::directory_iterator(shared)) {
      bodies.push_back(worthit::testing::ReadFile(e.path()));
      ++shared_count;
    }
  }
  for (const char* b :
       {"", "not json", "[]", "{}", R"({"ok":true})", R"({"ok":true,"result":true})", R"({"ok":true,"result":[1]})",
        R"({"ok":true,"result":{}})", R"({"ok":"yes","result":{}})",
        R"({"ok":true,"result":{"message_id":5,"date":1,"chat":{"id":7,"type":"private"},"text":"hi"}})",
        R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"}) {
    bodies.emplace_back(b);
  }
  ASSERT_EQ(bodies.size(), 18u + shared_count);
  for (const auto& body : bodies) {
    for (long status : {0L, 200L, 201L, 400L, 403L, 429L, 500L, 502L}) {
      for (std::string_view method : {"sendMessage", "editMessageText"}) {
        auto mapped = MapBotApiResponse(status, body, method);
        Result<Message> expected = mapped.ok() ? ReadMessageResult(method, *mapped) : Result<Message>(mapped.error());
        auto got = ReadSendMessageResponse(status, body, method);
        SCOPED_TRACE(std::to_string(status) + " " + std::string(method) + " " + body.substr(0, 200));
        ASSERT_EQ(got.ok(), expected.ok());
        if (!got.ok()) {
          EXPECT_EQ(got.error().code, expected.error().code);
          EXPECT_EQ(got.error().kind, expected.error().kind);
          EXPECT_EQ(got.error().message, expected.error().message);
          EXPECT_EQ(got.error().retry_after, expected.error().retry_after);
          continue;
        }
        EXPECT_EQ(got->message_id, expected->message_id);
        EXPECT_EQ(got->date, expected->date);
        EXPECT_EQ(got->chat.id, expected->chat.id);
        EXPECT_EQ(got->text, expected->text);
        EXPECT_EQ(got->entities.size(), expected->entities.size());
        EXPECT_EQ(got->from.has_value(), expected->from.has_value());
        EXPECT_EQ(got->migrate_to_chat_id, expected->migrate_to_chat_id);
      }
    }
  }
}

TEST(SerializeSendMessageBody, IsTheBodyOfEveryShape) {
  SendMessageRequest req;
  req.chat_id = -100123;
  req.text = std::string(5000, 'x') + " \"è\" \n";  // spills out of the arena
  for (int shape = 0; shape < 5; ++shape) {
    if (shape >= 1) req.parse_mode = "HTML";
    if (shape >= 4) req.reply_markup.remove_keyboard = true;
    if (shape >= 2) req.reply_to_message_id = 42;
    if (shape >= 3) req.disable_link_preview = true;
    EXPECT_EQ(boost::json::parse(SerializeSendMessageBody(req)), boost::json::value(SendMessageBody(req)));
  }
}

}  // namespace
}  // namespace worthit::telegram
