#include "queue/analysis_task.h"

#include <gtest/gtest.h>

namespace worthit::queue {
namespace {

// A task with every field set, for `url`.
AnalysisTask EveryField(std::string url) {
  AnalysisTask t;
  t.update_id = 912345678;
  t.chat_id = -1001234567890;
  t.user_id = 42;
  t.chat_type = "supergroup";
  t.lang = "en";
  t.url = std::move(url);
  t.ack_message_id = 77;
  t.reply_to_message_id = 76;
  t.force_refresh = true;
  t.created_at_ms = 1767225600000;
  return t;
}

// The payload's exact text: workers of an older release read it, and the enqueue's bytes on the
// wire are this string (the task JSON is built in a stack buffer: the text must not change).
TEST(AnalysisTask, ToJsonTextIsPinned) {
  const AnalysisTask t = EveryField("https://www.amazon.it/dp/B0TEST1234?tag=x&q=\"cafè\"");
  EXPECT_EQ(ToJson(t),
            R"({"v":1,"kind":"analyze","update_id":912345678,"chat_id":-1001234567890,"user_id":42,)"
            R"("chat_type":"supergroup","lang":"en","url":"https://www.amazon.it/dp/B0TEST1234?tag=x&q=\"cafè\"",)"
            R"("ack_message_id":77,"reply_to_message_id":76,"force_refresh":true,"created_at_ms":1767225600000})");

  AnalysisTask minimal;
  minimal.url = "https://amzn.eu/d/abc";
  EXPECT_EQ(ToJson(minimal), R"({"v":1,"kind":"analyze","update_id":0,"chat_id":0,"user_id":0,"chat_type":"private",)"
                             R"("lang":"it","url":"https://amzn.eu/d/abc","created_at_ms":0})");

  // A url longer than the stack buffer: the same text, from the heap.
  AnalysisTask long_url;
  long_url.url = "https://www.amazon.it/dp/B0TEST1234?q=" + std::string(3000, 'x');
  const std::string text = ToJson(long_url);
  EXPECT_NE(text.find(R"("url":")" + long_url.url + R"(","created_at_ms":0})"), std::string::npos);
  auto back = ParseAnalysisTask(text);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->url, long_url.url);
}

TEST(AnalysisTask, RoundTripsEveryField) {
  const AnalysisTask t = EveryField("https://www.amazon.it/dp/B0TEST1234?tag=x");
  auto back = ParseAnalysisTask(ToJson(t));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->v, 1);
  EXPECT_EQ(back->update_id, t.update_id);
  EXPECT_EQ(back->chat_id, t.chat_id);
  EXPECT_EQ(back->user_id, 42);
  EXPECT_EQ(back->chat_type, "supergroup");
  EXPECT_EQ(back->lang, "en");
  EXPECT_EQ(back->url, t.url);
  EXPECT_EQ(back->ack_message_id, 77);
  EXPECT_EQ(back->reply_to_message_id, 76);
  EXPECT_TRUE(back->force_refresh);
  EXPECT_EQ(back->created_at_ms, t.created_at_ms);
}

TEST(AnalysisTask, IgnoresUnknownFieldsAndDefaultsOptionalOnes) {
  auto t = ParseAnalysisTask(R"({"v":1,"chat_id":5,"url":"https://x.it/p","future_field":[1,2]})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->lang, "it");
  EXPECT_EQ(t->chat_type, "private");
  EXPECT_FALSE(t->ack_message_id.has_value());
  EXPECT_FALSE(t->force_refresh);
}

TEST(AnalysisTask, RejectsUnknownVersionsAndBrokenPayloadsAsPermanent) {
  for (const char* bad : {R"({"v":2,"chat_id":5,"url":"u"})", R"({"chat_id":5,"url":"u"})", R"({"v":1,"url":"u"})",
                          R"({"v":1,"chat_id":5})", "not json", "[1]"}) {
    auto t = ParseAnalysisTask(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().code, "QUEUE_BAD_PAYLOAD");
    EXPECT_EQ(t.error().kind, ErrorKind::kPermanent);
  }
}

}  // namespace
}  // namespace worthit::queue
