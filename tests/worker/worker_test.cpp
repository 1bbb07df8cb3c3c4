#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "common/metrics.h"
#include "worker/worker_fixture.h"

namespace worthit::worker {
namespace {

using namespace std::chrono_literals;

using WorkerTest = WorkerFixture;

// Product i's page, now at 99.99 € (dearer than ProductPrice(i)).
std::string DearerPage(int i) {
  std::string html = testing::ProductPage(i);
  const std::string from = "\"price\":\"" + testing::ProductPrice(i) + "\"";
  html.replace(html.find(from), from.size(), "\"price\":\"99.99\"");
  return html;
}

TEST_F(WorkerTest, EditsTheAcknowledgementIntoTheRightCard) {
  AddPage(1);
  Enqueue(Task(1, Url(1)));
  auto w = MakeWorker();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCard);
  auto cards = CardCalls();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].method, "editMessageText");
  EXPECT_EQ(cards[0].message_id, 7001);
  EXPECT_NE(cards[0].text.find("<b>" + testing::ProductTitle(1) + "</b>"), std::string::npos) << cards[0].text;
  EXPECT_NE(cards[0].text.find(testing::ProductPriceShown(1)), std::string::npos);
  ASSERT_TRUE(cards[0].markup.inline_keyboard.has_value());
  const auto& kb = *cards[0].markup.inline_keyboard;
  ASSERT_FALSE(kb.rows.empty());
  EXPECT_TRUE(kb.rows[0][0].callback_data.starts_with("refresh:"));
  EXPECT_LE(kb.rows[0][0].callback_data.size(), 64u);
  // Progress: one edit per stage before the card, in order.
  auto edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 3u);
  EXPECT_EQ(edits[0].text, "🔍 Raccolta informazioni sul prodotto...");
  EXPECT_EQ(edits[1].text, "✨ Elaborazione dei risultati...");
  // Done: queue empty, history and popularity recorded, the price observed.
  EXPECT_EQ(queue_->Stats()->ready + queue_->Stats()->leased + queue_->Stats()->delayed, 0);
  EXPECT_EQ(stores_.results->History(42, 10)->size(), 1u);
  EXPECT_EQ(stores_.results->Popular(clock_.NowMillis() - 86400000, 10)->at(0).count, 1);
}

TEST_F(WorkerTest, ProgressEditsOnlyWhenTheUserHasWaited) {
  options_.progress_after = 1s;
  auto w = MakeWorker();
  // Just acknowledged, a fast analysis: straight from the acknowledgement to the card.
  AddPage(11);
  Enqueue(Task(11, Url(11)));
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCard);
  auto edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_NE(edits[0].text.find("💰 "), std::string::npos) << edits[0].text;
  // Acknowledged 5 s ago (it waited in a backlog): the fetch stage shows; the analysis follows at
  // once (this clock only moves when the test says so), so it gets no second edit.
  api_.Clear();
  AddPage(12);
  const auto waited = Task(12, Url(12), 43);
  clock_.Advance(5s);
  Enqueue(waited);
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCard);
  edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].text, "🔍 Raccolta informazioni sul prodotto...");
  EXPECT_NE(edits[1].text.find("💰 "), std::string::npos) << edits[1].text;
}

TEST_F(WorkerTest, ATaskLeasedAgainAfterDeliveryDoesNothingMore) {
  AddPage(1);
  const auto task = Task(1, Url(1));
  Enqueue(task);
  auto w = MakeWorker();
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  // The worker died after delivering but before its ack reached the queue: the same update's task
  // comes again (a fresh task here, same update_id → same delivery record).
  ASSERT_TRUE(queue_->Enqueue(queue::ToJson(task), {"other-key", {}}).ok());
  api_.Clear();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kDuplicate);
  EXPECT_TRUE(api_.Calls().empty());
}

TEST_F(WorkerTest, AMissingAcknowledgementGetsOneNewMessageEvenWhenLeasedTwice) {
  AddPage(2);
  const auto task = Task(2, Url(2));
  api_.FailNext("editMessageText", Error::Permanent("TELEGRAM_MESSAGE_NOT_FOUND", "message to edit not found"), 3);
  Enqueue(task);
  auto w = MakeWorker();
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  auto sends = api_.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_NE(sends[0].text.find(testing::ProductTitle(2)), std::string::npos);
  EXPECT_EQ(sends[0].reply_to_message_id, 10);
  // Crash before the delivery record and ack: the send claim stops a second message.
  ASSERT_TRUE(stores_.results->PutDelivery("probe", "x").ok());
  auto claim = stores_.results->PutDelivery("send:u:2", "sent");
  ASSERT_TRUE(claim.ok());
  EXPECT_FALSE(*claim);
}

TEST_F(WorkerTest, TransientFailuresRetryThenOneFinalMessageAndDeadLetter) {
  fetcher_.Add(Url(3), Error::Transient("FETCH_TIMEOUT", "timeout"));
  Enqueue(Task(3, Url(3)));
  auto w = MakeWorker();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kRetried);
  EXPECT_EQ(RunNext(*w), TaskOutcome::kRetried);
  EXPECT_EQ(RunNext(*w), TaskOutcome::kFinalError);  // attempt 3 of 3
  EXPECT_EQ(fetcher_.requests().size(), 3u);
  std::vector<std::string> finals;
  for (const auto& c : api_.Calls("editMessageText")) {
    if (c.text.find("Riprova") != std::string::npos) finals.push_back(c.text);
  }
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0], "Il negozio non risponde in questo momento. Riprova tra qualche minuto.");
  EXPECT_EQ(queue_->Stats()->dead, 1);
  // The reaper sees the dead letter already told: nothing more.
  EXPECT_EQ(w->ReapDeadLetters(), 0);
}

TEST_F(WorkerTest, APermanentFailureIsToldAtOnceWithoutRetry) {
  AddPage(4, testing::HomePage());
  Enqueue(Task(4, Url(4)));
  auto w = MakeWorker();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kPermanentError);
  EXPECT_EQ(fetcher_.requests().size(), 1u);
  auto edits = api_.Calls("editMessageText");
  ASSERT_FALSE(edits.empty());
  EXPECT_EQ(edits.back().text,
            "Questo link non sembra una pagina prodotto. Prova con un link di Amazon o di un negozio online.");
  EXPECT_EQ(queue_->Stats()->dead, 0);
  EXPECT_EQ(queue_->Stats()->ready + queue_->Stats()->delayed, 0);
}

TEST_F(WorkerTest, ADeadLetterWhoseWorkerDiedIsToldExactlyOnce) {
  Enqueue(Task(5, Url(5)));
  // Three leases that all expire: the worker died every time, the queue dead-letters it silently.
  for (int i = 0; i < 3; ++i) {
    auto l = queue_->LeaseTasks("dying", 1, 0ms);
    ASSERT_TRUE(l.ok() && l->size() == 1u);
    clock_.Advance(31s);
  }
  (void)queue_->LeaseTasks("dying", 1, 0ms);  // lets the memory queue notice the last expiry
  ASSERT_EQ(queue_->Stats()->dead, 1);
  auto w = MakeWorker();
  EXPECT_EQ(w->ReapDeadLetters(), 1);
  EXPECT_EQ(w->ReapDeadLetters(), 0);
  auto edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].text, "Mi dispiace, non sono riuscito ad analizzare questo prodotto. Riprova più tardi.");
}

TEST_F(WorkerTest, A429PausesOnlyThatChatAndTheCardStillArrives) {
  AddPage(6);
  auto task = Task(6, Url(6));
  Enqueue(task);
  // The first progress edit and the first card edit are refused with retry_after 3 s (the second
  // progress edit is skipped: the chat is paused).
  api_.FailNext("editMessageText", Error::RateLimited("TELEGRAM_RATE_LIMITED", "Too Many Requests", 3s), 2);
  auto w = MakeWorker();
  const int64_t start = clock_.NowMillis();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCard);
  auto cards = CardCalls();
  ASSERT_EQ(cards.size(), 2u);  // refused once, then delivered
  // The delivery waited for the pause (the ManualClock moved only through the worker's waits).
  EXPECT_GE(clock_.NowMillis() - start, 3000);
  // Another chat is not paused.
  EXPECT_EQ(limiter_.TryAcquire(99, false).count(), 0);
}

TEST_F(WorkerTest, AFreshCachedResultIsDeliveredWithItsAgeWithoutFetching) {
  AddPage(7);
  Enqueue(Task(7, Url(7), 42));
  auto w = MakeWorker();
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  clock_.Advance(std::chrono::hours(2));
  Enqueue(Task(8, Url(7), 43));
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCachedCard);
  EXPECT_EQ(fetcher_.requests().size(), 1u);
  auto cards = CardCalls();
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_TRUE(cards[1].text.starts_with("🕒 <i>")) << cards[1].text;
  // A forced refresh fetches again.
  EnqueueForcedRefresh(9, Url(7), 43);
  EXPECT_EQ(RunNext(*w), TaskOutcome::kCard);
  EXPECT_EQ(fetcher_.requests().size(), 2u);
}

// A Bot API call is counted once, by the client, under {method, outcome}: delivery adds no second
// series of its own for the same call.
TEST_F(WorkerTest, DeliveryDoesNotCountBotApiCallsASecondTime) {
  AddPage(14);
  auto w = MakeWorker();
  Enqueue(Task(14, Url(14)));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  const std::string text = metrics::Registry::Global().RenderPrometheus();
  EXPECT_EQ(text.find("worthit_telegram_calls_total{method=\"editMessageText\",status="), std::string::npos);
  EXPECT_EQ(text.find("worthit_telegram_calls_total{method=\"sendMessage\",status="), std::string::npos);
}

TEST_F(WorkerTest, TheSecondAnalysisShowsTheLowestPriceSeen) {
  AddPage(10);
  auto w = MakeWorker();
  Enqueue(Task(10, Url(10)));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  // The price rises; the forced fresh analysis remembers the earlier, lower one.
  AddPage(10, DearerPage(10));
  EnqueueForcedRefresh(11, Url(10));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  ExpectSecondCardComparesWithLowestSeen(10);
}

// The lookup reads the price history of the product the link names; a page that turns out to be
// another product (its rel=canonical) gets that product's history with a read of its own.
TEST_F(WorkerTest, APageOfAnotherProductThanItsLinkStillGetsItsPriceHistory) {
  AddPage(10);
  auto w = MakeWorker();
  Enqueue(Task(10, Url(10)));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  // Another address of the same product (a variant URL whose page names product 10 canonical),
  // now dearer: the card compares with product 10's earlier price, not with link 12's (none).
  std::string html = DearerPage(10);
  html.replace(html.find("</head>"), 7, "<link rel=\"canonical\" href=\"" + Url(10) + "\"></head>");
  AddPage(12, html);
  EnqueueForcedRefresh(11, Url(12));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  ExpectSecondCardComparesWithLowestSeen(10);
}

TEST_F(WorkerTest, LearnsReviewsWithoutDuplicatesWhenEnabled) {
  options_.learn_reviews = true;
  AddPage(12);
  auto w = MakeWorker();
  Enqueue(Task(12, Url(12)));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  EnqueueForcedRefresh(13, Url(12));
  ASSERT_EQ(RunNext(*w), TaskOutcome::kCard);
  auto learned = stores_.results->LearnedReviews(100);
  ASSERT_TRUE(learned.ok());
  EXPECT_EQ(learned->size(), 3u);
  EXPECT_EQ(learned->at(0).stars, 5);
}

TEST_F(WorkerTest, ABadPayloadGoesToTheDeadLetterQueue) {
  ASSERT_TRUE(queue_->Enqueue("{\"v\":99}", {}).ok());
  auto w = MakeWorker();
  EXPECT_EQ(RunNext(*w), TaskOutcome::kBadPayload);
  EXPECT_EQ(queue_->Stats()->dead, 1);
  EXPECT_TRUE(api_.Calls().empty());
}

TEST_F(WorkerTest, StartedWorkerDrainsTheQueueAndStopsCleanly) {
  options_.sleeper = nullptr;  // real threads, real waits
  options_.concurrency = 3;
  options_.progress_after = std::chrono::hours(1);  // as in the CPU-slot test: the clock is frozen
  for (int i = 20; i < 30; ++i) {
    AddPage(i);
    Enqueue(Task(i, Url(i), 100 + i));
  }
  auto w = MakeWorker();
  w->Start();
  for (int i = 0; i < 400 && w->completed() < 10; ++i) std::this_thread::sleep_for(25ms);
  w->Stop();
  EXPECT_TRUE(w->Join());
  EXPECT_EQ(w->completed(), 10);
  EXPECT_EQ(CardCalls().size(), 10u);
}

// A started worker defers a stage's edit (PROGRESS_STAGE_MS): a task that waited in a backlog but
// whose stages are quick goes from the acknowledgement straight to the card; a stage that lasts
// shows its edit, and the card still comes after it.
TEST_F(WorkerTest, StartedWorkerShowsAStageOnlyWhileItLasts) {
  options_.sleeper = nullptr;  // real threads, real waits
  options_.concurrency = 1;
  options_.progress_after = 1s;
  options_.progress_stage_after = 50ms;
  // Quick stages: no edit although the user waited 5 s (this clock only moves when told).
  AddPage(31);
  const auto quick = Task(31, Url(31), 131);
  clock_.Advance(5s);
  Enqueue(quick);
  // Then a slow fetch: held until its edit has gone out (bounded; no speed is asserted).
  AddPage(32);
  fetcher_.OnFetch([this](const analysis::fetch::FetchRequest& r) {
    if (r.url != Url(32)) return;
    for (int i = 0; i < 1000 && api_.Calls("editMessageText").empty(); ++i) std::this_thread::sleep_for(10ms);
  });
  auto w = MakeWorker();
  w->Start();
  for (int i = 0; i < 1000 && w->completed() < 1; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(w->completed(), 1);
  auto edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_NE(edits[0].text.find("💰 "), std::string::npos) << edits[0].text;  // the card, no stage
  api_.Clear();
  const auto slow = Task(32, Url(32), 132);
  clock_.Advance(5s);
  Enqueue(slow);
  for (int i = 0; i < 1000 && w->completed() < 2; ++i) std::this_thread::sleep_for(10ms);
  w->Stop();
  EXPECT_TRUE(w->Join());
  ASSERT_EQ(w->completed(), 2);
  edits = api_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].text, "🔍 Raccolta informazioni sul prodotto...");
  EXPECT_NE(edits[1].text.find("💰 "), std::string::npos) << edits[1].text;
}

}  // namespace
}  // namespace worthit::worker

namespace worthit::worker {
namespace {

// A ReviewModel that records how many predictions run at once. A call alone waits (bounded) for a
// second one to join it, so CPU steps that could overlap do overlap; only the worker's CPU slots
// can keep them apart. No speed is asserted.
class OverlapProbeModel final : public analysis::reviews::ReviewModel {
 public:
  analysis::reviews::StarPrediction Predict(std::string_view text, std::string_view lang) const override {
    {
      std::unique_lock lock(mu_);
      ++inside_;
      max_inside_ = std::max(max_inside_, inside_);
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::milliseconds(50), [&] { return inside_ > 1; });
      --inside_;
    }
    return inner_.Predict(text, lang);
  }
  int max_inside() const {
    std::lock_guard lock(mu_);
    return max_inside_;
  }

 private:
  analysis::testing::FakeReviewModel inner_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable int inside_ = 0;
  mutable int max_inside_ = 0;
};

TEST_F(WorkerTest, AtMostCpuThreadsAnalysesRunAtOnce) {
  for (const int cpu_threads : {1, 2}) {
    SCOPED_TRACE(cpu_threads);
    options_.sleeper = nullptr;  // real threads
    options_.concurrency = 4;
    options_.cpu_threads = cpu_threads;
    // No progress edits: this clock never moves, so a stage that waited for the CPU slot a real
    // second would edit, spend its chat's token, and leave the card waiting for a refill that a
    // frozen clock never brings (the hang CI saw once).
    options_.progress_after = std::chrono::hours(1);
    const int first = 40 + cpu_threads * 10;
    for (int i = first; i < first + 8; ++i) {
      AddPage(i);
      Enqueue(Task(i, Url(i), 100 + i));
    }
    OverlapProbeModel probe;
    WorkerDeps deps{*queue_, api_, limiter_, *stores_.results, fetcher_, probe, clock_};
    Worker w(deps, options_);
    w.Start();
    for (int i = 0; i < 1000 && w.completed() < 8; ++i) std::this_thread::sleep_for(10ms);
    w.Stop();
    EXPECT_TRUE(w.Join());
    ASSERT_EQ(w.completed(), 8);
    EXPECT_GE(probe.max_inside(), 1);
    EXPECT_LE(probe.max_inside(), cpu_threads);
  }
}

}  // namespace
}  // namespace worthit::worker
