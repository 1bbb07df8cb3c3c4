// RedisFrontDoorCodec: the front door's Redis keys, commands and reply parsing, without I/O.
//
// One place knows how the UpdateStore, ConversationStore and the parts of the ResultStore the
// front door touches are laid out in Redis (key names under "<REDIS_PREFIX>:s:", value formats,
// expiries). The synchronous Redis stores (redis_stores.cpp, through the pooled RedisClient) and
// the event-driven front door (app/event_front_door.cpp, through AsyncRedisClient) both build
// their commands and read their replies here, so the two paths cannot drift apart.
// The link probe (LinkProbe in update_store.h) is one Lua script placed at the end of the message
// lookup pipeline; on NOSCRIPT (Redis restarted, SCRIPT FLUSH) the caller re-runs ProbeCall() with
// EVAL (RedisClient::Eval does that by itself).
// Thread-safety: immutable after construction; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "queue/queue.h"
#include "queue/redis/redis_connection.h"
#include "store/update_store.h"

namespace worthit::store {

class RedisFrontDoorCodec {
 public:
  using Command = queue::redis::Command;
  using Reply = queue::redis::Reply;

  // prefix: the stores' full key prefix, REDIS_PREFIX + ":s:".
  explicit RedisFrontDoorCodec(std::string prefix);
  const std::string& prefix() const { return p_; }

  // One pipeline. Without a probe: EXISTS handled, GET ack, GET chat state, [HGET language]. With
  // one: GET chat state, [HGET language], EVALSHA probe (the script reads the handled mark and the
  // ack record itself).
  std::vector<Command> LookupMessage(int64_t update_id, std::optional<int64_t> user_id, int64_t chat_id,
                                     const LinkProbe* probe) const;
  // The replies of LookupMessage(...) with the same arguments. Error replies → STORE_UNAVAILABLE
  // (a NOSCRIPT for the probe too: check ProbeNeedsEval first).
  Result<MessageLookup> ParseLookupMessage(const std::vector<Reply>& replies, std::optional<int64_t> user_id,
                                           const LinkProbe* probe) const;
  static bool ProbeNeedsEval(const std::vector<Reply>& replies, const LinkProbe* probe);
  // The probe as (keys, args) of the script (for RedisClient::Eval / an EVAL fallback).
  std::pair<Command, Command> ProbeCall(int64_t update_id, int64_t chat_id, const LinkProbe& probe) const;
  static queue::redis::Script& ProbeScript();

  std::vector<Command> Lookup(int64_t update_id) const;
  Command MarkHandled(int64_t update_id, const std::string& outcome) const;
  Command PutAck(int64_t update_id, const AckRecord& ack) const;
  std::vector<queue::AtomicRecord> IntakeRecords(int64_t update_id, const AckRecord& ack,
                                                 const std::string& outcome) const;
  Command GetChatState(int64_t chat_id) const;
  Command SetChatState(int64_t chat_id, const ChatState& state, int64_t now_ms) const;
  Command ClearChatState(int64_t chat_id) const;
  Command GetUserLanguage(int64_t user_id) const;
  // RecordAnalysis: history (capped list) and the day's popularity.
  std::vector<Command> RecordAnalysis(int64_t user_id, const std::string& product_id, int64_t at_ms) const;
  // TakeUserRequest without the script (the ResultStore method).
  std::vector<Command> TakeUserRequest(int64_t user_id, int64_t now_ms) const;
  // ResultStore::GiveBackUserRequest: decrements the minute and day counters of a request counted at
  // now_ms (by the probe or TakeUserRequest), each only while it exists. One EVAL, for the failure
  // path only (a reply that could not be sent: the update comes again and is counted then).
  Command RefundUserRequest(int64_t user_id, int64_t now_ms) const;
  std::string ResultKey(const std::string& product_id) const { return queue::redis::Concat({p_, "res:", product_id}); }
  std::string UrlKey(const std::string& url_key) const { return queue::redis::Concat({p_, "url:", url_key}); }

  static std::optional<ChatState> ParseState(const Reply& v);
  static std::optional<AckRecord> ParseAck(const Reply& v);
  // An HGETALL of a result hash (field, value, ...); nullopt when empty.
  static std::optional<StoredResult> ParseResult(const std::string& product_id, const std::vector<Reply>& fields);

 private:
  // ProbeCall's keys and args, appended to `out` (LookupMessage builds its EVALSHA in place).
  static constexpr size_t kProbeArgCount = 2;
  static size_t ProbeKeyCount(const LinkProbe& probe);
  void AppendProbeKeys(Command& out, int64_t update_id, int64_t chat_id, const LinkProbe& probe) const;
  void AppendProbeArgs(Command& out, const LinkProbe& probe) const;
  // The per-user request counters of the minute and the UTC day of now_ms (`user`: the decimal user
  // id). One definition for the probe, TakeUserRequest and RefundUserRequest, which must agree.
  std::string MinuteKey(const std::string& user, int64_t now_ms) const;
  std::string DayKey(const std::string& user, int64_t now_ms) const;

  std::string p_;
};

}  // namespace worthit::store
