#include "common/config.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <thread>

#include "common/log.h"

extern char** environ;

namespace worthit {
namespace {

using T = ConfigType;

// The one table. Keep `meaning` to one sentence; say the unit in it.
const std::vector<ConfigKey> kKeys = {
    // Telegram
    {"TELEGRAM_TOKEN", "", T::kSecret,
     "The bot's token from @BotFather; without it `run` starts the local playground."},
    {"TELEGRAM_API_URL", "https://api.telegram.org", T::kUrl,
     "Bot API base URL (a self-hosted telegram-bot-api server, or a fake in tests)."},
    {"TELEGRAM_CA_FILE", "", T::kString,
     "PEM file of the CA that signs the Bot API server's certificate (a self-hosted server behind a private "
     "CA); empty: the system's trust store."},
    {"TELEGRAM_PIPELINE_DEPTH", "8", T::kInt,
     "Most acknowledgements `serve` writes at once on one Bot API connection (HTTP/1.1 pipelining), used only "
     "while the server answers within 5 ms on average (a local Bot API server); 1: one call per connection.",
     "1..32"},
    {"BOT_USERNAME", "", T::kString,
     "The bot's @username without @; asked from getMe at start when unset (used for /cmd@BotName in groups)."},
    {"BOT_PUBLISH_COMMANDS", "true", T::kBool,
     "Publish the command menu (setMyCommands) at start. Telegram keeps the menu, so serverless deployments set "
     "false to save two Bot API round trips per cold start (after one start with true)."},
    {"WEBHOOK_SECRET", "", T::kSecret,
     "Expected X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -); required by `serve`."},
    {"WEBHOOK_SECRET_PREVIOUS", "", T::kSecret,
     "Also accepted as the webhook secret while rotating it (set the old value, run `webhook set` with the new "
     "WEBHOOK_SECRET, then remove this key); docs/operations.md."},
    {"WEBHOOK_PATH", "/telegram/webhook", T::kString, "Path the webhook handler listens on."},
    {"WEBHOOK_URL", "", T::kUrl,
     "Public HTTPS URL Telegram posts to (`webhook set`; `run` sets it at start when given)."},
    {"WEBHOOK_MAX_CONNECTIONS", "40", T::kInt, "max_connections passed to setWebhook.", "1..100"},
    {"WEBHOOK_MAX_BODY_BYTES", "1048576", T::kInt, "Largest webhook body accepted, in bytes (larger: 413).",
     "1024..67108864"},
    {"LISTEN_ADDR", "0.0.0.0", T::kString, "Address `serve` / `run` listen on."},
    {"PORT", "8080", T::kInt, "Port `serve` / `run` listen on (as on Cloud Run).", "0..65535"},
    {"HTTP_THREADS", "1", T::kInt,
     "Threads serving HTTP in `serve` / `run` (and, with the event loop, running the link path: one thread "
     "never waits and takes several thousand link updates/s; more threads add hand-offs, not speed, below that).",
     "1..64"},
    {"HTTP_IDLE_TIMEOUT_SECONDS", "75", T::kInt,
     "Keep-alive idle timeout per connection, in seconds (a slow or half-open client is dropped).", "1..3600"},
    {"HTTP_HANDLER_THREADS", "32", T::kInt,
     "Threads running the bot with blocking calls (they wait on Telegram and the queue; Telegram opens up to "
     "WEBHOOK_MAX_CONNECTIONS at once): every webhook request when the event loop is off, else only callbacks, "
     "inline queries, /analisi and /popolari, plus /readyz and /metrics. 0 = inline: the HTTP_THREADS threads "
     "run the bot themselves (no hand-off between threads per request; then set HTTP_THREADS to the number of "
     "requests to handle at once).",
     "0..512"},
    {"WEBHOOK_EVENT_LOOP", "auto", T::kEnum,
     "`serve`: auto = when the queue and the stores are on one Redis (the deployed shape), product links, "
     "commands and hints run event-driven on the HTTP_THREADS threads (non-blocking Redis and Bot API "
     "clients: no thread waits for Telegram or Redis); off = every update runs on the HTTP_HANDLER_THREADS "
     "pool with blocking calls.",
     "auto|off"},
    {"POLL_TIMEOUT_SECONDS", "25", T::kInt, "Long-polling timeout for getUpdates, in seconds.", "0..50"},
    // Queue and storage
    {"DATA_DIR", "./data", T::kString, "Directory for SQLite files, stores and learned reviews."},
    {"QUEUE_URL", "", T::kUrl,
     "Queue backend: sqlite:///path/queue.db, redis://host:port/db or memory://; default "
     "sqlite://${DATA_DIR}/queue.db, or REDIS_URL when that is set."},
    {"STORE_URL", "", T::kUrl,
     "Stores (conversation state, languages, update dedupe, results, history, deliveries): sqlite://path, "
     "redis://host:port/db or memory://. Default: the queue's Redis when the queue is on Redis (so `serve` and "
     "`work` keep no state), else sqlite://$DATA_DIR/bot.db."},
    {"REDIS_URL", "", T::kUrl, "Redis URL used for the queue and stores when QUEUE_URL is unset."},
    {"REDIS_PREFIX", "worthit", T::kString,
     "Prefix of every Redis key (a {hash tag} is added so the layout works on Redis Cluster)."},
    {"LEASE_SECONDS", "60", T::kInt,
     "Visibility timeout of a leased task, in seconds; a task whose worker died is leased again after it.", "1..3600"},
    {"MAX_ATTEMPTS", "5", T::kInt, "Deliveries of a task before it goes to the dead-letter queue.", "1..50"},
    {"RETRY_BASE_MS", "2000", T::kInt,
     "First retry delay ceiling in milliseconds (exponential backoff with full jitter).", "1..600000"},
    {"RETRY_CAP_MS", "60000", T::kInt, "Largest retry delay ceiling in milliseconds (a chat user will not wait days).",
     "1..3600000"},
    {"IDEMPOTENCY_TTL_SECONDS", "172800", T::kInt,
     "How long an enqueue idempotency key (update_id) is remembered, in seconds (Telegram redelivers for 24 h).",
     "86400..2592000"},
    // Workers
    {"WORKER_CONCURRENCY", "", T::kInt, "Tasks in flight per `work` / `run` process; default twice the cores.",
     "1..1024"},
    {"RETRY_BUDGET_SECONDS", "600", T::kInt,
     "Transient failures of a task are retried while it is younger than this, in seconds; then the user gets the "
     "final message.",
     "1..86400"},
    {"METRICS_PORT", "", T::kInt,
     "`work`: serve /metrics, /healthz and /readyz on LISTEN_ADDR:METRICS_PORT (unset: no listener).", "0..65535"},
    {"SHUTDOWN_GRACE_SECONDS", "25", T::kInt,
     "On SIGTERM, how long in-flight tasks may run before they are handed back, in seconds.", "0..600"},
    {"PROGRESS_AFTER_MS", "1000", T::kInt,
     "A task's progress edit (\"🔍 ...\", \"✨ ...\") goes out only when the user has seen nothing new for this "
     "long, in milliseconds; 0 = one edit per stage.",
     "0..60000"},
    {"PROGRESS_STAGE_MS", "500", T::kInt,
     "...and only once its stage has been running this long, in milliseconds: a stage that ends sooner shows "
     "nothing and the card comes next; 0 = decided as the stage starts.",
     "0..60000"},
    {"CACHE_TTL_SECONDS", "21600", T::kInt, "How long a product's card is served from the cache, in seconds.",
     "0..2592000"},
    {"USER_RATE_PER_MINUTE", "6", T::kInt, "Product links one user may send per minute.", "1..1000"},
    {"USER_DAILY_QUOTA", "100", T::kInt, "Product links one user may send per day.", "1..100000"},
    {"TG_GLOBAL_RPS", "30", T::kInt, "Outbound Bot API messages per second for the whole bot.", "1..1000"},
    {"TG_CHAT_RPS", "1", T::kInt, "Outbound messages per second per private chat (short bursts allowed).", "1..100"},
    {"TG_GROUP_PER_MINUTE", "20", T::kInt, "Outbound messages per minute per group chat.", "1..1000"},
    // Fetching and analysis
    {"FETCH_ALLOW", "", T::kList,
     "Hosts or CIDRs exempt from the private-address block (tests, playground), comma-separated."},
    {"FETCH_TIMEOUT_SECONDS", "15", T::kInt, "Total time for fetching one page, redirects included, in seconds.",
     "1..300"},
    {"FETCH_CONNECT_TIMEOUT_SECONDS", "5", T::kInt, "Connect timeout per connection, in seconds.", "1..60"},
    {"FETCH_MAX_BYTES", "5242880", T::kInt,
     "Largest page body read, in bytes (decoded); larger pages fail FETCH_TOO_LARGE.", "1024..104857600"},
    {"FETCH_MAX_REDIRECTS", "5", T::kInt, "Redirects followed per fetch.", "0..20"},
    {"MODEL_PATH", "models/reviews.ftz", T::kString, "The fastText review model."},
    {"LEARN_REVIEWS", "false", T::kBool,
     "Keep the reviews seen on analysed pages (no names) for `train --from-store`."},
    // Logging
    {"LOG_LEVEL", "info", T::kEnum, "debug, info, warn or error.", "debug|info|warn|error"},
    {"LOG_FORMAT", "text", T::kEnum, "text (key=value) or json (one object per line, for log shippers).", "text|json"},
};

std::string_view TypeName(ConfigType t) {
  switch (t) {
    case T::kString: return "string";
    case T::kInt: return "integer";
    case T::kBool: return "boolean";
    case T::kUrl: return "URL";
    case T::kEnum: return "one of";
    case T::kList: return "list";
    case T::kSecret: return "secret";
  }
  return "string";
}

bool ParseInt(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseBool(std::string_view s, bool& out) {
  if (s == "1" || s == "true" || s == "yes" || s == "on")
    out = true;
  else if (s == "0" || s == "false" || s == "no" || s == "off")
    out = false;
  else
    return false;
  return true;
}

std::string Expand(std::string value, const Config::Map& values) {
  for (size_t pos; (pos = value.find("${")) != std::string::npos;) {
    const auto end = value.find('}', pos);
    if (end == std::string::npos) break;
    const auto name = value.substr(pos + 2, end - pos - 2);
    auto it = values.find(name);
    value.replace(pos, end - pos + 1, it == values.end() ? std::string() : it->second);
  }
  return value;
}

Status Validate(const ConfigKey& key, const std::string& value) {
  if (value.empty()) return OkStatus();
  auto bad = [&](const std::string& why) {
    return Error::Invalid("CONFIG_INVALID", std::string(key.name) + "=" +
                                                (key.type == T::kSecret ? std::string("***") : value) + ": " + why);
  };
  switch (key.type) {
    case T::kInt: {
      int64_t v = 0;
      if (!ParseInt(value, v)) return bad("not an integer");
      if (!key.allowed.empty()) {
        const auto dots = key.allowed.find("..");
        int64_t lo = 0, hi = 0;
        ParseInt(key.allowed.substr(0, dots), lo);
        ParseInt(key.allowed.substr(dots + 2), hi);
        if (v < lo || v > hi) return bad("must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      }
      break;
    }
    case T::kBool: {
      bool b = false;
      if (!ParseBool(value, b)) return bad("not a boolean (true/false)");
      break;
    }
    case T::kEnum: {
      std::string_view allowed = key.allowed;
      bool found = false;
      size_t start = 0;
      while (start <= allowed.size()) {
        auto bar = allowed.find('|', start);
        if (bar == std::string_view::npos) bar = allowed.size();
        if (allowed.substr(start, bar - start) == value) found = true;
        start = bar + 1;
      }
      if (!found) return bad("must be one of " + std::string(key.allowed));
      break;
    }
    case T::kUrl:
      if (value.find("://") == std::string::npos) return bad("not a URL (scheme://...)");
      break;
    default: break;
  }
  return OkStatus();
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() { return kKeys; }

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const auto& k : kKeys) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string RenderConfigMarkdown() {
  std::string out =
      "# Configuration\n\n"
      "<!-- Generated by `worthit config docs` from src/common/config.cpp; a test keeps them equal. -->\n\n"
      "Every key is read from the environment first; a command-line flag `--set KEY=VALUE` overrides it.\n"
      "Values are validated at start: a bad one stops the process with `CONFIG_INVALID` and the key's name.\n"
      "`${KEY}` in a default stands for that key's value.\n\n"
      "| key | default | type | meaning |\n|---|---|---|---|\n";
  for (const auto& k : kKeys) {
    std::string type(TypeName(k.type));
    if (k.type == T::kEnum) type += " `" + std::string(k.allowed) + "`";
    if (k.type == T::kInt && !k.allowed.empty()) type += " " + std::string(k.allowed);
    const std::string def = k.default_value.empty() ? "(unset)" : "`" + std::string(k.default_value) + "`";
    out += "| `" + std::string(k.name) + "` | " + def + " | " + type + " | " + std::string(k.meaning) + " |\n";
  }
  return out;
}

Result<Config> Config::Load(const Map& env, const Map& overrides) {
  for (const auto& [name, value] : overrides) {
    if (!FindConfigKey(name)) return Error::Invalid("CONFIG_INVALID", "unknown configuration key " + name);
  }
  Config config;
  // Raw values first (explicit ones), then defaults with ${} expansion against the raw values.
  for (const auto& k : kKeys) {
    const std::string name(k.name);
    if (auto it = overrides.find(name); it != overrides.end()) {
      config.values_[name] = it->second;
    } else if (auto e = env.find(name); e != env.end() && !e->second.empty()) {
      config.values_[name] = e->second;
    }
  }
  for (const auto& k : kKeys) {
    const std::string name(k.name);
    if (!config.values_.count(name)) config.values_[name] = Expand(std::string(k.default_value), config.values_);
  }
  // Derived defaults that a table cell cannot express.
  if (config.values_["QUEUE_URL"].empty()) {
    config.values_["QUEUE_URL"] = !config.values_["REDIS_URL"].empty()
                                      ? config.values_["REDIS_URL"]
                                      : "sqlite://" + config.values_["DATA_DIR"] + "/queue.db";
  }
  if (config.values_["WORKER_CONCURRENCY"].empty()) {
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    config.values_["WORKER_CONCURRENCY"] = std::to_string(2 * cores);
  }
  for (const auto& k : kKeys) {
    auto status = Validate(k, config.values_[std::string(k.name)]);
    if (!status.ok()) return status.error();
  }
  if (config.GetInt("RETRY_BASE_MS") > config.GetInt("RETRY_CAP_MS")) {
    return Error::Invalid("CONFIG_INVALID", "RETRY_BASE_MS must not exceed RETRY_CAP_MS");
  }
  for (const auto& secret : config.Secrets()) log::AddSecret(secret);
  return config;
}

Result<Config> Config::FromEnvironment(const Map& overrides) {
  Map env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return Load(env, overrides);
}

const std::string& Config::Get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("unknown configuration key " + std::string(name));
  return it->second;
}

int64_t Config::GetInt(std::string_view name) const {
  int64_t v = 0;
  ParseInt(Get(name), v);
  return v;
}

bool Config::GetBool(std::string_view name) const {
  bool b = false;
  ParseBool(Get(name), b);
  return b;
}

std::vector<std::string> Config::GetList(std::string_view name) const {
  std::vector<std::string> out;
  const std::string& raw = Get(name);
  size_t start = 0;
  while (start <= raw.size()) {
    auto comma = raw.find(',', start);
    if (comma == std::string::npos) comma = raw.size();
    std::string item = raw.substr(start, comma - start);
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> out;
  for (const auto& k : kKeys) {
    if (k.type != T::kSecret) continue;
    const auto& v = Get(k.name);
    if (!v.empty()) out.push_back(v);
  }
  return out;
}

Config Config::With(std::string_view name, std::string value) const {
  Config copy = *this;
  copy.values_[std::string(name)] = std::move(value);
  return copy;
}

}  // namespace worthit
