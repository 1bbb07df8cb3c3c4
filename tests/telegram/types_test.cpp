#include "telegram/types.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "telegram/fixture.h"

namespace worthit::telegram {
namespace {

using worthit::testing::Fixture;

TEST(Utf16, CutsByCodeUnitsWithEmojiBefore) {
  // 🎧 and 😀 are outside the BMP: two UTF-16 units each, four UTF-8 bytes each.
  const std::string text = "🎧😀 guarda https://a.it/x ok";
  EXPECT_EQ(Utf16Substr(text, 12, 14), "https://a.it/x");
  EXPECT_EQ(Utf16Length("🎧a"), 3);
  EXPECT_EQ(Utf16Length("è"), 1);
  EXPECT_EQ(Utf16Substr("abc", 5, 2), "");
  EXPECT_EQ(Utf16Substr("abc", 1, 100), "bc");
  EXPECT_EQ(Utf16Substr("abc", 0, 0), "");
}

TEST(ParseUpdate, MessageWithEmojiAndUrlEntity) {
  auto u = ParseUpdate(Fixture("emoji_url_update.json"));
  ASSERT_TRUE(u.ok()) << u.error().ToString();
  EXPECT_EQ(u->update_id, 900001);
  ASSERT_EQ(u->kind, UpdateKind::kMessage);
  const Message& m = *u->message;
  EXPECT_EQ(m.message_id, 77);
  ASSERT_TRUE(m.from.has_value());
  EXPECT_EQ(m.from->language_code, "it");
  EXPECT_EQ(m.chat.type, "private");
  ASSERT_EQ(m.entities.size(), 1u);
  EXPECT_EQ(Utf16Substr(m.text, m.entities[0].offset, m.entities[0].length), "https://www.amazon.it/dp/B0TEST1234");
}

TEST(ParseUpdate, TextLinkAndUnknownFieldsIgnored) {
  auto u = ParseUpdate(Fixture("text_link_update.json"));
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->message->entities.size(), 1u);
  EXPECT_EQ(u->message->entities[0].type, "text_link");
  EXPECT_EQ(u->message->entities[0].url, "https://amzn.eu/d/abc123");
}

TEST(ParseUpdate, EditedMessage) {
  auto u = ParseUpdate(Fixture("edited_message_update.json"));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, UpdateKind::kEditedMessage);
  EXPECT_EQ(u->message->from->language_code, "en-GB");
}

TEST(ParseUpdate, ChannelPostHasNoFrom) {
  auto u = ParseUpdate(Fixture("channel_post_update.json"));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, UpdateKind::kChannelPost);
  EXPECT_FALSE(u->message->from.has_value());
  EXPECT_EQ(u->message->chat.type, "channel");
}

TEST(ParseUpdate, GroupCommandWithoutFrom) {
  auto u = ParseUpdate(Fixture("group_command_no_from_update.json"));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, UpdateKind::kMessage);
  EXPECT_FALSE(u->message->from.has_value());
  EXPECT_TRUE(u->message->chat.IsGroup());
  EXPECT_EQ(u->message->text, "/cerca@WorthItTestBot");
}

TEST(ParseUpdate, CaptionEntitiesAndForward) {
  auto u = ParseUpdate(Fixture("caption_forward_update.json"));
  ASSERT_TRUE(u.ok());
  const Message& m = *u->message;
  EXPECT_TRUE(m.forwarded);
  ASSERT_EQ(m.caption_entities.size(), 1u);
  EXPECT_EQ(Utf16Substr(m.caption, m.caption_entities[0].offset, m.caption_entities[0].length),
            "https://amzn.to/3xYzAbC");
}

TEST(ParseUpdate, CallbackQuery) {
  auto u = ParseUpdate(Fixture("callback_update.json"));
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->kind, UpdateKind::kCallbackQuery);
  EXPECT_EQ(u->callback_query->data, "lang:en");
  EXPECT_EQ(u->callback_query->message->message_id, 90);
}

TEST(ParseUpdate, UnknownKindIsNotAnError) {
  auto u = ParseUpdate(Fixture("unknown_kind_update.json"));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, UpdateKind::kUnknown);
  EXPECT_EQ(u->raw_kind, "message_reaction");
}

TEST(ParseUpdate, MalformedKnownKindBecomesUnknown) {
  auto u = ParseUpdate(R"({"update_id":3,"message":{"some fields are missing":true}})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, UpdateKind::kUnknown);
  EXPECT_EQ(u->raw_kind, "message");
}

TEST(ParseUpdate, RejectsNonJsonAndMissingUpdateId) {
  EXPECT_EQ(ParseUpdate("{not json").error().code, "TELEGRAM_BAD_UPDATE");
  EXPECT_EQ(ParseUpdate(R"({"message":{}})").error().code, "TELEGRAM_BAD_UPDATE");
  EXPECT_EQ(ParseUpdate(R"({"update_id":"12"})").error().code, "TELEGRAM_BAD_UPDATE");
  EXPECT_EQ(ParseUpdate("[1,2]").error().code, "TELEGRAM_BAD_UPDATE");
}

TEST(ParseUpdateArray, SkipsItemsWithoutUpdateId) {
  auto r = ParseUpdateArray(R"([{"update_id":1},{"nope":2},{"update_id":3,"poll_answer":{}}])");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].update_id, 3);
}

TEST(Markup, ReplyAndInlineKeyboardsSerialise) {
  ReplyMarkup m;
  m.reply_keyboard = ReplyKeyboard{{{"a"}, {"b", "c"}}};
  auto v = boost::json::parse(ToJson(m));
  EXPECT_EQ(v.at("keyboard").at(1).at(1).at("text").as_string(), "c");
  EXPECT_TRUE(v.at("resize_keyboard").as_bool());
  ReplyMarkup i;
  i.inline_keyboard = InlineKeyboard{
      {{InlineButton{"x", "lang:it", "", "", false}, InlineButton{"open", "", "https://e.x", "", false}}}};
  auto iv = boost::json::parse(ToJson(i));
  EXPECT_EQ(iv.at("inline_keyboard").at(0).at(0).at("callback_data").as_string(), "lang:it");
  EXPECT_EQ(iv.at("inline_keyboard").at(0).at(1).at("url").as_string(), "https://e.x");
  EXPECT_EQ(ToJson(ReplyMarkup{}), "");
}

// Every real update in ../shared/data/updates parses (or is rejected only for lacking update_id),
// and every real Message object parses inside an Update wrapper.
TEST(SharedData, EveryRealUpdateParses) {
  const auto dir = worthit::testing::SharedData() / "updates";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "manifest.json") continue;
    const std::string text = worthit::testing::ReadFile(entry.path());
    auto u = ParseUpdate(text);
    ASSERT_TRUE(u.ok()) << entry.path() << ": " << u.error().ToString();
    ++parsed;
  }
  EXPECT_GT(parsed, 10);
  const auto objects = dir / "message-objects";
  if (!std::filesystem::exists(objects)) return;
  for (const auto& entry : std::filesystem::directory_iterator(objects)) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "manifest.json") continue;
    auto u = ParseUpdate("{\"update_id\":1,\"message\":" + worthit::testing::ReadFile(entry.path()) + "}");
    ASSERT_TRUE(u.ok()) << entry.path();
    EXPECT_EQ(u->kind, UpdateKind::kMessage) << entry.path();
  }
}

}  // namespace
}  // namespace worthit::telegram
