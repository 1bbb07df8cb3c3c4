#include "queue/analysis_task.h"

#include <gtest/gtest.h>

namespace worthit::queue {
namespace {

TEST(AnalysisTask, RoundTripsEveryField) {
  AnalysisTask t;
  t.update_id = 912345678;
  t.chat_id = -1001234567890;
  t.user_id = 42;
  t.chat_type = "supergroup";
  t.lang = "en";
  t.url = "https://www.amazon.it/dp/B0TEST1234?tag=x";
  t.ack_message_id = 77;
  t.reply_to_message_id = 76;
  t.force_refresh = true;
  t.created_at_ms = 1767225600000;
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
