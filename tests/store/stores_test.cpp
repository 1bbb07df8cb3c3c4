#include <gtest/gtest.h>

#include "store/sqlite_db.h"
#include "store/sqlite_stores.h"
#include "store/store_factory.h"
#include "support/temp_dir.h"

namespace worthit::store {
namespace {

using namespace std::chrono_literals;

// The same contract for every backend: memory:// and sqlite:// in a temp dir.
class StoresTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam() == "sqlite" ? "sqlite://" + dir_.File("sub/bot.db") : "memory://";
    auto s = OpenFrontDoorStores(url_, clock_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    stores_ = *s;
  }
  worthit::testing::TempDir dir_;
  ManualClock clock_;
  std::string url_;
  FrontDoorStores stores_;
};

TEST_P(StoresTest, ChatStateExpires) {
  auto& c = *stores_.conversations;
  EXPECT_FALSE(c.GetChatState(1)->has_value());
  ASSERT_TRUE(c.SetChatState(1, {ChatMode::kAwaitingLink, clock_.NowMillis() + 60000}).ok());
  auto s = c.GetChatState(1);
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->mode, ChatMode::kAwaitingLink);
  EXPECT_FALSE(c.GetChatState(2)->has_value());
  clock_.Advance(60s);
  EXPECT_FALSE(c.GetChatState(1)->has_value());
  ASSERT_TRUE(c.SetChatState(1, {ChatMode::kAwaitingLink, clock_.NowMillis() + 60000}).ok());
  ASSERT_TRUE(c.ClearChatState(1).ok());
  EXPECT_FALSE(c.GetChatState(1)->has_value());
}

TEST_P(StoresTest, UserLanguage) {
  auto& c = *stores_.conversations;
  EXPECT_FALSE(c.GetUserLanguage(9)->has_value());
  ASSERT_TRUE(c.SetUserLanguage(9, "en").ok());
  ASSERT_TRUE(c.SetUserLanguage(9, "it").ok());
  EXPECT_EQ(**c.GetUserLanguage(9), "it");
  EXPECT_TRUE(c.Ping().ok());
}

TEST_P(StoresTest, DedupeKeptForRetentionThenPruned) {
  auto& u = *stores_.updates;
  EXPECT_FALSE(*u.IsHandled(100));
  ASSERT_TRUE(u.MarkHandled(100, "enqueued").ok());
  ASSERT_TRUE(u.MarkHandled(100, "enqueued").ok());  // idempotent
  EXPECT_TRUE(*u.IsHandled(100));
  clock_.Advance(24h);
  EXPECT_EQ(*u.Prune(), 0);
  EXPECT_TRUE(*u.IsHandled(100)) << "must survive Telegram's 24 h redelivery window";
  clock_.Advance(kUpdateRetention);
  EXPECT_GE(*u.Prune(), 1);
  EXPECT_FALSE(*u.IsHandled(100));
}

TEST_P(StoresTest, AckRecordsAndCursors) {
  auto& u = *stores_.updates;
  EXPECT_FALSE(u.GetAck(5)->has_value());
  ASSERT_TRUE(u.PutAck(5, {77, 1001}).ok());
  auto a = u.GetAck(5);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->chat_id, 77);
  EXPECT_EQ((*a)->message_id, 1001);
  EXPECT_FALSE(u.GetCursor("poll_offset")->has_value());
  ASSERT_TRUE(u.SetCursor("poll_offset", 12).ok());
  ASSERT_TRUE(u.SetCursor("poll_offset", 13).ok());
  EXPECT_EQ(**u.GetCursor("poll_offset"), 13);
  EXPECT_TRUE(u.Ping().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoresTest, ::testing::Values("memory", "sqlite"));

TEST(SqliteStores, SurviveReopen) {
  worthit::testing::TempDir dir;
  ManualClock clock;
  const std::string url = "sqlite://" + dir.File("bot.db");
  {
    auto s = OpenFrontDoorStores(url, clock);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(s->conversations->SetChatState(3, {ChatMode::kAwaitingLink, clock.NowMillis() + 60000}).ok());
    ASSERT_TRUE(s->updates->MarkHandled(44, "command").ok());
    ASSERT_TRUE(s->updates->PutAck(45, {3, 9}).ok());
  }
  auto s = OpenFrontDoorStores(url, clock);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->conversations->GetChatState(3)->has_value());
  EXPECT_TRUE(*s->updates->IsHandled(44));
  EXPECT_EQ((*s->updates->GetAck(45))->message_id, 9);
  auto version = SqliteDb::Open(dir.File("bot.db"), {});
  ASSERT_TRUE(version.ok());
  auto rows = (*version)->Query("PRAGMA user_version");
  EXPECT_EQ(std::get<int64_t>((*rows)[0][0]), static_cast<int64_t>(FrontDoorMigrations().size()));
  auto mode = (*version)->Query("PRAGMA journal_mode");
  EXPECT_EQ(std::get<std::string>((*mode)[0][0]), "wal");
}

TEST(SqliteStores, TwoConnectionsShareState) {
  // Two processes (here: two connections) behind one file see each other's state: /cerca in one,
  // the link in the other.
  worthit::testing::TempDir dir;
  ManualClock clock;
  const std::string url = "sqlite://" + dir.File("bot.db");
  auto a = OpenFrontDoorStores(url, clock);
  auto b = OpenFrontDoorStores(url, clock);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->conversations->SetChatState(8, {ChatMode::kAwaitingLink, clock.NowMillis() + 60000}).ok());
  EXPECT_TRUE(b->conversations->GetChatState(8)->has_value());
}

TEST(SqliteDb, CachedStatementsRebindAndRecoverFromErrors) {
  // Statements are prepared once and reused: each call must see only its own parameters, and a
  // call that failed (constraint) must leave the statement usable for the next one.
  worthit::testing::TempDir dir;
  auto db = SqliteDb::Open(dir.File("t.db"), {"CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL)"});
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  const std::string insert = "INSERT INTO t(k, v) VALUES(?1, ?2)";
  ASSERT_TRUE((*db)->Exec(insert, {int64_t{1}, std::string("a")}).ok());
  auto dup = (*db)->Exec(insert, {int64_t{1}, std::string("b")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "STORE_UNAVAILABLE");
  // Fewer parameters than placeholders: the earlier binding must not leak into this call.
  EXPECT_FALSE((*db)->Exec(insert, {int64_t{2}}).ok());
  ASSERT_TRUE((*db)->Exec(insert, {int64_t{2}, std::string("c")}).ok());
  for (int64_t k : {1, 2}) {
    auto rows = (*db)->Query("SELECT v FROM t WHERE k=?1", {k});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(std::get<std::string>((*rows)[0][0]), k == 1 ? "a" : "c");
  }
  auto none = (*db)->Query("SELECT v FROM t WHERE k=?1", {int64_t{3}});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(StoreFactory, RejectsUnknownUrls) {
  EXPECT_EQ(OpenFrontDoorStores("mysql://127.0.0.1:3306").error().code, "STORE_INVALID_URL");
  EXPECT_EQ(OpenFrontDoorStores("redis://127.0.0.1:notaport").error().code, "STORE_INVALID_URL");
  EXPECT_EQ(OpenFrontDoorStores("sqlite://").error().code, "STORE_INVALID_URL");
  EXPECT_EQ(SqlitePathFromUrl("sqlite:///abs/x.db"), "/abs/x.db");
  EXPECT_EQ(SqlitePathFromUrl("sqlite://./data/x.db"), "./data/x.db");
}

TEST(StoreFactory, UnwritablePathIsUnavailable) {
  auto r = OpenFrontDoorStores("sqlite:///proc/worthit-cannot/x.db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
}

}  // namespace
}  // namespace worthit::store
