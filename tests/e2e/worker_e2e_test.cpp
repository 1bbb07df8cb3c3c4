// End-to-end: the whole loop with the real `worthit` binary — intake (`run` polling on SQLite, or
// `serve` + `work` processes on a real Redis), workers, a local product-page server and the fake
// Telegram on 127.0.0.1 — checking that every product link ends in exactly one card carrying the
// right product's title and price (or exactly one right final message), through worker crashes,
// a Redis restart, 429s and SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "support/fake_telegram.h"
#include "support/http_client.h"
#include "support/page_server.h"
#include "support/process.h"
#include "support/product_pages.h"
#include "support/redis_server.h"
#include "support/telegram_updates.h"
#include "support/temp_dir.h"

namespace worthit {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::FakeTelegram;
using testing::PageServer;

// Generous: a loaded 2-core machine. Waits end as soon as the condition holds.
constexpr auto kWait = 180s;
constexpr int64_t kChatBase = 500000;
const std::string kSecret = "e2e-worker-secret";

std::string UpdateJson(int64_t update_id, int64_t chat, const std::string& text) {
  return testing::PrivateTextUpdate(update_id, chat, text);
}

bool IsCard(const std::string& text) { return text.find("💰 ") != std::string::npos && text.find("<b>") == 0; }

// What each chat received: messages that became cards (edited acks by message_id, plus new
// messages) and final error texts.
struct Tally {
  std::map<int64_t, std::set<std::string>> card_messages;  // chat → {"edit:<id>" | "send:<n>"}
  std::map<int64_t, std::vector<std::string>> card_texts;
  std::map<int64_t, std::set<std::string>> final_messages;  // chat → distinct final texts per message
  std::map<int64_t, int> final_count;
};

Tally Count(const FakeTelegram& fake) {
  Tally t;
  int sends = 0;
  std::map<std::pair<int64_t, std::string>, std::string> last_text;  // (chat, message) → text
  for (const auto& c : fake.Calls()) {
    if (c.method != "sendMessage" && c.method != "editMessageText") continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(c.body, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    if (!o.contains("chat_id") || !o.contains("text")) continue;
    const int64_t chat = o.at("chat_id").to_number<int64_t>();
    const std::string text(o.at("text").as_string());
    const std::string msg = c.method == "editMessageText"
                                ? "edit:" + std::to_string(o.at("message_id").to_number<int64_t>())
                                : "send:" + std::to_string(++sends);
    if (IsCard(text)) {
      t.card_messages[chat].insert(msg);
      t.card_texts[chat].push_back(text);
    } else if (text.find("Riprova") != std::string::npos || text.find("non sembra") != std::string::npos ||
               text.find("Mi dispiace") != std::string::npos) {
      // A final error: counted once per message it was put into (a repeated identical edit of the
      // same message is the same message for the user).
      if (last_text[{chat, msg}] != text) t.final_count[chat]++;
      t.final_messages[chat].insert(text);
    }
    last_text[{chat, msg}] = text;
  }
  return t;
}

class WorkerE2E : public ::testing::Test {
 protected:
  void AddProducts(int n) {
    for (int i = 0; i < n; ++i) {
      PageServer::Response r;
      r.body = testing::ProductPage(i);
      shop_.Route("/p/" + std::to_string(i), r);
    }
  }
  std::string Link(int i) const { return shop_.Url("/p/" + std::to_string(i)); }

  std::map<std::string, std::string> Env() {
    return {{"TELEGRAM_TOKEN", FakeTelegram::kToken},
            {"TELEGRAM_API_URL", fake_.BaseUrl()},
            {"BOT_USERNAME", FakeTelegram::kBotUsername},
            {"WEBHOOK_SECRET", kSecret},
            {"LISTEN_ADDR", "127.0.0.1"},
            {"PORT", std::to_string(port_)},
            {"DATA_DIR", dir_.path().string()},
            {"MODEL_PATH", std::string(WORTHIT_SOURCE_DIR) + "/models/reviews.ftz"},
            {"FETCH_ALLOW", "127.0.0.1"},
            {"FETCH_TIMEOUT_SECONDS", "2"},
            {"POLL_TIMEOUT_SECONDS", "1"},
            {"SHUTDOWN_GRACE_SECONDS", "10"},
            {"LEASE_SECONDS", "3"},
            {"RETRY_BASE_MS", "100"},
            {"RETRY_CAP_MS", "500"},
            {"WORKER_CONCURRENCY", "6"},
            {"TG_GLOBAL_RPS", "1000"},
            {"USER_RATE_PER_MINUTE", "1000"},
            {"USER_DAILY_QUOTA", "100000"},
            {"LOG_LEVEL", "warn"}};
  }
  std::unique_ptr<ChildProcess> Start(const std::string& name, const std::vector<std::string>& args,
                                      std::map<std::string, std::string> extra = {}) {
    auto env = Env();
    for (auto& [k, v] : extra) env[k] = v;
    return std::make_unique<ChildProcess>(testing::WorthitBinary(), args, env, dir_.File(name + ".log"));
  }
  // Like Telegram: POST until 200 (a 5xx or no answer means "deliver again", which Telegram does
  // after a pause of its own, here 3.5 s: longer than any retry_after the fake hands out), bounded.
  bool Post(int64_t update_id, int64_t chat, const std::string& text) {
    const std::string body = UpdateJson(update_id, chat, text);
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = testing::HttpRequest(
          "POST", port_, "/telegram/webhook",
          {{"X-Telegram-Bot-Api-Secret-Token", kSecret}, {"Content-Type", "application/json"}}, body);
      if (r.status == 200) return true;
      std::this_thread::sleep_for(3500ms);
    }
    return false;
  }
  bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  }
  size_t ChatsWithCards() const { return Count(fake_).card_messages.size(); }
  bool AllCards(int n) {
    return WaitFor([&] { return ChatsWithCards() >= static_cast<size_t>(n); });
  }
  // Exactly one card per link, each with its own product's title and price, and no error text.
  void ExpectExactlyOneCardEach(int n) {
    // Let any late duplicate show up before judging.
    std::this_thread::sleep_for(1500ms);
    const Tally t = Count(fake_);
    int ok = 0;
    for (int i = 0; i < n; ++i) {
      const int64_t chat = kChatBase + i;
      auto it = t.card_messages.find(chat);
      ASSERT_NE(it, t.card_messages.end()) << "no card for link " << i;
      EXPECT_EQ(it->second.size(), 1u) << "link " << i << " got " << it->second.size() << " card messages";
      for (const auto& text : t.card_texts.at(chat)) {
        EXPECT_NE(text.find(testing::ProductTitle(i) + "</b>"), std::string::npos) << text;
        EXPECT_NE(text.find(testing::ProductPriceShown(i)), std::string::npos) << text;
      }
      EXPECT_EQ(t.final_count.count(chat), 0u) << "link " << i << " also got an error message";
      ok += it->second.size() == 1;
    }
    EXPECT_EQ(ok, n);
  }

  FakeTelegram fake_;
  testing::TempDir dir_;
  PageServer shop_;
  uint16_t port_ = testing::FreePort();
};

// --- one machine: `run` (long polling + workers + SQLite queue in one process) ----------------

TEST_F(WorkerE2E, RunOnSqliteDeliversExactlyOneRightCardPerLink) {
  constexpr int kLinks = 200;
  AddProducts(kLinks);
  auto run = Start("run", {"run"});
  for (int i = 0; i < kLinks; ++i) fake_.PushUpdate(UpdateJson(1000 + i, kChatBase + i, "guarda " + Link(i)));
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << " of " << kLinks << "\n" << run->Log().substr(0, 4000);
  ExpectExactlyOneCardEach(kLinks);
  run->Signal(SIGTERM);
  EXPECT_EQ(run->Wait(60s), 0) << run->Log().substr(0, 4000);
}

TEST_F(WorkerE2E, RunWithWebhookKeysTakesUpdatesByWebhook) {
  constexpr int kLinks = 30;
  AddProducts(kLinks);
  auto run =
      Start("run", {"run"}, {{"WEBHOOK_URL", "http://127.0.0.1:" + std::to_string(port_) + "/telegram/webhook"}});
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << run->Log();
  ASSERT_TRUE(fake_.WaitForCalls("setWebhook", 1, kWait));
  EXPECT_EQ(fake_.CountCalls("getUpdates"), 0u);
  for (int i = 0; i < kLinks; ++i) ASSERT_TRUE(Post(1000 + i, kChatBase + i, Link(i)));
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << "\n" << run->Log().substr(0, 4000);
  ExpectExactlyOneCardEach(kLinks);
  run->Signal(SIGTERM);
  EXPECT_EQ(run->Wait(60s), 0) << run->Log().substr(0, 4000);
}

// --- many processes: `serve` + 2 `work` on Redis ----------------------------------------------

class RedisE2E : public WorkerE2E {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()) << redis_.error(); }
  std::map<std::string, std::string> RedisEnv() { return {{"QUEUE_URL", redis_.Url()}, {"STORE_URL", redis_.Url()}}; }
  testing::RedisServer redis_{testing::RedisServerOptions{true, ""}};
};

TEST_F(RedisE2E, ServeAndTwoWorkersDeliverExactlyOneRightCardPerLink) {
  constexpr int kLinks = 200;
  AddProducts(kLinks);
  auto serve = Start("serve", {"serve"}, RedisEnv());
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  auto w1 = Start("work1", {"work"}, RedisEnv());
  auto w2 = Start("work2", {"work"}, RedisEnv());
  for (int i = 0; i < kLinks; ++i) ASSERT_TRUE(Post(1000 + i, kChatBase + i, Link(i))) << serve->Log();
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << "\n" << w1->Log().substr(0, 3000);
  ExpectExactlyOneCardEach(kLinks);
  for (auto* p : {serve.get(), w1.get(), w2.get()}) p->Signal(SIGTERM);
  for (auto* p : {serve.get(), w1.get(), w2.get()}) EXPECT_EQ(p->Wait(60s), 0) << p->Log().substr(0, 3000);
}

// --- scripts/local-cluster: redis (AOF) + serve + 2 work, started the way compose would ------

// The operator's loopback cluster (issue 8): the script starts its own redis-server, `serve` and
// two `work` processes; 20 links posted to its webhook end in exactly one right card each, and a
// SIGTERM to the script stops everything (exit 0) and removes its working directory.
TEST_F(WorkerE2E, LocalClusterScriptDeliversExactlyOneRightCardPerLink) {
  constexpr int kLinks = 20;
  AddProducts(kLinks);
  const std::string cluster_dir = dir_.File("cluster");
  auto env = Env();
  env.erase("PORT");      // --port below
  env.erase("DATA_DIR");  // the script's own, under --dir
  auto cluster = std::make_unique<ChildProcess>(
      std::string(WORTHIT_SOURCE_DIR) + "/scripts/local-cluster",
      std::vector<std::string>{"--workers", "2", "--bin", testing::WorthitBinary(), "--port", std::to_string(port_),
                               "--telegram-api-url", fake_.BaseUrl(), "--fetch-allow", "127.0.0.1", "--dir",
                               cluster_dir},
      env, dir_.File("local-cluster.log"));
  ASSERT_TRUE(WaitFor([&] { return cluster->Log().find("local-cluster: ready") != std::string::npos; }))
      << cluster->Log();
  const std::string log = cluster->Log();
  EXPECT_NE(log.find("work-0 http://127.0.0.1:"), std::string::npos) << log;
  EXPECT_NE(log.find("work-1 http://127.0.0.1:"), std::string::npos) << log;
  for (int i = 0; i < kLinks; ++i) ASSERT_TRUE(Post(1000 + i, kChatBase + i, "vale la pena? " + Link(i))) << log;
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << " of " << kLinks << "\n" << cluster->Log();
  ExpectExactlyOneCardEach(kLinks);
  cluster->Signal(SIGTERM);
  EXPECT_EQ(cluster->Wait(90s), 0) << cluster->Log();
  EXPECT_NE(cluster->Log().find("local-cluster: stopped"), std::string::npos) << cluster->Log();
  EXPECT_FALSE(std::filesystem::exists(cluster_dir)) << "the script leaves its working dir behind";
}

TEST_F(RedisE2E, AWorkerKilledMidRunLosesAndDoublesNothing) {
  constexpr int kLinks = 200;
  AddProducts(kLinks);
  auto serve = Start("serve", {"serve"}, RedisEnv());
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  auto w1 = Start("work1", {"work"}, RedisEnv());
  auto w2 = Start("work2", {"work"}, RedisEnv());
  std::thread poster([&] {
    for (int i = 0; i < kLinks; ++i) Post(1000 + i, kChatBase + i, Link(i));
  });
  ASSERT_TRUE(WaitFor([&] { return ChatsWithCards() >= 40; }));
  w1->Signal(SIGKILL);  // a crash: its leased tasks come back after LEASE_SECONDS
  (void)w1->Wait(10s);
  auto w3 = Start("work3", {"work"}, RedisEnv());
  poster.join();
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << "\n" << w2->Log().substr(0, 3000);
  ExpectExactlyOneCardEach(kLinks);
}

TEST_F(RedisE2E, RedisRestartedMidRunLosesAndDoublesNothing) {
  constexpr int kLinks = 200;
  AddProducts(kLinks);
  auto serve = Start("serve", {"serve"}, RedisEnv());
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  auto w1 = Start("work1", {"work"}, RedisEnv());
  auto w2 = Start("work2", {"work"}, RedisEnv());
  std::thread poster([&] {
    for (int i = 0; i < kLinks; ++i) Post(1000 + i, kChatBase + i, Link(i));
  });
  ASSERT_TRUE(WaitFor([&] { return ChatsWithCards() >= 40; }));
  redis_.Kill();  // appendonly + appendfsync always: every acknowledged write survives
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(redis_.Restart()) << redis_.error();
  poster.join();
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << "\n" << w1->Log().substr(0, 3000);
  ExpectExactlyOneCardEach(kLinks);
}

TEST_F(RedisE2E, TelegramRateLimitsNeverLoseACardNorHitAPausedChat) {
  constexpr int kLinks = 60;
  AddProducts(kLinks);
  fake_.RateLimitEvery(5);  // a fifth of sendMessage/editMessageText calls: 429, retry_after 1-3 s
  auto serve = Start("serve", {"serve"}, RedisEnv());
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  auto w1 = Start("work1", {"work"}, RedisEnv());
  auto w2 = Start("work2", {"work"}, RedisEnv());
  // Several webhook connections at once, as Telegram does (and so refused posts wait in parallel).
  std::vector<std::thread> posters;
  std::atomic<int> posted{0};
  for (int t = 0; t < 6; ++t) {
    posters.emplace_back([&, t] {
      for (int i = t; i < kLinks; i += 6) posted += Post(1000 + i, kChatBase + i, Link(i));
    });
  }
  for (auto& p : posters) p.join();
  ASSERT_EQ(posted.load(), kLinks);
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << "\n" << w1->Log().substr(0, 3000);
  ExpectExactlyOneCardEach(kLinks);
  EXPECT_GT(fake_.RateLimitedCount(), 10u);
  EXPECT_EQ(fake_.PauseViolations(), 0u);
}

TEST_F(RedisE2E, SigtermDuringLoadLosesNothing) {
  constexpr int kLinks = 120;
  AddProducts(kLinks);
  auto serve = Start("serve", {"serve"}, RedisEnv());
  ASSERT_TRUE(testing::WaitForPort(port_, kWait)) << serve->Log();
  auto w1 = Start("work1", {"work"}, RedisEnv());
  for (int i = 0; i < kLinks; ++i) ASSERT_TRUE(Post(1000 + i, kChatBase + i, Link(i)));
  ASSERT_TRUE(WaitFor([&] { return ChatsWithCards() >= 20; }));
  w1->Signal(SIGTERM);
  EXPECT_EQ(w1->Wait(60s), 0) << w1->Log().substr(0, 3000);
  auto w2 = Start("work2", {"work"}, RedisEnv());
  ASSERT_TRUE(AllCards(kLinks)) << ChatsWithCards() << "\n" << w2->Log().substr(0, 3000);
  ExpectExactlyOneCardEach(kLinks);
}

// --- shop faults: the right retries and the right single message ------------------------------

TEST_F(WorkerE2E, ShopFaultsGetTheRightRetriesAndOneRightMessage) {
  // One server per fault: the page server answers one connection at a time, and a slow answer
  // must not delay the others.
  PageServer slow, unavailable, captcha, home;
  PageServer::Response r;
  r.delay = 4000ms;  // past FETCH_TIMEOUT_SECONDS=2
  r.body = testing::ProductPage(1);
  slow.Route("/p", r);
  PageServer::Response u;
  u.status = 503;
  u.body = "<html><body>Service Unavailable</body></html>";
  unavailable.Route("/p", u);
  PageServer::Response c;
  c.body = testing::CaptchaPage();
  captcha.Route("/p", c);
  PageServer::Response h;
  h.body = testing::HomePage();
  home.Route("/p", h);

  auto run = Start("run", {"run"}, {{"MAX_ATTEMPTS", "3"}});
  struct Case {
    PageServer* server;
    std::string message;
    size_t requests;  // fetches expected: MAX_ATTEMPTS for transient faults, 1 for permanent
  };
  const std::vector<Case> cases = {
      {&slow, "Il negozio non risponde in questo momento. Riprova tra qualche minuto.", 3},
      {&unavailable, "Il negozio ha bloccato la lettura della pagina. Riprova più tardi.", 3},
      {&captcha, "Il negozio ha bloccato la lettura della pagina. Riprova più tardi.", 3},
      {&home, "Questo link non sembra una pagina prodotto. Prova con un link di Amazon o di un negozio online.", 1},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    fake_.PushUpdate(
        UpdateJson(2000 + static_cast<int64_t>(i), kChatBase + static_cast<int64_t>(i), cases[i].server->Url("/p")));
  }
  ASSERT_TRUE(WaitFor([&] {
    auto t = Count(fake_);
    for (size_t i = 0; i < cases.size(); ++i) {
      if (t.final_count[kChatBase + static_cast<int64_t>(i)] < 1) return false;
    }
    return true;
  })) << run->Log().substr(0, 4000);
  std::this_thread::sleep_for(3s);  // room for a wrong extra retry or message to show up
  const Tally t = Count(fake_);
  for (size_t i = 0; i < cases.size(); ++i) {
    const int64_t chat = kChatBase + static_cast<int64_t>(i);
    EXPECT_EQ(t.final_count.at(chat), 1) << "case " << i;
    ASSERT_EQ(t.final_messages.at(chat).size(), 1u) << "case " << i;
    EXPECT_EQ(*t.final_messages.at(chat).begin(), cases[i].message) << "case " << i;
    EXPECT_EQ(t.card_messages.count(chat), 0u) << "case " << i;
    EXPECT_EQ(cases[i].server->RequestCount(), cases[i].requests) << "case " << i;
  }
  run->Signal(SIGTERM);
  EXPECT_EQ(run->Wait(60s), 0);
}

}  // namespace
}  // namespace worthit
