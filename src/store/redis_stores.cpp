#include "store/redis_stores.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/log.h"
#include "queue/queue_url.h"
#include "queue/redis/redis_connection.h"
#include "store/redis_front_door_codec.h"
#include "store/result_store_backends.h"

namespace worthit::store {
namespace {

using queue::redis::Command;
using queue::redis::RedisClient;
using queue::redis::Reply;
using queue::redis::Script;

int64_t Secs(std::chrono::hours h) { return std::chrono::duration_cast<std::chrono::seconds>(h).count(); }

Error Unavailable(const Error& e) { return Error::Transient("STORE_UNAVAILABLE", "redis: " + e.message); }

// The first error among the first `count` replies, as STORE_UNAVAILABLE; OK when there is none.
Status FirstErrorReply(const std::vector<Reply>& replies, size_t count) {
  for (size_t i = 0; i < count && i < replies.size(); ++i) {
    if (replies[i].IsError()) return Error::Transient("STORE_UNAVAILABLE", "redis: " + replies[i].str);
  }
  return OkStatus();
}

// Runs commands in one round trip; transport failures and error replies become STORE_UNAVAILABLE.
Result<std::vector<Reply>> Run(RedisClient& client, const std::vector<Command>& commands) {
  auto r = client.Pipeline(commands);
  if (!r.ok()) return Unavailable(r.error());
  if (auto st = FirstErrorReply(*r, r->size()); !st.ok()) return st.error();
  return r;
}

Status RunStatus(RedisClient& client, const std::vector<Command>& commands) {
  auto r = Run(client, commands);
  return r.ok() ? OkStatus() : Status(r.error());
}

using Codec = RedisFrontDoorCodec;

class RedisConversationStore final : public ConversationStore {
 public:
  RedisConversationStore(std::shared_ptr<RedisClient> c, std::string p) : c_(std::move(c)), k_(std::move(p)) {}

  Result<std::optional<ChatState>> GetChatState(int64_t chat_id) override {
    auto r = Run(*c_, {k_.GetChatState(chat_id)});
    if (!r.ok()) return r.error();
    return Codec::ParseState((*r)[0]);
  }
  Status SetChatState(int64_t chat_id, const ChatState& state) override {
    return RunStatus(*c_, {k_.SetChatState(chat_id, state, SystemClock::Instance().NowMillis())});
  }
  Status ClearChatState(int64_t chat_id) override { return RunStatus(*c_, {k_.ClearChatState(chat_id)}); }
  Result<ChatContext> GetChatContext(std::optional<int64_t> user_id, int64_t chat_id) override {
    std::vector<Command> cmds{k_.GetChatState(chat_id)};
    if (user_id) cmds.push_back(k_.GetUserLanguage(*user_id));
    auto r = Run(*c_, cmds);
    if (!r.ok()) return r.error();
    ChatContext out;
    out.state = Codec::ParseState((*r)[0]);
    if (user_id && !(*r)[1].IsNil()) out.language = (*r)[1].str;
    return out;
  }
  Result<std::optional<std::string>> GetUserLanguage(int64_t user_id) override {
    auto r = Run(*c_, {k_.GetUserLanguage(user_id)});
    if (!r.ok()) return r.error();
    if ((*r)[0].IsNil()) return std::optional<std::string>();
    return std::optional<std::string>((*r)[0].str);
  }
  Status SetUserLanguage(int64_t user_id, const std::string& lang) override {
    return RunStatus(*c_, {{"HSET", k_.prefix() + "lang", std::to_string(user_id), lang}});
  }
  Status Ping() override { return RunStatus(*c_, {{"PING"}}); }

  // For RedisUpdateStore::LookupMessage: the message lookup is one pipeline when both stores use
  // the same connection pool and key prefix.
  bool SharesClient(const RedisClient* c, const std::string& prefix) const {
    return c_.get() == c && k_.prefix() == prefix;
  }

 private:
  std::shared_ptr<RedisClient> c_;
  Codec k_;
};

class RedisResultStore;
bool SharesClient(const ResultStore* results, const RedisClient* c, const std::string& prefix);

class RedisUpdateStore final : public UpdateStore {
 public:
  RedisUpdateStore(std::shared_ptr<RedisClient> c, std::string p) : c_(std::move(c)), k_(std::move(p)) {}

  Result<bool> IsHandled(int64_t update_id) override {
    auto r = Run(*c_, {k_.Lookup(update_id)[0]});
    if (!r.ok()) return r.error();
    return (*r)[0].AsInt() > 0;
  }
  Status MarkHandled(int64_t update_id, const std::string& outcome) override {
    return RunStatus(*c_, {k_.MarkHandled(update_id, outcome)});
  }
  Result<std::optional<AckRecord>> GetAck(int64_t update_id) override {
    auto r = Run(*c_, {k_.Lookup(update_id)[1]});
    if (!r.ok()) return r.error();
    return Codec::ParseAck((*r)[0]);
  }
  Status PutAck(int64_t update_id, const AckRecord& ack) override {
    return RunStatus(*c_, {k_.PutAck(update_id, ack)});
  }
  Result<UpdateLookup> Lookup(int64_t update_id) override {
    auto r = Run(*c_, k_.Lookup(update_id));
    if (!r.ok()) return r.error();
    return UpdateLookup{(*r)[0].AsInt() > 0, Codec::ParseAck((*r)[1])};
  }
  // With the conversation store (and the result store, for a link probe) on the same connection
  // pool: EXISTS, GET ack, GET chat, HGET lang and the probe script in one pipeline (the context is
  // read even for a handled update: one round trip either way).
  Result<MessageLookup> LookupMessage(int64_t update_id, ConversationStore& conversations,
                                      std::optional<int64_t> user_id, int64_t chat_id, const LinkProbe* probe,
                                      ResultStore* results) override {
    auto* redis = dynamic_cast<RedisConversationStore*>(&conversations);
    const bool probe_here = probe == nullptr || SharesClient(results, c_.get(), k_.prefix());
    if (redis == nullptr || !redis->SharesClient(c_.get(), k_.prefix()) || !probe_here) {
      return UpdateStore::LookupMessage(update_id, conversations, user_id, chat_id, probe, results);
    }
    auto r = c_->Pipeline(k_.LookupMessage(update_id, user_id, chat_id, probe));
    if (!r.ok()) return Unavailable(r.error());
    if (Codec::ProbeNeedsEval(*r, probe)) {
      // NOSCRIPT: Redis lost its script cache (restart); the probe did not run. Load and run it.
      auto [keys, args] = k_.ProbeCall(update_id, chat_id, *probe);
      auto again = c_->Eval(Codec::ProbeScript(), keys, args);
      if (!again.ok()) return Unavailable(again.error());
      r->back() = std::move(*again);
    }
    return k_.ParseLookupMessage(*r, user_id, probe);
  }
  std::vector<queue::AtomicRecord> IntakeRecords(int64_t update_id, const AckRecord& ack,
                                                 const std::string& outcome) const override {
    return k_.IntakeRecords(update_id, ack, outcome);
  }
  Result<std::optional<int64_t>> GetCursor(const std::string& name) override {
    auto r = Run(*c_, {{"HGET", k_.prefix() + "cursors", name}});
    if (!r.ok()) return r.error();
    if ((*r)[0].IsNil()) return std::optional<int64_t>();
    return std::optional<int64_t>((*r)[0].AsInt());
  }
  Status SetCursor(const std::string& name, int64_t value) override {
    return RunStatus(*c_, {{"HSET", k_.prefix() + "cursors", name, std::to_string(value)}});
  }
  Result<int64_t> Prune() override { return int64_t{0}; }  // keys carry their own expiry
  Status Ping() override { return RunStatus(*c_, {{"PING"}}); }

 private:
  std::shared_ptr<RedisClient> c_;
  Codec k_;
};

std::string ScoreText(const std::optional<double>& s) { return s ? std::to_string(*s) : ""; }

class RedisOutboundLimiter;

class RedisResultStore final : public ResultStore {
 public:
  RedisResultStore(std::shared_ptr<RedisClient> c, queue::RedisEndpoint endpoint, std::string p)
      : c_(std::move(c)), endpoint_(std::move(endpoint)), p_(p), k_(std::move(p)) {}
  bool SharesClient(const RedisClient* c, const std::string& prefix) const { return c_.get() == c && p_ == prefix; }

  Status PutResult(const StoredResult& r, const std::vector<std::string>& url_keys) override {
    std::vector<Command> cmds;
    AppendPutResult(cmds, r, url_keys);
    return RunStatus(*c_, cmds);
  }

  Result<std::optional<StoredResult>> GetResult(const std::string& product_id) override {
    auto r = Run(*c_, {{"HGETALL", k_.ResultKey(product_id)}});
    if (!r.ok()) return r.error();
    return Codec::ParseResult(product_id, (*r)[0].elements);
  }

  Result<std::optional<StoredResult>> GetResultByUrl(const std::string& url_key) override {
    auto r = Run(*c_, {{"GET", p_ + "url:" + url_key}});
    if (!r.ok()) return r.error();
    if ((*r)[0].IsNil()) return std::optional<StoredResult>();
    return GetResult((*r)[0].str);
  }

  Status RecordAnalysis(int64_t user_id, const std::string& product_id, int64_t at_ms) override {
    return RunStatus(*c_, k_.RecordAnalysis(user_id, product_id, at_ms));
  }

  Result<std::vector<HistoryItem>> History(int64_t user_id, int limit) override {
    auto r = Run(*c_, {{"LRANGE", p_ + "hist:" + std::to_string(user_id), "0", "-1"}});
    if (!r.ok()) return r.error();
    std::vector<HistoryItem> out;
    std::set<std::string> seen;
    for (const auto& e : (*r)[0].elements) {
      if (static_cast<int>(out.size()) >= limit) break;
      const auto bar = e.str.find('|');
      if (bar == std::string::npos) continue;
      HistoryItem item{e.str.substr(0, bar), "", std::nullopt, std::stoll(e.str.substr(bar + 1))};
      if (!seen.insert(item.product_id).second) continue;
      if (auto res = GetResult(item.product_id); res.ok() && res->has_value()) {
        item.title = (*res)->title;
        item.score = (*res)->score;
      }
      out.push_back(item);
    }
    return out;
  }

  Result<std::vector<PopularItem>> Popular(int64_t since_ms, int limit) override {
    std::vector<Command> cmds;
    const int64_t today = UtcDay(SystemClock::Instance().NowMillis());
    for (int64_t d = UtcDay(since_ms); d <= today && cmds.size() < 9; ++d) {
      cmds.push_back({"ZRANGE", p_ + "pop:" + std::to_string(d), "0", "-1", "WITHSCORES"});
    }
    if (cmds.empty()) return std::vector<PopularItem>();
    auto r = Run(*c_, cmds);
    if (!r.ok()) return r.error();
    std::map<std::string, int64_t> counts;
    for (const auto& day : *r) {
      for (size_t i = 0; i + 1 < day.elements.size(); i += 2) {
        counts[day.elements[i].str] += std::llround(std::stod(day.elements[i + 1].str));
      }
    }
    std::vector<PopularItem> out;
    for (const auto& [id, n] : counts) out.push_back({id, "", std::nullopt, n});
    SortPopular(out);
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    for (auto& p : out) {
      if (auto res = GetResult(p.product_id); res.ok() && res->has_value()) {
        p.title = (*res)->title;
        p.score = (*res)->score;
      }
    }
    return out;
  }

  Status AddPrice(const std::string& product_id, const PriceObservation& o) override {
    std::vector<Command> cmds;
    AppendAddPrice(cmds, product_id, o);
    return RunStatus(*c_, cmds);
  }

  Result<std::vector<PriceObservation>> Prices(const std::string& product_id, int limit) override {
    auto r = Run(*c_, {PricesCommand(product_id, limit)});
    if (!r.ok()) return r.error();
    return ParsePrices((*r)[0]);
  }

  Result<std::optional<std::string>> GetDelivery(const std::string& key) override {
    auto r = Run(*c_, {{"GET", p_ + "dlv:" + key}});
    if (!r.ok()) return r.error();
    if ((*r)[0].IsNil()) return std::optional<std::string>();
    return std::optional<std::string>((*r)[0].str);
  }
  Result<bool> PutDelivery(const std::string& key, const std::string& outcome) override {
    auto r = Run(*c_, {PutDeliveryCommand(key, outcome)});
    if (!r.ok()) return r.error();
    return !(*r)[0].IsNil();
  }

  // The worker's combined calls (result_store.h): one pipeline each.
  Result<TaskLookup> LookupTask(const std::string& delivery_key, const std::string& url_key,
                                const std::string& prices_of) override {
    std::vector<Command> cmds{{"GET", p_ + "dlv:" + delivery_key}};
    if (!url_key.empty()) cmds.push_back({"GET", p_ + "url:" + url_key});
    if (!prices_of.empty()) cmds.push_back(PricesCommand(prices_of, kPriceKeep));
    auto r = Run(*c_, cmds);
    if (!r.ok()) return r.error();
    TaskLookup out;
    if (!(*r)[0].IsNil()) {
      out.delivery = (*r)[0].str;
      return out;
    }
    if (!prices_of.empty()) out.prices = ParsePrices(r->back());
    if (url_key.empty() || (*r)[1].IsNil()) return out;
    auto result = GetResult((*r)[1].str);
    if (!result.ok()) return result.error();
    out.result = std::move(*result);
    return out;
  }
  Status PutAnalysis(const StoredResult& result, const std::vector<std::string>& url_keys,
                     const std::optional<PriceObservation>& price) override {
    std::vector<Command> cmds;
    if (price) AppendAddPrice(cmds, result.product_id, *price);
    AppendPutResult(cmds, result, url_keys);
    return RunStatus(*c_, cmds);
  }
  Status RecordDelivered(const std::string& key, const std::string& outcome, int64_t user_id,
                         const std::string& product_id, int64_t at_ms) override {
    return RunStatus(*c_, RecordDeliveredCommands(key, outcome, user_id, product_id, at_ms));
  }
  std::vector<std::vector<std::string>> RecordDeliveredCommands(const std::string& key, const std::string& outcome,
                                                                int64_t user_id, const std::string& product_id,
                                                                int64_t at_ms) const override {
    std::vector<Command> cmds{PutDeliveryCommand(key, outcome)};
    AppendRecordAnalysis(cmds, user_id, product_id, at_ms);
    return cmds;
  }
  // With a Redis limiter on the same server and prefix: the writes and the limiter's script in one
  // pipeline (defined after RedisOutboundLimiter).
  Status PutAnalysisTakeToken(const StoredResult& result, const std::vector<std::string>& url_keys,
                              const std::optional<PriceObservation>& price, telegram::OutboundLimiter& limiter,
                              int64_t chat_id, bool is_group,
                              std::optional<std::chrono::milliseconds>& token_wait) override;

  Result<UserAllowance> TakeUserRequest(int64_t user_id, int per_minute, int per_day, int64_t now_ms) override {
    auto r = Run(*c_, k_.TakeUserRequest(user_id, now_ms));
    if (!r.ok()) return r.error();
    return AllowanceFor((*r)[0].AsInt(), (*r)[2].AsInt(), per_minute, per_day, now_ms);
  }

  Status GiveBackUserRequest(int64_t user_id, int64_t now_ms) override {
    auto r = Run(*c_, {k_.RefundUserRequest(user_id, now_ms)});
    if (!r.ok()) return r.error();
    return OkStatus();
  }

  Result<int64_t> AddLearnedReviews(const std::vector<LearnedReview>& reviews) override {
    if (reviews.empty()) return int64_t{0};
    std::vector<Command> cmds;
    for (const auto& rv : reviews) {
      cmds.push_back(
          {"HSETNX", p_ + "learned", LearnedReviewKey(rv),
           rv.product_id + "\x1f" + std::to_string(rv.stars) + "\x1f" + rv.lang + "\x1f" + rv.date + "\x1f" + rv.text});
    }
    auto r = Run(*c_, cmds);
    if (!r.ok()) return r.error();
    int64_t added = 0;
    for (const auto& x : *r) added += x.AsInt();
    return added;
  }

  Result<std::vector<LearnedReview>> LearnedReviews(int64_t limit) override {
    auto r = Run(*c_, {{"HVALS", p_ + "learned"}});
    if (!r.ok()) return r.error();
    std::vector<LearnedReview> out;
    for (const auto& e : (*r)[0].elements) {
      if (static_cast<int64_t>(out.size()) >= limit) break;
      std::vector<std::string> parts;
      size_t start = 0;
      for (int i = 0; i < 4; ++i) {
        auto pos = e.str.find('\x1f', start);
        if (pos == std::string::npos) break;
        parts.push_back(e.str.substr(start, pos - start));
        start = pos + 1;
      }
      if (parts.size() != 4) continue;
      out.push_back({parts[0], e.str.substr(start), std::atoi(parts[1].c_str()), parts[2], parts[3]});
    }
    return out;
  }

  Status Ping() override { return RunStatus(*c_, {{"PING"}}); }

 private:
  // The commands of each write, so the combined calls can pipeline them.
  void AppendPutResult(std::vector<Command>& cmds, const StoredResult& r,
                       const std::vector<std::string>& url_keys) const {
    const std::string key = p_ + "res:" + r.product_id;
    const std::string ttl = std::to_string(Secs(kResultRetention));
    cmds.push_back({"HSET",
                    key,
                    "canonical_url",
                    r.canonical_url,
                    "title",
                    r.title,
                    "score",
                    ScoreText(r.score),
                    "price",
                    r.price,
                    "currency",
                    r.currency,
                    "card_it",
                    r.card_it,
                    "card_en",
                    r.card_en,
                    "keyboard",
                    r.keyboard_json,
                    "at",
                    std::to_string(r.analyzed_at_ms)});
    cmds.push_back({"EXPIRE", key, ttl});
    std::vector<std::string> keys = url_keys;
    keys.push_back(r.canonical_url);
    for (size_t i = 0; i < keys.size(); ++i) {
      // The user's link is often already canonical: one SET per distinct key.
      if (keys[i].empty() || std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), keys[i]) !=
                                 keys.begin() + static_cast<std::ptrdiff_t>(i)) {
        continue;
      }
      cmds.push_back({"SET", p_ + "url:" + keys[i], r.product_id, "EX", ttl});
    }
  }
  void AppendAddPrice(std::vector<Command>& cmds, const std::string& product_id, const PriceObservation& o) const {
    const std::string key = p_ + "price:" + product_id;
    cmds.push_back({"LPUSH", key, o.price + "|" + o.currency + "|" + std::to_string(o.at_ms)});
    cmds.push_back({"LTRIM", key, "0", std::to_string(kPriceKeep - 1)});
    cmds.push_back({"EXPIRE", key, std::to_string(Secs(kResultRetention) * 3)});
  }
  void AppendRecordAnalysis(std::vector<Command>& cmds, int64_t user_id, const std::string& product_id,
                            int64_t at_ms) const {
    for (auto& c : k_.RecordAnalysis(user_id, product_id, at_ms)) cmds.push_back(std::move(c));
  }
  Command PricesCommand(const std::string& product_id, int limit) const {
    return {"LRANGE", p_ + "price:" + product_id, "0", std::to_string(std::max(0, limit - 1))};
  }
  static std::vector<PriceObservation> ParsePrices(const Reply& reply) {
    std::vector<PriceObservation> out;
    for (const auto& e : reply.elements) {
      const auto a = e.str.find('|');
      const auto b = e.str.find('|', a == std::string::npos ? 0 : a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      out.push_back({e.str.substr(0, a), e.str.substr(a + 1, b - a - 1), std::stoll(e.str.substr(b + 1))});
    }
    return out;
  }
  Command PutDeliveryCommand(const std::string& key, const std::string& outcome) const {
    return {"SET", p_ + "dlv:" + key, outcome, "EX", std::to_string(Secs(kDeliveryRetention)), "NX"};
  }

  std::shared_ptr<RedisClient> c_;
  queue::RedisEndpoint endpoint_;
  std::string p_;
  Codec k_;
};

bool SharesClient(const ResultStore* results, const RedisClient* c, const std::string& prefix) {
  const auto* redis = dynamic_cast<const RedisResultStore*>(results);
  return redis != nullptr && redis->SharesClient(c, prefix);
}

// Token buckets in Redis, one string per bucket: three little-endian doubles (tokens, ts ms, paused
// until ms) for a chat, two (tokens, ts ms) for the global one, packed by Lua's struct library, each
// with a 10-minute expiry. Strings rather than hashes: one MGET reads both buckets and one SET ... PX
// writes each with its expiry (TIME + MGET + 2 SET per token, the worker takes one per Bot API call).
// Packed doubles rather than text ("<tokens>|<ts>|<paused>"): no tostring / string.match / tonumber
// per token, 10.3 -> 8.1 us of Redis per call in isolation (docs/performance.md, "Session 6: Redis
// commands per task"). Key names carry the format: tg:c2:<chat> / tg:g2 (the text format was
// tg:c:/tg:g, the hashes before it tg:chat:/tg:global), so a process of another version never reads
// a format it cannot parse. During a rolling upgrade the old and the new processes therefore keep
// separate buckets, and together may send up to twice the configured rates until the old ones are
// gone; Telegram answers the excess with 429, which pauses the chat (OnRetryAfter) and loses no card.
// KEYS: chat bucket, global bucket. ARGV: chat rate per ms, chat burst, global rate per ms, global
// burst. Returns 0 (token taken) or the wait in ms. A value of another length is a full bucket.
// The expiry is passed to SET as a string: Redis 7.0 formats a Lua number with snprintf("%.17g").
constexpr const char* kAcquireLua = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cr, cb, gr, gb = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local v = redis.call('MGET', KEYS[1], KEYS[2])
local ct, cts, cp, gt, gts = cb, now, 0, gb, now
if v[1] and #v[1] == 24 then ct, cts, cp = struct.unpack('<ddd', v[1]) end
if v[2] and #v[2] == 16 then gt, gts = struct.unpack('<dd', v[2]) end
if now > cts then ct = math.min(cb, ct + (now - cts) * cr); cts = now end
if now > gts then gt = math.min(gb, gt + (now - gts) * gr); gts = now end
local wait = 0
if cp > now then wait = cp - now end
if ct < 1 then wait = math.max(wait, math.ceil((1 - ct) / cr)) end
if gt < 1 then wait = math.max(wait, math.ceil((1 - gt) / gr)) end
if wait == 0 then ct = ct - 1; gt = gt - 1 end
redis.call('SET', KEYS[1], struct.pack('<ddd', ct, cts, cp), 'PX', '600000')
redis.call('SET', KEYS[2], struct.pack('<dd', gt, gts), 'PX', '600000')
return wait
)lua";

// KEYS: chat bucket. ARGV: pause in ms. The chat's tokens are emptied and it is paused.
constexpr const char* kPauseLua = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local v = redis.call('GET', KEYS[1])
if v and #v == 24 then
  local _, _, p = struct.unpack('<ddd', v)
  if p > until_ms then until_ms = p end
end
redis.call('SET', KEYS[1], struct.pack('<ddd', 0, now, until_ms), 'PX', math.max(600000, until_ms - now + 60000))
return until_ms - now
)lua";

// The bucket keys (the format's name is in them: see kAcquireLua).
std::string ChatBucketKey(const std::string& prefix, int64_t chat_id) {
  return queue::redis::Concat({prefix, "tg:c2:", std::to_string(chat_id)});
}
std::string GlobalBucketKey(const std::string& prefix) { return queue::redis::Concat({prefix, "tg:g2"}); }

class RedisOutboundLimiter final : public telegram::OutboundLimiter {
 public:
  // The scripts' shas are computed here, never filled in later: a result store on the same Redis
  // sends the acquire script through its own client (PutAnalysisTakeToken).
  RedisOutboundLimiter(std::shared_ptr<RedisClient> c, queue::RedisEndpoint endpoint, std::string p,
                       telegram::RateLimits limits)
      : c_(std::move(c)),
        endpoint_(std::move(endpoint)),
        p_(std::move(p)),
        limits_(limits),
        acquire_(queue::redis::MakeScript(kAcquireLua)),
        pause_(queue::redis::MakeScript(kPauseLua)) {}

  std::chrono::milliseconds TryAcquire(int64_t chat_id, bool is_group) override {
    auto call = AcquireCall(chat_id, is_group);
    return WaitFrom(c_->Eval(*call.script, call.keys, call.args));
  }

  void OnRetryAfter(int64_t chat_id, std::chrono::seconds retry_after) override {
    const auto capped = std::clamp(retry_after, std::chrono::seconds(1), telegram::OutboundRateLimiter::kMaxPause);
    auto r = c_->Eval(pause_, {ChatBucketKey(p_, chat_id)}, {std::to_string(capped.count() * 1000)});
    if (!r.ok() || r->IsError()) {
      log::Warn("limiter.redis_unavailable", {{"error", r.ok() ? r->str : r.error().ToString()}});
    }
  }

  // Whether the buckets live on this server under this key prefix (so another client there may
  // run AcquireCall in its own pipeline).
  bool LivesAt(const queue::RedisEndpoint& endpoint, const std::string& prefix) const {
    return queue::SameRedis(endpoint_, endpoint) && p_ == prefix;
  }
  RedisClient::ScriptCall AcquireCall(int64_t chat_id, bool is_group) {
    const double chat_rate = is_group ? limits_.group_per_minute / 60000.0 : limits_.private_per_second / 1000.0;
    const double chat_burst =
        is_group ? telegram::OutboundRateLimiter::kGroupBurst : telegram::OutboundRateLimiter::kPrivateBurst;
    return {&acquire_,
            {ChatBucketKey(p_, chat_id), GlobalBucketKey(p_)},
            {std::to_string(chat_rate), std::to_string(chat_burst), std::to_string(limits_.global_per_second / 1000.0),
             std::to_string(std::max(1.0, limits_.global_per_second))}};
  }
  // The acquire script's answer as TryAcquire's; Redis unreachable or an error lets the call
  // through (outbound_limiter.h).
  static std::chrono::milliseconds WaitFrom(const Result<Reply>& r) {
    if (!r.ok() || r->IsError()) {
      log::Warn("limiter.redis_unavailable", {{"error", r.ok() ? r->str : r.error().ToString()}});
      return std::chrono::milliseconds(0);
    }
    return std::chrono::milliseconds(std::max<long long>(0, r->AsInt()));
  }

 private:
  std::shared_ptr<RedisClient> c_;
  queue::RedisEndpoint endpoint_;
  std::string p_;
  telegram::RateLimits limits_;
  Script acquire_;
  Script pause_;
};

Status RedisResultStore::PutAnalysisTakeToken(const StoredResult& result, const std::vector<std::string>& url_keys,
                                              const std::optional<PriceObservation>& price,
                                              telegram::OutboundLimiter& limiter, int64_t chat_id, bool is_group,
                                              std::optional<std::chrono::milliseconds>& token_wait) {
  auto* redis = dynamic_cast<RedisOutboundLimiter*>(&limiter);
  if (redis == nullptr || !redis->LivesAt(endpoint_, p_)) {
    return ResultStore::PutAnalysisTakeToken(result, url_keys, price, limiter, chat_id, is_group, token_wait);
  }
  token_wait.reset();
  std::vector<Command> cmds;
  if (price) AppendAddPrice(cmds, result.product_id, *price);
  AppendPutResult(cmds, result, url_keys);
  const size_t writes = cmds.size();
  auto r = c_->EvalEach({redis->AcquireCall(chat_id, is_group)}, std::move(cmds));
  if (!r.ok()) return Unavailable(r.error());
  if (auto st = FirstErrorReply(*r, writes); !st.ok()) return st;
  token_wait = RedisOutboundLimiter::WaitFrom(std::move(r->back()));
  return OkStatus();
}

struct Connected {
  std::shared_ptr<RedisClient> client;
  queue::RedisEndpoint endpoint;
};

Result<Connected> Connect(const std::string& url) {
  auto ep = queue::ParseQueueUrl(url);
  if (!ep.ok()) return Error::Invalid("STORE_INVALID_URL", ep.error().message);
  const auto* redis = std::get_if<queue::RedisEndpoint>(&*ep);
  if (!redis) return Error::Invalid("STORE_INVALID_URL", "not a redis:// URL");
  return Connected{std::make_shared<RedisClient>(*redis), *redis};
}

}  // namespace

Result<RedisStores> OpenRedisStores(const std::string& url, const std::string& prefix) {
  auto c = Connect(url);
  if (!c.ok()) return c.error();
  const std::string p = prefix + ":s:";
  return RedisStores{std::make_shared<RedisConversationStore>(c->client, p),
                     std::make_shared<RedisUpdateStore>(c->client, p),
                     std::make_shared<RedisResultStore>(c->client, c->endpoint, p)};
}

Result<std::shared_ptr<telegram::OutboundLimiter>> OpenRedisOutboundLimiter(const std::string& url,
                                                                            const std::string& prefix,
                                                                            telegram::RateLimits limits) {
  auto c = Connect(url);
  if (!c.ok()) return c.error();
  return std::shared_ptr<telegram::OutboundLimiter>(
      std::make_shared<RedisOutboundLimiter>(c->client, c->endpoint, prefix + ":s:", limits));
}

}  // namespace worthit::store
