#include "common/log.h"

#include <gtest/gtest.h>

namespace worthit::log {
namespace {

TEST(LogTest, TextLinesAreKeyValue) {
  const auto line =
      Render(Level::kInfo, "webhook.accepted", {{"update_id", int64_t{42}}, {"text", "a b"}}, Format::kText);
  EXPECT_NE(line.find(" info webhook.accepted update_id=42 text=\"a b\""), std::string::npos) << line;
}

TEST(LogTest, JsonLinesAreObjects) {
  const auto line = Render(Level::kWarn, "x", {{"n", 3}, {"s", "q\"uote"}, {"ok", true}}, Format::kJson);
  EXPECT_NE(line.find("\"level\":\"warn\",\"event\":\"x\",\"n\":3,\"s\":\"q\\\"uote\",\"ok\":true}"), std::string::npos)
      << line;
}

TEST(LogTest, SecretsAreRedactedEverywhere) {
  AddSecret("123456:ABCDEF-token");
  const auto line =
      Render(Level::kInfo, "call", {{"url", "https://api.telegram.org/bot123456:ABCDEF-token/getMe"}}, Format::kText);
  EXPECT_EQ(line.find("ABCDEF"), std::string::npos) << line;
  EXPECT_NE(line.find("bot***/getMe"), std::string::npos) << line;
}

TEST(LogTest, ScopeAddsFieldsToEveryLine) {
  {
    Scope scope(Fields{{"task_id", "t1"}});
    EXPECT_NE(Render(Level::kInfo, "e", {}, Format::kText).find("task_id=t1"), std::string::npos);
  }
  EXPECT_EQ(Render(Level::kInfo, "e", {}, Format::kText).find("task_id"), std::string::npos);
}

TEST(LogTest, AFieldOnTheLineWinsOverTheScopeField) {
  Scope scope(Fields{{"update_id", 7}, {"chat_id", 9}});
  const auto line = Render(Level::kInfo, "e", {{"update_id", 8}}, Format::kJson);
  EXPECT_EQ(line.find(R"("update_id":7)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("update_id":8)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("chat_id":9)"), std::string::npos) << line;
}

TEST(LogTest, ParsesLevelsAndFormats) {
  Level level;
  Format format;
  EXPECT_TRUE(ParseLevel("debug", level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud", level));
  EXPECT_TRUE(ParseFormat("json", format));
  EXPECT_EQ(format, Format::kJson);
}

}  // namespace
}  // namespace worthit::log
