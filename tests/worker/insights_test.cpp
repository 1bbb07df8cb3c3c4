#include <gtest/gtest.h>

#include "worker/store_insights.h"
#include "worker/worker_fixture.h"

namespace worthit::worker {
namespace {

using namespace std::chrono_literals;

class InsightsTest : public WorkerFixture {
 protected:
  std::unique_ptr<bot::InsightsHandler> Insights(InsightsOptions o = {}) {
    return MakeStoreInsights(*stores_.results, api_, *queue_, clock_, o);
  }
  // Analyses product i for user `user` through the worker.
  void Analyse(int i, int64_t user, int64_t update_id) {
    AddPage(i);
    Enqueue(Task(update_id, Url(i), user));
    auto w = MakeWorker();
    clock_.Advance(1s);
    const auto outcome = RunNext(*w);
    // A product another user analysed a moment ago comes from the cache.
    ASSERT_TRUE(outcome == TaskOutcome::kCard || outcome == TaskOutcome::kCachedCard);
  }
};

TEST_F(InsightsTest, ARecentProductIsAnsweredFromTheCacheWithItsAge) {
  auto insights = Insights();
  const bot::InsightsRequest req{42, 42, bot::Lang::kIt};
  EXPECT_FALSE(insights->CachedCard(req, Url(1))->has_value());
  Analyse(1, 42, 1);
  clock_.Advance(3h);
  auto card = insights->CachedCard(req, Url(1) + "?utm_source=x");  // same canonical product
  ASSERT_TRUE(card.ok() && card->has_value());
  EXPECT_TRUE((*card)->text.starts_with("🕒 <i>Analisi di 3 ore fa</i>")) << (*card)->text;
  EXPECT_NE((*card)->text.find(testing::ProductTitle(1)), std::string::npos);
  EXPECT_EQ((*card)->parse_mode, "HTML");
  ASSERT_TRUE((*card)->markup.inline_keyboard.has_value());
  // English users get the English card.
  auto en = insights->CachedCard({43, 43, bot::Lang::kEn}, Url(1));
  ASSERT_TRUE(en.ok() && en->has_value());
  EXPECT_NE((*en)->text.find("Price"), std::string::npos) << (*en)->text;
  // Past the TTL the link is analysed again.
  clock_.Advance(std::chrono::seconds(InsightsOptions{}.cache_ttl));
  EXPECT_FALSE(insights->CachedCard(req, Url(1))->has_value());
}

TEST_F(InsightsTest, HistoryAndPopularListProductsWithScoresAndButtons) {
  auto insights = Insights();
  EXPECT_NE(insights->History({42, 42, bot::Lang::kIt})->text.find("Non hai ancora"), std::string::npos);
  Analyse(1, 42, 1);
  Analyse(2, 42, 2);
  Analyse(2, 43, 3);
  auto h = insights->History({42, 42, bot::Lang::kIt});
  ASSERT_TRUE(h.ok());
  EXPECT_LT(h->text.find(testing::ProductTitle(2)), h->text.find(testing::ProductTitle(1)));  // newest first
  EXPECT_NE(h->text.find("/10"), std::string::npos);
  ASSERT_TRUE(h->markup.inline_keyboard.has_value());
  ASSERT_EQ(h->markup.inline_keyboard->rows.size(), 2u);
  const auto& data = h->markup.inline_keyboard->rows[0][0].callback_data;
  EXPECT_TRUE(data.starts_with("open:"));
  EXPECT_LE(data.size(), 64u);
  auto p = insights->Popular({42, 42, bot::Lang::kIt});
  ASSERT_TRUE(p.ok());
  EXPECT_LT(p->text.find(testing::ProductTitle(2)), p->text.find(testing::ProductTitle(1)));  // 2 analyses first
  EXPECT_NE(p->text.find("(2 analisi)"), std::string::npos) << p->text;

  // Re-opening from history sends the stored card.
  telegram::CallbackQuery q;
  q.id = "cb1";
  q.from.id = 42;
  q.data = data;
  telegram::Message m;
  m.chat.id = 42;
  m.chat.type = "private";
  m.message_id = 555;
  q.message = m;
  api_.Clear();
  ASSERT_TRUE(*insights->HandleCallback(q, bot::Lang::kIt));
  auto sends = api_.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_NE(sends[0].text.find(testing::ProductTitle(2)), std::string::npos);
  EXPECT_EQ(api_.Count("answerCallbackQuery"), 1u);
}

TEST_F(InsightsTest, RefreshEnqueuesOneForcedAnalysisThatEditsTheCard) {
  auto insights = Insights();
  Analyse(1, 42, 1);
  const std::string id = CardCalls()[0].markup.inline_keyboard->rows[0][0].callback_data;
  telegram::CallbackQuery q;
  q.id = "cb-refresh";
  q.from.id = 42;
  q.data = id;
  telegram::Message m;
  m.chat.id = 42;
  m.chat.type = "private";
  m.message_id = 7001;
  q.message = m;
  clock_.Advance(1s);
  ASSERT_TRUE(*insights->HandleCallback(q, bot::Lang::kIt));
  ASSERT_TRUE(*insights->HandleCallback(q, bot::Lang::kIt));  // redelivered: same task
  EXPECT_EQ(queue_->Stats()->ready, 1);
  api_.Clear();
  auto w = MakeWorker();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCard);
  EXPECT_EQ(fetcher_.requests().size(), 2u);  // fetched again despite the cache
  auto cards = CardCalls();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].method, "editMessageText");
  EXPECT_EQ(cards[0].message_id, 7001);
}

TEST_F(InsightsTest, InlineQueryAnswersWithTheSharedCard) {
  auto insights = Insights();
  Analyse(1, 42, 1);
  const auto cards = CardCalls();
  const auto& row = cards.at(0).markup.inline_keyboard->rows.at(0);
  std::string share;
  for (const auto& b : row) {
    if (b.has_switch_inline) share = b.switch_inline_query;
  }
  ASSERT_FALSE(share.empty());
  telegram::InlineQuery iq;
  iq.id = "iq1";
  iq.from.id = 42;
  iq.query = share;
  ASSERT_TRUE(*insights->HandleInlineQuery(iq, bot::Lang::kIt));
  EXPECT_EQ(api_.Count("answerInlineQuery"), 1u);
}

TEST_F(InsightsTest, PerUserLimitsRefuseWithTheFriendlyMessage) {
  InsightsOptions o;
  o.user_per_minute = 2;
  o.user_per_day = 3;
  auto insights = Insights(o);
  const bot::InsightsRequest req{42, 42, bot::Lang::kIt};
  clock_.SetMillis(1767225600000);  // 00:00:00 UTC
  EXPECT_FALSE(insights->AdmitLink(req)->has_value());
  EXPECT_FALSE(insights->AdmitLink(req)->has_value());
  auto refused = insights->AdmitLink(req);
  ASSERT_TRUE(refused.ok() && refused->has_value());
  EXPECT_EQ((*refused)->text, "Hai inviato molte richieste: riprova tra 1 minuto.");
  EXPECT_FALSE(insights->AdmitLink({43, 43, bot::Lang::kIt})->has_value());  // another user is free
  clock_.Advance(61s);
  EXPECT_TRUE(insights->AdmitLink(req)->has_value());  // the 4th today: over the daily quota
  auto daily = insights->AdmitLink(req);
  EXPECT_NE((*daily)->text.find("minuti."), std::string::npos) << (*daily)->text;
}

}  // namespace
}  // namespace worthit::worker
