// QUEUE_URL parsing (pure): memory://, sqlite:///abs/path.db, sqlite://relative/path.db,
// redis://[:password@]host[:port][/db] (also redis://user:password@host). Anything else is
// QUEUE_INVALID_URL (invalid input) with a message naming what is wrong; the password never
// appears in a message.
#pragma once

#include <string>
#include <variant>

#include "common/result.h"

namespace worthit::queue {

struct MemoryEndpoint {};

struct SqliteEndpoint {
  std::string path;  // as given: absolute, or relative to the working directory
};

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string username;  // "" = default user
  std::string password;  // "" = no AUTH
};

using QueueEndpoint = std::variant<MemoryEndpoint, SqliteEndpoint, RedisEndpoint>;

Result<QueueEndpoint> ParseQueueUrl(const std::string& url);

// "Same Redis", the one rule for whether two clients see the same keys (the queue's and the
// stores' for the atomic intake, app/front_door.h; a result store's and a limiter's, store/
// redis_stores.cpp): host, port, database and credentials all equal (another user may see other
// keys under ACLs). Parsed, so spelling does not count: redis://h and redis://h:6379/0 are the
// same. Names are not resolved: localhost and 127.0.0.1 differ, which costs only the slower path.
// The key prefix is not part of the URL: callers whose clients may differ in it compare it too.
bool SameRedis(const RedisEndpoint& a, const RedisEndpoint& b);
// Both URLs redis:// and SameRedis once parsed; false for anything else (other schemes, invalid).
bool SameRedis(const std::string& url_a, const std::string& url_b);

}  // namespace worthit::queue
