// SharedRedis: one real redis-server for a whole test binary, started on first use and stopped
// by its destructor at exit. A failed start is reported once as a test failure; callers then see
// the server's error on their first command. For suites whose tests each FLUSHALL or use their own
// keys; a test that kills or restarts Redis starts its own RedisServer instead.
// Thread-safety: first call from the test thread.
#pragma once

#include <gtest/gtest.h>

#include "support/redis_server.h"

namespace worthit::testing {

inline RedisServer& SharedRedis() {
  static RedisServer server;
  static const bool started = [] {
    const bool ok = server.Start();
    EXPECT_TRUE(ok) << server.error();
    return ok;
  }();
  (void)started;
  return server;
}

}  // namespace worthit::testing
