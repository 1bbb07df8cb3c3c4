// Shared fixture of the worker unit tests: a memory queue and store, FakeBotApi, FakePageFetcher,
// the FakeReviewModel, an in-process limiter, all on one ManualClock (delivery waits advance it).
#pragma once

#include <gtest/gtest.h>

#include "analysis/score/fake_review_model.h"
#include "queue/analysis_task.h"
#include "queue/backends.h"
#include "store/store_factory.h"
#include "support/fake_bot_api.h"
#include "support/product_pages.h"
#include "telegram/rate_limiter.h"
#include "worker/worker.h"

namespace worthit::worker {

class WorkerFixture : public ::testing::Test {
 protected:
  WorkerFixture() {
    queue::QueueOptions qo;
    qo.max_attempts = 3;
    qo.lease_duration = std::chrono::seconds(30);
    queue_ = queue::NewMemoryQueue(qo, clock_);
    stores_ = *store::OpenFrontDoorStores("memory://", clock_);
    options_.max_attempts = 3;
    // Every stage's edit, so the tests can check them; the default (1 s) is tested on its own.
    options_.progress_after = std::chrono::milliseconds(0);
    options_.backoff = {std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
    options_.sleeper = [this](std::chrono::milliseconds d) {
      clock_.Advance(d);
      return true;
    };
  }

  static std::string Url(int i) { return "https://shop.example/p/" + std::to_string(i); }
  void AddPage(int i, std::string html = "") {
    analysis::fetch::FetchedPage p;
    p.final_url = Url(i);
    p.status = 200;
    p.content_type = "text/html";
    p.body = html.empty() ? testing::ProductPage(i) : html;
    fetcher_.Add(Url(i), p);
  }
  std::unique_ptr<Worker> MakeWorker() {
    WorkerDeps deps{*queue_, api_, limiter_, *stores_.results, fetcher_, model_, clock_};
    return std::make_unique<Worker>(deps, options_);
  }
  queue::AnalysisTask Task(int64_t update_id, const std::string& url, int64_t chat = 42) {
    queue::AnalysisTask t;
    t.update_id = update_id;
    t.chat_id = chat;
    t.user_id = chat;
    t.url = url;
    t.ack_message_id = 7000 + update_id;
    t.reply_to_message_id = 10;
    t.created_at_ms = clock_.NowMillis();
    return t;
  }
  // "🔄 Aggiorna analisi" a second later: the task of update `update_id` for `url`, forced fresh.
  void EnqueueForcedRefresh(int64_t update_id, const std::string& url, int64_t chat = 42) {
    clock_.Advance(std::chrono::seconds(1));
    auto t = Task(update_id, url, chat);
    t.force_refresh = true;
    Enqueue(t);
  }
  void Enqueue(const queue::AnalysisTask& t) {
    ASSERT_TRUE(queue_->Enqueue(queue::ToJson(t), {"update:" + std::to_string(t.update_id), {}}).ok());
  }
  // Leases the next task (advancing the clock past any retry delay) and runs it.
  std::optional<TaskOutcome> RunNext(Worker& w) {
    for (int i = 0; i < 50; ++i) {
      auto leases = queue_->LeaseTasks("test", 1, std::chrono::milliseconds(0));
      if (leases.ok() && !leases->empty()) return w.ProcessLease((*leases)[0]);
      clock_.Advance(std::chrono::milliseconds(200));
    }
    return std::nullopt;
  }
  std::vector<testing::FakeApiCall> CardCalls() {
    std::vector<testing::FakeApiCall> out;
    for (const auto& c : api_.Calls()) {
      if ((c.method == "editMessageText" || c.method == "sendMessage") && c.text.find("💰 ") != std::string::npos) {
        out.push_back(c);
      }
    }
    return out;
  }
  // Two cards so far; the second shows the page's 99.99 € and product i's earlier, lower price as
  // the lowest seen.
  void ExpectSecondCardComparesWithLowestSeen(int i) {
    auto cards = CardCalls();
    ASSERT_EQ(cards.size(), 2u);
    EXPECT_NE(cards[1].text.find("99,99 €"), std::string::npos) << cards[1].text;
    EXPECT_NE(cards[1].text.find("📉"), std::string::npos) << cards[1].text;
    EXPECT_NE(cards[1].text.find(testing::ProductPriceShown(i)), std::string::npos) << cards[1].text;
  }

  ManualClock clock_;
  std::unique_ptr<queue::TaskQueue> queue_;
  store::FrontDoorStores stores_;
  testing::FakeBotApi api_;
  analysis::fetch::FakePageFetcher fetcher_;
  analysis::testing::FakeReviewModel model_;
  telegram::OutboundRateLimiter limiter_{telegram::RateLimits{}, clock_};
  WorkerOptions options_;
};

}  // namespace worthit::worker
