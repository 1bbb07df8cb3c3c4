#include "telegram/curl_bot_api.h"

#include <curl/curl.h>

#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <vector>

#include "common/curl_global.h"
#include "common/log.h"
#include "common/metrics.h"
#include "telegram/api_error.h"
#include "telegram/bot_api_wire.h"
#include "telegram/json_mapping.h"

namespace worthit::telegram {
namespace json = boost::json;

std::vector<std::string> DefaultAllowedUpdates() {
  return {"message", "edited_message", "channel_post", "callback_query", "inline_query", "my_chat_member"};
}

json::object SendMessageBody(const SendMessageRequest& req, json::storage_ptr sp) {
  json::object body(sp);
  body["chat_id"] = req.chat_id;
  body["text"] = req.text;
  if (!req.parse_mode.empty()) body["parse_mode"] = req.parse_mode;
  if (req.reply_to_message_id) {
    // allow_sending_without_reply: the user may have deleted their message meanwhile.
    body["reply_parameters"] =
        json::object({{"message_id", *req.reply_to_message_id}, {"allow_sending_without_reply", true}}, sp);
  }
  if (!req.reply_markup.empty()) body["reply_markup"] = detail::MarkupValue(req.reply_markup);
  if (req.disable_link_preview) body["link_preview_options"] = json::object({{"is_disabled", true}}, sp);
  return body;
}

std::string SerializeSendMessageBody(const SendMessageRequest& req) {
  unsigned char arena[2048];  // the DOM only lives while it is serialised; larger texts spill to the heap
  json::monotonic_resource mr(arena, sizeof arena);
  return json::serialize(SendMessageBody(req, &mr));
}

Result<Message> ReadMessageResult(std::string_view method, const std::string& text) {
  unsigned char arena[4096];  // as ParseUpdate: the DOM only lives while it is read
  json::monotonic_resource mr(arena, sizeof arena);
  json::error_code ec;
  auto v = json::parse(text, ec, &mr);
  if (ec || !v.is_object()) return Error::Transient("TELEGRAM_UNAVAILABLE", std::string(method) + ": bad result");
  auto m = detail::ReadMessage(v.as_object());
  if (!m) return Error::Transient("TELEGRAM_UNAVAILABLE", std::string(method) + ": result is not a Message");
  return std::move(*m);
}

Result<Message> ReadSendMessageResponse(long http_status, std::string_view body, std::string_view method) {
  // The success path parses once into a stack arena and reads the Message from the DOM in place;
  // anything else (an error, a result that is no object) takes the generic path, so the outcome is
  // exactly MapBotApiResponse followed by ReadMessageResult.
  unsigned char arena[4096];
  json::monotonic_resource mr(arena, sizeof arena);
  json::error_code ec;
  auto v = json::parse(body, ec, &mr);
  if (!ec && v.is_object() && (http_status == 0 || (http_status >= 200 && http_status < 300))) {
    const auto& o = v.as_object();
    const auto* result = o.if_contains("result");
    if (detail::BoolOr(o, "ok") && result != nullptr && result->is_object()) {
      auto m = detail::ReadMessage(result->as_object());
      if (!m) return Error::Transient("TELEGRAM_UNAVAILABLE", std::string(method) + ": result is not a Message");
      return std::move(*m);
    }
  }
  auto mapped = MapBotApiResponse(http_status, body, method);
  if (!mapped.ok()) return mapped.error();
  return ReadMessageResult(method, *mapped);
}

namespace {

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  // Bot API answers are small; 16 MiB caps a broken or hostile endpoint.
  constexpr size_t kMaxBody = 16u << 20;
  if (out->size() + size * n > kMaxBody) return 0;
  out->append(data, size * n);
  return size * n;
}

class CurlBotApi final : public BotApi {
 public:
  explicit CurlBotApi(CurlBotApiOptions options) : options_(std::move(options)) {
    EnsureCurlGlobalInit();
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
    if (!options_.token.empty()) log::AddSecret(options_.token);
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlBotApi::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlBotApi::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  }

  ~CurlBotApi() override {
    for (CURL* h : pool_) curl_easy_cleanup(h);
    curl_share_cleanup(share_);
  }

  Result<User> GetMe() override {
    auto r = Call("getMe", json::object{});
    if (!r.ok()) return r.error();
    auto v = json::parse(*r);
    if (!v.is_object()) return Error::Transient("TELEGRAM_UNAVAILABLE", "getMe: result is not an object");
    return detail::ReadUser(v.as_object());
  }

  Result<Message> SendMessage(const SendMessageRequest& req) override {
    auto r = Call("sendMessage", SendMessageBody(req));
    if (!r.ok()) return r.error();
    return ReadMessageResult("sendMessage", *r);
  }

  Status EditMessageText(const EditMessageTextRequest& req) override {
    json::object body;
    if (!req.inline_message_id.empty()) {
      body["inline_message_id"] = req.inline_message_id;
    } else {
      body["chat_id"] = req.chat_id;
      body["message_id"] = req.message_id;
    }
    body["text"] = req.text;
    if (!req.parse_mode.empty()) body["parse_mode"] = req.parse_mode;
    if (req.reply_markup) {
      ReplyMarkup m;
      m.inline_keyboard = *req.reply_markup;
      body["reply_markup"] = detail::MarkupValue(m);
    }
    if (req.disable_link_preview) body["link_preview_options"] = json::object{{"is_disabled", true}};
    return ToStatus(Call("editMessageText", std::move(body)));
  }

  Status DeleteMessage(int64_t chat_id, int64_t message_id) override {
    return ToStatus(Call("deleteMessage", json::object{{"chat_id", chat_id}, {"message_id", message_id}}));
  }

  Status AnswerCallbackQuery(const std::string& id, const std::string& text, bool show_alert) override {
    json::object body{{"callback_query_id", id}};
    if (!text.empty()) body["text"] = text;
    if (show_alert) body["show_alert"] = true;
    return ToStatus(Call("answerCallbackQuery", std::move(body)));
  }

  Status AnswerInlineQuery(const std::string& id, const std::vector<InlineQueryResultArticle>& results,
                           int cache_time_seconds) override {
    json::array arr;
    for (const auto& r : results) {
      json::object content{{"message_text", r.message_text}};
      if (!r.parse_mode.empty()) content["parse_mode"] = r.parse_mode;
      json::object item{{"type", "article"}, {"id", r.id}, {"title", r.title}, {"input_message_content", content}};
      if (!r.description.empty()) item["description"] = r.description;
      if (r.reply_markup) {
        ReplyMarkup m;
        m.inline_keyboard = *r.reply_markup;
        item["reply_markup"] = detail::MarkupValue(m);
      }
      arr.push_back(std::move(item));
    }
    return ToStatus(Call("answerInlineQuery",
                         json::object{{"inline_query_id", id}, {"results", arr}, {"cache_time", cache_time_seconds}}));
  }

  Status SendChatAction(int64_t chat_id, const std::string& action) override {
    return ToStatus(Call("sendChatAction", json::object{{"chat_id", chat_id}, {"action", action}}));
  }

  Status SetWebhook(const SetWebhookRequest& req) override {
    json::object body{{"url", req.url}, {"max_connections", req.max_connections}};
    if (!req.secret_token.empty()) body["secret_token"] = req.secret_token;
    json::array allowed;
    for (const auto& a : req.allowed_updates) allowed.push_back(json::string(a));
    body["allowed_updates"] = std::move(allowed);
    if (req.drop_pending_updates) body["drop_pending_updates"] = true;
    return ToStatus(Call("setWebhook", std::move(body)));
  }

  Status DeleteWebhook(bool drop_pending_updates) override {
    return ToStatus(Call("deleteWebhook", json::object{{"drop_pending_updates", drop_pending_updates}}));
  }

  Result<WebhookInfo> GetWebhookInfo() override {
    auto r = Call("getWebhookInfo", json::object{});
    if (!r.ok()) return r.error();
    auto v = json::parse(*r);
    if (!v.is_object()) return Error::Transient("TELEGRAM_UNAVAILABLE", "getWebhookInfo: result is not an object");
    const auto& o = v.as_object();
    WebhookInfo info;
    info.url = detail::StrOr(o, "url");
    info.pending_update_count = detail::IntOr(o, "pending_update_count");
    info.last_error_date = detail::IntOr(o, "last_error_date");
    info.last_error_message = detail::StrOr(o, "last_error_message");
    info.max_connections = detail::IntOr(o, "max_connections");
    if (const auto* a = o.if_contains("allowed_updates"); a && a->is_array()) {
      for (const auto& s : a->as_array()) {
        if (s.is_string()) info.allowed_updates.emplace_back(s.as_string());
      }
    }
    return info;
  }

  Result<std::vector<Update>> GetUpdates(const GetUpdatesRequest& req) override {
    json::object body{{"offset", req.offset}, {"limit", req.limit}, {"timeout", req.timeout_seconds}};
    json::array allowed;
    for (const auto& a : req.allowed_updates) allowed.push_back(json::string(a));
    body["allowed_updates"] = std::move(allowed);
    // The server holds the request for up to timeout seconds; give it that plus the normal budget.
    auto r = Call("getUpdates", std::move(body), std::chrono::seconds(req.timeout_seconds));
    if (!r.ok()) return r.error();
    return ParseUpdateArray(*r);
  }

  Status SetMyCommands(const std::vector<BotCommand>& commands, const std::string& language_code) override {
    json::array arr;
    for (const auto& c : commands) arr.push_back(json::object{{"command", c.command}, {"description", c.description}});
    json::object body{{"commands", arr}};
    if (!language_code.empty()) body["language_code"] = language_code;
    return ToStatus(Call("setMyCommands", std::move(body)));
  }

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlBotApi*>(user)->share_mu_[data % kShareLocks].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlBotApi*>(user)->share_mu_[data % kShareLocks].unlock();
  }

  static Status ToStatus(const Result<std::string>& r) {
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  CURL* Take() {
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (!h) return nullptr;
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    std::lock_guard lock(pool_mu_);
    pool_.push_back(h);
    return h;
  }

  void Give(CURL* h) {
    std::lock_guard lock(pool_mu_);
    idle_.push_back(h);
  }

  Result<std::string> Call(const std::string& method, json::object body,
                           std::chrono::seconds extra_timeout = std::chrono::seconds(0)) {
    static auto& latency =
        metrics::Registry::Global().GetHistogram("worthit_telegram_request_seconds", "Bot API call latency");
    const auto started = std::chrono::steady_clock::now();
    CURL* h = Take();
    if (!h) return NetworkError(method, "curl_easy_init failed");
    const std::string url = options_.base_url + "/bot" + options_.token + "/" + method;
    const std::string payload = json::serialize(body);
    std::string response;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.request_timeout.count() +
                                       std::chrono::duration_cast<std::chrono::milliseconds>(extra_timeout).count()));
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    Give(h);
    latency.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    Result<std::string> out =
        rc != CURLE_OK
            ? Result<std::string>(NetworkError(method, log::Redact(errbuf[0] ? errbuf : curl_easy_strerror(rc))))
            : MapBotApiResponse(status, response, method);
    metrics::Registry::Global()
        .GetCounter("worthit_telegram_calls_total", "Bot API calls by method and outcome",
                    {{"method", method}, {"outcome", out.ok() ? "ok" : out.error().code}})
        .Inc();
    if (!out.ok()) {
      log::Debug("telegram.call_failed", {{"method", method}, {"error", out.error().ToString()}});
    }
    return out;
  }

  static constexpr size_t kShareLocks = 8;
  CurlBotApiOptions options_;
  CURLSH* share_ = nullptr;
  std::mutex share_mu_[kShareLocks];
  std::mutex pool_mu_;
  std::vector<CURL*> pool_;
  std::vector<CURL*> idle_;
};

}  // namespace

std::unique_ptr<BotApi> MakeCurlBotApi(const CurlBotApiOptions& options) {
  return std::make_unique<CurlBotApi>(options);
}

}  // namespace worthit::telegram
