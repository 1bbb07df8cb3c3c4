#include "playground/bot_api_server.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "playground/chat_api.h"
#include "playground/chat_page.h"
#include "playground/http_client.h"
#include "playground/http_server.h"

namespace worthit::playground {

namespace json = boost::json;

namespace {
// Recorded calls kept for tests and debugging; older ones are dropped.
constexpr size_t kMaxRecordedCalls = 10000;
// Webhook retry delays: Telegram retries a failing webhook with growing pauses; the playground
// keeps them short (0.5 s doubling to 8 s) so a bot being restarted gets its updates quickly.
constexpr std::chrono::milliseconds kRetryFirst{500};
constexpr std::chrono::milliseconds kRetryCap{8000};
// How long one webhook POST may take before it counts as failed (Telegram waits about a minute;
// a local bot answers in milliseconds, and a stuck one must not block the chat for long).
constexpr std::chrono::seconds kWebhookTimeout{30};

std::string ErrorBody(int code, const std::string& description) {
  return json::serialize(json::object{{"ok", false}, {"error_code", code}, {"description", description}});
}
}  // namespace

struct BotApiServer::Impl {
  HttpServer http;
  std::thread sender;
  std::atomic<bool> stopping{false};
  bool started = false;

  mutable std::mutex mu;
  mutable std::condition_variable cv;  // calls recorded, stop
  std::deque<RecordedCall> calls;
  std::vector<Fault> faults;
};

BotApiServer::BotApiServer(Options options)
    : options_(std::move(options)),
      core_(std::make_unique<BotApiCore>(options_.bot)),
      impl_(std::make_unique<Impl>()) {}

BotApiServer::~BotApiServer() { Stop(); }

uint16_t BotApiServer::port() const { return impl_->http.port(); }

std::string BotApiServer::BaseUrl() const { return "http://" + options_.address + ":" + std::to_string(port()); }

Status BotApiServer::Start(uint16_t port) {
  auto handler = [this](const HttpRequest& req) -> HttpResponse {
    const std::string prefix = "/bot";
    if (req.path.rfind(prefix, 0) == 0) {
      const size_t slash = req.path.find('/', prefix.size());
      const std::string token =
          req.path.substr(prefix.size(), slash == std::string::npos ? std::string::npos : slash - prefix.size());
      if (token != options_.token) return HttpResponse::Json(401, ErrorBody(401, "Unauthorized"));
      if (slash == std::string::npos || slash + 1 >= req.path.size()) {
        return HttpResponse::Json(404, ErrorBody(404, "Not Found"));
      }
      const std::string method = req.path.substr(slash + 1);
      // Parameters: the query string, then the body (JSON or form-encoded), body winning.
      json::object params;
      for (auto& [k, v] : ParseFormEncoded(req.query)) params[k] = v;
      const std::string& type = req.Header("content-type");
      if (!req.body.empty()) {
        if (type.find("application/json") != std::string::npos) {
          json::error_code ec;
          auto v = json::parse(req.body, ec);
          if (ec || !v.is_object()) {
            return HttpResponse::Json(400, ErrorBody(400, "Bad Request: can't parse JSON object"));
          }
          for (auto& [k, val] : v.as_object()) params[k] = val;
        } else if (type.find("application/x-www-form-urlencoded") != std::string::npos || type.empty()) {
          for (auto& [k, v] : ParseFormEncoded(req.body)) params[k] = v;
        } else {
          // multipart/form-data is for file uploads, which the playground does not store.
          return HttpResponse::Json(400, ErrorBody(400, "Bad Request: unsupported Content-Type " + type));
        }
      }
      return HandleBotCall(method, params);
    }
    if (IsChatApiPath(req.path)) return HandleChatApi(*core_, req);
    if (req.path == "/healthz") return HttpResponse::Text(200, "ok\n");
    if (options_.serve_chat_page && (req.path == "/" || req.path == "/index.html") && req.method == "GET") {
      HttpResponse page = HttpResponse::Html(200, std::string(ChatPageHtml()));
      // The page needs nothing from elsewhere: forbid every other origin for scripts, styles, frames.
      page.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
      page.headers.emplace_back("X-Content-Type-Options", "nosniff");
      return page;
    }
    return HttpResponse::Text(404, "not found\n");
  };
  auto status = impl_->http.Start(options_.address, port, handler);
  if (!status.ok()) return status;
  impl_->started = true;
  impl_->sender = std::thread([this] { WebhookLoop(); });
  log::Info("playground.bot_api.started", {{"url", BaseUrl()}});
  return OkStatus();
}

HttpResponse BotApiServer::HandleBotCall(const std::string& method, const json::object& params) {
  std::optional<Fault> fault;
  {
    std::lock_guard lock(impl_->mu);
    for (auto it = impl_->faults.begin(); it != impl_->faults.end(); ++it) {
      if (it->method == "*" || it->method == method) {
        fault = *it;
        if (--it->count <= 0) impl_->faults.erase(it);
        break;
      }
    }
  }
  HttpResponse out;
  if (fault && fault->kind == Fault::Kind::kTooManyRequests) {
    const int after = fault->retry_after_seconds;
    out = HttpResponse::Json(
        429, json::serialize(json::object{{"ok", false},
                                          {"error_code", 429},
                                          {"description", "Too Many Requests: retry after " + std::to_string(after)},
                                          {"parameters", {{"retry_after", after}}}}));
  } else if (fault && fault->kind == Fault::Kind::kServerError) {
    out = HttpResponse::Json(fault->status,
                             ErrorBody(fault->status, fault->status == 502 ? "Bad Gateway" : "Internal Server Error"));
  } else {
    if (fault && fault->kind == Fault::Kind::kLatency) {
      std::unique_lock lock(impl_->mu);
      impl_->cv.wait_for(lock, fault->latency, [&] { return impl_->stopping.load(); });
    }
    ApiReply reply = core_->Call(method, params);
    out = HttpResponse::Json(reply.http_status, json::serialize(reply.body));
  }
  Record(method, params, out.status, out.body);
  return out;
}

void BotApiServer::Record(const std::string& method, const json::object& params, int status,
                          const std::string& response) {
  std::lock_guard lock(impl_->mu);
  impl_->calls.push_back({method, json::serialize(params), status, response});
  while (impl_->calls.size() > kMaxRecordedCalls) impl_->calls.pop_front();
  impl_->cv.notify_all();
}

void BotApiServer::WebhookLoop() {
  std::chrono::milliseconds delay = kRetryFirst;
  while (!impl_->stopping) {
    auto job = core_->WaitWebhookJob(std::chrono::milliseconds(500));
    if (!job) continue;
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
    if (!job->secret_token.empty()) headers.emplace_back("X-Telegram-Bot-Api-Secret-Token", job->secret_token);
    auto res = HttpCall("POST", job->url, job->body, headers, kWebhookTimeout);
    if (res.ok() && res->status >= 200 && res->status < 300) {
      core_->WebhookDelivered(job->update_id);
      delay = kRetryFirst;
      // Telegram executes a method the bot puts in its webhook answer ("reply in the webhook").
      json::error_code ec;
      auto answer = json::parse(res->body, ec);
      if (!ec && answer.is_object()) {
        auto* m = answer.as_object().if_contains("method");
        if (m && m->is_string()) {
          json::object params = answer.as_object();
          const std::string method(m->as_string());
          params.erase("method");
          HandleBotCall(method, params);
        }
      }
      continue;
    }
    const std::string why =
        res.ok() ? "Wrong response from the webhook: " + std::to_string(res->status) : res.error().message;
    core_->WebhookFailed(job->update_id, why);
    log::Warn("playground.webhook.failed", {{"update_id", job->update_id}, {"error", why}});
    std::unique_lock lock(impl_->mu);
    impl_->cv.wait_for(lock, delay, [&] { return impl_->stopping.load(); });
    delay = std::min(delay * 2, kRetryCap);
  }
}

void BotApiServer::Stop() {
  if (!impl_->started || impl_->stopping.exchange(true)) return;
  core_->Shutdown();
  {
    std::lock_guard lock(impl_->mu);
    impl_->cv.notify_all();
  }
  if (impl_->sender.joinable()) impl_->sender.join();
  impl_->http.Stop();
  log::Info("playground.bot_api.stopped");
}

std::vector<RecordedCall> BotApiServer::Calls() const {
  std::lock_guard lock(impl_->mu);
  return {impl_->calls.begin(), impl_->calls.end()};
}

std::vector<RecordedCall> BotApiServer::CallsOf(const std::string& method) const {
  std::lock_guard lock(impl_->mu);
  std::vector<RecordedCall> out;
  for (const auto& c : impl_->calls) {
    if (c.method == method) out.push_back(c);
  }
  return out;
}

std::optional<std::vector<RecordedCall>> BotApiServer::WaitForCalls(const std::string& method, size_t count,
                                                                    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mu);
  auto matching = [&] {
    std::vector<RecordedCall> out;
    for (const auto& c : impl_->calls) {
      if (c.method == method) out.push_back(c);
    }
    return out;
  };
  std::vector<RecordedCall> found;
  impl_->cv.wait_for(lock, timeout, [&] {
    found = matching();
    return found.size() >= count || impl_->stopping;
  });
  if (found.size() < count) return std::nullopt;
  return found;
}

void BotApiServer::ClearCalls() {
  std::lock_guard lock(impl_->mu);
  impl_->calls.clear();
}

void BotApiServer::InjectFault(Fault fault) {
  std::lock_guard lock(impl_->mu);
  if (fault.count > 0) impl_->faults.push_back(std::move(fault));
}

void BotApiServer::ClearFaults() {
  std::lock_guard lock(impl_->mu);
  impl_->faults.clear();
}

}  // namespace worthit::playground
