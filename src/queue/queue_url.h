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

}  // namespace worthit::queue
