#include "store/redis_front_door_codec.h"

#include <map>

namespace worthit::store {
namespace {

using queue::redis::Concat;
using queue::redis::MakeCommand;
using queue::redis::Reply;

int64_t Secs(std::chrono::hours h) { return std::chrono::duration_cast<std::chrono::seconds>(h).count(); }

// The per-user request windows of TakeUserRequest: a minute counter lives 2 minutes, a day counter
// 2 days (both outlive their window, so a late INCR never recreates a stale count).
constexpr const char* kMinuteTtl = "120";
constexpr const char* kDayTtl = "172800";

// The link probe, and with it the update's own lookup. KEYS: handled mark, ack record, chat state,
// minute counter, day counter, [url key]. ARGV: require_awaiting ('1' | '0'), the result hash prefix.
// Returns {counted, handled mark, ack record[, minute count, day count[, product id, HGETALL of the
// result]]}: the mark and the record as read (nil when absent), so the pipeline needs no EXISTS and
// GET of its own for them. Nothing is counted (counted = 0) when the update was handled or
// acknowledged, or when the chat is not awaiting a link and that is required. A counter starts with
// SET NX EX (one command for the first request of a window; the expiry is set once, from that
// first request, and outlives the window as before); later requests INCR it. Numbers given to
// redis.call are strings here: Redis 7.0 turns a Lua number argument into text with
// snprintf("%.17g"), measurable per call (docs/performance.md, "Session 6"). The result key is
// derived from the url key's value, so this needs one Redis server, not Cluster (as the intake
// script).
constexpr const char* kProbeLua = R"lua(
local u = redis.call('MGET', KEYS[1], KEYS[2])
if u[1] or u[2] then return {0, u[1], u[2]} end
if ARGV[1] == '1' then
  local s = redis.call('GET', KEYS[3])
  if not s or string.sub(s, 1, 2) ~= '1:' then return {0, false, false} end
end
local function count(key, ttl)
  if redis.call('SET', key, '1', 'EX', ttl, 'NX') then return 1 end
  return redis.call('INCR', key)
end
local m = count(KEYS[4], '120')
local d = count(KEYS[5], '172800')
if #KEYS < 6 then return {1, false, false, m, d} end
local id = redis.call('GET', KEYS[6])
if not id then return {1, false, false, m, d} end
return {1, false, false, m, d, id, redis.call('HGETALL', ARGV[2] .. id)}
)lua";

// RefundUserRequest: the counters the probe took, decremented only while they exist (a DECR of an
// expired one would leave a key without expiry behind).
constexpr const char* kRefundLua = R"lua(
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0
)lua";

Error Unavailable(const std::string& what) { return Error::Transient("STORE_UNAVAILABLE", "redis: " + what); }

}  // namespace

RedisFrontDoorCodec::RedisFrontDoorCodec(std::string prefix) : p_(std::move(prefix)) {}

queue::redis::Script& RedisFrontDoorCodec::ProbeScript() {
  static queue::redis::Script script = queue::redis::MakeScript(kProbeLua);
  return script;
}

size_t RedisFrontDoorCodec::ProbeKeyCount(const LinkProbe& probe) { return probe.url_key.empty() ? 5 : 6; }

void RedisFrontDoorCodec::AppendProbeKeys(Command& out, int64_t update_id, int64_t chat_id,
                                          const LinkProbe& probe) const {
  const std::string id = std::to_string(update_id);
  const std::string user = std::to_string(probe.user_id);
  out.push_back(Concat({p_, "upd:h:", id}));
  out.push_back(Concat({p_, "upd:a:", id}));
  out.push_back(Concat({p_, "chat:", std::to_string(chat_id)}));
  out.push_back(MinuteKey(user, probe.now_ms));
  out.push_back(DayKey(user, probe.now_ms));
  if (!probe.url_key.empty()) out.push_back(UrlKey(probe.url_key));
}

std::string RedisFrontDoorCodec::MinuteKey(const std::string& user, int64_t now_ms) const {
  return Concat({p_, "rl:m:", user, ":", std::to_string(now_ms / 60000)});
}

std::string RedisFrontDoorCodec::DayKey(const std::string& user, int64_t now_ms) const {
  return Concat({p_, "rl:d:", user, ":", std::to_string(UtcDay(now_ms))});
}

void RedisFrontDoorCodec::AppendProbeArgs(Command& out, const LinkProbe& probe) const {
  out.emplace_back(probe.require_awaiting ? "1" : "0");
  out.push_back(Concat({p_, "res:"}));
}

std::pair<RedisFrontDoorCodec::Command, RedisFrontDoorCodec::Command> RedisFrontDoorCodec::ProbeCall(
    int64_t update_id, int64_t chat_id, const LinkProbe& probe) const {
  Command keys;
  keys.reserve(ProbeKeyCount(probe));
  AppendProbeKeys(keys, update_id, chat_id, probe);
  Command args;
  args.reserve(kProbeArgCount);
  AppendProbeArgs(args, probe);
  return {std::move(keys), std::move(args)};
}

std::vector<RedisFrontDoorCodec::Command> RedisFrontDoorCodec::LookupMessage(int64_t update_id,
                                                                             std::optional<int64_t> user_id,
                                                                             int64_t chat_id,
                                                                             const LinkProbe* probe) const {
  // With a probe, the script reads the handled mark and the ack record (kProbeLua); without, as
  // Lookup(update_id).
  std::vector<Command> cmds = probe == nullptr ? Lookup(update_id) : std::vector<Command>();
  cmds.reserve(cmds.size() + 3);
  cmds.push_back(GetChatState(chat_id));
  if (user_id) cmds.push_back(GetUserLanguage(*user_id));
  if (probe != nullptr) {
    // EVALSHA sha numkeys keys... args..., as ProbeCall's (keys, args), built in place.
    const size_t nkeys = ProbeKeyCount(*probe);
    Command c;
    c.reserve(3 + nkeys + kProbeArgCount);
    c.emplace_back("EVALSHA");
    c.push_back(ProbeScript().sha);
    c.push_back(std::to_string(nkeys));
    AppendProbeKeys(c, update_id, chat_id, *probe);
    AppendProbeArgs(c, *probe);
    cmds.push_back(std::move(c));
  }
  return cmds;
}

bool RedisFrontDoorCodec::ProbeNeedsEval(const std::vector<Reply>& replies, const LinkProbe* probe) {
  return probe != nullptr && !replies.empty() && queue::redis::IsNoScript(replies.back());
}

Result<MessageLookup> RedisFrontDoorCodec::ParseLookupMessage(const std::vector<Reply>& r,
                                                              std::optional<int64_t> user_id,
                                                              const LinkProbe* probe) const {
  const size_t expected = (probe ? 2 : 3) + (user_id ? 1 : 0);
  if (r.size() != expected) return Unavailable("unexpected number of replies");
  for (const auto& reply : r) {
    if (reply.IsError()) return Unavailable(reply.str);
  }
  MessageLookup out;
  size_t next = 0;
  if (probe == nullptr) {
    out.update = UpdateLookup{r[0].AsInt() > 0, ParseAck(r[1])};
    next = 2;
  }
  out.chat.state = ParseState(r[next++]);
  if (user_id) {
    if (!r[next].IsNil()) out.chat.language = r[next].str;
    ++next;
  }
  if (probe != nullptr) {
    const auto& p = r[next].elements;
    if (p.size() < 3) return Unavailable("unexpected probe reply");
    out.update = UpdateLookup{!p[1].IsNil(), ParseAck(p[2])};
    if (p[0].AsInt() == 1 && p.size() >= 5) {
      out.link.taken = true;
      out.link.allowance = AllowanceFor(p[3].AsInt(), p[4].AsInt(), probe->per_minute, probe->per_day, probe->now_ms);
      if (p.size() >= 7) out.link.cached = ParseResult(p[5].str, p[6].elements);
    }
  }
  return out;
}

std::vector<RedisFrontDoorCodec::Command> RedisFrontDoorCodec::Lookup(int64_t update_id) const {
  const std::string id = std::to_string(update_id);
  std::vector<Command> cmds;
  cmds.reserve(2);
  cmds.push_back(MakeCommand("EXISTS", Concat({p_, "upd:h:", id})));
  cmds.push_back(MakeCommand("GET", Concat({p_, "upd:a:", id})));
  return cmds;
}

RedisFrontDoorCodec::Command RedisFrontDoorCodec::MarkHandled(int64_t update_id, const std::string& outcome) const {
  return MakeCommand("SET", Concat({p_, "upd:h:", std::to_string(update_id)}), outcome.empty() ? "1" : outcome, "EX",
                     std::to_string(Secs(kUpdateRetention)), "NX");
}

namespace {
std::string AckValue(const AckRecord& ack) {
  return Concat({std::to_string(ack.chat_id), ":", std::to_string(ack.message_id)});
}
}  // namespace

RedisFrontDoorCodec::Command RedisFrontDoorCodec::PutAck(int64_t update_id, const AckRecord& ack) const {
  return MakeCommand("SET", Concat({p_, "upd:a:", std::to_string(update_id)}), AckValue(ack), "EX",
                     std::to_string(Secs(kUpdateRetention)));
}

// The same keys and values as PutAck and MarkHandled. The handled mark is a plain SET here (not NX):
// the script writes it together with the task, so an earlier mark can only carry the same outcome.
std::vector<queue::AtomicRecord> RedisFrontDoorCodec::IntakeRecords(int64_t update_id, const AckRecord& ack,
                                                                    const std::string& outcome) const {
  const std::string id = std::to_string(update_id);
  const std::chrono::seconds ttl(Secs(kUpdateRetention));
  std::vector<queue::AtomicRecord> records;
  records.reserve(2);
  records.push_back({Concat({p_, "upd:a:", id}), AckValue(ack), ttl});
  records.push_back({Concat({p_, "upd:h:", id}), outcome.empty() ? "1" : outcome, ttl});
  return records;
}

RedisFrontDoorCodec::Command RedisFrontDoorCodec::GetChatState(int64_t chat_id) const {
  return MakeCommand("GET", Concat({p_, "chat:", std::to_string(chat_id)}));
}

// The chat state value "<mode>:<expires_at_ms>"; the key expires with it (PX).
RedisFrontDoorCodec::Command RedisFrontDoorCodec::SetChatState(int64_t chat_id, const ChatState& state,
                                                               int64_t now_ms) const {
  const int64_t ttl = std::max<int64_t>(1, state.expires_at_ms - now_ms);
  return MakeCommand("SET", Concat({p_, "chat:", std::to_string(chat_id)}),
                     Concat({std::to_string(static_cast<int>(state.mode)), ":", std::to_string(state.expires_at_ms)}),
                     "PX", std::to_string(ttl));
}

RedisFrontDoorCodec::Command RedisFrontDoorCodec::ClearChatState(int64_t chat_id) const {
  return MakeCommand("DEL", Concat({p_, "chat:", std::to_string(chat_id)}));
}

RedisFrontDoorCodec::Command RedisFrontDoorCodec::GetUserLanguage(int64_t user_id) const {
  return MakeCommand("HGET", Concat({p_, "lang"}), std::to_string(user_id));
}

std::vector<RedisFrontDoorCodec::Command> RedisFrontDoorCodec::RecordAnalysis(int64_t user_id,
                                                                              const std::string& product_id,
                                                                              int64_t at_ms) const {
  const std::string hist = p_ + "hist:" + std::to_string(user_id);
  const std::string pop = p_ + "pop:" + std::to_string(UtcDay(at_ms));
  return {{"LPUSH", hist, product_id + "|" + std::to_string(at_ms)},
          {"LTRIM", hist, "0", std::to_string(kHistoryKeep - 1)},
          {"EXPIRE", hist, std::to_string(Secs(kResultRetention))},
          {"ZINCRBY", pop, "1", product_id},
          {"EXPIRE", pop, std::to_string(8 * 86400)}};
}

RedisFrontDoorCodec::Command RedisFrontDoorCodec::RefundUserRequest(int64_t user_id, int64_t now_ms) const {
  const std::string user = std::to_string(user_id);
  return MakeCommand("EVAL", kRefundLua, "2", MinuteKey(user, now_ms), DayKey(user, now_ms));
}

std::vector<RedisFrontDoorCodec::Command> RedisFrontDoorCodec::TakeUserRequest(int64_t user_id, int64_t now_ms) const {
  const std::string user = std::to_string(user_id);
  const std::string m = MinuteKey(user, now_ms);
  const std::string d = DayKey(user, now_ms);
  return {{"INCR", m}, {"EXPIRE", m, kMinuteTtl}, {"INCR", d}, {"EXPIRE", d, kDayTtl}};
}

std::optional<ChatState> RedisFrontDoorCodec::ParseState(const Reply& v) {
  if (v.IsNil()) return std::nullopt;
  const auto colon = v.str.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return ChatState{static_cast<ChatMode>(std::stoll(v.str.substr(0, colon))), std::stoll(v.str.substr(colon + 1))};
}

std::optional<AckRecord> RedisFrontDoorCodec::ParseAck(const Reply& v) {
  const auto colon = v.str.find(':');
  if (v.IsNil() || colon == std::string::npos) return std::nullopt;
  return AckRecord{std::stoll(v.str.substr(0, colon)), std::stoll(v.str.substr(colon + 1))};
}

namespace {
std::optional<double> ScoreFrom(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::stod(s);
}
}  // namespace

std::optional<StoredResult> RedisFrontDoorCodec::ParseResult(const std::string& product_id,
                                                             const std::vector<Reply>& els) {
  if (els.empty()) return std::nullopt;
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < els.size(); i += 2) f[els[i].str] = els[i + 1].str;
  StoredResult s;
  s.product_id = product_id;
  s.canonical_url = f["canonical_url"];
  s.title = f["title"];
  s.score = ScoreFrom(f["score"]);
  s.price = f["price"];
  s.currency = f["currency"];
  s.card_it = f["card_it"];
  s.card_en = f["card_en"];
  s.keyboard_json = f["keyboard"];
  s.analyzed_at_ms = f["at"].empty() ? 0 : std::stoll(f["at"]);
  return s;
}

}  // namespace worthit::store
