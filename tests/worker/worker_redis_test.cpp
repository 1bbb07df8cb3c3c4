// The worker on Redis, as `worthit work` runs it: queue, stores and the outbound limiter on one
// redis-server, so a card's limiter token goes with its stored result (PutAnalysisTakeToken) and
// its delivery record and history go with its ack and the next lease (records_with_queue).
#include <gtest/gtest.h>

#include <thread>

#include "analysis/score/fake_review_model.h"
#include "queue/analysis_task.h"
#include "store/redis_stores.h"
#include "store/store_factory.h"
#include "support/fake_bot_api.h"
#include "support/product_pages.h"
#include "support/redis_server.h"
#include "worker/worker.h"

namespace worthit::worker {
namespace {

using namespace std::chrono_literals;

class RedisWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.error();
    queue::QueueOptions qo;
    qo.max_attempts = 3;
    qo.lease_duration = 1s;  // a dead worker's task comes back after a second
    queue_ = std::move(queue::OpenQueue(server_.Url(), qo).value());
    stores_ = store::OpenFrontDoorStores(server_.Url()).value();
    telegram::RateLimits limits;
    limits.private_per_second = 0.001;  // no refill within a test: each token taken shows
    limiter_ = store::OpenRedisOutboundLimiter(server_.Url(), "worthit", limits).value();
    options_.max_attempts = 3;
    options_.progress_after = std::chrono::hours(1);  // no progress edits: only cards are counted
    options_.records_with_queue = true;
  }
  static std::string Url(int i) { return "https://shop.example/p/" + std::to_string(i); }
  void Add(int i) {
    analysis::fetch::FetchedPage p;
    p.final_url = Url(i);
    p.status = 200;
    p.content_type = "text/html";
    p.body = testing::ProductPage(i);
    fetcher_.Add(Url(i), p);
    queue::AnalysisTask t;
    t.update_id = i;
    t.chat_id = 100 + i;
    t.user_id = 100 + i;
    t.url = Url(i);
    t.ack_message_id = 7000 + i;
    t.created_at_ms = SystemClock::Instance().NowMillis();
    ASSERT_TRUE(queue_->Enqueue(queue::ToJson(t), {"update:" + std::to_string(i), {}}).ok());
  }
  std::unique_ptr<Worker> MakeWorker() {
    WorkerDeps deps{*queue_, api_, *limiter_, *stores_.results, fetcher_, model_, SystemClock::Instance()};
    return std::make_unique<Worker>(deps, options_);
  }
  size_t Cards(int64_t chat) {
    size_t n = 0;
    for (const auto& c : api_.Calls("editMessageText"))
      n += c.chat_id == chat && c.text.find("💰 ") != std::string::npos;
    return n;
  }

  testing::RedisServer server_;
  std::unique_ptr<queue::TaskQueue> queue_;
  store::FrontDoorStores stores_;
  std::shared_ptr<telegram::OutboundLimiter> limiter_;
  testing::FakeBotApi api_;
  analysis::fetch::FakePageFetcher fetcher_;
  analysis::testing::FakeReviewModel model_;
  WorkerOptions options_;
};

// Every task: one card, its delivery record and history written, its token spent, its ack done.
TEST_F(RedisWorkerTest, AStartedWorkerRecordsAndAcknowledgesEveryCardWithItsNextLease) {
  options_.concurrency = 3;
  for (int i = 1; i <= 8; ++i) Add(i);
  auto w = MakeWorker();
  w->Start();
  for (int i = 0; i < 1000 && w->completed() < 8; ++i) std::this_thread::sleep_for(10ms);
  // The last acks go with the threads' next lease calls (at once) or their last call at Stop.
  for (int i = 0; i < 500 && queue_->Stats()->acked_total < 8; ++i) std::this_thread::sleep_for(10ms);
  w->Stop();
  EXPECT_TRUE(w->Join());
  EXPECT_EQ(w->completed(), 8);
  const auto stats = queue_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->acked_total, 8);
  EXPECT_EQ(stats->ready + stats->leased + stats->delayed + stats->dead, 0);
  for (int i = 1; i <= 8; ++i) {
    EXPECT_EQ(Cards(100 + i), 1u) << i;
    EXPECT_EQ(stores_.results->GetDelivery("u:" + std::to_string(i))->value_or(""), "card") << i;
    EXPECT_EQ(stores_.results->History(100 + i, 10)->size(), 1u) << i;
    // The card's token was taken from the chat's bucket (burst 3: two left, then a wait).
    EXPECT_EQ(limiter_->TryAcquire(100 + i, false).count(), 0);
    EXPECT_EQ(limiter_->TryAcquire(100 + i, false).count(), 0);
    EXPECT_GT(limiter_->TryAcquire(100 + i, false).count(), 0) << i;
  }
}

// A worker that dies after the card but before its next lease call leaves neither the ack nor the
// delivery record: the task comes back after its lease, is delivered again as the same card (an
// edit to the same text; one card for the user) and recorded once.
TEST_F(RedisWorkerTest, ACrashBeforeTheDeferredRecordsDeliversTheSameCardOnceMore) {
  Add(9);
  auto w = MakeWorker();
  auto leases = queue_->LeaseTasks("dying", 1, 0ms);
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  DeferredAcks deferred;
  EXPECT_EQ(w->ProcessLease((*leases)[0], &deferred), TaskOutcome::kCard);
  EXPECT_EQ(deferred.leases.size(), 1u);
  EXPECT_FALSE(deferred.writes.empty());
  // "Killed" here: the deferred call never goes out.
  EXPECT_FALSE(stores_.results->GetDelivery("u:9")->has_value());
  std::optional<TaskOutcome> again;
  for (int i = 0; i < 100 && !again; ++i) {
    std::this_thread::sleep_for(50ms);
    auto l = queue_->LeaseTasks("next", 1, 0ms);
    ASSERT_TRUE(l.ok());
    if (!l->empty()) again = w->ProcessLease((*l)[0]);
  }
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, TaskOutcome::kCard);
  const auto edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].text, edits[1].text);  // the same card: Telegram keeps one message
  EXPECT_EQ(edits[0].message_id, edits[1].message_id);
  EXPECT_EQ(stores_.results->GetDelivery("u:9")->value_or(""), "card");
  EXPECT_EQ(stores_.results->History(109, 10)->size(), 1u);
  EXPECT_EQ(queue_->Stats()->acked_total, 1);
}

}  // namespace
}  // namespace worthit::worker
