// FakeTelegram: a fake Telegram Bot API server on 127.0.0.1 (free port) for tests.
//
// Serves POST /bot<token>/<method> with realistic results: getMe (username kBotUsername),
// sendMessage (a Message with incrementing message_id, the chat and text sent), editMessageText,
// getUpdates (from a queue the test pushes into; honours offset, limit and a long-poll timeout),
// setWebhook / deleteWebhook / getWebhookInfo (remembers the URL), everything else → true.
// Records every call (method + JSON body). Injections: FailNext(method, n, status, body) answers
// the next n calls of that method with the given status/body (429 with retry_after, 5xx, 403...);
// SetLatency() delays every answer. The fake checks the token and answers 401 for another one.
// Thread-safety: all public methods are safe from any thread; one thread per connection inside.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_listener.h"

namespace worthit::testing {

struct RecordedCall {
  std::string method;
  std::string body;  // JSON text as received
};

class FakeTelegram {
 public:
  static constexpr const char* kToken = "123456:TEST-token";
  static constexpr const char* kBotUsername = "WorthItTestBot";
  static constexpr int64_t kBotId = 123456;

  FakeTelegram();
  ~FakeTelegram();
  FakeTelegram(const FakeTelegram&) = delete;
  FakeTelegram& operator=(const FakeTelegram&) = delete;

  uint16_t port() const { return listener_->port(); }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(listener_->port()); }

  // Queue an update (JSON text of one Update) for getUpdates.
  void PushUpdate(const std::string& update_json);
  void FailNext(const std::string& method, int times, int http_status, const std::string& body);
  void SetLatency(std::chrono::milliseconds latency);
  // Answers 429 with retry_after 1, 2, 3, 1, ... seconds to every `every`-th sendMessage /
  // editMessageText (0 = off), pausing that chat; a later call to a chat before its pause ended
  // is counted in PauseViolations().
  void RateLimitEvery(int every);
  size_t PauseViolations() const;
  size_t RateLimitedCount() const;
  void SetWebhookUrl(const std::string& url);

  std::vector<RecordedCall> Calls() const;
  std::vector<RecordedCall> Calls(const std::string& method) const;
  size_t CountCalls(const std::string& method) const;
  // Requests read so far, counted before SetLatency's delay (Calls() records a call after it).
  size_t Received() const { return received_; }
  // Waits (bounded) until at least n calls of `method` were recorded.
  bool WaitForCalls(const std::string& method, size_t n, std::chrono::milliseconds timeout) const;
  void ClearCalls();

  // Stops accepting and closes every connection (also done by the destructor).
  void Stop();

 private:
  struct Failure {
    int times;
    int status;
    std::string body;
  };
  void Serve(int fd);
  std::pair<int, std::string> Answer(const std::string& target, const std::string& body);
  std::string GetUpdatesResult(const std::string& body);

  std::atomic<bool> stopping_{false};
  std::atomic<size_t> received_{0};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<RecordedCall> calls_;
  std::deque<std::pair<int64_t, std::string>> updates_;  // (update_id, json)
  std::map<std::string, Failure> failures_;
  std::chrono::milliseconds latency_{0};
  int rate_every_ = 0;
  int64_t rate_counter_ = 0;
  size_t rate_limited_ = 0;
  size_t pause_violations_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> paused_until_;  // chat_id text → end
  std::string webhook_url_;
  int64_t next_message_id_ = 1000;
  // Last: its threads run Serve(), which uses every member above.
  std::unique_ptr<LoopbackListener> listener_;
};

}  // namespace worthit::testing
