// Atomic intake (BotOptions::atomic_intake): the queue and the stores on one real redis-server, the
// ack record and the handled mark written by the enqueue script with the task. Label `redis`.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <sstream>

#include "analysis/product_link.h"
#include "bot/bot.h"
#include "queue/analysis_task.h"
#include "store/store_factory.h"
#include "support/fake_bot_api.h"
#include "support/forwarding_queue.h"
#include "support/shared_redis.h"
#include "telegram/fixture.h"
#include "worker/store_insights.h"

namespace worthit::bot {
namespace {

using namespace std::chrono_literals;
using worthit::testing::FakeBotApi;
using worthit::testing::Fixture;

constexpr const char* kBotName = "WorthItTestBot";
constexpr int64_t kUpdateId = 900001;  // emoji_url_update.json

using testing::SharedRedis;

// Forwards to a real queue; the next `fail` Enqueue calls fail before reaching it (Redis refused
// the script, the connection broke...), as QUEUE_UNAVAILABLE.
class FlakyQueue final : public testing::ForwardingQueue {
 public:
  using ForwardingQueue::ForwardingQueue;
  Result<std::string> Enqueue(const std::string& p, const queue::EnqueueOptions& o) override {
    if (Refuse()) return Error::Transient("QUEUE_UNAVAILABLE", "down");
    return inner_.Enqueue(p, o);
  }
  Result<std::string> EnqueueWithRecords(const std::string& p, const queue::EnqueueOptions& o,
                                         const std::vector<queue::AtomicRecord>& records) override {
    if (Refuse()) return Error::Transient("QUEUE_UNAVAILABLE", "down");
    return inner_.EnqueueWithRecords(p, o, records);
  }
  int fail = 0;
  int enqueues = 0;

 private:
  bool Refuse() {
    ++enqueues;
    if (fail <= 0) return false;
    --fail;
    return true;
  }
};

// Forwards to the real UpdateStore and counts the writes the bot makes through it (PutAck,
// MarkHandled): with atomic intake a link makes none (the enqueue script writes the records).
class CountingUpdates final : public store::UpdateStore {
 public:
  explicit CountingUpdates(store::UpdateStore& inner) : inner_(inner) {}
  Result<bool> IsHandled(int64_t id) override { return inner_.IsHandled(id); }
  Status MarkHandled(int64_t id, const std::string& outcome) override {
    ++writes;
    return inner_.MarkHandled(id, outcome);
  }
  Result<std::optional<store::AckRecord>> GetAck(int64_t id) override { return inner_.GetAck(id); }
  Status PutAck(int64_t id, const store::AckRecord& ack) override {
    ++writes;
    return inner_.PutAck(id, ack);
  }
  Result<store::UpdateLookup> Lookup(int64_t id) override {
    ++lookups;
    return inner_.Lookup(id);
  }
  Result<store::MessageLookup> LookupMessage(int64_t id, store::ConversationStore& c, std::optional<int64_t> user,
                                             int64_t chat, const store::LinkProbe* probe,
                                             store::ResultStore* results) override {
    ++lookups;
    return inner_.LookupMessage(id, c, user, chat, probe, results);  // the Redis pipeline
  }
  std::vector<queue::AtomicRecord> IntakeRecords(int64_t id, const store::AckRecord& ack,
                                                 const std::string& outcome) const override {
    return inner_.IntakeRecords(id, ack, outcome);
  }
  Result<std::optional<int64_t>> GetCursor(const std::string& name) override { return inner_.GetCursor(name); }
  Status SetCursor(const std::string& name, int64_t value) override { return inner_.SetCursor(name, value); }
  Result<int64_t> Prune() override { return inner_.Prune(); }
  Status Ping() override { return inner_.Ping(); }
  int writes = 0;
  int lookups = 0;

 private:
  store::UpdateStore& inner_;
};

class AtomicIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SharedRedis().Command({"FLUSHALL"});
    auto q = queue::OpenQueue(SharedRedis().Url(), {}, clock_);
    ASSERT_TRUE(q.ok()) << q.error().ToString();
    queue_ = std::move(*q);
    ASSERT_TRUE(queue_->SupportsRecords());
    flaky_ = std::make_unique<FlakyQueue>(*queue_);
    auto s = store::OpenFrontDoorStores(SharedRedis().Url(), clock_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    stores_ = *s;
    updates_ = std::make_unique<CountingUpdates>(*stores_.updates);
    insights_ = MakeUnavailableInsights();
  }

  // A new Bot on the same Redis: what a restarted (or another) `serve` process sees.
  std::unique_ptr<Bot> NewBot(bool atomic = true) {
    BotOptions options{kBotName};
    options.atomic_intake = atomic;
    return std::make_unique<Bot>(BotDeps{api_, *flaky_, *stores_.conversations, *updates_, *insights_, clock_},
                                 options);
  }

  std::vector<queue::AnalysisTask> Tasks() {
    std::vector<queue::AnalysisTask> out;
    auto leases = queue_->LeaseTasks("test", 100, 0ms);
    EXPECT_TRUE(leases.ok());
    for (const auto& l : *leases) {
      out.push_back(*queue::ParseAnalysisTask(l.task.payload));
      (void)queue_->Retry(l, 0ms, "peek");  // put back
    }
    return out;
  }

  ManualClock clock_{SystemClock::Instance().NowMillis()};  // Redis expiries use the real clock
  FakeBotApi api_;
  std::unique_ptr<queue::TaskQueue> queue_;
  std::unique_ptr<FlakyQueue> flaky_;
  store::FrontDoorStores stores_;
  std::unique_ptr<CountingUpdates> updates_;
  std::unique_ptr<InsightsHandler> insights_;
};

TEST_F(AtomicIntakeTest, OneWriteRecordsTheAckMarksHandledAndEnqueues) {
  auto bot = NewBot();
  auto update = *telegram::ParseUpdate(Fixture("emoji_url_update.json"));
  auto r = bot->HandleUpdate(update);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->action, "link");
  // The only write of the whole update is the enqueue script: no PutAck, no MarkHandled; one read.
  EXPECT_EQ(flaky_->enqueues, 1);
  EXPECT_EQ(updates_->writes, 0);
  EXPECT_EQ(updates_->lookups, 1);
  ASSERT_EQ(api_.Count("sendMessage"), 1u);
  const int64_t ack_id = api_.Calls("sendMessage")[0].message_id;
  EXPECT_TRUE(*stores_.updates->IsHandled(kUpdateId));
  auto ack = stores_.updates->GetAck(kUpdateId);
  ASSERT_TRUE(ack.ok() && ack->has_value());
  EXPECT_EQ((*ack)->message_id, ack_id);
  EXPECT_EQ((*ack)->chat_id, 5001);
  // The records expire like the ones PutAck / MarkHandled write (Telegram's 24 h window, kept 48 h).
  const auto ttl = std::stoll(SharedRedis().Command({"TTL", "worthit:s:upd:h:" + std::to_string(kUpdateId)}));
  EXPECT_GT(ttl, 47 * 3600);
  auto tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].ack_message_id, ack_id);
  EXPECT_EQ(tasks[0].update_id, kUpdateId);
}

TEST_F(AtomicIntakeTest, RedeliveryAfterTheWriteInAnotherProcessSendsNothing) {
  // The process answered (or died right after the write, before its 200): Telegram redelivers
  // to another process, which finds the update handled.
  auto update = *telegram::ParseUpdate(Fixture("emoji_url_update.json"));
  ASSERT_TRUE(NewBot()->HandleUpdate(update).ok());
  auto again = NewBot()->HandleUpdate(update);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->disposition, Disposition::kDuplicate);
  EXPECT_EQ(api_.Count("sendMessage"), 1u);
  EXPECT_EQ(Tasks().size(), 1u);
}

TEST_F(AtomicIntakeTest, FailedWriteKeepsTheAckSoTheRedeliveryReusesIt) {
  // The ack went out, then the one write failed (nothing of it happened): the update fails (503),
  // and the redelivery must edit-not-resend: the ack record was saved on the failure path.
  flaky_->fail = 1;
  auto update = *telegram::ParseUpdate(Fixture("emoji_url_update.json"));
  auto first = NewBot()->HandleUpdate(update);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, "QUEUE_UNAVAILABLE");
  EXPECT_FALSE(*stores_.updates->IsHandled(kUpdateId));
  EXPECT_TRUE(Tasks().empty());
  auto second = NewBot()->HandleUpdate(update);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->disposition, Disposition::kHandled);
  EXPECT_EQ(api_.Count("sendMessage"), 1u) << "one acknowledgement across the redelivery";
  auto tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].ack_message_id, api_.Calls("sendMessage")[0].message_id);
  EXPECT_TRUE(*stores_.updates->IsHandled(kUpdateId));
}

TEST_F(AtomicIntakeTest, WithoutAtomicIntakeTheThreeWritesGiveTheSameOutcome) {
  auto update = *telegram::ParseUpdate(Fixture("emoji_url_update.json"));
  ASSERT_TRUE(NewBot(false)->HandleUpdate(update).ok());
  EXPECT_EQ(updates_->writes, 2);  // PutAck, MarkHandled
  ASSERT_TRUE(NewBot(true)->HandleUpdate(update).ok());
  EXPECT_EQ(api_.Count("sendMessage"), 1u);
  EXPECT_EQ(Tasks().size(), 1u);
  EXPECT_EQ((*stores_.updates->GetAck(kUpdateId))->message_id, api_.Calls("sendMessage")[0].message_id);
}

TEST_F(AtomicIntakeTest, CercaThenLinkClearsTheStateAndLanguageIsReadWithIt) {
  auto bot = NewBot();
  ASSERT_TRUE(stores_.conversations->SetUserLanguage(5001, "en").ok());
  boost::json::object from{{"id", 5001}, {"is_bot", false}, {"first_name", "U"}, {"language_code", "it"}};
  auto text = [&](int64_t id, const std::string& t) {
    boost::json::object msg{{"message_id", id * 10},
                            {"date", 1767225600},
                            {"from", from},
                            {"chat", boost::json::object{{"id", 5001}, {"type", "private"}}},
                            {"text", t}};
    return *telegram::ParseUpdate(boost::json::serialize(boost::json::object{{"update_id", id}, {"message", msg}}));
  };
  ASSERT_TRUE(bot->HandleUpdate(text(11, "/cerca")).ok());
  EXPECT_TRUE(stores_.conversations->GetChatState(5001)->has_value());
  auto r = bot->HandleUpdate(text(12, "amzn.to/3xYzAbC"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->action, "link");
  EXPECT_FALSE(stores_.conversations->GetChatState(5001)->has_value());
  auto tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].lang, "en");  // the stored choice wins over language_code
  EXPECT_EQ(api_.Calls("sendMessage").back().text, "Analysing the product... You'll get the results shortly! ⏳");
}

std::string Text(int64_t update_id, int64_t chat, const std::string& text, bool group = false) {
  boost::json::object msg{
      {"message_id", update_id * 10},
      {"date", 1767225600},
      {"from", boost::json::object{{"id", group ? 5 : chat}, {"is_bot", false}, {"first_name", "U"}}},
      {"chat", group ? boost::json::object{{"id", chat}, {"type", "supergroup"}, {"title", "G"}}
                     : boost::json::object{{"id", chat}, {"type", "private"}}},
      {"text", text}};
  return boost::json::serialize(boost::json::object{{"update_id", update_id}, {"message", msg}});
}

// The per-user limits and the cached card are read with the update's lookup (one pipeline: the
// probe script), counted only for a new link (not for a redelivery or an ignored group message).
class LinkProbeTest : public AtomicIntakeTest {
 protected:
  std::unique_ptr<Bot> ProbingBot() {
    worker::InsightsOptions o;
    o.user_per_minute = 2;
    probing_insights_ = worker::MakeStoreInsights(*stores_.results, api_, *queue_, clock_, o);
    BotOptions options{kBotName};
    options.atomic_intake = true;
    return std::make_unique<Bot>(BotDeps{api_, *flaky_, *stores_.conversations, *updates_, *probing_insights_, clock_},
                                 options);
  }
  std::string MinuteCount(int64_t user) {
    return SharedRedis().Command(
        {"GET", "worthit:s:rl:m:" + std::to_string(user) + ":" + std::to_string(clock_.NowMillis() / 60000)});
  }
  Result<HandleOutcome> Handle(Bot& bot, const std::string& json) {
    return bot.HandleUpdate(*telegram::ParseUpdate(json));
  }
  std::unique_ptr<InsightsHandler> probing_insights_;
};

TEST_F(LinkProbeTest, LimitsAreCountedOncePerNewLinkWithinTheOneLookup) {
  auto bot = ProbingBot();
  ASSERT_EQ(Handle(*bot, Text(1, 7, "https://www.amazon.it/dp/B0PROBE001"))->action, "link");
  EXPECT_EQ(updates_->lookups, 1);
  EXPECT_EQ(MinuteCount(7), "1");
  // A redelivery of a handled update: nothing counted, nothing sent.
  EXPECT_EQ(Handle(*bot, Text(1, 7, "https://www.amazon.it/dp/B0PROBE001"))->disposition, Disposition::kDuplicate);
  // A redelivery that finds its acknowledgement (the write failed the first time): not counted.
  ASSERT_TRUE(stores_.updates->PutAck(2, {7, 4242}).ok());
  ASSERT_EQ(Handle(*bot, Text(2, 7, "https://www.amazon.it/dp/B0PROBE002"))->action, "link");
  EXPECT_EQ(MinuteCount(7), "1");
  EXPECT_EQ(api_.Count("sendMessage"), 1u);
  ASSERT_EQ(Handle(*bot, Text(3, 7, "https://www.amazon.it/dp/B0PROBE003"))->action, "link");
  EXPECT_EQ(MinuteCount(7), "2");
  // The third new link in the minute: the limit message, marked handled, no task.
  auto refused = Handle(*bot, Text(4, 7, "https://www.amazon.it/dp/B0PROBE004"));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->action, "rate_limited");
  EXPECT_NE(api_.Calls("sendMessage").back().text.find("molte richieste"), std::string::npos);
  EXPECT_TRUE(*stores_.updates->IsHandled(4));
  EXPECT_EQ(Tasks().size(), 3u);
  // A group message with a link, not addressed to the bot and no /cerca pending: ignored, not counted.
  EXPECT_EQ(Handle(*bot, Text(5, -100, "https://www.amazon.it/dp/B0PROBE005", true))->action, "ignored:not_addressed");
  EXPECT_EQ(MinuteCount(5), "");
  // After /cerca@Bot in the group, the next message's link is taken in and counted.
  ASSERT_EQ(Handle(*bot, Text(6, -100, "/cerca@WorthItTestBot", true))->action, "command:cerca");
  ASSERT_EQ(Handle(*bot, Text(7, -100, "https://www.amazon.it/dp/B0PROBE007", true))->action, "link");
  EXPECT_EQ(MinuteCount(5), "1");
}

// A delivery whose reply could not be sent (transient: the webhook answers 503, or polling retries)
// leaves neither the handled mark nor an acknowledgement, so the next delivery is counted by the probe
// again: the failed one gives its count back, and a link is counted once however many deliveries it
// took (the event front door does the same: tests/e2e/frontdoor_event_e2e_test.cpp).
TEST_F(LinkProbeTest, ADeliveryWhoseAcknowledgementFailedIsNotCountedAgain) {
  auto bot = ProbingBot();  // 2 links a minute
  for (int i = 0; i < 3; ++i) {
    api_.FailNext("sendMessage", Error::Transient("TELEGRAM_UNAVAILABLE", "502"));
    ASSERT_FALSE(Handle(*bot, Text(30, 11, "https://www.amazon.it/dp/B0REFUND01")).ok());
  }
  ASSERT_EQ(Handle(*bot, Text(30, 11, "https://www.amazon.it/dp/B0REFUND01"))->action, "link");
  EXPECT_EQ(MinuteCount(11), "1");
  ASSERT_EQ(Handle(*bot, Text(31, 11, "https://www.amazon.it/dp/B0REFUND02"))->action, "link");
  EXPECT_EQ(Handle(*bot, Text(32, 11, "https://www.amazon.it/dp/B0REFUND03"))->action, "rate_limited");
  EXPECT_EQ(Tasks().size(), 2u);
}

// Redis commands per call, from INFO commandstats (commands run inside scripts included).
std::map<std::string, long long> CommandCalls() {
  std::map<std::string, long long> out;
  std::istringstream in(SharedRedis().Command({"INFO", "commandstats"}));
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    const auto calls = line.find("calls=");
    if (line.rfind("cmdstat_", 0) != 0 || colon == std::string::npos || calls == std::string::npos) continue;
    out[line.substr(8, colon - 8)] = std::stoll(line.substr(calls + 6));
  }
  out.erase("info");
  out.erase("config|resetstat");
  return out;
}

// The deterministic cost of a new link's intake on Redis, command by command: the lookup pipeline
// (chat state, language, the probe script: MGET of the handled mark and the ack record, the two
// counters started with SET NX EX, the url key) and the enqueue script (ack record, handled mark,
// idempotency key, TIME, XADD, HINCRBY). 18 before the probe read the update's own keys and started
// its counters with one command each.
TEST_F(LinkProbeTest, ANewLinkCostsFourteenRedisCommands) {
  auto bot = ProbingBot();
  // Another user's link first: the scripts are loaded (NOSCRIPT, SCRIPT LOAD) before counting.
  ASSERT_EQ(Handle(*bot, Text(20, 19, "https://www.amazon.it/dp/B0COUNT000"))->action, "link");
  SharedRedis().Command({"CONFIG", "RESETSTAT"});
  ASSERT_EQ(Handle(*bot, Text(21, 9, "https://www.amazon.it/dp/B0COUNT001"))->action, "link");
  const std::map<std::string, long long> expected{{"evalsha", 2}, {"get", 2},  {"hget", 1}, {"mget", 1},
                                                  {"set", 5},     {"time", 1}, {"xadd", 1}, {"hincrby", 1}};
  EXPECT_EQ(CommandCalls(), expected);
  // The counters expire with their windows (2 minutes, 2 days) although only their first request
  // set the expiry; a second link in the minute INCRs them.
  const std::string minute = "worthit:s:rl:m:9:" + std::to_string(clock_.NowMillis() / 60000);
  const std::string day = "worthit:s:rl:d:9:" + std::to_string(store::UtcDay(clock_.NowMillis()));
  // (ranges, not equality: a loaded machine may cross a second boundary between the calls)
  EXPECT_GT(std::stoll(SharedRedis().Command({"TTL", minute})), 100);
  EXPECT_GT(std::stoll(SharedRedis().Command({"TTL", day})), 172700);
  SharedRedis().Command({"CONFIG", "RESETSTAT"});
  ASSERT_EQ(Handle(*bot, Text(22, 9, "https://www.amazon.it/dp/B0COUNT002"))->action, "link");
  EXPECT_EQ(MinuteCount(9), "2");
  EXPECT_EQ(SharedRedis().Command({"GET", day}), "2");
  const auto ttl = std::stoll(SharedRedis().Command({"TTL", minute}));
  EXPECT_GT(ttl, 100);
  EXPECT_LE(ttl, 120);
  auto again = CommandCalls();
  EXPECT_EQ(again["set"], 5);   // the two counters' SET NX refused ...
  EXPECT_EQ(again["incr"], 2);  // ... and INCRed instead
}

TEST_F(LinkProbeTest, ACachedCardIsReadWithTheLookupSentAndRecorded) {
  auto bot = ProbingBot();
  const std::string url = "https://www.amazon.it/dp/B0CACHED01";
  store::StoredResult r;
  r.product_id = "p-cached";
  r.canonical_url = analysis::CanonicalProductLink(url)->canonical_url;
  r.title = "Moka";
  r.score = 8.5;
  r.card_it = "<b>Moka</b> 8,5/10";
  r.card_en = "<b>Moka</b> 8.5/10";
  r.analyzed_at_ms = clock_.NowMillis() - 3600 * 1000;
  ASSERT_TRUE(stores_.results->PutResult(r, {}).ok());
  auto out = Handle(*bot, Text(11, 8, url + "?tag=x"));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->action, "cached");
  EXPECT_EQ(updates_->lookups, 1);
  ASSERT_EQ(api_.Count("sendMessage"), 1u);
  EXPECT_NE(api_.Calls("sendMessage")[0].text.find("<b>Moka</b> 8,5/10"), std::string::npos);
  EXPECT_TRUE(*stores_.updates->IsHandled(11));
  EXPECT_TRUE(Tasks().empty());
  auto history = stores_.results->History(8, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].product_id, "p-cached");
  // Redis lost its scripts (restart, SCRIPT FLUSH): the probe is loaded again and still counts once.
  SharedRedis().Command({"SCRIPT", "FLUSH"});
  ASSERT_EQ(Handle(*bot, Text(12, 8, "https://www.amazon.it/dp/B0NOTCACHE"))->action, "link");
  EXPECT_EQ(MinuteCount(8), "2");
}

}  // namespace
}  // namespace worthit::bot
