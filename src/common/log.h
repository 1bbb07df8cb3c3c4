// Logging facade: structured events as `key=value` text or JSON lines, on stderr.
//
//   log::Info("webhook.accepted", {{"update_id", id}, {"chat_id", chat}});
//   log::Scope scope(log::Fields{{"task_id", task.id}});// added to every line this thread writes
//
// Secrets (bot token, webhook secret, Redis password) are registered once with AddSecret() and
// replaced by "***" in every line, whatever field or message they end up in, so a URL that embeds
// the token can never leak into logs. Backed by spdlog (one async-safe sink on stderr).
// Thread-safety: all functions are safe to call concurrently; Scope is per thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace worthit::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kText, kJson };

struct Field {
  std::string key;
  std::string value;
  bool quoted = true;  // JSON: string vs number/bool

  Field() = default;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, double v);
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
};

using Fields = std::vector<Field>;

// Parse "debug|info|warn|error" and "text|json"; false when unknown.
bool ParseLevel(std::string_view text, Level& out);
bool ParseFormat(std::string_view text, Format& out);

void Configure(Level level, Format format);
void AddSecret(std::string secret);
bool Enabled(Level level);

// Renders one line (without trailing newline) — exposed for tests.
std::string Render(Level level, std::string_view event, const Fields& fields, Format format);

void Write(Level level, std::string_view event, const Fields& fields = {});
inline void Debug(std::string_view event, const Fields& fields = {}) { Write(Level::kDebug, event, fields); }
inline void Info(std::string_view event, const Fields& fields = {}) { Write(Level::kInfo, event, fields); }
inline void Warn(std::string_view event, const Fields& fields = {}) { Write(Level::kWarn, event, fields); }
inline void Error(std::string_view event, const Fields& fields = {}) { Write(Level::kError, event, fields); }

// Adds fields to every line written by this thread while it lives (nested scopes stack).
class Scope {
 public:
  explicit Scope(Fields fields);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  size_t count_;
};

// Replace registered secrets in `text` by "***" (also used by error messages that echo URLs).
std::string Redact(std::string text);

}  // namespace worthit::log
