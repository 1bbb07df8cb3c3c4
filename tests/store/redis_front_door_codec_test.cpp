// The front door's Redis commands, argument by argument: the webhook (AsyncRedisClient) and the
// blocking stores send exactly these, and the keys and value formats are the stored data's layout
// (a change here is a data migration, not a refactor). Pure: no Redis needed.
#include "store/redis_front_door_codec.h"

#include <gtest/gtest.h>

#include "queue/redis/redis_enqueue.h"

namespace worthit::store {
namespace {

using Command = queue::redis::Command;

constexpr int64_t kNowMs = 1'700'000'000'000;  // minute 28333333, UTC day 19675

// User 42's probe at kNowMs with a limit of 3 links a minute and 20 a day.
LinkProbe UserProbe() {
  LinkProbe probe;
  probe.user_id = 42;
  probe.per_minute = 3;
  probe.per_day = 20;
  probe.now_ms = kNowMs;
  return probe;
}

TEST(RedisFrontDoorCodecTest, LookupMessageWithProbe) {
  const RedisFrontDoorCodec codec("wt:s:");
  LinkProbe probe = UserProbe();
  probe.url_key = "https://www.amazon.it/dp/B0TEST0001";
  probe.require_awaiting = true;
  const auto cmds = codec.LookupMessage(123456789, 42, -1001234567890, &probe);
  // The probe reads the handled mark and the ack record itself: no EXISTS / GET of them here.
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0], (Command{"GET", "wt:s:chat:-1001234567890"}));
  EXPECT_EQ(cmds[1], (Command{"HGET", "wt:s:lang", "42"}));
  EXPECT_EQ(cmds[2], (Command{"EVALSHA", RedisFrontDoorCodec::ProbeScript().sha, "6", "wt:s:upd:h:123456789",
                              "wt:s:upd:a:123456789", "wt:s:chat:-1001234567890", "wt:s:rl:m:42:28333333",
                              "wt:s:rl:d:42:19675", "wt:s:url:https://www.amazon.it/dp/B0TEST0001", "1", "wt:s:res:"}));
  EXPECT_EQ(RedisFrontDoorCodec::ProbeScript().sha.size(), 40u);
}

queue::redis::Reply Str(std::string s) {
  queue::redis::Reply r;
  r.type = queue::redis::Reply::Type::kString;
  r.str = std::move(s);
  return r;
}
queue::redis::Reply Int(long long v) {
  queue::redis::Reply r;
  r.type = queue::redis::Reply::Type::kInteger;
  r.integer = v;
  return r;
}
queue::redis::Reply Arr(std::vector<queue::redis::Reply> e) {
  queue::redis::Reply r;
  r.type = queue::redis::Reply::Type::kArray;
  r.elements = std::move(e);
  return r;
}
const queue::redis::Reply kNil;

// The update's lookup comes from the probe's reply: {counted, handled mark, ack record, ...}.
TEST(RedisFrontDoorCodecTest, ParseLookupMessageTakesTheUpdateFromTheProbe) {
  const RedisFrontDoorCodec codec("wt:s:");
  const LinkProbe probe = UserProbe();
  // Handled: nothing counted.
  auto handled = codec.ParseLookupMessage({kNil, Str("it"), Arr({Int(0), Str("enqueued"), kNil})}, 42, &probe);
  ASSERT_TRUE(handled.ok());
  EXPECT_TRUE(handled->update.handled);
  EXPECT_FALSE(handled->update.ack.has_value());
  EXPECT_FALSE(handled->link.taken);
  EXPECT_EQ(handled->chat.language.value_or(""), "it");
  // Acknowledged, not handled (the write failed after the acknowledgement): its message id.
  auto acked = codec.ParseLookupMessage({kNil, Arr({Int(0), kNil, Str("-5:77")})}, std::nullopt, &probe);
  ASSERT_TRUE(acked.ok());
  EXPECT_FALSE(acked->update.handled);
  ASSERT_TRUE(acked->update.ack.has_value());
  EXPECT_EQ(acked->update.ack->chat_id, -5);
  EXPECT_EQ(acked->update.ack->message_id, 77);
  EXPECT_FALSE(acked->link.taken);
  // New: counted, with the cached result.
  auto fresh = codec.ParseLookupMessage({Str("1:1700000600000"), kNil,
                                         Arr({Int(1), kNil, kNil, Int(4), Int(5), Str("amz:B0X"),
                                              Arr({Str("title"), Str("Moka"), Str("at"), Str("9")})})},
                                        42, &probe);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->update.handled);
  EXPECT_FALSE(fresh->update.ack.has_value());
  ASSERT_TRUE(fresh->chat.state.has_value());
  EXPECT_TRUE(fresh->link.taken);
  EXPECT_FALSE(fresh->link.allowance.allowed);  // 4 in the minute, 3 allowed
  EXPECT_FALSE(fresh->link.allowance.daily);
  ASSERT_TRUE(fresh->link.cached.has_value());
  EXPECT_EQ(fresh->link.cached->product_id, "amz:B0X");
  EXPECT_EQ(fresh->link.cached->title, "Moka");
  // A reply of the wrong shape is STORE_UNAVAILABLE, not a silent "new".
  auto bad = codec.ParseLookupMessage({kNil, Arr({Int(0)})}, std::nullopt, &probe);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "STORE_UNAVAILABLE");
}

TEST(RedisFrontDoorCodecTest, LookupMessageWithoutUserOrProbe) {
  const RedisFrontDoorCodec codec("wt:s:");
  const auto cmds = codec.LookupMessage(7, std::nullopt, 99, nullptr);
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0], (Command{"EXISTS", "wt:s:upd:h:7"}));
  EXPECT_EQ(cmds[1], (Command{"GET", "wt:s:upd:a:7"}));
  EXPECT_EQ(cmds[2], (Command{"GET", "wt:s:chat:99"}));
  EXPECT_EQ(codec.Lookup(7), (std::vector<Command>{cmds[0], cmds[1]}));
}

TEST(RedisFrontDoorCodecTest, ProbeCallWithoutUrlKey) {
  const RedisFrontDoorCodec codec("p:s:");
  LinkProbe probe;
  probe.user_id = 5;
  probe.now_ms = kNowMs;
  const auto [keys, args] = codec.ProbeCall(1, 2, probe);
  EXPECT_EQ(keys, (Command{"p:s:upd:h:1", "p:s:upd:a:1", "p:s:chat:2", "p:s:rl:m:5:28333333", "p:s:rl:d:5:19675"}));
  EXPECT_EQ(args, (Command{"0", "p:s:res:"}));
}

// The refund of a delivery whose reply failed decrements exactly the counters the probe took.
TEST(RedisFrontDoorCodecTest, RefundUserRequestNamesTheProbesCounters) {
  const RedisFrontDoorCodec codec("wt:s:");
  const LinkProbe probe = UserProbe();
  const Command c = codec.RefundUserRequest(probe.user_id, probe.now_ms);
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0], "EVAL");
  EXPECT_NE(c[1].find("DECR"), std::string::npos);
  EXPECT_NE(c[1].find("EXISTS"), std::string::npos);  // never recreates an expired counter
  EXPECT_EQ(c[2], "2");
  EXPECT_EQ(c[3], "wt:s:rl:m:42:28333333");
  EXPECT_EQ(c[4], "wt:s:rl:d:42:19675");
}

TEST(RedisFrontDoorCodecTest, WritesAndTheirValueFormats) {
  const RedisFrontDoorCodec codec("wt:s:");
  EXPECT_EQ(codec.MarkHandled(11, "cached"), (Command{"SET", "wt:s:upd:h:11", "cached", "EX", "172800", "NX"}));
  EXPECT_EQ(codec.MarkHandled(11, ""), (Command{"SET", "wt:s:upd:h:11", "1", "EX", "172800", "NX"}));
  EXPECT_EQ(codec.PutAck(11, {-100987654321, 4242}),
            (Command{"SET", "wt:s:upd:a:11", "-100987654321:4242", "EX", "172800"}));
  EXPECT_EQ(codec.SetChatState(8, {ChatMode::kAwaitingLink, kNowMs + 600'000}, kNowMs),
            (Command{"SET", "wt:s:chat:8", "1:1700000600000", "PX", "600000"}));
  EXPECT_EQ(codec.ClearChatState(8), (Command{"DEL", "wt:s:chat:8"}));
  EXPECT_EQ(codec.GetChatState(8), (Command{"GET", "wt:s:chat:8"}));
  EXPECT_EQ(codec.GetUserLanguage(9), (Command{"HGET", "wt:s:lang", "9"}));
  EXPECT_EQ(codec.ResultKey("amz:B0X"), "wt:s:res:amz:B0X");
  EXPECT_EQ(codec.UrlKey("https://x"), "wt:s:url:https://x");

  const auto records = codec.IntakeRecords(11, {-5, 77}, "enqueued");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, "wt:s:upd:a:11");
  EXPECT_EQ(records[0].value, "-5:77");
  EXPECT_EQ(records[0].ttl, std::chrono::seconds(172800));
  EXPECT_EQ(records[1].key, "wt:s:upd:h:11");
  EXPECT_EQ(records[1].value, "enqueued");
  EXPECT_EQ(records[1].ttl, std::chrono::seconds(172800));
}

TEST(RedisEnqueueCallTest, IntakeCallWithRecords) {
  queue::QueueOptions options;
  options.redis_prefix = "wt";
  options.idempotency_ttl = std::chrono::seconds(3600);
  queue::EnqueueOptions enqueue{"update:11", std::chrono::milliseconds(0)};
  const std::vector<queue::AtomicRecord> records{{"wt:s:upd:a:11", "-5:77", std::chrono::seconds(172800)},
                                                 {"wt:s:upd:h:11", "enqueued", std::chrono::seconds(172800)}};
  const std::string payload = R"({"v":1,"update_id":11})";
  const auto call = queue::redis::EnqueueCall(options, payload, enqueue, &records);
  EXPECT_EQ(call.keys, (Command{"{wt}:queue:stream", "{wt}:queue:delayed", "{wt}:queue:stats",
                                "{wt}:queue:idem:update:11", "wt:s:upd:a:11", "wt:s:upd:h:11"}));
  ASSERT_EQ(call.args.size(), 10u);
  EXPECT_EQ(call.args[0], "workers");
  EXPECT_EQ(call.args[1], payload);
  EXPECT_EQ(call.args[2], "0");
  EXPECT_EQ(call.args[3], "3600");
  EXPECT_EQ(call.args[4].size(), 16u);  // the task id, random
  EXPECT_EQ((Command{call.args.begin() + 5, call.args.end()}), (Command{"5", "-5:77", "172800", "enqueued", "172800"}));

  // The front door's overload moves the records in: the same call.
  auto moved = queue::redis::EnqueueCall(options, payload, enqueue, std::vector<queue::AtomicRecord>(records));
  EXPECT_EQ(moved.keys, call.keys);
  moved.args[4] = call.args[4];
  EXPECT_EQ(moved.args, call.args);

  const auto command = queue::redis::EvalCommand("EVALSHA", "sha", Command(call.keys), Command(call.args));  // moved in
  ASSERT_EQ(command.size(), 3 + call.keys.size() + call.args.size());
  EXPECT_EQ(command[0], "EVALSHA");
  EXPECT_EQ(command[2], "6");
  EXPECT_EQ(command, queue::redis::EvalCommand("EVALSHA", "sha", call.keys, call.args));
}

TEST(RedisEnqueueCallTest, PlainCallAndHashTaggedPrefix) {
  queue::QueueOptions options;
  options.redis_prefix = "{app}x";
  queue::EnqueueOptions enqueue{"", std::chrono::milliseconds(-5)};
  const auto call = queue::redis::EnqueueCall(options, "p", enqueue, nullptr);
  EXPECT_EQ(call.keys, (Command{"{app}x:queue:stream", "{app}x:queue:delayed", "{app}x:queue:stats"}));
  ASSERT_EQ(call.args.size(), 5u);
  EXPECT_EQ(call.args[2], "0");  // a negative delay is none
  EXPECT_EQ(queue::redis::QueueKeyBase(""), "{worthit}:queue");
  EXPECT_EQ(queue::redis::QueueKeyBase("a"), "{a}:queue");
}

}  // namespace
}  // namespace worthit::store
