// Process-level scenarios on the SQLite backend: several processes share one queue file.
#include "queue/process_scenarios.h"

namespace worthit::queue::testing {
namespace {

class SqliteProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("worthit-qproc-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ProcessScenarios Scenarios() { return ProcessScenarios("sqlite://" + (dir_ / "queue.db").string(), dir_); }
  std::filesystem::path dir_;
};

TEST_F(SqliteProcessTest, KilledConsumerLeaseIsTakenOverAfterExpiry) {
  Scenarios().KilledConsumerLeaseIsTakenOverAfterExpiry();
}
TEST_F(SqliteProcessTest, PoisonTaskIsDeadLetteredAfterMaxAttempts) {
  Scenarios().PoisonTaskIsDeadLetteredAfterMaxAttempts();
}
TEST_F(SqliteProcessTest, FourConsumersDrainTenThousandTasksExactlyOnce) {
  Scenarios().FourConsumersDrainEveryTaskExactlyOnce(10000);
}

}  // namespace
}  // namespace worthit::queue::testing
