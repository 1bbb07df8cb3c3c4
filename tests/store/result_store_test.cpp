// The ResultStore contract on every backend (memory, SQLite, Redis), plus the Redis front-door
// stores and the Redis outbound limiter.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <set>

#include "store/redis_stores.h"
#include "store/store_factory.h"
#include "support/shared_redis.h"
#include "support/temp_dir.h"

namespace worthit::store {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

using testing::SharedRedis;

class ResultStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = "memory://";
    if (GetParam() == "sqlite") url = "sqlite://" + dir_.File("r.db");
    if (GetParam() == "redis") {
      url = SharedRedis().Url();
      SharedRedis().Command({"FLUSHALL"});
    }
    auto s = OpenFrontDoorStores(url, clock_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    stores_ = *s;
    r_ = stores_.results.get();
  }
  StoredResult Result(const std::string& id, const std::string& title, double score, int64_t at) {
    StoredResult r;
    r.product_id = id;
    r.canonical_url = "https://shop.example/" + id;
    r.title = title;
    r.score = score;
    r.price = "19.99";
    r.currency = "EUR";
    r.card_it = "<b>" + title + "</b> it";
    r.card_en = "<b>" + title + "</b> en";
    r.keyboard_json = "[]";
    r.analyzed_at_ms = at;
    return r;
  }

  worthit::testing::TempDir dir_;
  ManualClock clock_;
  FrontDoorStores stores_;
  ResultStore* r_ = nullptr;
};

TEST_P(ResultStoreTest, ResultsByIdAndByUrlKey) {
  EXPECT_FALSE(r_->GetResult("a")->has_value());
  ASSERT_TRUE(r_->PutResult(Result("a", "Moka", 8.3, kT0), {"https://shop.example/a?x"}).ok());
  auto got = r_->GetResult("a");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->title, "Moka");
  EXPECT_NEAR(*(*got)->score, 8.3, 1e-9);
  EXPECT_EQ((*got)->card_en, "<b>Moka</b> en");
  EXPECT_EQ((*got)->analyzed_at_ms, kT0);
  EXPECT_TRUE(r_->GetResultByUrl("https://shop.example/a?x")->has_value());
  EXPECT_TRUE(r_->GetResultByUrl("https://shop.example/a")->has_value());  // the canonical URL too
  EXPECT_FALSE(r_->GetResultByUrl("https://shop.example/b")->has_value());
  // A newer analysis replaces the old one.
  ASSERT_TRUE(r_->PutResult(Result("a", "Moka 2", 7.0, kT0 + 1000), {}).ok());
  EXPECT_EQ((*r_->GetResult("a"))->title, "Moka 2");
}

TEST_P(ResultStoreTest, HistoryIsPerUserNewestFirstOnePerProduct) {
  ASSERT_TRUE(r_->PutResult(Result("a", "A", 8, kT0), {}).ok());
  ASSERT_TRUE(r_->PutResult(Result("b", "B", 6, kT0), {}).ok());
  ASSERT_TRUE(r_->RecordAnalysis(1, "a", kT0 + 1).ok());
  ASSERT_TRUE(r_->RecordAnalysis(1, "b", kT0 + 2).ok());
  ASSERT_TRUE(r_->RecordAnalysis(1, "a", kT0 + 3).ok());
  ASSERT_TRUE(r_->RecordAnalysis(2, "b", kT0 + 4).ok());
  auto h = r_->History(1, 10);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].product_id, "a");
  EXPECT_EQ((*h)[0].title, "A");
  EXPECT_EQ((*h)[0].at_ms, kT0 + 3);
  EXPECT_EQ((*h)[1].product_id, "b");
  EXPECT_EQ(r_->History(2, 10)->size(), 1u);
  EXPECT_EQ(r_->History(1, 1)->size(), 1u);
}

TEST_P(ResultStoreTest, PopularCountsTheLastDaysMostFirst) {
  ASSERT_TRUE(r_->PutResult(Result("a", "A", 8, kT0), {}).ok());
  ASSERT_TRUE(r_->PutResult(Result("b", "B", 6, kT0), {}).ok());
  const int64_t day = 86400000;
  // Old counts (10 days ago) do not count any more.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(r_->RecordAnalysis(9, "b", kT0 - 10 * day).ok());
  ASSERT_TRUE(r_->RecordAnalysis(1, "a", kT0 - 2 * day).ok());
  ASSERT_TRUE(r_->RecordAnalysis(2, "a", kT0).ok());
  ASSERT_TRUE(r_->RecordAnalysis(3, "b", kT0).ok());
  auto p = r_->Popular(kT0 - 6 * day, 10);
  ASSERT_TRUE(p.ok());
  ASSERT_GE(p->size(), 2u);
  EXPECT_EQ((*p)[0].product_id, "a");
  EXPECT_EQ((*p)[0].count, 2);
  EXPECT_EQ((*p)[0].title, "A");
  EXPECT_EQ((*p)[1].product_id, "b");
  EXPECT_EQ((*p)[1].count, 1);
}

TEST_P(ResultStoreTest, PricesNewestFirst) {
  ASSERT_TRUE(r_->AddPrice("a", {"29.99", "EUR", kT0}).ok());
  ASSERT_TRUE(r_->AddPrice("a", {"24.99", "EUR", kT0 + 1000}).ok());
  ASSERT_TRUE(r_->AddPrice("b", {"5.00", "EUR", kT0}).ok());
  auto p = r_->Prices("a", 10);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].price, "24.99");
  EXPECT_EQ((*p)[1].at_ms, kT0);
}

TEST_P(ResultStoreTest, DeliveryRecordsAreClaimsWonOnce) {
  EXPECT_FALSE(r_->GetDelivery("u:1")->has_value());
  EXPECT_TRUE(*r_->PutDelivery("u:1", "card"));
  EXPECT_FALSE(*r_->PutDelivery("u:1", "error:X"));
  EXPECT_EQ(**r_->GetDelivery("u:1"), "card");
}

// The worker's combined calls (one round trip each on Redis) do what the single calls do.
TEST_P(ResultStoreTest, TheWorkersCombinedCallsEqualTheSingleOnes) {
  // Nothing yet: no record, no result.
  auto first = r_->LookupTask("u:7", "https://shop.example/c?ref=1", "c");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_FALSE(first->delivery.has_value());
  EXPECT_FALSE(first->result.has_value());
  ASSERT_TRUE(first->prices.has_value());  // asked for: read, and empty
  EXPECT_TRUE(first->prices->empty());
  // A fresh analysis: price and result together (the user's link is the canonical one here).
  ASSERT_TRUE(r_->PutAnalysis(Result("c", "Friggitrice", 7.5, kT0), {"https://shop.example/c"},
                              PriceObservation{"49.90", "EUR", kT0})
                  .ok());
  auto prices = r_->Prices("c", 10);
  ASSERT_TRUE(prices.ok());
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ((*prices)[0].price, "49.90");
  // The lookup reads the same history when asked for it, and none when not.
  auto with_prices = r_->LookupTask("u:8", "", "c");
  ASSERT_TRUE(with_prices.ok());
  ASSERT_TRUE(with_prices->prices.has_value());
  ASSERT_EQ(with_prices->prices->size(), 1u);
  EXPECT_EQ((*with_prices->prices)[0].price, "49.90");
  EXPECT_EQ((*with_prices->prices)[0].currency, "EUR");
  EXPECT_EQ((*with_prices->prices)[0].at_ms, kT0);
  EXPECT_FALSE(r_->LookupTask("u:8", "", "")->prices.has_value());
  ASSERT_TRUE(r_->PutAnalysis(Result("d", "Moka", 8, kT0), {"https://shop.example/d?x"}, std::nullopt).ok());
  EXPECT_TRUE(r_->Prices("d", 10)->empty());
  auto found = r_->LookupTask("u:7", "https://shop.example/d?x", "");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->delivery.has_value());
  ASSERT_TRUE(found->result.has_value());
  EXPECT_EQ(found->result->title, "Moka");
  EXPECT_EQ(found->result->card_it, "<b>Moka</b> it");
  EXPECT_TRUE(r_->LookupTask("u:7", "https://shop.example/d", "")->result.has_value());  // canonical URL
  EXPECT_FALSE(r_->LookupTask("u:7", "", "")->result.has_value());
  // Delivered: the record (a claim), the user's history and the day's popularity.
  ASSERT_TRUE(r_->RecordDelivered("u:7", "card", 5, "d", kT0 + 10).ok());
  EXPECT_EQ(**r_->GetDelivery("u:7"), "card");
  EXPECT_FALSE(*r_->PutDelivery("u:7", "error:X"));
  auto history = r_->History(5, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].product_id, "d");
  EXPECT_EQ((*history)[0].at_ms, kT0 + 10);
  EXPECT_EQ(r_->Popular(kT0 - 86400000, 10)->at(0).product_id, "d");
  // With a record, the lookup answers it and does not read the result.
  auto again = r_->LookupTask("u:7", "https://shop.example/d?x", "c");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->delivery, std::optional<std::string>("card"));
  EXPECT_FALSE(again->result.has_value());
  EXPECT_FALSE(again->prices.has_value());
}

// PutAnalysisTakeToken = PutAnalysis + the limiter's TryAcquire, on every backend and with either
// limiter (Redis: one pipeline when the limiter's buckets live on the store's Redis and prefix).
TEST_P(ResultStoreTest, StoringAnAnalysisTakesTheCardsToken) {
  telegram::RateLimits limits;
  limits.private_per_second = 1;
  std::shared_ptr<telegram::OutboundLimiter> limiter = std::make_shared<telegram::OutboundRateLimiter>(limits, clock_);
  if (GetParam() == "redis") limiter = OpenRedisOutboundLimiter(SharedRedis().Url(), "worthit", limits).value();
  std::optional<std::chrono::milliseconds> wait;
  ASSERT_TRUE(r_->PutAnalysisTakeToken(Result("e", "Bollitore", 6, kT0), {"https://shop.example/e?r"},
                                       PriceObservation{"29.00", "EUR", kT0}, *limiter, 42, false, wait)
                  .ok());
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(wait->count(), 0);  // taken
  EXPECT_EQ(r_->GetResultByUrl("https://shop.example/e?r")->value().title, "Bollitore");
  EXPECT_EQ(r_->Prices("e", 10)->size(), 1u);
  // The private chat's burst is 3: the call took the first, so two more go and the fourth waits.
  EXPECT_EQ(limiter->TryAcquire(42, false).count(), 0);
  EXPECT_EQ(limiter->TryAcquire(42, false).count(), 0);
  EXPECT_GT(limiter->TryAcquire(42, false).count(), 0);
  // A chat with no token left: stored all the same, and the answer says how long to wait.
  ASSERT_TRUE(
      r_->PutAnalysisTakeToken(Result("f", "Tostapane", 5, kT0), {}, std::nullopt, *limiter, 42, false, wait).ok());
  ASSERT_TRUE(wait.has_value());
  EXPECT_GT(wait->count(), 0);
  EXPECT_TRUE(r_->GetResult("f")->has_value());
  // The delivery records as commands: only Redis hands them out (and they do what RecordDelivered does).
  auto commands = r_->RecordDeliveredCommands("u:9", "card", 11, "f", kT0 + 5);
  if (GetParam() != "redis") {
    EXPECT_TRUE(commands.empty());
    return;
  }
  ASSERT_FALSE(commands.empty());
  for (const auto& c : commands) SharedRedis().Command(c);
  EXPECT_EQ(**r_->GetDelivery("u:9"), "card");
  ASSERT_EQ(r_->History(11, 10)->size(), 1u);
  EXPECT_EQ(r_->History(11, 10)->at(0).product_id, "f");
}

// A Redis limiter under another key prefix is not pipelined with the store (its buckets are not
// the store's): the store falls back to the two calls, with the same effects.
TEST(RedisResultStore, ALimiterUnderAnotherPrefixIsAskedSeparately) {
  SharedRedis().Command({"FLUSHALL"});
  auto stores = OpenFrontDoorStores(SharedRedis().Url());
  ASSERT_TRUE(stores.ok());
  telegram::RateLimits limits;
  auto other = OpenRedisOutboundLimiter(SharedRedis().Url(), "other", limits).value();
  StoredResult r;
  r.product_id = "g";
  r.canonical_url = "https://shop.example/g";
  r.analyzed_at_ms = kT0;
  std::optional<std::chrono::milliseconds> wait;
  ASSERT_TRUE(stores->results->PutAnalysisTakeToken(r, {}, std::nullopt, *other, 7, true, wait).ok());
  EXPECT_EQ(wait, std::optional<std::chrono::milliseconds>(0ms));
  EXPECT_TRUE(stores->results->GetResult("g")->has_value());
  EXPECT_EQ(SharedRedis().Command({"EXISTS", "other:s:tg:c2:7"}), "1");
  EXPECT_EQ(SharedRedis().Command({"EXISTS", "worthit:s:tg:c2:7"}), "0");
}

TEST_P(ResultStoreTest, UserLimitsPerMinuteAndPerDay) {
  const int64_t t = kT0 + 30000;  // 00:00:30
  EXPECT_TRUE(r_->TakeUserRequest(1, 2, 3, t)->allowed);
  EXPECT_TRUE(r_->TakeUserRequest(1, 2, 3, t)->allowed);
  auto third = r_->TakeUserRequest(1, 2, 3, t);
  EXPECT_FALSE(third->allowed);
  EXPECT_FALSE(third->daily);
  EXPECT_EQ(third->retry_after, 30s);
  EXPECT_TRUE(r_->TakeUserRequest(2, 2, 3, t)->allowed);
  auto next_minute = r_->TakeUserRequest(1, 2, 3, t + 60000);  // 4th today
  EXPECT_FALSE(next_minute->allowed);
  EXPECT_TRUE(next_minute->daily);
}

// A request whose reply could not be sent is given back (it will come again and be counted then):
// its minute and day windows drop by one, never below zero, and another user's are untouched.
TEST_P(ResultStoreTest, AGivenBackRequestNoLongerCounts) {
  const int64_t t = kT0 + 30000;
  EXPECT_TRUE(r_->GiveBackUserRequest(1, t).ok());  // nothing counted yet: stays at zero
  EXPECT_TRUE(r_->TakeUserRequest(1, 2, 3, t)->allowed);
  EXPECT_TRUE(r_->TakeUserRequest(2, 2, 3, t)->allowed);
  EXPECT_TRUE(r_->TakeUserRequest(1, 2, 3, t)->allowed);
  ASSERT_TRUE(r_->GiveBackUserRequest(1, t).ok());
  EXPECT_TRUE(r_->TakeUserRequest(1, 2, 3, t)->allowed);  // the second of the minute again
  EXPECT_FALSE(r_->TakeUserRequest(1, 2, 3, t)->allowed);
  EXPECT_TRUE(r_->TakeUserRequest(2, 2, 3, t)->allowed);  // user 2's count was not touched
  // The day window too: user 1 has 3 counted today (one refused); one given back leaves room for one.
  ASSERT_TRUE(r_->GiveBackUserRequest(1, t).ok());
  EXPECT_TRUE(r_->TakeUserRequest(1, 2, 3, t + 60000)->allowed);
  EXPECT_FALSE(r_->TakeUserRequest(1, 2, 3, t + 120000)->allowed);
}

TEST_P(ResultStoreTest, LearnedReviewsAreDeduplicated) {
  std::vector<LearnedReview> batch = {{"a", "Ottimo", 5, "it", "2025-01-01"}, {"a", "Pessimo", 1, "it", ""}};
  EXPECT_EQ(*r_->AddLearnedReviews(batch), 2);
  EXPECT_EQ(*r_->AddLearnedReviews(batch), 0);
  auto all = r_->LearnedReviews(10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  std::set<std::string> texts;
  for (const auto& r : *all) texts.insert(r.text);
  EXPECT_TRUE(texts.count("Ottimo"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultStoreTest, ::testing::Values("memory", "sqlite", "redis"));

TEST(RedisFrontDoorStores, ConversationAndUpdatesAreSharedThroughRedis) {
  SharedRedis().Command({"FLUSHALL"});
  auto a = OpenFrontDoorStores(SharedRedis().Url());
  auto b = OpenFrontDoorStores(SharedRedis().Url());
  ASSERT_TRUE(a.ok() && b.ok());
  const int64_t now = SystemClock::Instance().NowMillis();
  ASSERT_TRUE(a->conversations->SetChatState(7, {ChatMode::kAwaitingLink, now + 60000}).ok());
  auto s = b->conversations->GetChatState(7);
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->mode, ChatMode::kAwaitingLink);
  ASSERT_TRUE(a->conversations->SetUserLanguage(7, "en").ok());
  EXPECT_EQ(**b->conversations->GetUserLanguage(7), "en");
  EXPECT_FALSE(*b->updates->IsHandled(99));
  ASSERT_TRUE(a->updates->PutAck(99, {7, 1234}).ok());
  ASSERT_TRUE(a->updates->MarkHandled(99, "enqueued").ok());
  EXPECT_TRUE(*b->updates->IsHandled(99));
  EXPECT_EQ((*b->updates->GetAck(99))->message_id, 1234);
  ASSERT_TRUE(a->updates->SetCursor("poll_offset", 42).ok());
  EXPECT_EQ(**b->updates->GetCursor("poll_offset"), 42);
  ASSERT_TRUE(a->conversations->ClearChatState(7).ok());
  EXPECT_FALSE(b->conversations->GetChatState(7)->has_value());
}

// Lookup (handled + ack) and GetChatContext (language + chat state): one read each, the same
// answers as the single calls, on every backend. IntakeRecords: only Redis hands its records to a
// queue, and they are exactly what PutAck + MarkHandled write.
TEST(FrontDoorStoreReads, LookupAndChatContextAgreeWithTheSingleCallsOnEveryBackend) {
  worthit::testing::TempDir dir;
  SharedRedis().Command({"FLUSHALL"});
  for (const std::string& url : {std::string("memory://"), "sqlite://" + dir.File("f.db"), SharedRedis().Url()}) {
    auto st = OpenFrontDoorStores(url);
    ASSERT_TRUE(st.ok()) << url;
    auto& u = *st->updates;
    auto& c = *st->conversations;
    auto none = u.Lookup(41);
    ASSERT_TRUE(none.ok()) << url;
    EXPECT_FALSE(none->handled);
    EXPECT_FALSE(none->ack.has_value());
    ASSERT_TRUE(u.PutAck(41, {7, 1234}).ok());
    auto acked = u.Lookup(41);
    ASSERT_TRUE(acked.ok() && acked->ack.has_value()) << url;
    EXPECT_FALSE(acked->handled);
    EXPECT_EQ(acked->ack->chat_id, 7);
    EXPECT_EQ(acked->ack->message_id, 1234);
    ASSERT_TRUE(u.MarkHandled(41, "enqueued").ok());
    EXPECT_TRUE(u.Lookup(41)->handled) << url;

    auto empty = c.GetChatContext(7, 7);
    ASSERT_TRUE(empty.ok()) << url;
    EXPECT_FALSE(empty->language.has_value());
    EXPECT_FALSE(empty->state.has_value());
    const int64_t now = SystemClock::Instance().NowMillis();
    ASSERT_TRUE(c.SetUserLanguage(7, "en").ok());
    ASSERT_TRUE(c.SetChatState(8, {ChatMode::kAwaitingLink, now + 60000}).ok());
    auto both = c.GetChatContext(7, 8);
    ASSERT_TRUE(both.ok()) << url;
    EXPECT_EQ(both->language.value_or(""), "en") << url;
    ASSERT_TRUE(both->state.has_value()) << url;
    EXPECT_EQ(both->state->mode, ChatMode::kAwaitingLink);
    // The same through LookupMessage (Redis: one pipeline with the update's lookup).
    auto message = u.LookupMessage(43, c, 7, 8);
    ASSERT_TRUE(message.ok()) << url;
    EXPECT_FALSE(message->update.handled);
    EXPECT_EQ(message->chat.language.value_or(""), "en") << url;
    ASSERT_TRUE(message->chat.state.has_value()) << url;
    EXPECT_EQ(message->chat.state->mode, ChatMode::kAwaitingLink);
    EXPECT_TRUE(u.LookupMessage(41, c, 7, 8)->update.handled) << url;
    auto no_user = c.GetChatContext(std::nullopt, 8);
    ASSERT_TRUE(no_user.ok());
    EXPECT_FALSE(no_user->language.has_value());
    EXPECT_TRUE(no_user->state.has_value());

    auto records = u.IntakeRecords(42, {7, 99}, "enqueued");
    if (url.starts_with("redis://")) {
      ASSERT_EQ(records.size(), 2u);
      for (const auto& r : records) {
        EXPECT_EQ(r.ttl, std::chrono::duration_cast<std::chrono::seconds>(kUpdateRetention));
        SharedRedis().Command({"SET", r.key, r.value});
      }
      EXPECT_TRUE(*u.IsHandled(42));
      EXPECT_EQ((*u.GetAck(42))->message_id, 99);
    } else {
      EXPECT_TRUE(records.empty()) << url;
    }
  }
}

TEST(RedisOutboundLimiter, OneBudgetPerChatSharedByProcessesAndPausedBy429) {
  SharedRedis().Command({"FLUSHALL"});
  telegram::RateLimits limits;
  limits.private_per_second = 1;
  auto a = OpenRedisOutboundLimiter(SharedRedis().Url(), "t", limits);
  auto b = OpenRedisOutboundLimiter(SharedRedis().Url(), "t", limits);
  ASSERT_TRUE(a.ok() && b.ok());
  // The burst of 3 is shared: two limiters (two processes) together get 3, then must wait.
  EXPECT_EQ((*a)->TryAcquire(5, false).count(), 0);
  EXPECT_EQ((*b)->TryAcquire(5, false).count(), 0);
  EXPECT_EQ((*a)->TryAcquire(5, false).count(), 0);
  EXPECT_GT((*b)->TryAcquire(5, false).count(), 0);
  EXPECT_EQ((*b)->TryAcquire(6, false).count(), 0);  // another chat is free
  (*a)->OnRetryAfter(6, 3s);
  const auto wait = (*b)->TryAcquire(6, false);
  EXPECT_GT(wait.count(), 2000);
  EXPECT_LE(wait.count(), 3000);
}

// The bucket format (kAcquireLua): little-endian doubles packed by Lua's struct library, under
// key names of their own (tg:c2:/tg:g2), so a bucket of the text format (tg:c:/tg:g, an older
// process) is never read, and a value of another length counts as a full bucket.
double DoubleAt(const std::string& packed, size_t i) {
  double d = 0;
  std::memcpy(&d, packed.data() + i * sizeof(double), sizeof(double));
  return d;
}

TEST(RedisOutboundLimiter, BucketsArePackedDoublesUnderTheirOwnKeyNames) {
  static_assert(std::endian::native == std::endian::little, "the buckets are little-endian doubles");
  SharedRedis().Command({"FLUSHALL"});
  telegram::RateLimits limits;
  auto l = OpenRedisOutboundLimiter(SharedRedis().Url(), "t", limits);
  ASSERT_TRUE(l.ok());
  const int64_t before_ms = SystemClock::Instance().NowMillis();
  // An older process's bucket for chat 5, paused for an hour: another key, not read.
  SharedRedis().Command(
      {"SET", "t:s:tg:c:5", "0|" + std::to_string(before_ms) + "|" + std::to_string(before_ms + 3600000)});
  EXPECT_EQ((*l)->TryAcquire(5, false).count(), 0);
  const std::string chat = SharedRedis().Command({"GET", "t:s:tg:c2:5"});
  const std::string global = SharedRedis().Command({"GET", "t:s:tg:g2"});
  ASSERT_EQ(chat.size(), 24u);
  ASSERT_EQ(global.size(), 16u);
  EXPECT_NEAR(DoubleAt(chat, 0), telegram::OutboundRateLimiter::kPrivateBurst - 1, 0.01);
  EXPECT_NEAR(DoubleAt(chat, 1), static_cast<double>(before_ms), 60000);  // the server's clock
  EXPECT_EQ(DoubleAt(chat, 2), 0.0);                                      // not paused
  EXPECT_NEAR(DoubleAt(global, 0), limits.global_per_second - 1, 0.01);
  const auto ttl = std::stoll(SharedRedis().Command({"PTTL", "t:s:tg:c2:5"}));
  EXPECT_GT(ttl, 500000);
  EXPECT_LE(ttl, 600000);
  // A pause is written in the same format and read back by the next acquire.
  (*l)->OnRetryAfter(5, 3s);
  const std::string paused = SharedRedis().Command({"GET", "t:s:tg:c2:5"});
  ASSERT_EQ(paused.size(), 24u);
  EXPECT_EQ(DoubleAt(paused, 0), 0.0);
  EXPECT_GT(DoubleAt(paused, 2), DoubleAt(paused, 1) + 2000);
  EXPECT_GT((*l)->TryAcquire(5, false).count(), 2000);
  // A value of another length (not this format): a full bucket.
  SharedRedis().Command({"SET", "t:s:tg:c2:6", "2|1|99999999999999"});
  EXPECT_EQ((*l)->TryAcquire(6, false).count(), 0);
  EXPECT_EQ(SharedRedis().Command({"GET", "t:s:tg:c2:6"}).size(), 24u);
}

}  // namespace
}  // namespace worthit::store
