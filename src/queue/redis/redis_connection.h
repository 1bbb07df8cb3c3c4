// RedisClient: a small thread-safe pool of synchronous hiredis connections for the Redis queue.
//
// Ownership: the client owns its connections; a call borrows one for its duration (pipelines
// and blocking reads included) and returns it, so N threads use up to kMaxConnections sockets.
// Failure handling:
// - A connection that fails mid-call is discarded and the call fails with QUEUE_UNAVAILABLE
//   (the command may or may not have run: callers retry; Enqueue's idempotency key makes that safe).
// - Connecting is retried with exponential backoff (kReconnectMin..kReconnectMax); while in the
//   backoff window every call fails fast with QUEUE_UNAVAILABLE instead of hanging, so webhooks
//   and workers can report "not ready" and Telegram redelivers.
// - Lua scripts are loaded by SHA on first use and reloaded after NOSCRIPT (Redis restarted).
// Thread-safety: all public methods are safe to call concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "queue/queue_url.h"

struct redisContext;
struct redisReply;

namespace worthit::queue::redis {

// An owned copy of a hiredis reply tree.
struct Reply {
  enum class Type { kNil, kString, kStatus, kError, kInteger, kArray };
  Type type = Type::kNil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool IsError() const { return type == Type::kError; }
  bool IsNil() const { return type == Type::kNil; }
  // Integer replies, or strings holding a number; fallback otherwise.
  long long AsInt(long long fallback = 0) const;
};

struct Script {
  std::string source;
  std::string sha;  // filled by SCRIPT LOAD; guarded by the client's mutex
};

using Command = std::vector<std::string>;

// A key or value built from parts in one allocation: `a + "x" + b` allocates for each `+` that
// outgrows the string (a Redis key under a prefix never fits the small-string buffer), and the
// front door builds a dozen keys per update.
inline std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (const auto p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (const auto p : parts) out.append(p);
  return out;
}

// A command from its arguments, each moved in (a braced `Command{...}` copies every string out of
// its initializer_list, one more allocation per argument that outgrows the small-string buffer).
template <class... Args>
Command MakeCommand(Args&&... args) {
  Command c;
  c.reserve(sizeof...(args));
  (c.emplace_back(std::forward<Args>(args)), ...);
  return c;
}

// A Script with its sha already computed (SHA-1 of the source, hex, as Redis names scripts), so
// EVALSHA can go out in a pipeline without a SCRIPT LOAD round trip first. A NOSCRIPT answer (Redis
// restarted) still means: send it once with EVAL, or through EvalMany, which loads it.
Script MakeScript(std::string source);
bool IsNoScript(const Reply& reply);
// `verb` ("EVALSHA" or "EVAL") sha-or-source numkeys keys... args...
Command EvalCommand(const char* verb, const std::string& sha_or_source, const Command& keys, const Command& args);
// The same, with keys and args moved in.
Command EvalCommand(const char* verb, const std::string& sha_or_source, Command&& keys, Command&& args);
// An owned copy of a hiredis reply (also used by AsyncRedisClient, which parses with hiredis's reader).
Reply ConvertReply(const redisReply* reply);

class RedisClient {
 public:
  explicit RedisClient(RedisEndpoint endpoint);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends all commands in one write, reads all replies (one round trip). Error replies are
  // returned as Reply{kError}; only transport failures make the Result an error.
  Result<std::vector<Reply>> Pipeline(const std::vector<Command>& commands,
                                      std::chrono::milliseconds timeout = kCommandTimeout);
  Result<Reply> Call(const Command& command, std::chrono::milliseconds timeout = kCommandTimeout);
  // EVALSHA for each (keys, args) pair, pipelined; transparently loads the script when Redis
  // does not know it (first use, or after a restart).
  Result<std::vector<Reply>> EvalMany(Script& script, const std::vector<std::pair<Command, Command>>& calls);
  Result<Reply> Eval(Script& script, const Command& keys, const Command& args);
  // One EVALSHA per call, of possibly different scripts, pipelined in order (one round trip);
  // scripts Redis does not know are loaded and their calls sent again (after the others, which
  // only matters for calls that depend on each other's effects).
  struct ScriptCall {
    Script* script;
    Command keys;
    Command args;
  };
  // `before`: plain commands sent first in the same pipeline (their replies come first, in order;
  // a NOSCRIPT retry never sends them again). Taken by value: callers move theirs in.
  Result<std::vector<Reply>> EvalEach(const std::vector<ScriptCall>& calls, std::vector<Command> before = {});

  // A command that would not answer in this time means Redis is wedged or the network is gone.
  static constexpr std::chrono::milliseconds kCommandTimeout{5000};

 private:
  struct Connection;
  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> connection);
  Result<std::unique_ptr<Connection>> Connect();
  void MarkDown();
  Result<std::string> LoadScript(const std::string& source);
  // The sha of `script`, loaded into Redis on first use.
  Result<std::string> ShaOf(Script& script);
  // EVALSHA `commands` (commands[i] runs scripts[i]; null: a plain command) in one pipeline; the
  // calls answered NOSCRIPT run again after their scripts are loaded.
  Result<std::vector<Reply>> PipelineScripts(const std::vector<Command>& commands, const std::vector<Script*>& scripts);

  const RedisEndpoint endpoint_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
  std::chrono::steady_clock::time_point down_until_{};
  std::chrono::milliseconds backoff_{0};
};

}  // namespace worthit::queue::redis
