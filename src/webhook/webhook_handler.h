// WebhookHandler: the HTTP semantics of the webhook endpoint, without sockets (pure routing).
//
// The Beast server (webhook_server.h) parses bytes into a WebhookRequest, calls Handle() on a
// worker thread, and writes the WebhookResponse. Rules:
//   POST {path}: secret header compared in constant time with the secret (and the previous secret
//                during a rotation, when set); wrong or missing → 401, the body is not looked at; body larger than
//                max_body_bytes → 413; not JSON / no update_id → 400; the sink's Status decides: ok → 200, error → 503
//                (Telegram redelivers; see bot.h); unusable kinds still go to the sink, which ignores them → 200
//                (counted by kind).
//   {path} with another method → 405.  GET /healthz → 200.  GET /readyz → readiness() → 200/503.
//   GET /metrics → Prometheus text from metrics::Registry::Global().  Anything else → 404.
// Event-driven mode (an AsyncUpdateSink): the same checks, but the update is handed to the async sink
// and the response is produced when it calls back, so the server's io thread never waits for it.
// Thread-safety: Handle() is safe from many threads if the sink and readiness functions are.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "telegram/types.h"

namespace worthit::webhook {

struct WebhookRequest {
  std::string method;                 // "GET", "POST", ...
  std::string target;                 // path + optional query
  std::optional<std::string> secret;  // X-Telegram-Bot-Api-Secret-Token, if present
  std::string body;
  bool body_too_large = false;  // set by the server when it stopped reading at the cap
};

struct WebhookResponse {
  int status = 200;
  std::string_view content_type = "text/plain; charset=utf-8";  // a literal: no copy per response
  std::string body;
};

using UpdateSink = std::function<Status(const telegram::Update&)>;
// Event-driven form: the sink starts the update's work and returns at once; `done` is called once,
// from any thread, with what UpdateSink would have returned. It must not block. The update is the
// sink's to keep (moved in: the event path holds it for the update's whole I/O without a copy).
using AsyncUpdateSink = std::function<void(telegram::Update&&, std::function<void(Status)> done)>;
using ReadinessCheck = std::function<Status()>;

struct WebhookHandlerOptions {
  std::string path = "/telegram/webhook";
  std::string secret;  // required non-empty: an open webhook would accept forged updates
  size_t max_body_bytes = 1 << 20;
  // Also accepted while a rotation is in flight (Telegram still sends the old secret until
  // `webhook set` runs with the new one); empty = only `secret`.
  std::string previous_secret;
};

bool ConstantTimeEquals(std::string_view a, std::string_view b);

class WebhookHandler {
 public:
  // async_sink (optional): webhook POSTs go to it instead of `sink` (see HandleAsync).
  WebhookHandler(WebhookHandlerOptions options, UpdateSink sink, ReadinessCheck readiness,
                 AsyncUpdateSink async_sink = {});
  WebhookResponse Handle(const WebhookRequest& request) const;
  // True when `request` is an update for the async sink (the webhook path, an async sink set).
  bool IsAsync(const WebhookRequest& request) const;
  // For IsAsync requests: the same checks and answers as Handle(), the update going to the async
  // sink; `done` gets the response once (maybe on another thread; inline for refused requests).
  void HandleAsync(const WebhookRequest& request, std::function<void(WebhookResponse)> done) const;
  const WebhookHandlerOptions& options() const { return options_; }
  // Cheap pre-checks the server runs on the header alone, before reading a body (nullopt = read it).
  std::optional<WebhookResponse> PreCheck(const std::string& method, const std::string& target,
                                          const std::optional<std::string>& secret,
                                          std::optional<uint64_t> content_length) const;

 private:
  WebhookResponse HandleUpdate(const WebhookRequest& request) const;
  bool SecretAccepted(const std::optional<std::string>& secret) const;

  WebhookHandlerOptions options_;
  UpdateSink sink_;
  ReadinessCheck readiness_;
  AsyncUpdateSink async_sink_;
};

}  // namespace worthit::webhook
