// CallMetrics: each finished event-path sendMessage is counted under its outcome and its latency
// observed, in the registry's shared series (the same ones the blocking client uses).
#include "telegram/call_metrics.h"

#include <gtest/gtest.h>

namespace worthit::telegram {
namespace {

metrics::Counter& Outcome(const std::string& outcome) {
  return metrics::Registry::Global().GetCounter("worthit_telegram_calls_total", "Bot API calls by method and outcome",
                                                {{"method", "sendMessage"}, {"outcome", outcome}});
}

TEST(CallMetrics, CountsEachOutcomeAndObservesEachLatency) {
  auto& latency = metrics::Registry::Global().GetHistogram("worthit_telegram_request_seconds", "Bot API call latency");
  const double ok_before = Outcome("ok").Value();
  const double limited_before = Outcome("TELEGRAM_RATE_LIMITED").Value();
  const uint64_t observed_before = latency.Count();
  CallMetrics calls;
  const auto started = std::chrono::steady_clock::now();
  calls.Finished(started, Message{});
  calls.Finished(started, Message{});
  calls.Finished(started, Error::RateLimited("TELEGRAM_RATE_LIMITED", "Too Many Requests", std::chrono::seconds(3)));
  EXPECT_EQ(Outcome("ok").Value(), ok_before + 2);
  EXPECT_EQ(Outcome("TELEGRAM_RATE_LIMITED").Value(), limited_before + 1);
  EXPECT_EQ(latency.Count(), observed_before + 3);
}

}  // namespace
}  // namespace worthit::telegram
