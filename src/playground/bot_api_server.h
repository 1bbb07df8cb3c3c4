// BotApiServer: the embedded Telegram — a Telegram-compatible Bot API over HTTP on loopback, the
// chat page and its user-side API, webhook delivery, call recording and fault injection.
//
// Routes (one port):
//   POST|GET /bot<TOKEN>/<method>   the Bot API (JSON, form-encoded or query parameters), answered
//                                   in Telegram's shapes by BotApiCore; a wrong token gets 401.
//   GET  /                          the chat page (web/chat.html, embedded at build time).
//   /chat/api/...                   the page's user side (see ChatApi in chat_api.h).
//   GET  /healthz                   "ok".
// A bot talks to it exactly as to api.telegram.org: TELEGRAM_API_URL=http://127.0.0.1:PORT and
// the token given in Options, by getUpdates or by setWebhook (an http:// loopback URL; updates
// are POSTed one at a time in update_id order, hence in order per chat, with
// X-Telegram-Bot-Api-Secret-Token, and retried with backoff until the bot answers 2xx; a JSON
// method in the webhook's answer is executed, as Telegram does).
//
// Tests reuse it as a fake Telegram: Calls()/WaitForCall() record what the bot sent, and
// InjectFault() makes the next matching calls fail with 429 + retry_after, a 5xx, or slow down.
// Ownership: owns the core, the HTTP server and the webhook sender thread.
// Thread-safety: every public function is safe from any thread; Start/Stop from one thread.
// Failure modes: Start fails with HTTP_LISTEN_FAILED; Stop() wakes every long poll and returns
// when all threads have ended.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "playground/bot_api_core.h"
#include "playground/http_types.h"

namespace worthit::playground {

// One Bot API call as the server saw it.
struct RecordedCall {
  std::string method;  // as in the URL path
  std::string params;  // merged parameters as a JSON object
  int http_status = 0;
  std::string response;  // the JSON body answered
};

// Makes the next `count` calls of `method` ("*" = any) misbehave.
struct Fault {
  enum class Kind { kTooManyRequests, kServerError, kLatency };
  std::string method = "*";
  Kind kind = Kind::kTooManyRequests;
  int count = 1;
  int retry_after_seconds = 1;           // kTooManyRequests
  int status = 500;                      // kServerError: 500, 502, ...
  std::chrono::milliseconds latency{0};  // kLatency: delay before the call is handled normally
};

class BotApiServer {
 public:
  struct Options {
    std::string token = "123456789:PLAYGROUND-local-token";
    std::string address = "127.0.0.1";
    BotIdentity bot;
    bool serve_chat_page = true;  // false: Bot API only (tests that need a plain fake)
  };

  explicit BotApiServer(Options options);
  ~BotApiServer();
  BotApiServer(const BotApiServer&) = delete;
  BotApiServer& operator=(const BotApiServer&) = delete;

  // port 0 picks a free port.
  Status Start(uint16_t port);
  void Stop();
  uint16_t port() const;
  // "http://127.0.0.1:PORT" — the TELEGRAM_API_URL a bot should use.
  std::string BaseUrl() const;
  const std::string& token() const { return options_.token; }

  BotApiCore& core() { return *core_; }

  // Calls recorded so far (oldest first; at most the last 10000).
  std::vector<RecordedCall> Calls() const;
  std::vector<RecordedCall> CallsOf(const std::string& method) const;
  // Waits until at least `count` calls of `method` were recorded; the matching calls, or nullopt.
  std::optional<std::vector<RecordedCall>> WaitForCalls(const std::string& method, size_t count,
                                                        std::chrono::milliseconds timeout) const;
  void ClearCalls();

  void InjectFault(Fault fault);
  void ClearFaults();

 private:
  struct Impl;
  HttpResponse HandleBotCall(const std::string& method, const boost::json::object& params);
  void Record(const std::string& method, const boost::json::object& params, int status, const std::string& response);
  void WebhookLoop();

  Options options_;
  std::unique_ptr<BotApiCore> core_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace worthit::playground
