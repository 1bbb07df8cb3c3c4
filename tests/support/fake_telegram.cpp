#include "support/fake_telegram.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "support/http_wire.h"

namespace worthit::testing {
namespace json = boost::json;
namespace {

std::string Ok(const json::value& result) { return json::serialize(json::object{{"ok", true}, {"result", result}}); }

}  // namespace

FakeTelegram::FakeTelegram()
    : listener_(std::make_unique<LoopbackListener>("FakeTelegram", 128, [this](int fd) { Serve(fd); })) {}

FakeTelegram::~FakeTelegram() { Stop(); }

void FakeTelegram::Stop() {
  {
    std::lock_guard lock(mu_);  // a waiter checks stopping_ under mu_: no lost wake-up
    stopping_ = true;
  }
  cv_.notify_all();
  listener_->Stop();
}

void FakeTelegram::Serve(int fd) {
  std::string buffer;
  WireRequest req;
  while (!stopping_ && ReadRequest(fd, buffer, req)) {
    ++received_;
    std::chrono::milliseconds latency;
    {
      std::lock_guard lock(mu_);
      latency = latency_;
    }
    if (latency.count() > 0) std::this_thread::sleep_for(latency);
    auto [status, payload] = Answer(req.target, req.body);
    if (!WriteAll(fd, Response(status, {{"Content-Type", "application/json"}}, payload, req.keep_alive))) break;
    if (!req.keep_alive) break;
  }
}

std::pair<int, std::string> FakeTelegram::Answer(const std::string& target, const std::string& body) {
  const std::string prefix = std::string("/bot") + kToken + "/";
  if (!target.starts_with(prefix)) {
    return {401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"};
  }
  const std::string method = target.substr(prefix.size());
  {
    std::lock_guard lock(mu_);
    calls_.push_back({method, body});
    if (rate_every_ > 0 && (method == "sendMessage" || method == "editMessageText")) {
      json::error_code pec;
      auto pv = json::parse(body.empty() ? "{}" : body, pec);
      std::string chat;
      if (!pec && pv.is_object() && pv.as_object().contains("chat_id"))
        chat = json::serialize(pv.as_object().at("chat_id"));
      const auto now = std::chrono::steady_clock::now();
      if (auto p = paused_until_.find(chat); p != paused_until_.end() && now < p->second) ++pause_violations_;
      if (++rate_counter_ % rate_every_ == 0) {
        const int retry_after = 1 + static_cast<int>((rate_counter_ / rate_every_) % 3);
        paused_until_[chat] = now + std::chrono::seconds(retry_after);
        ++rate_limited_;
        cv_.notify_all();
        return {429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )" +
                         std::to_string(retry_after) + R"(","parameters":{"retry_after":)" +
                         std::to_string(retry_after) + "}}"};
      }
    }
    if (auto it = failures_.find(method); it != failures_.end() && it->second.times > 0) {
      --it->second.times;
      cv_.notify_all();
      return {it->second.status, it->second.body};
    }
  }
  cv_.notify_all();
  json::error_code ec;
  json::value parsed = json::parse(body.empty() ? "{}" : body, ec);
  json::object req = (!ec && parsed.is_object()) ? parsed.as_object() : json::object{};
  if (method == "getMe") {
    return {200, Ok(json::object{{"id", kBotId},
                                 {"is_bot", true},
                                 {"first_name", "WorthIt"},
                                 {"username", kBotUsername},
                                 {"can_join_groups", true},
                                 {"supports_inline_queries", true}})};
  }
  if (method == "sendMessage") {
    int64_t id;
    {
      std::lock_guard lock(mu_);
      id = ++next_message_id_;
    }
    json::object chat{{"id", req.contains("chat_id") ? req["chat_id"] : json::value(0)}, {"type", "private"}};
    json::object msg{
        {"message_id", id},
        {"from", json::object{{"id", kBotId}, {"is_bot", true}, {"first_name", "WorthIt"}, {"username", kBotUsername}}},
        {"chat", chat},
        {"date", 1767225600},
        {"text", req.contains("text") ? req["text"] : json::value("")}};
    return {200, Ok(msg)};
  }
  if (method == "getUpdates") return {200, GetUpdatesResult(body)};
  if (method == "getWebhookInfo") {
    std::lock_guard lock(mu_);
    return {200, Ok(json::object{{"url", webhook_url_},
                                 {"has_custom_certificate", false},
                                 {"pending_update_count", 0},
                                 {"max_connections", 40}})};
  }
  if (method == "setWebhook") {
    std::lock_guard lock(mu_);
    if (req.contains("url") && req["url"].is_string()) webhook_url_ = std::string(req["url"].as_string());
    return {200, R"({"ok":true,"result":true,"description":"Webhook was set"})"};
  }
  if (method == "deleteWebhook") {
    std::lock_guard lock(mu_);
    webhook_url_.clear();
    return {200, R"({"ok":true,"result":true,"description":"Webhook was deleted"})"};
  }
  return {200, Ok(true)};
}

void FakeTelegram::RateLimitEvery(int every) {
  std::lock_guard lock(mu_);
  rate_every_ = every;
}

size_t FakeTelegram::PauseViolations() const {
  std::lock_guard lock(mu_);
  return pause_violations_;
}

size_t FakeTelegram::RateLimitedCount() const {
  std::lock_guard lock(mu_);
  return rate_limited_;
}

std::string FakeTelegram::GetUpdatesResult(const std::string& body) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  int64_t offset = 0, limit = 100, timeout = 0;
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    if (auto* p = o.if_contains("offset"); p && p->is_int64()) offset = p->as_int64();
    if (auto* p = o.if_contains("limit"); p && p->is_int64()) limit = p->as_int64();
    if (auto* p = o.if_contains("timeout"); p && p->is_int64()) timeout = p->as_int64();
  }
  std::unique_lock lock(mu_);
  // Confirmed updates (id < offset) are dropped, as Telegram does.
  while (!updates_.empty() && updates_.front().first < offset) updates_.pop_front();
  cv_.wait_for(lock, std::chrono::seconds(std::min<int64_t>(timeout, 50)),
               [&] { return stopping_ || !updates_.empty(); });
  json::array result;
  for (const auto& [id, text] : updates_) {
    if (static_cast<int64_t>(result.size()) >= limit) break;
    result.push_back(json::parse(text));
  }
  return Ok(result);
}

void FakeTelegram::PushUpdate(const std::string& update_json) {
  auto v = json::parse(update_json);
  {
    std::lock_guard lock(mu_);
    updates_.emplace_back(v.as_object().at("update_id").as_int64(), update_json);
  }
  cv_.notify_all();
}

void FakeTelegram::FailNext(const std::string& method, int times, int http_status, const std::string& body) {
  std::lock_guard lock(mu_);
  failures_[method] = {times, http_status, body};
}

void FakeTelegram::SetLatency(std::chrono::milliseconds latency) {
  std::lock_guard lock(mu_);
  latency_ = latency;
}

void FakeTelegram::SetWebhookUrl(const std::string& url) {
  std::lock_guard lock(mu_);
  webhook_url_ = url;
}

std::vector<RecordedCall> FakeTelegram::Calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::vector<RecordedCall> FakeTelegram::Calls(const std::string& method) const {
  std::lock_guard lock(mu_);
  std::vector<RecordedCall> out;
  for (const auto& c : calls_) {
    if (c.method == method) out.push_back(c);
  }
  return out;
}

size_t FakeTelegram::CountCalls(const std::string& method) const { return Calls(method).size(); }

bool FakeTelegram::WaitForCalls(const std::string& method, size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    size_t count = 0;
    for (const auto& c : calls_) count += c.method == method;
    return count >= n;
  });
}

void FakeTelegram::ClearCalls() {
  std::lock_guard lock(mu_);
  calls_.clear();
}

}  // namespace worthit::testing
