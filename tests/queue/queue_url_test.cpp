#include "queue/queue_url.h"

#include <gtest/gtest.h>

#include "queue/queue.h"

namespace worthit::queue {
namespace {

TEST(QueueUrl, Memory) { EXPECT_TRUE(std::holds_alternative<MemoryEndpoint>(ParseQueueUrl("memory://").value())); }

TEST(QueueUrl, SqliteAbsoluteAndRelative) {
  EXPECT_EQ(std::get<SqliteEndpoint>(ParseQueueUrl("sqlite:///var/lib/worthit/queue.db").value()).path,
            "/var/lib/worthit/queue.db");
  EXPECT_EQ(std::get<SqliteEndpoint>(ParseQueueUrl("sqlite://./data/queue.db").value()).path, "./data/queue.db");
  EXPECT_EQ(std::get<SqliteEndpoint>(ParseQueueUrl("sqlite://data/queue.db").value()).path, "data/queue.db");
  EXPECT_FALSE(ParseQueueUrl("sqlite://").ok());
}

TEST(QueueUrl, RedisForms) {
  auto plain = std::get<RedisEndpoint>(ParseQueueUrl("redis://127.0.0.1:6380/2").value());
  EXPECT_EQ(plain.host, "127.0.0.1");
  EXPECT_EQ(plain.port, 6380);
  EXPECT_EQ(plain.db, 2);
  EXPECT_EQ(plain.password, "");
  auto defaults = std::get<RedisEndpoint>(ParseQueueUrl("redis://cache").value());
  EXPECT_EQ(defaults.port, 6379);
  EXPECT_EQ(defaults.db, 0);
  auto auth = std::get<RedisEndpoint>(ParseQueueUrl("redis://:s%40cret@redis.internal:6379/0").value());
  EXPECT_EQ(auth.password, "s@cret");
  EXPECT_EQ(auth.username, "");
  auto acl = std::get<RedisEndpoint>(ParseQueueUrl("redis://bot:pw@h:1").value());
  EXPECT_EQ(acl.username, "bot");
  EXPECT_EQ(acl.password, "pw");
  auto v6 = std::get<RedisEndpoint>(ParseQueueUrl("redis://[::1]:7000").value());
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 7000);
}

TEST(QueueUrl, InvalidUrlsNameTheProblemWithoutThePassword) {
  for (const char* bad : {"", "postgres://x", "redis://", "redis://h:notaport", "redis://h:70000", "redis://h:1/db",
                          "rediss://h:1", "queue.db"}) {
    auto r = ParseQueueUrl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "QUEUE_INVALID_URL") << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  }
  auto r = ParseQueueUrl("redis://:hunter2@h:bad");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

// SameRedis: one server, database and user, however the URLs spell them.
TEST(QueueUrl, SameRedisIgnoresSpellingOnly) {
  const std::string base = "redis://127.0.0.1:6379";
  EXPECT_TRUE(SameRedis(base, base));
  EXPECT_TRUE(SameRedis(base, "redis://127.0.0.1:6379/0"));  // db 0 is the default
  EXPECT_TRUE(SameRedis(base, "redis://127.0.0.1"));         // so is port 6379
  EXPECT_TRUE(SameRedis(base, "redis://127.0.0.1:6379/"));
  EXPECT_TRUE(SameRedis("redis://[::1]:7000/3", "redis://[::1]:7000/3"));
  EXPECT_TRUE(SameRedis("redis://:s%40cret@h/2", "redis://:s@cret@h:6379/2"));  // the password decoded
  EXPECT_TRUE(SameRedis("redis://bot:pw@h:1", "redis://bot:pw@h:1/0"));
}

TEST(QueueUrl, SameRedisTellsServersDatabasesAndUsersApart) {
  const std::string base = "redis://127.0.0.1:6379/0";
  EXPECT_FALSE(SameRedis(base, "redis://127.0.0.1:6379/1"));  // another database: other keys
  EXPECT_FALSE(SameRedis(base, "redis://127.0.0.1:6380/0"));
  EXPECT_FALSE(SameRedis(base, "redis://127.0.0.2:6379/0"));
  EXPECT_FALSE(SameRedis(base, "redis://localhost:6379/0"));  // names are not resolved
  EXPECT_FALSE(SameRedis(base, "redis://:pw@127.0.0.1:6379/0"));
  EXPECT_FALSE(SameRedis("redis://a:pw@127.0.0.1", "redis://b:pw@127.0.0.1"));  // ACL users may see other keys
  EXPECT_FALSE(SameRedis("redis://:pw1@127.0.0.1", "redis://:pw2@127.0.0.1"));
  // The endpoint form is the same rule (the result store and the limiter compare endpoints).
  auto a = std::get<RedisEndpoint>(ParseQueueUrl(base).value());
  auto b = std::get<RedisEndpoint>(ParseQueueUrl("redis://127.0.0.1").value());
  EXPECT_TRUE(SameRedis(a, b));
  b.db = 4;
  EXPECT_FALSE(SameRedis(a, b));
}

// Only two valid redis:// URLs can be the same Redis. There is no Unix-socket form: such URLs are
// invalid, so never the same as anything (the stores then keep their own writes).
TEST(QueueUrl, SameRedisNeedsTwoRedisUrls) {
  EXPECT_FALSE(SameRedis("memory://", "memory://"));
  EXPECT_FALSE(SameRedis("sqlite:///tmp/q.db", "sqlite:///tmp/q.db"));
  EXPECT_FALSE(SameRedis("redis://127.0.0.1", "sqlite:///tmp/q.db"));
  EXPECT_FALSE(SameRedis("redis://h:bad", "redis://h:bad"));
  EXPECT_FALSE(SameRedis("redis:///run/redis.sock", "redis:///run/redis.sock"));
  EXPECT_FALSE(SameRedis("unix:///run/redis.sock", "unix:///run/redis.sock"));
}

TEST(QueueUrl, OpenQueueRejectsAnInvalidUrl) {
  auto q = OpenQueue("ftp://nope", QueueOptions{});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "QUEUE_INVALID_URL");
}

}  // namespace
}  // namespace worthit::queue
