#include "queue/redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <sys/time.h>

#include <algorithm>

#include "common/log.h"

namespace worthit::queue::redis {
namespace {

// Sockets per client: enough for a worker's lease loop plus its concurrent acks, retries and a
// blocked XREADGROUP, few enough not to crowd Redis's maxclients with many worker processes.
constexpr int kMaxConnections = 16;
// How long a caller waits for a free pooled connection before giving up as unavailable.
constexpr auto kPoolWait = std::chrono::milliseconds(5000);
// Connect timeout: Redis answers a TCP connect on a LAN in well under a millisecond.
constexpr auto kConnectTimeout = std::chrono::milliseconds(1000);
// Reconnect backoff window: first retry after 100 ms, doubling to 5 s while Redis stays down.
constexpr auto kReconnectMin = std::chrono::milliseconds(100);
constexpr auto kReconnectMax = std::chrono::milliseconds(5000);

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Reply Convert(const redisReply* r);

}  // namespace

Reply ConvertReply(const redisReply* r) { return Convert(r); }

namespace {

Reply Convert(const redisReply* r) {
  Reply out;
  if (!r) return out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default: break;
  }
  return out;
}

Error Unavailable(const std::string& what) { return Error::Transient("QUEUE_UNAVAILABLE", "redis: " + what); }

}  // namespace

Script MakeScript(std::string source) {
  // EVALSHA names a script by the SHA-1 of its source, as SCRIPT LOAD computes it (OpenSSL's
  // one-shot digest; it cannot fail for SHA-1 on an in-memory buffer).
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(source.data(), source.size(), digest, &size, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return Script{std::move(source), std::move(hex)};
}

bool IsNoScript(const Reply& reply) { return reply.IsError() && reply.str.rfind("NOSCRIPT", 0) == 0; }

namespace {
// "verb sha-or-source numkeys", with room for the keys and args that follow.
Command EvalHead(const char* verb, const std::string& sha_or_source, size_t keys, size_t args) {
  Command c;
  c.reserve(3 + keys + args);
  c.emplace_back(verb);
  c.push_back(sha_or_source);
  c.push_back(std::to_string(keys));
  return c;
}
}  // namespace

Command EvalCommand(const char* verb, const std::string& sha_or_source, const Command& keys, const Command& args) {
  Command c = EvalHead(verb, sha_or_source, keys.size(), args.size());
  c.insert(c.end(), keys.begin(), keys.end());
  c.insert(c.end(), args.begin(), args.end());
  return c;
}

Command EvalCommand(const char* verb, const std::string& sha_or_source, Command&& keys, Command&& args) {
  Command c = EvalHead(verb, sha_or_source, keys.size(), args.size());
  c.insert(c.end(), std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
  c.insert(c.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  return c;
}

long long Reply::AsInt(long long fallback) const {
  if (type == Type::kInteger) return integer;
  if (type == Type::kString || type == Type::kStatus) {
    try {
      return std::stoll(str);
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

struct RedisClient::Connection {
  redisContext* ctx = nullptr;
  // The socket timeout last set on ctx: redisSetTimeout is two setsockopt calls, so it is only
  // called when a call needs a different timeout (most use kCommandTimeout).
  std::chrono::milliseconds timeout{-1};
  void SetTimeout(std::chrono::milliseconds t) {
    if (t == timeout) return;
    redisSetTimeout(ctx, ToTimeval(t));
    timeout = t;
  }
  ~Connection() {
    if (ctx) redisFree(ctx);
  }
};

RedisClient::RedisClient(RedisEndpoint endpoint) : endpoint_(std::move(endpoint)) {}
RedisClient::~RedisClient() = default;

Result<std::unique_ptr<RedisClient::Connection>> RedisClient::Connect() {
  auto conn = std::make_unique<Connection>();
  const timeval tv = ToTimeval(kConnectTimeout);
  conn->ctx = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  const std::string where = endpoint_.host + ":" + std::to_string(endpoint_.port);
  if (!conn->ctx) return Unavailable("cannot allocate a connection");
  if (conn->ctx->err) return Unavailable("cannot connect to " + where + ": " + conn->ctx->errstr);
  redisEnableKeepAlive(conn->ctx);
  auto simple = [&](std::vector<std::string> args) -> Result<Reply> {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* raw =
        static_cast<redisReply*>(redisCommandArgv(conn->ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!raw) return Unavailable(std::string("connection to ") + where + " failed: " + conn->ctx->errstr);
    Reply reply = Convert(raw);
    freeReplyObject(raw);
    return reply;
  };
  conn->SetTimeout(kCommandTimeout);
  if (!endpoint_.password.empty()) {
    auto r = endpoint_.username.empty() ? simple({"AUTH", endpoint_.password})
                                        : simple({"AUTH", endpoint_.username, endpoint_.password});
    if (!r.ok()) return r.error();
    if (r->IsError()) return Unavailable("AUTH failed at " + where + ": " + log::Redact(r->str));
  }
  if (endpoint_.db != 0) {
    auto r = simple({"SELECT", std::to_string(endpoint_.db)});
    if (!r.ok()) return r.error();
    if (r->IsError()) return Unavailable("SELECT " + std::to_string(endpoint_.db) + " failed: " + r->str);
  }
  return conn;
}

void RedisClient::MarkDown() {
  backoff_ = backoff_.count() == 0 ? std::chrono::milliseconds(kReconnectMin)
                                   : std::min(backoff_ * 2, std::chrono::milliseconds(kReconnectMax));
  down_until_ = std::chrono::steady_clock::now() + backoff_;
}

Result<std::unique_ptr<RedisClient::Connection>> RedisClient::Acquire() {
  std::unique_lock lock(mu_);
  const auto give_up = std::chrono::steady_clock::now() + kPoolWait;
  while (true) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (std::chrono::steady_clock::now() < down_until_) {
      return Unavailable("down, next reconnect attempt in " +
                         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            down_until_ - std::chrono::steady_clock::now())
                                            .count()) +
                         " ms");
    }
    if (open_ < kMaxConnections) {
      ++open_;
      lock.unlock();
      auto conn = Connect();
      lock.lock();
      if (!conn.ok()) {
        --open_;
        const bool was_up = backoff_.count() == 0;
        MarkDown();
        if (was_up) log::Warn("queue.redis_down", {{"error", conn.error().message}});
        cv_.notify_all();
        return conn.error();
      }
      if (backoff_.count() != 0) log::Info("queue.redis_reconnected", {{"host", endpoint_.host}});
      backoff_ = std::chrono::milliseconds(0);
      return conn;
    }
    if (cv_.wait_until(lock, give_up) == std::cv_status::timeout) {
      return Unavailable("all " + std::to_string(kMaxConnections) + " connections busy");
    }
  }
}

void RedisClient::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  if (connection) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  cv_.notify_one();
}

Result<std::vector<Reply>> RedisClient::Pipeline(const std::vector<Command>& commands,
                                                 std::chrono::milliseconds timeout) {
  auto acquired = Acquire();
  if (!acquired.ok()) return acquired.error();
  auto conn = std::move(acquired.value());
  conn->SetTimeout(timeout);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& command : commands) {
    argv.clear();
    lens.clear();
    for (const auto& a : command) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(conn->ctx, static_cast<int>(argv.size()), argv.data(), lens.data());
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(conn->ctx, &raw) != REDIS_OK || !raw) {
      std::string why = conn->ctx->errstr;
      conn.reset();
      Release(nullptr);
      {
        std::lock_guard lock(mu_);
        // A broken connection usually means Redis went away: drop the idle ones too, they are
        // as dead, and let the next call reconnect (with backoff if it fails again).
        open_ -= static_cast<int>(idle_.size());
        idle_.clear();
      }
      return Unavailable("connection lost: " + why);
    }
    replies.push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  Release(std::move(conn));
  return replies;
}

Result<Reply> RedisClient::Call(const Command& command, std::chrono::milliseconds timeout) {
  auto replies = Pipeline({command}, timeout);
  if (!replies.ok()) return replies.error();
  return std::move(replies->front());
}

Result<std::string> RedisClient::LoadScript(const std::string& source) {
  auto reply = Call({"SCRIPT", "LOAD", source});
  if (!reply.ok()) return reply.error();
  if (reply->IsError()) return Unavailable("SCRIPT LOAD failed: " + reply->str);
  return reply->str;
}

Result<std::string> RedisClient::ShaOf(Script& script) {
  {
    std::lock_guard lock(mu_);
    if (!script.sha.empty()) return script.sha;
  }
  auto loaded = LoadScript(script.source);
  if (!loaded.ok()) return loaded.error();
  std::lock_guard lock(mu_);
  script.sha = loaded.value();
  return script.sha;
}

Result<std::vector<Reply>> RedisClient::PipelineScripts(const std::vector<Command>& commands,
                                                        const std::vector<Script*>& scripts) {
  auto replies = Pipeline(commands);
  if (!replies.ok()) return replies;
  // NOSCRIPT: Redis restarted or SCRIPT FLUSH ran; those calls did not execute. Load their scripts
  // (each once) and send the same commands again: a script's sha is the SHA-1 of its source.
  std::vector<size_t> again;
  std::vector<Script*> loaded;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (scripts[i] == nullptr || !IsNoScript((*replies)[i])) continue;
    again.push_back(i);
    if (std::find(loaded.begin(), loaded.end(), scripts[i]) != loaded.end()) continue;
    if (auto ok = LoadScript(scripts[i]->source); !ok.ok()) return ok.error();
    loaded.push_back(scripts[i]);
  }
  if (again.empty()) return replies;
  std::vector<Command> retry;
  retry.reserve(again.size());
  for (auto i : again) retry.push_back(commands[i]);
  auto second = Pipeline(retry);
  if (!second.ok()) return second.error();
  for (size_t k = 0; k < again.size(); ++k) (*replies)[again[k]] = std::move((*second)[k]);
  return replies;
}

Result<std::vector<Reply>> RedisClient::EvalMany(Script& script,
                                                 const std::vector<std::pair<Command, Command>>& calls) {
  auto sha = ShaOf(script);
  if (!sha.ok()) return sha.error();
  std::vector<Command> commands;
  commands.reserve(calls.size());
  for (const auto& [keys, args] : calls) commands.push_back(EvalCommand("EVALSHA", *sha, keys, args));
  return PipelineScripts(commands, std::vector<Script*>(calls.size(), &script));
}

Result<std::vector<Reply>> RedisClient::EvalEach(const std::vector<ScriptCall>& calls, std::vector<Command> before) {
  std::vector<Command> commands = std::move(before);
  std::vector<Script*> scripts(commands.size(), nullptr);
  commands.reserve(commands.size() + calls.size());
  scripts.reserve(commands.size() + calls.size());
  for (const auto& call : calls) {
    auto sha = ShaOf(*call.script);
    if (!sha.ok()) return sha.error();
    commands.push_back(EvalCommand("EVALSHA", *sha, call.keys, call.args));
    scripts.push_back(call.script);
  }
  return PipelineScripts(commands, scripts);
}

Result<Reply> RedisClient::Eval(Script& script, const Command& keys, const Command& args) {
  auto replies = EvalMany(script, {{keys, args}});
  if (!replies.ok()) return replies.error();
  return std::move(replies->front());
}

}  // namespace worthit::queue::redis
