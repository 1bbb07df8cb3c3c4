// Small builders for option structs in tests (designated initializers that leave fields out
// trip -Wmissing-field-initializers).
#pragma once

#include <chrono>
#include <string>

#include "queue/queue.h"
#include "support/redis_server.h"

namespace worthit::queue {

inline EnqueueOptions KeyOpt(std::string key) {
  EnqueueOptions o;
  o.idempotency_key = std::move(key);
  return o;
}
inline EnqueueOptions DelayOpt(std::chrono::milliseconds delay) {
  EnqueueOptions o;
  o.delay = delay;
  return o;
}
inline worthit::testing::RedisServerOptions AppendOnly() {
  worthit::testing::RedisServerOptions o;
  o.appendonly = true;
  return o;
}
inline worthit::testing::RedisServerOptions WithPassword(std::string password) {
  worthit::testing::RedisServerOptions o;
  o.password = std::move(password);
  return o;
}

}  // namespace worthit::queue
