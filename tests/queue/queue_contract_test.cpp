// The contract suite on the in-process and SQLite backends (fake clock, no external server).
#include "queue/queue_contract.h"

namespace worthit::queue::testing {

using LocalBackends = ::testing::Types<MemoryHarness, SqliteHarness>;
INSTANTIATE_TYPED_TEST_SUITE_P(Local, QueueContract, LocalBackends);

}  // namespace worthit::queue::testing
