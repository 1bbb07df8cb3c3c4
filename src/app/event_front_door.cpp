#include "app/event_front_door.h"

#include <boost/asio.hpp>
#include <mutex>
#include <vector>

#include "common/log.h"
#include "queue/queue_url.h"
#include "queue/redis/async_redis_client.h"
#include "queue/redis/redis_enqueue.h"
#include "store/redis_front_door_codec.h"
#include "telegram/beast_bot_api.h"

namespace worthit::app {
namespace net = boost::asio;
using queue::redis::Command;
using queue::redis::Reply;

namespace {

Error StoreUnavailable(const Error& e) { return Error::Transient("STORE_UNAVAILABLE", e.message); }

// One update on its way through the steps; shared by the callbacks of its I/O.
struct Op {
  telegram::Update update;
  bot::ReadPlan plan;
  bot::Decision d;
  std::function<void(Status)> done;
};
using OpPtr = std::shared_ptr<Op>;

// Ops are recycled: one is ≈ 2.7 KiB, and glibc serves a request that large by first consolidating
// every free small chunk (malloc_consolidate), on each update, which also slows the small
// allocations after it. Kept: about the updates in flight at once (Telegram's max_connections ≤ 100).
class OpPool : public std::enable_shared_from_this<OpPool> {
 public:
  ~OpPool() {
    for (Op* op : free_) delete op;
  }
  OpPtr Take() {
    Op* op = nullptr;
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        op = free_.back();
        free_.pop_back();
      }
    }
    if (op == nullptr) op = new Op();
    return OpPtr(op, [pool = shared_from_this()](Op* done) { pool->Give(done); });
  }

 private:
  static constexpr size_t kMaxFree = 128;
  void Give(Op* op) {
    op->done = nullptr;  // releases what the caller's callback holds now, not at reuse
    std::lock_guard lock(mu_);
    if (free_.size() < kMaxFree) {
      free_.push_back(op);
      return;
    }
    delete op;
  }
  std::mutex mu_;
  std::vector<Op*> free_;
};

}  // namespace

struct EventFrontDoor::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::io_context& io, std::shared_ptr<FrontDoor> f, queue::RedisEndpoint endpoint, const Config& config,
       int blocking_threads)
      : fd(std::move(f)),
        bot(*fd->bot),
        redis(io, std::move(endpoint)),
        codec(config.Get("REDIS_PREFIX") + ":s:"),
        queue_options(queue::QueueOptionsFromConfig(config)),
        pool(std::max(1, blocking_threads)) {
    api = telegram::MakeEventBotApi(io, BotApiOptionsFrom(config));
  }

  std::shared_ptr<FrontDoor> fd;
  std::shared_ptr<OpPool> ops = std::make_shared<OpPool>();
  bot::Bot& bot;
  queue::redis::AsyncRedisClient redis;
  std::unique_ptr<telegram::AsyncBotApi> api;
  store::RedisFrontDoorCodec codec;
  queue::QueueOptions queue_options;
  net::thread_pool pool;

  void Start(const OpPtr& op) {
    op->plan = bot.Plan(op->update);
    if (!op->plan.event_driven) return Blocking(op);
    const auto& p = op->plan;
    const int64_t id = op->update.update_id;
    auto cmds =
        p.message ? codec.LookupMessage(id, p.user_id, p.chat_id, p.probe ? &*p.probe : nullptr) : codec.Lookup(id);
    redis.Pipeline(std::move(cmds),
                   [self = shared_from_this(), op](Result<std::vector<Reply>> r) { self->OnRead(op, std::move(r)); });
  }

  // Bot::HandleUpdate with blocking calls, on the pool (never on an io thread).
  void Blocking(const OpPtr& op) {
    net::post(pool, [self = shared_from_this(), op] {
      auto r = self->bot.HandleUpdate(op->update);
      op->done(r.ok() ? OkStatus() : Status(r.error()));
    });
  }

  void Finish(const OpPtr& op, Result<bot::HandleOutcome> r) {
    if (!r.ok()) return op->done(r.error());
    bot::Bot::CountOutcome(*r);
    op->done(OkStatus());
  }

  // The reply or acknowledgement of a counted link could not be sent (transient): nothing marks the
  // update, so its redelivery is counted again by the probe. Give this delivery's count back first
  // (best effort, Decision::counted), then answer 503; without it a few Telegram failures on one
  // link refuse the user.
  void FailSend(const OpPtr& op, const Error& error) {
    const auto& counted = op->d.counted;
    if (!counted) return Finish(op, error);
    redis.Pipeline({codec.RefundUserRequest(counted->user_id, counted->at_ms)},
                   [self = shared_from_this(), op, error](Result<std::vector<Reply>>) { self->Finish(op, error); });
  }

  void OnRead(const OpPtr& op, Result<std::vector<Reply>> r) {
    if (!r.ok()) return Finish(op, StoreUnavailable(r.error()));
    const auto& p = op->plan;
    const store::LinkProbe* probe = p.probe ? &*p.probe : nullptr;
    if (p.message && store::RedisFrontDoorCodec::ProbeNeedsEval(*r, probe)) {
      // NOSCRIPT: Redis lost its script cache (restart); the probe did not run. Run it with EVAL.
      auto [keys, args] = codec.ProbeCall(op->update.update_id, p.chat_id, *probe);
      auto replies = std::make_shared<std::vector<Reply>>(std::move(*r));
      return redis.Eval(store::RedisFrontDoorCodec::ProbeScript(), std::move(keys), std::move(args),
                        [self = shared_from_this(), op, replies](Result<Reply> again) {
                          if (!again.ok()) return self->Finish(op, StoreUnavailable(again.error()));
                          replies->back() = std::move(*again);
                          self->Decide(op, *replies);
                        });
    }
    Decide(op, *r);
  }

  void Decide(const OpPtr& op, const std::vector<Reply>& replies) {
    const auto& p = op->plan;
    Result<store::MessageLookup> seen = store::MessageLookup{};
    if (p.message) {
      seen = codec.ParseLookupMessage(replies, p.user_id, p.probe ? &*p.probe : nullptr);
    } else if (replies.size() == 2 && !replies[0].IsError() && !replies[1].IsError()) {
      seen->update = store::UpdateLookup{replies[0].AsInt() > 0, store::RedisFrontDoorCodec::ParseAck(replies[1])};
    } else {
      seen = Error::Transient("STORE_UNAVAILABLE", "redis: unexpected lookup reply");
    }
    if (!seen.ok()) return Finish(op, seen.error());
    op->d = bot.Decide(op->update, p, *seen);
    switch (op->d.kind) {
      case bot::Decision::Kind::kDone: return Finish(op, op->d.outcome);
      case bot::Decision::Kind::kReply: return StartReply(op);
      case bot::Decision::Kind::kIntake:
        if (!op->d.legacy_checks) return Intake(op);
        [[fallthrough]];
      case bot::Decision::Kind::kBlocking: return Blocking(op);
    }
  }

  // A reply: [state write] → sendMessage → mark handled [+ clear the chat's state] (+ the cached card's
  // history record).
  void StartReply(const OpPtr& op) {
    const auto& d = op->d;
    std::vector<Command> before;
    if (d.set_state)
      before.push_back(codec.SetChatState(d.send.chat_id, *d.set_state, SystemClock::Instance().NowMillis()));
    if (before.empty()) return SendReply(op);
    redis.Pipeline(std::move(before), [self = shared_from_this(), op](Result<std::vector<Reply>> r) {
      if (!r.ok()) return self->Finish(op, StoreUnavailable(r.error()));
      for (const auto& reply : *r) {
        if (reply.IsError()) return self->Finish(op, Error::Transient("STORE_UNAVAILABLE", "redis: " + reply.str));
      }
      self->SendReply(op);
    });
  }

  void SendReply(const OpPtr& op) {
    api->SendMessage(op->d.send, [self = shared_from_this(), op](Result<telegram::Message> sent) {
      const auto& d = op->d;
      bot::HandleOutcome outcome = d.outcome;
      if (!sent.ok()) {
        if (!bot::Bot::IsPermanentTelegram(sent.error())) return self->FailSend(op, sent.error());
        outcome = bot::Bot::Absorbed(sent.error(), d.outcome.action);
      }
      // The reply is out: record it (a failure means at most one duplicate reply on redelivery,
      // the documented worst case for commands), and a served cached card in the user's history.
      std::vector<Command> after{self->codec.MarkHandled(op->update.update_id, d.outcome.action)};
      // The user has been told the chat stops waiting for a link (Decision::clear_state_after_reply).
      if (d.clear_state_after_reply) after.push_back(self->codec.ClearChatState(d.send.chat_id));
      if (sent.ok() && !d.served_product_id.empty()) {
        for (auto& c :
             self->codec.RecordAnalysis(d.request.user_id, d.served_product_id, SystemClock::Instance().NowMillis())) {
          after.push_back(std::move(c));
        }
      }
      self->redis.Pipeline(std::move(after), [self, op, outcome](Result<std::vector<Reply>> r) {
        if (!r.ok() || (*r)[0].IsError()) {
          log::Warn("bot.mark_handled_failed",
                    {{"update_id", op->update.update_id}, {"error", r.ok() ? (*r)[0].str : r.error().ToString()}});
        }
        if (r.ok() && op->d.clear_state_after_reply && r->size() > 1 && (*r)[1].IsError()) {
          log::Warn("bot.clear_state_failed", {{"chat_id", op->d.send.chat_id}, {"error", (*r)[1].str}});
        }
        self->Finish(op, outcome);
      });
    });
  }

  // An intake: [sendMessage the acknowledgement] → the one write (task + ack record + handled mark).
  void Intake(const OpPtr& op) {
    if (op->d.ack_message_id) return Write(op, *op->d.ack_message_id, true);
    api->SendMessage(op->d.send, [self = shared_from_this(), op](Result<telegram::Message> sent) {
      if (sent.ok()) return self->Write(op, sent->message_id, false);
      if (!bot::Bot::IsPermanentTelegram(sent.error())) return self->FailSend(op, sent.error());
      // The user cannot be reached (blocked the bot, chat gone): analysing would deliver nothing.
      const auto outcome = bot::Bot::Absorbed(sent.error(), "link");
      self->redis.Pipeline({self->codec.MarkHandled(op->update.update_id, "absorbed")},
                           [self, op, outcome](Result<std::vector<Reply>>) { self->Finish(op, outcome); });
    });
  }

  // The intake's enqueue script call (payload, idempotency key, ack record and handled mark).
  queue::redis::ScriptCall IntakeCall(const OpPtr& op, int64_t ack_message_id) const {
    bot::IntakeWrite w = bot.MakeIntakeWrite(op->d, ack_message_id);
    return queue::redis::EnqueueCall(queue_options, std::move(w.payload), w.options, std::move(w.records));
  }

  void Write(const OpPtr& op, int64_t ack_message_id, bool had_ack) {
    auto call = IntakeCall(op, ack_message_id);
    std::vector<Command> cmds;
    cmds.reserve(2);
    // The keys and args move into the command: on the rare NOSCRIPT below the call is built again
    // (with a new task id: the script did not run, so no task carries the first one).
    cmds.push_back(
        queue::redis::ScriptCommand(queue::redis::EnqueueScript(), std::move(call.keys), std::move(call.args)));
    if (op->d.clear_state_after) cmds.push_back(codec.ClearChatState(op->d.send.chat_id));
    redis.Pipeline(std::move(cmds), [self = shared_from_this(), op, ack_message_id,
                                     had_ack](Result<std::vector<Reply>> r) {
      if (r.ok() && queue::redis::IsNoScript(r->front())) {
        // NOSCRIPT (Redis restarted): the enqueue did not run; EVAL it.
        auto again_call = self->IntakeCall(op, ack_message_id);
        return self->redis.Eval(queue::redis::EnqueueScript(), std::move(again_call.keys), std::move(again_call.args),
                                [self, op, ack_message_id, had_ack](Result<Reply> again) {
                                  self->AfterWrite(op, std::move(again), ack_message_id, had_ack);
                                });
      }
      self->AfterWrite(op, r.ok() ? Result<Reply>(std::move(r->front())) : Result<Reply>(r.error()), ack_message_id,
                       had_ack);
    });
  }

  void AfterWrite(const OpPtr& op, Result<Reply> reply, int64_t ack_message_id, bool had_ack) {
    auto id = reply.ok() ? queue::redis::ParseEnqueueReply(*reply) : Result<std::string>(reply.error());
    if (!id.ok()) {
      // The one write failed after the acknowledgement went out: keep its record on its own if Redis
      // still takes it, so the redelivery reuses the acknowledgement instead of sending a second.
      if (had_ack) return Finish(op, id.error());
      const Error& error = id.error();  // copied into the callback below
      return redis.Pipeline(
          {codec.PutAck(op->update.update_id, {op->d.send.chat_id, ack_message_id})},
          [self = shared_from_this(), op, error](Result<std::vector<Reply>>) { self->Finish(op, error); });
    }
    if (log::Enabled(log::Level::kInfo)) {
      log::Info("bot.link_enqueued",
                {{"update_id", op->update.update_id}, {"chat_id", op->d.send.chat_id}, {"task_id", *id}});
    }
    Finish(op, op->d.outcome);
  }
};

EventFrontDoor::EventFrontDoor(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventFrontDoor::~EventFrontDoor() {
  // Updates still on the blocking pool finish (the server drained before this is destroyed).
  impl_->pool.join();
}

Result<std::shared_ptr<EventFrontDoor>> EventFrontDoor::Create(net::io_context& io, const Config& config,
                                                               std::shared_ptr<FrontDoor> fd, int blocking_threads) {
  if (!fd->bot->options().atomic_intake) {
    return Error::Invalid("CONFIG_INVALID",
                          "the event-driven front door needs the queue and the stores on one Redis (STORE_URL unset or "
                          "naming QUEUE_URL's server, database and user)");
  }
  auto ep = queue::ParseQueueUrl(EffectiveQueueUrl(config));
  if (!ep.ok()) return ep.error();
  const auto* redis = std::get_if<queue::RedisEndpoint>(&*ep);
  if (redis == nullptr) return Error::Invalid("CONFIG_INVALID", "the event-driven front door needs a redis:// queue");
  auto impl = std::make_shared<Impl>(io, std::move(fd), *redis, config, blocking_threads);
  return std::shared_ptr<EventFrontDoor>(new EventFrontDoor(std::move(impl)));
}

void EventFrontDoor::Handle(telegram::Update&& update, std::function<void(Status)> done) {
  OpPtr op = impl_->ops->Take();
  op->update = std::move(update);
  op->plan = {};
  op->d = {};
  op->done = std::move(done);
  impl_->Start(op);
}

}  // namespace worthit::app
