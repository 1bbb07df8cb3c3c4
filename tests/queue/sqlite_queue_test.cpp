// SQLite-specific behaviour beyond the contract: schema versioning, two handles on one file
// (as two processes would have), and refusing a file from a newer binary.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "queue/options.h"
#include "queue/queue.h"

namespace worthit::queue {
namespace {

class SqliteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("worthit-sqlite-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "sub" / "queue.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int64_t Pragma(const std::string& pragma) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, ("PRAGMA " + pragma).c_str(), -1, &s, nullptr);
    int64_t v = -1;
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
  }

  std::filesystem::path dir_;
  std::string path_;
  ManualClock clock_;
};

TEST_F(SqliteQueueTest, CreatesTheFileInWalModeAtTheLatestSchemaVersion) {
  auto q = OpenQueue("sqlite://" + path_, QueueOptions{}, clock_);
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(Pragma("user_version"), 1);
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteQueueTest, TwoHandlesShareOneQueueAndReopeningKeepsTasks) {
  auto a = std::move(OpenQueue("sqlite://" + path_, QueueOptions{}, clock_).value());
  auto b = std::move(OpenQueue("sqlite://" + path_, QueueOptions{}, clock_).value());
  const auto id = a->Enqueue("shared", KeyOpt("k")).value();
  EXPECT_EQ(b->Enqueue("dup", KeyOpt("k")).value(), id);
  auto leases = b->LeaseTasks("b", 5, std::chrono::milliseconds(0));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_TRUE(a->LeaseTasks("a", 5, std::chrono::milliseconds(0))->empty());
  ASSERT_TRUE(a->Ack(leases->front()).ok()) << "a lease is valid on any handle";
  a->Enqueue("kept", {}).value();
  a.reset();
  b.reset();
  auto c = std::move(OpenQueue("sqlite://" + path_, QueueOptions{}, clock_).value());
  auto s = c->Stats().value();
  EXPECT_EQ(s.ready, 1);
  EXPECT_EQ(s.enqueued_total, 2);
  EXPECT_EQ(s.acked_total, 1);
}

TEST_F(SqliteQueueTest, RefusesAFileFromANewerSchema) {
  { ASSERT_TRUE(OpenQueue("sqlite://" + path_, QueueOptions{}, clock_).ok()); }
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto q = OpenQueue("sqlite://" + path_, QueueOptions{}, clock_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "QUEUE_UNAVAILABLE");
  EXPECT_NE(q.error().message.find("newer"), std::string::npos) << q.error().message;
}

TEST_F(SqliteQueueTest, UnwritableLocationIsUnavailable) {
  auto q = OpenQueue("sqlite:///proc/worthit/queue.db", QueueOptions{}, clock_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "QUEUE_UNAVAILABLE");
}

}  // namespace
}  // namespace worthit::queue

namespace worthit::queue {
namespace {

// Memory and SQLite cannot write another store's records in their own transaction: they refuse
// (QUEUE_RECORDS_UNSUPPORTED) and enqueue nothing, rather than silently drop the records.
TEST(QueueRecords, MemoryAndSqliteRefuseRecordsAndEnqueueNothing) {
  ManualClock clock;
  const auto dir = std::filesystem::temp_directory_path() / "worthit-sqlite-records";
  std::filesystem::remove_all(dir);
  for (const std::string& url : {std::string("memory://"), "sqlite://" + (dir / "q.db").string()}) {
    auto q = OpenQueue(url, QueueOptions{}, clock);
    ASSERT_TRUE(q.ok()) << url;
    EXPECT_FALSE((*q)->SupportsRecords());
    auto id = (*q)->EnqueueWithRecords("t", KeyOpt("update:1"), {{"ack:1", "7:70", std::chrono::seconds(60)}});
    ASSERT_FALSE(id.ok()) << url;
    EXPECT_EQ(id.error().code, "QUEUE_RECORDS_UNSUPPORTED");
    EXPECT_EQ((*q)->Stats()->ready, 0) << url;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace worthit::queue
