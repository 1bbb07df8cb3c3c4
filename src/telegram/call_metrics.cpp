#include "telegram/call_metrics.h"

#include "common/log.h"

namespace worthit::telegram {

CallMetrics::CallMetrics()
    : latency_(metrics::Registry::Global().GetHistogram("worthit_telegram_request_seconds", "Bot API call latency")) {}

void CallMetrics::Finished(std::chrono::steady_clock::time_point started, const Result<Message>& out) {
  latency_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  const std::string outcome = out.ok() ? "ok" : out.error().code;
  auto it = outcomes_.find(outcome);
  if (it == outcomes_.end()) {
    it = outcomes_
             .emplace(outcome, &metrics::Registry::Global().GetCounter(
                                   "worthit_telegram_calls_total", "Bot API calls by method and outcome",
                                   {{"method", "sendMessage"}, {"outcome", outcome}}))
             .first;
  }
  it->second->Inc();
  if (!out.ok()) log::Debug("telegram.call_failed", {{"method", "sendMessage"}, {"error", out.error().ToString()}});
}

}  // namespace worthit::telegram
