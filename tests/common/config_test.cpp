#include "common/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace worthit {
namespace {

TEST(ConfigTest, DefaultsAndDerivedValues) {
  auto config = Config::Load({{"DATA_DIR", "/var/lib/worthit"}});
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->Get("WEBHOOK_PATH"), "/telegram/webhook");
  EXPECT_EQ(config->GetInt("PORT"), 8080);
  EXPECT_EQ(config->Get("QUEUE_URL"), "sqlite:///var/lib/worthit/queue.db");
  EXPECT_GE(config->GetInt("WORKER_CONCURRENCY"), 2);
  EXPECT_FALSE(config->Has("TELEGRAM_TOKEN"));
}

TEST(ConfigTest, RedisUrlIsTheQueueWhenQueueUrlIsUnset) {
  auto config = Config::Load({{"REDIS_URL", "redis://127.0.0.1:6379/0"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->Get("QUEUE_URL"), "redis://127.0.0.1:6379/0");
}

TEST(ConfigTest, OverridesWinOverEnvironment) {
  auto config = Config::Load({{"PORT", "9000"}}, {{"PORT", "9100"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetInt("PORT"), 9100);
}

TEST(ConfigTest, BadValueNamesTheKey) {
  auto config = Config::Load({{"PORT", "eighty"}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, "CONFIG_INVALID");
  EXPECT_NE(config.error().message.find("PORT"), std::string::npos);

  auto range = Config::Load({{"PORT", "70000"}});
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().message.find("between 0 and 65535"), std::string::npos);

  auto level = Config::Load({{"LOG_LEVEL", "loud"}});
  ASSERT_FALSE(level.ok());
  EXPECT_NE(level.error().message.find("LOG_LEVEL"), std::string::npos);
}

TEST(ConfigTest, UnknownOverrideIsRejected) {
  auto config = Config::Load({}, {{"PROT", "1"}});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("PROT"), std::string::npos);
}

TEST(ConfigTest, SecretValuesNeverAppearInErrors) {
  auto config = Config::Load({{"WEBHOOK_SECRET", "s3cr3t-value"}, {"PORT", "x"}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message.find("s3cr3t-value"), std::string::npos);
}

TEST(ConfigTest, ListsAreTrimmed) {
  auto config = Config::Load({{"FETCH_ALLOW", " 127.0.0.1 , localhost,,"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetList("FETCH_ALLOW"), (std::vector<std::string>{"127.0.0.1", "localhost"}));
}

TEST(ConfigTest, UnknownKeyLookupIsAProgrammingError) {
  auto config = Config::Load({});
  ASSERT_TRUE(config.ok());
  EXPECT_THROW(config->Get("NOPE"), std::logic_error);
}

TEST(ConfigTest, DocsAreGeneratedFromTheTable) {
  std::ifstream in(std::string(WORTHIT_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), RenderConfigMarkdown())
      << "docs/configuration.md is stale: run `worthit config docs > docs/configuration.md`";
}

}  // namespace
}  // namespace worthit
