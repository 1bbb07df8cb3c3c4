// The libcurl BotApi: POST {base_url}/bot{token}/{method} with a JSON body.
//
// Connection reuse: a pool of curl easy handles (each keeps its connection cache; a handle is
// taken for one call and returned) plus one curl share object for DNS and TLS session caches.
// Timeouts: connect_timeout per connection, request_timeout per call; getUpdates gets its
// long-poll timeout added. The token is registered with the log redactor and never logged.
// Failures: transport errors → TELEGRAM_UNAVAILABLE (transient); HTTP answers → api_error.h.
// Thread-safety: safe from many threads; the pool grows to the number of concurrent callers.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "telegram/bot_api.h"

namespace worthit::telegram {

struct CurlBotApiOptions {
  std::string base_url = "https://api.telegram.org";  // TELEGRAM_API_URL
  std::string token;
  // Connect timeout: Telegram answers a TCP SYN within ~100 ms; 5 s covers a lossy network.
  std::chrono::milliseconds connect_timeout{5000};
  // Per call (not getUpdates): sendMessage normally takes < 1 s; 15 s is Telegram's own upper bound
  // under load before it would rather answer 5xx.
  std::chrono::milliseconds request_timeout{15000};
  // PEM file of the certificate authorities trusted for https:// (empty: the system's store). For a
  // self-hosted Bot API server behind a private CA, and for the tests' local TLS server.
  std::string ca_file;
  // The event path's Beast client only (beast_bot_api.h): most sendMessage requests written at once on
  // one connection (HTTP/1.1 pipelining), while the server answers fast; 1 turns pipelining off.
  size_t pipeline_depth = 8;  // TELEGRAM_PIPELINE_DEPTH
  // ... and only while answers come back faster than this on average (write to whole answer), so a
  // call behind others waits at most a few ms more. 5 ms is far below api.telegram.org's round trip
  // from anywhere but its own network, and far above a local Bot API server's answer time.
  std::chrono::microseconds pipeline_latency_ceiling{5000};
};

std::unique_ptr<BotApi> MakeCurlBotApi(const CurlBotApiOptions& options);

}  // namespace worthit::telegram
