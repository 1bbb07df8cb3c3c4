// EventFrontDoor: the event-driven path of `serve` on Redis — no thread waits for Redis or Telegram.
//
// For an update whose bot::ReadPlan is event_driven (product links, commands with a fixed reply,
// hints, ignored kinds) it runs the bot's pure steps (Plan, Decide, MakeIntakeWrite: the same code
// as the blocking Bot::HandleUpdate) and does their I/O with non-blocking clients on the webhook's
// io_context: one pipelined read (AsyncRedisClient: the lookup + the link probe), at most one
// sendMessage (telegram/beast_bot_api.h) and one write (the enqueue script with the ack
// record and the handled mark; or the handled mark of a reply). Everything else (callbacks, inline
// queries, /analisi, /popolari) runs Bot::HandleUpdate on a pool of `blocking_threads`.
// Contract (docs/design.md "Intake", "Threading of `serve`"): `done` gets ok only once the update's
// effect is durable; transient failures (Redis, Telegram 429/5xx/network) give an error, so the
// webhook answers 503 and Telegram redelivers; permanent Telegram errors are absorbed (marked
// handled); a redelivered update_id never sends a second reply.
// Requires queue and stores on the same Redis server and database (BotOptions::atomic_intake); Create
// refuses otherwise (CONFIG_INVALID).
// Ownership: keeps the FrontDoor alive; destroy before the io_context. Thread-safety: Handle() from
// any thread; `done` is called once, on an io thread or a pool thread.
#pragma once

#include <functional>
#include <memory>

#include "app/front_door.h"
#include "common/config.h"
#include "common/result.h"
#include "telegram/types.h"

namespace boost::asio {
class io_context;
}

namespace worthit::app {

class EventFrontDoor {
 public:
  static Result<std::shared_ptr<EventFrontDoor>> Create(boost::asio::io_context& io, const Config& config,
                                                        std::shared_ptr<FrontDoor> fd, int blocking_threads);
  ~EventFrontDoor();
  void Handle(telegram::Update&& update, std::function<void(Status)> done);

  struct Impl;

 private:
  explicit EventFrontDoor(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace worthit::app
