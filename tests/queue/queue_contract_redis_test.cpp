// The contract suite on Redis Streams, against a redis-server this test starts (label `redis`).
#include "queue/queue_contract.h"

namespace worthit::queue::testing {

using RedisBackend = ::testing::Types<RedisHarness>;
INSTANTIATE_TYPED_TEST_SUITE_P(Redis, QueueContract, RedisBackend);

}  // namespace worthit::queue::testing
