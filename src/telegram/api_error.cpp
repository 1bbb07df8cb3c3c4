#include "telegram/api_error.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "telegram/json_mapping.h"

namespace worthit::telegram {
namespace json = boost::json;
namespace {

constexpr std::string_view kMigratedPrefix = "migrate_to_chat_id=";

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower((unsigned char)a) == std::tolower((unsigned char)b);
  });
  return it != haystack.end();
}

}  // namespace

Result<std::string> MapBotApiResponse(long http_status, std::string_view body, std::string_view method) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    if (http_status == 429)
      return Error::RateLimited("TELEGRAM_RATE_LIMITED", std::string(method) + ": 429", std::chrono::seconds(1));
    if (http_status >= 400 && http_status < 500 && http_status != 408) {
      return Error::Permanent("TELEGRAM_BAD_REQUEST",
                              std::string(method) + ": HTTP " + std::to_string(http_status) + " without a JSON body");
    }
    if (http_status >= 300 && http_status < 400) {
      // The Bot API never redirects: TELEGRAM_API_URL names something else (http:// for https://,
      // a wrong path or host). Transient, so the updates wait for the fix (Telegram redelivers),
      // with an error that says what to fix instead of "not JSON".
      return Error::Transient("TELEGRAM_REDIRECTED", std::string(method) + ": HTTP " + std::to_string(http_status) +
                                                         ": the Bot API server answered with a redirect; set "
                                                         "TELEGRAM_API_URL to the URL it redirects to");
    }
    return Error::Transient("TELEGRAM_UNAVAILABLE",
                            std::string(method) + ": HTTP " + std::to_string(http_status) + ", body is not JSON");
  }
  const auto& o = v.as_object();
  if (detail::BoolOr(o, "ok") && (http_status == 0 || (http_status >= 200 && http_status < 300))) {
    const auto* result = o.if_contains("result");
    return result ? json::serialize(*result) : std::string("true");
  }
  const int64_t code = detail::IntOr(o, "error_code", http_status);
  const std::string description = detail::StrOr(o, "description");
  const std::string what = std::string(method) + ": " + (description.empty() ? "error" : description);
  if (const auto* params = detail::ObjectAt(o, "parameters")) {
    if (params->contains("retry_after")) {
      int64_t after = std::clamp<int64_t>(detail::IntOr(*params, "retry_after", 1), 1, kMaxRetryAfterSeconds);
      return Error::RateLimited("TELEGRAM_RATE_LIMITED", what, std::chrono::seconds(after));
    }
    if (params->contains("migrate_to_chat_id")) {
      return Error::Permanent("TELEGRAM_CHAT_MIGRATED",
                              what + " (" + std::string(kMigratedPrefix) +
                                  std::to_string(detail::IntOr(*params, "migrate_to_chat_id")) + ")");
    }
  }
  if (code == 429) return Error::RateLimited("TELEGRAM_RATE_LIMITED", what, std::chrono::seconds(1));
  if (code == 400 && ContainsNoCase(description, "message is not modified") && method.starts_with("editMessage")) {
    return std::string("true");
  }
  if (code == 400 && ContainsNoCase(description, "message to edit not found")) {
    return Error::Permanent("TELEGRAM_MESSAGE_NOT_FOUND", what);
  }
  if (code == 403) return Error::Permanent("TELEGRAM_FORBIDDEN", what);
  if (code == 401 || code == 404) return Error::Permanent("TELEGRAM_UNAUTHORIZED", what);
  if (code == 409) return Error::Permanent("TELEGRAM_CONFLICT", what);
  if (code >= 500 || code == 0) return Error::Transient("TELEGRAM_UNAVAILABLE", what);
  return Error::Invalid("TELEGRAM_BAD_REQUEST", what);
}

std::optional<int64_t> MigratedChatId(const Error& error) {
  if (error.code != "TELEGRAM_CHAT_MIGRATED") return std::nullopt;
  auto pos = error.message.find(kMigratedPrefix);
  if (pos == std::string::npos) return std::nullopt;
  try {
    return std::stoll(error.message.substr(pos + kMigratedPrefix.size()));
  } catch (...) {
    return std::nullopt;
  }
}

Error NetworkError(std::string_view method, std::string_view detail) {
  return Error::Transient("TELEGRAM_UNAVAILABLE", std::string(method) + ": " + std::string(detail));
}

}  // namespace worthit::telegram
