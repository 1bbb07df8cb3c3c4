#include "worker/cpu_slots.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace worthit::worker {
namespace {

using std::chrono::milliseconds;

// Counts the steps inside at once. A step waits (bounded, real time) until `want` steps have been
// inside together, so steps that may overlap do overlap; only the slots can keep them apart.
class OverlapProbe {
 public:
  explicit OverlapProbe(int want) : want_(want) {}
  void Step(milliseconds patience) {
    std::unique_lock lock(mu_);
    ++inside_;
    max_inside_ = std::max(max_inside_, inside_);
    cv_.notify_all();
    cv_.wait_for(lock, patience, [&] { return max_inside_ >= want_; });
    --inside_;
  }
  int max_inside() {
    std::lock_guard lock(mu_);
    return max_inside_;
  }

 private:
  const int want_;
  std::mutex mu_;
  std::condition_variable cv_;
  int inside_ = 0;
  int max_inside_ = 0;
};

void RunFromThreads(CpuSlots& slots, OverlapProbe& probe, int threads, int steps_each, milliseconds patience) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < steps_each; ++i) slots.Run([&] { probe.Step(patience); });
    });
  }
  for (auto& t : pool) t.join();
}

TEST(CpuSlotsTest, NeverMoreStepsAtOnceThanSlots) {
  for (const int n : {1, 2, 3}) {
    SCOPED_TRACE(n);
    CpuSlots slots(n);
    // Each step waits up to 5 ms for one more step than the slots allow: it must never come.
    OverlapProbe probe(n + 1);
    RunFromThreads(slots, probe, 6, 5, milliseconds(5));
    EXPECT_LE(probe.max_inside(), n);
    EXPECT_GE(probe.max_inside(), 1);
    EXPECT_EQ(slots.Free(), n);
  }
}

TEST(CpuSlotsTest, AllSlotsCanBeBusyTogether) {
  CpuSlots slots(3);
  // Each step waits for the other two (60 s is only a bound for a broken build: they meet at once).
  OverlapProbe probe(3);
  RunFromThreads(slots, probe, 3, 1, milliseconds(60000));
  EXPECT_EQ(probe.max_inside(), 3);
}

TEST(CpuSlotsTest, AThrowingStepGivesItsSlotBack) {
  CpuSlots slots(1);
  EXPECT_THROW(slots.Run([]() -> int { throw std::runtime_error("model failed"); }), std::runtime_error);
  EXPECT_EQ(slots.Free(), 1);
  EXPECT_EQ(slots.Run([] { return 7; }), 7);
}

TEST(CpuSlotsTest, ZeroOrNegativeMeansOneSlot) {
  CpuSlots zero(0);
  CpuSlots negative(-3);
  EXPECT_EQ(zero.Free(), 1);
  EXPECT_EQ(negative.Free(), 1);
}

}  // namespace
}  // namespace worthit::worker
