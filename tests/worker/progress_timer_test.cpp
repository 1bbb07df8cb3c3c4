#include "worker/progress_timer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace worthit::worker {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Waits (bounded) until `done` holds; generous for a loaded machine, never a speed assertion.
template <typename F>
bool WaitFor(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(ProgressTimerTest, AnEditEndedBeforeItIsDueNeverRuns) {
  ProgressTimer timer;
  timer.Start();
  std::atomic<int> runs{0};
  auto edit = timer.Schedule(Clock::now() + 1h, [&] { ++runs; });
  EXPECT_FALSE(edit.End());
  timer.Stop();
  EXPECT_EQ(runs.load(), 0);
}

TEST(ProgressTimerTest, AnEndedEditLeavesTheQueueAtOnce) {
  ProgressTimer timer;
  timer.Start();
  std::atomic<int> runs{0};
  auto a = timer.Schedule(Clock::now() + 1h, [&] { ++runs; });
  auto b = timer.Schedule(Clock::now() + 2h, [&] { ++runs; });
  auto c = timer.Schedule(Clock::now() + 30min, [&] { ++runs; });  // the earliest now
  EXPECT_EQ(timer.Pending(), 3u);
  EXPECT_FALSE(c.End());
  EXPECT_FALSE(a.End());
  EXPECT_EQ(timer.Pending(), 1u);
  // A later edit that is due at once still runs (the timer, waiting for b, is woken for it).
  auto d = timer.Schedule(Clock::now(), [&] { ++runs; });
  ASSERT_TRUE(WaitFor([&] { return runs.load() == 1; }));
  EXPECT_TRUE(d.End());
  EXPECT_EQ(timer.Pending(), 1u);
  timer.Stop();
  EXPECT_EQ(timer.Pending(), 0u);
  EXPECT_FALSE(b.End());  // after Stop: the edit no longer touches the timer
  EXPECT_EQ(runs.load(), 1);
}

TEST(ProgressTimerTest, ADueEditRunsOnceAndEndSaysSo) {
  ProgressTimer timer;
  timer.Start();
  std::atomic<int> runs{0};
  auto edit = timer.Schedule(Clock::now(), [&] { ++runs; });
  ASSERT_TRUE(WaitFor([&] { return runs.load() == 1; }));
  EXPECT_TRUE(edit.End());
  EXPECT_TRUE(edit.End());  // idempotent
  EXPECT_EQ(runs.load(), 1);
}

TEST(ProgressTimerTest, EndWaitsForAnEditInFlight) {
  ProgressTimer timer;
  timer.Start();
  std::promise<void> started, release;
  auto released = release.get_future().share();
  std::atomic<bool> finished{false};
  auto edit = timer.Schedule(Clock::now(), [&] {
    started.set_value();
    released.wait();
    finished = true;
  });
  started.get_future().wait();
  auto ended = std::async(std::launch::async, [&] { return edit.End(); });
  // End cannot return while the edit runs: the card would overtake it.
  EXPECT_EQ(ended.wait_for(50ms), std::future_status::timeout);
  release.set_value();
  EXPECT_TRUE(ended.get());
  EXPECT_TRUE(finished.load());
}

TEST(ProgressTimerTest, EditsRunInDueOrderAndDestroyingAnEditEndsIt) {
  ProgressTimer timer;
  timer.Start();
  std::mutex mu;
  std::vector<int> order;
  auto record = [&](int i) {
    return [&, i] {
      std::lock_guard lock(mu);
      order.push_back(i);
    };
  };
  const auto now = Clock::now();
  auto second = timer.Schedule(now + 20ms, record(2));
  auto first = timer.Schedule(now, record(1));
  { auto dropped = timer.Schedule(now + 1h, record(3)); }
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return order.size() == 2;
  }));
  timer.Stop();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(ProgressTimerTest, WithoutARunningTimerNothingRuns) {
  ProgressTimer timer;  // never started
  std::atomic<int> runs{0};
  auto edit = timer.Schedule(Clock::now(), [&] { ++runs; });
  EXPECT_FALSE(edit.End());
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace worthit::worker
