// CallMetrics: what the event Bot API clients (libcurl multi, Beast) record for each finished
// sendMessage — its latency (worthit_telegram_request_seconds), its outcome
// (worthit_telegram_calls_total{method="sendMessage", outcome="ok"|error code}) and a debug line
// when it failed.
//
// The outcome counters are looked up in the registry once per outcome and kept (the registry lookup
// takes a lock and builds a label key; this runs once per update on the event path).
// Thread-safety: none; each client records from its own io thread or strand.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "common/metrics.h"
#include "common/result.h"
#include "telegram/bot_api.h"

namespace worthit::telegram {

class CallMetrics {
 public:
  CallMetrics();
  void Finished(std::chrono::steady_clock::time_point started, const Result<Message>& out);

 private:
  metrics::Histogram& latency_;
  std::map<std::string, metrics::Counter*> outcomes_;
};

}  // namespace worthit::telegram
