#include "queue/queue_url.h"

#include <charconv>
#include <string_view>

namespace worthit::queue {
namespace {

Error Invalid(const std::string& why) { return Error::Invalid("QUEUE_INVALID_URL", "QUEUE_URL: " + why); }

bool ParseInt(std::string_view text, int& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && ptr == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

Result<QueueEndpoint> ParseRedis(std::string_view rest) {
  RedisEndpoint endpoint;
  // Strip path (db) first.
  std::string_view authority = rest;
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      endpoint.username = PercentDecode(userinfo.substr(0, colon));
      endpoint.password = PercentDecode(userinfo.substr(colon + 1));
    } else {
      endpoint.password = PercentDecode(userinfo);  // redis://secret@host: the password alone
    }
  }
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:6379
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("unterminated IPv6 address in redis URL");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':' || !ParseInt(after.substr(1), endpoint.port)) return Invalid("bad port in redis URL");
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!ParseInt(authority.substr(colon + 1), endpoint.port)) return Invalid("bad port in redis URL");
  }
  if (host.empty()) return Invalid("redis URL has no host");
  if (endpoint.port < 1 || endpoint.port > 65535) return Invalid("redis port out of range");
  endpoint.host = std::string(host);
  if (!path.empty() && !ParseInt(path, endpoint.db)) return Invalid("redis database must be a number");
  if (endpoint.db < 0 || endpoint.db > 15000) return Invalid("redis database out of range");
  return QueueEndpoint{endpoint};
}

}  // namespace

Result<QueueEndpoint> ParseQueueUrl(const std::string& url) {
  const std::string_view text(url);
  if (text == "memory://" || text == "memory:" || text == "memory") return QueueEndpoint{MemoryEndpoint{}};
  constexpr std::string_view kSqlite = "sqlite://";
  constexpr std::string_view kRedis = "redis://";
  if (text.starts_with(kSqlite)) {
    // sqlite:///abs/path.db → "/abs/path.db"; sqlite://rel/path.db → "rel/path.db".
    std::string path(text.substr(kSqlite.size()));
    if (path.empty() || path == "/") return Invalid("sqlite URL has no file path");
    return QueueEndpoint{SqliteEndpoint{path}};
  }
  if (text.starts_with(kRedis)) return ParseRedis(text.substr(kRedis.size()));
  if (text.starts_with("rediss://")) return Invalid("TLS (rediss://) is not supported; use a local TLS proxy");
  auto scheme_end = text.find("://");
  return Invalid(scheme_end == std::string_view::npos ? "expected memory://, sqlite://PATH or redis://HOST:PORT/DB"
                                                      : "unknown scheme \"" + std::string(text.substr(0, scheme_end)) +
                                                            "\" (expected memory, sqlite or redis)");
}

bool SameRedis(const RedisEndpoint& a, const RedisEndpoint& b) {
  return a.host == b.host && a.port == b.port && a.db == b.db && a.username == b.username && a.password == b.password;
}

bool SameRedis(const std::string& url_a, const std::string& url_b) {
  auto a = ParseQueueUrl(url_a);
  auto b = ParseQueueUrl(url_b);
  if (!a.ok() || !b.ok()) return false;
  const auto* ra = std::get_if<RedisEndpoint>(&*a);
  const auto* rb = std::get_if<RedisEndpoint>(&*b);
  return ra != nullptr && rb != nullptr && SameRedis(*ra, *rb);
}

}  // namespace worthit::queue
