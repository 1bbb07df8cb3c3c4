#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <shared_mutex>

namespace worthit::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kText)};
std::shared_mutex g_secrets_mu;
std::vector<std::string> g_secrets;
thread_local Fields t_scope;

// A field given on the line wins over a scope field with the same key (no duplicate JSON keys when
// a caller logs update_id explicitly inside a Scope that already carries it).
bool Shadowed(const Field& scoped, const Fields& fields) {
  for (const auto& f : fields) {
    if (f.key == scoped.key) return true;
  }
  return false;
}

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto l = std::make_shared<spdlog::logger>("worthit", sink);
    l->set_pattern("%v");  // we format the whole line ourselves
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return logger;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

void AppendTextValue(std::string& out, std::string_view v) {
  if (NeedsQuotes(v)) {
    AppendJsonString(out, v);  // JSON escaping keeps one event on one line
  } else {
    out.append(v);
  }
}

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];  // roomy enough for any int the compiler can imagine (-Wformat-truncation)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), quoted(false) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  value = buf;
}

bool ParseLevel(std::string_view text, Level& out) {
  if (text == "debug")
    out = Level::kDebug;
  else if (text == "info")
    out = Level::kInfo;
  else if (text == "warn" || text == "warning")
    out = Level::kWarn;
  else if (text == "error")
    out = Level::kError;
  else
    return false;
  return true;
}

bool ParseFormat(std::string_view text, Format& out) {
  if (text == "text")
    out = Format::kText;
  else if (text == "json")
    out = Format::kJson;
  else
    return false;
  return true;
}

void Configure(Level level, Format format) {
  g_level = static_cast<int>(level);
  g_format = static_cast<int>(format);
}

void AddSecret(std::string secret) {
  // Very short "secrets" would redact ordinary words; they are not worth protecting anyway.
  if (secret.size() < 6) return;
  std::unique_lock lock(g_secrets_mu);
  for (const auto& s : g_secrets) {
    if (s == secret) return;
  }
  g_secrets.push_back(std::move(secret));
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

std::string Redact(std::string text) {
  std::shared_lock lock(g_secrets_mu);
  for (const auto& secret : g_secrets) {
    size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return text;
}

std::string Render(Level level, std::string_view event, const Fields& fields, Format format) {
  std::string out;
  out.reserve(128);
  if (format == Format::kJson) {
    out += "{\"ts\":";
    AppendJsonString(out, Timestamp());
    out += ",\"level\":";
    AppendJsonString(out, LevelName(level));
    out += ",\"event\":";
    AppendJsonString(out, event);
    auto append = [&](const Field& f) {
      out.push_back(',');
      AppendJsonString(out, f.key);
      out.push_back(':');
      if (f.quoted) {
        AppendJsonString(out, f.value);
      } else {
        out += f.value;
      }
    };
    for (const auto& f : t_scope) {
      if (!Shadowed(f, fields)) append(f);
    }
    for (const auto& f : fields) append(f);
    out.push_back('}');
  } else {
    out += Timestamp();
    out.push_back(' ');
    out += LevelName(level);
    out.push_back(' ');
    out += event;
    auto append = [&](const Field& f) {
      out.push_back(' ');
      out += f.key;
      out.push_back('=');
      AppendTextValue(out, f.value);
    };
    for (const auto& f : t_scope) {
      if (!Shadowed(f, fields)) append(f);
    }
    for (const auto& f : fields) append(f);
  }
  return Redact(std::move(out));
}

void Write(Level level, std::string_view event, const Fields& fields) {
  if (!Enabled(level)) return;
  const auto line = Render(level, event, fields, static_cast<Format>(g_format.load()));
  Logger()->info("{}", line);
}

Scope::Scope(Fields fields) : count_(fields.size()) {
  for (auto& f : fields) t_scope.push_back(std::move(f));
}

Scope::~Scope() { t_scope.resize(t_scope.size() - count_); }

}  // namespace worthit::log
