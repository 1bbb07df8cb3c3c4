// AsyncRedisClient: one non-blocking Redis connection driven by an Asio io_context, for the
// event-driven front door (`serve` on Redis): no thread ever waits for a Redis answer.
//
// Pipelining: commands from concurrent callers go out together (the write is deferred until the
// handlers already queued on the io_context have run, and everything submitted while the previous
// write was on the wire is sent in one write) and replies are matched to callers in order (Redis
// answers a connection's commands in order). The client runs on StrandFor(io) (common/io_strand.h):
// the io_context's one shared strand when a single thread runs it, so Pipeline from a handler of
// the webhook or the Bot API client submits inline instead of posting. Commands are encoded and replies parsed by
// hiredis (redisFormatSdsCommandArgv, redisReader); the socket, timers and reconnection are Asio's.
// Ownership: the client owns its socket; an internal state object lives while an operation of it is
// pending in the io_context (handlers hold it), so destroying the client is safe at any time
// (pending calls then fail with QUEUE_UNAVAILABLE if the io_context still runs them).
// Failure modes (all QUEUE_UNAVAILABLE, transient; the caller answers 5xx and Telegram redelivers):
// - connect refused / AUTH or SELECT refused; while reconnect backoff runs (100 ms doubling to 5 s)
//   calls fail at once instead of waiting;
// - the connection breaks or a reply takes longer than `timeout`: every call in flight on that
//   connection fails (a command may or may not have run: callers rely on idempotent writes), the
//   socket is closed, and the next call reconnects.
// Error replies of single commands (WRONGTYPE, NOSCRIPT...) are replies, not failures.
// Thread-safety: Pipeline() may be called from any thread; `done` runs on the client's strand
// (never inline in Pipeline) and must not block.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "common/result.h"
#include "queue/queue_url.h"
#include "queue/redis/redis_connection.h"

namespace boost::asio {
class io_context;
}

namespace worthit::queue::redis {

class AsyncRedisClient {
 public:
  using Callback = std::function<void(Result<std::vector<Reply>>)>;

  AsyncRedisClient(boost::asio::io_context& io, RedisEndpoint endpoint,
                   std::chrono::milliseconds timeout = RedisClient::kCommandTimeout);
  ~AsyncRedisClient();
  AsyncRedisClient(const AsyncRedisClient&) = delete;
  AsyncRedisClient& operator=(const AsyncRedisClient&) = delete;

  // Sends the commands and calls `done` with one reply per command, in order.
  void Pipeline(std::vector<Command> commands, Callback done);
  // One script call: EVALSHA, and on NOSCRIPT (Redis restarted) once more with EVAL.
  void Eval(const Script& script, Command keys, Command args, std::function<void(Result<Reply>)> done);
  // Fails what is in flight and closes the connection; later calls reconnect.
  void Close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// EVALSHA sha numkeys keys... args... (EVAL with the source when `with_source`).
Command ScriptCommand(const Script& script, const Command& keys, const Command& args, bool with_source = false);
// EVALSHA with the keys and args moved in (no copy of each).
Command ScriptCommand(const Script& script, Command&& keys, Command&& args);

}  // namespace worthit::queue::redis
