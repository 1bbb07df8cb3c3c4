// RedisServer: a real redis-server (/usr/bin/redis-server) started by a test on a free
// 127.0.0.1 port in its own temporary directory, stopped and removed by the destructor.
//
// Tests that use it carry the ctest label `redis`. Start() waits (bounded) until the server
// answers PING. Kill() is SIGKILL (a crash); Restart() starts it again on the same port and
// directory, so with appendonly the data comes back. Command() runs one command through a fresh
// connection (setup, FLUSHALL, inspection).
// Thread-safety: one owner thread; Url()/port() may be read from any thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace worthit::testing {

struct RedisServerOptions {
  bool appendonly = false;  // AOF with appendfsync always: every acknowledged write survives
  std::string password;     // requirepass when non-empty
};

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // false (with a message in error()) when the server did not come up in time.
  bool Start();
  void Stop();     // SIGTERM, wait for exit (a clean shutdown flushes the AOF)
  void Kill();     // SIGKILL, wait for exit
  bool Restart();  // start again on the same port and directory
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string Url() const;
  const std::string& error() const { return error_; }

  // Runs one command; returns the reply rendered as text (strings, integers, arrays joined by
  // '\n'), or "ERR:<message>" on an error reply or transport failure.
  std::string Command(const std::vector<std::string>& args) const;

 private:
  bool Launch();
  void WaitExit();

  RedisServerOptions options_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string error_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int FreeLoopbackPort();

}  // namespace worthit::testing
