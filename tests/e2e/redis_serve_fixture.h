// RedisServeFixture: what the end-to-end suites of `worthit serve` on Redis share — a real
// redis-server started per test (AOF on when asked, so a restart keeps acknowledged writes), the
// fake Bot API, a temp data dir and a free port; `serve` started with its queue and stores on that
// Redis, and product-link updates posted with the right secret. Each suite adds its own checks.
// Thread-safety: test thread only.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "support/fake_telegram.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/redis_server.h"
#include "support/telegram_updates.h"
#include "support/temp_dir.h"

namespace worthit::testing {

class RedisServeFixture : public ::testing::Test {
 protected:
  static constexpr const char* kSecret = "e2e-secret";

  explicit RedisServeFixture(RedisServerOptions redis_options = {}) : redis_(std::move(redis_options)) {}
  void SetUp() override { ASSERT_TRUE(redis_.Start()) << redis_.error(); }

  // `serve` on this test's Redis; `extra` overrides or adds environment keys.
  std::unique_ptr<ChildProcess> StartServe(const std::string& log,
                                           const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> env{{"TELEGRAM_TOKEN", FakeTelegram::kToken},
                                           {"TELEGRAM_API_URL", fake_.BaseUrl()},
                                           {"WEBHOOK_SECRET", kSecret},
                                           {"LISTEN_ADDR", "127.0.0.1"},
                                           {"PORT", std::to_string(port_)},
                                           {"DATA_DIR", dir_.path().string()},
                                           {"QUEUE_URL", redis_.Url()},
                                           {"BOT_USERNAME", "WorthItE2EBot"},
                                           {"SHUTDOWN_GRACE_SECONDS", "5"}};
    for (const auto& [k, v] : extra) env[k] = v;
    return std::make_unique<ChildProcess>(WorthitBinary(), std::vector<std::string>{"serve"}, env, dir_.File(log));
  }
  // One private-chat text update posted to the webhook; the HTTP status.
  int Post(int64_t update_id, int64_t chat, const std::string& text) {
    return HttpRequest("POST", port_, "/telegram/webhook",
                       {{"X-Telegram-Bot-Api-Secret-Token", kSecret}, {"Content-Type", "application/json"}},
                       PrivateTextUpdate(update_id, chat, text))
        .status;
  }

  FakeTelegram fake_;
  TempDir dir_;
  RedisServer redis_;
  uint16_t port_ = FreePort();
};

}  // namespace worthit::testing
