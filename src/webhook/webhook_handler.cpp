#include "webhook/webhook_handler.h"

#include <array>
#include <atomic>

#include "common/log.h"
#include "common/metrics.h"

namespace worthit::webhook {
namespace {

// A view into `target` (no copy per request): valid while `target` is.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

WebhookResponse Text(int status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body)}; }

// The registry lookup (mutex, label vector, map) once per status / kind, not once per update:
// counters live as long as the registry, so the pointers stay valid.
void CountStatus(int status) {
  static std::array<std::atomic<metrics::Counter*>, 600> cache{};
  auto lookup = [status] {
    return &metrics::Registry::Global().GetCounter("worthit_webhook_responses_total",
                                                   "Webhook endpoint responses by HTTP status",
                                                   {{"status", std::to_string(status)}});
  };
  if (status < 0 || status >= static_cast<int>(cache.size())) return lookup()->Inc();
  metrics::Counter* c = cache[status].load(std::memory_order_acquire);
  if (c == nullptr) {
    c = lookup();
    cache[status].store(c, std::memory_order_release);
  }
  c->Inc();
}

void CountKind(telegram::UpdateKind kind) {
  static std::array<std::atomic<metrics::Counter*>, static_cast<size_t>(telegram::UpdateKind::kUnknown) + 1> cache{};
  const auto i = static_cast<size_t>(kind);
  metrics::Counter* c = i < cache.size() ? cache[i].load(std::memory_order_acquire) : nullptr;
  if (c == nullptr) {
    c = &metrics::Registry::Global().GetCounter(
        "worthit_webhook_updates_total", "Updates received by kind",
        {{"kind", kind == telegram::UpdateKind::kUnknown ? "unknown" : std::string(ToString(kind))}});
    if (i < cache.size()) cache[i].store(c, std::memory_order_release);
  }
  c->Inc();
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Length is not secret (Telegram documents 1-256 chars); the content is compared without
  // early exit so timing reveals nothing about how many leading bytes matched.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

bool WebhookHandler::SecretAccepted(const std::optional<std::string>& secret) const {
  if (options_.secret.empty() || !secret) return false;
  // Both comparisons always run, so timing does not tell which secret matched.
  const bool current = ConstantTimeEquals(*secret, options_.secret);
  const bool previous = !options_.previous_secret.empty() && ConstantTimeEquals(*secret, options_.previous_secret);
  return current || previous;
}

WebhookHandler::WebhookHandler(WebhookHandlerOptions options, UpdateSink sink, ReadinessCheck readiness,
                               AsyncUpdateSink async_sink)
    : options_(std::move(options)),
      sink_(std::move(sink)),
      readiness_(std::move(readiness)),
      async_sink_(std::move(async_sink)) {}

bool WebhookHandler::IsAsync(const WebhookRequest& request) const {
  return async_sink_ && PathOf(request.target) == options_.path;
}

void WebhookHandler::HandleAsync(const WebhookRequest& req, std::function<void(WebhookResponse)> done) const {
  if (auto pre = PreCheck(req.method, req.target, req.secret, std::nullopt)) return done(std::move(*pre));
  auto finish = [done = std::move(done)](WebhookResponse r) {
    CountStatus(r.status);
    done(std::move(r));
  };
  if (req.body_too_large || req.body.size() > options_.max_body_bytes) return finish(Text(413, "payload too large\n"));
  auto update = telegram::ParseUpdate(req.body);
  if (!update.ok()) return finish(Text(400, "bad update: " + update.error().message + "\n"));
  CountKind(update->kind);
  const int64_t update_id = update->update_id;
  async_sink_(std::move(*update), [finish = std::move(finish), update_id](Status status) {
    if (!status.ok()) {
      log::Warn("webhook.update_failed", {{"update_id", update_id}, {"error", status.error().ToString()}});
      // 503 rather than 500: the failure is a dependency's; Telegram retries either way.
      return finish(Text(503, "retry later\n"));
    }
    finish(Text(200, ""));
  });
}

std::optional<WebhookResponse> WebhookHandler::PreCheck(const std::string& method, const std::string& target,
                                                        const std::optional<std::string>& secret,
                                                        std::optional<uint64_t> content_length) const {
  if (PathOf(target) != options_.path) return std::nullopt;
  std::optional<WebhookResponse> r;
  if (method != "POST") {
    r = Text(405, "method not allowed\n");
  } else if (!SecretAccepted(secret)) {
    r = Text(401, "unauthorized\n");
  } else if (content_length && *content_length > options_.max_body_bytes) {
    r = Text(413, "payload too large\n");
  }
  if (r) CountStatus(r->status);
  return r;
}

WebhookResponse WebhookHandler::Handle(const WebhookRequest& req) const {
  const std::string_view path = PathOf(req.target);
  if (path == options_.path) {
    if (auto pre = PreCheck(req.method, req.target, req.secret, std::nullopt)) return *pre;
    auto r = HandleUpdate(req);
    CountStatus(r.status);
    return r;
  }
  if (req.method != "GET" && req.method != "HEAD") return Text(405, "method not allowed\n");
  if (path == "/healthz") return Text(200, "ok\n");
  if (path == "/readyz") {
    auto s = readiness_ ? readiness_() : OkStatus();
    if (!s.ok()) return Text(503, "not ready: " + log::Redact(s.error().ToString()) + "\n");
    return Text(200, "ready\n");
  }
  if (path == "/metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics::Registry::Global().RenderPrometheus()};
  }
  return Text(404, "not found\n");
}

WebhookResponse WebhookHandler::HandleUpdate(const WebhookRequest& req) const {
  if (req.body_too_large || req.body.size() > options_.max_body_bytes) return Text(413, "payload too large\n");
  auto update = telegram::ParseUpdate(req.body);
  if (!update.ok()) return Text(400, "bad update: " + update.error().message + "\n");
  // Every log line written on this update's path (bot, Bot API calls, queue) carries its id.
  log::Scope scope(log::Fields{{"update_id", update->update_id}});
  CountKind(update->kind);
  auto status = sink_(*update);
  if (!status.ok()) {
    log::Warn("webhook.update_failed", {{"error", status.error().ToString()}});
    // 503 rather than 500: the failure is a dependency's; Telegram retries either way.
    return Text(503, "retry later\n");
  }
  return Text(200, "");
}

}  // namespace worthit::webhook
