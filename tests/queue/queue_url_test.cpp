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

TEST(QueueUrl, OpenQueueRejectsAnInvalidUrl) {
  auto q = OpenQueue("ftp://nope", QueueOptions{});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "QUEUE_INVALID_URL");
}

}  // namespace
}  // namespace worthit::queue
