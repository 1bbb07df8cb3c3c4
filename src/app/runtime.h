// Runtime: the in-process compositions of the running bot, reused by `run`, `work` and the
// playground.
//
// - StartWorkers(config[, shared]) → the worker side: libcurl BotApi (TELEGRAM_API_URL,
//   TELEGRAM_TOKEN), TaskQueue (QUEUE_URL / REDIS_URL / sqlite://$DATA_DIR/queue.db), stores
//   (STORE_URL), the outbound limiter (in Redis when the queue is on Redis, so every `work`
//   process shares one budget per chat and one global; in process otherwise), the safe page
//   fetcher (FETCH_*), the review model (MODEL_PATH), and a started worker::Worker
//   (WORKER_CONCURRENCY task threads, one CPU thread per core).
// - StartRuntime(config) → everything `worthit run` runs in one process: the front door
//   (BuildFrontDoor), intake by webhook (when WEBHOOK_URL and WEBHOOK_SECRET are set: a
//   WebhookServer on LISTEN_ADDR:PORT and setWebhook) or else long polling (deleteWebhook first,
//   offset in the UpdateStore), and the workers sharing the front door's queue, BotApi and stores.
// The playground calls StartRuntime with TELEGRAM_API_URL/TELEGRAM_TOKEN pointing at its embedded
// Bot API server (PlaygroundBotConfig) — no webhook keys, so it long-polls.
// Stop(): intake stops first (no new tasks), then the workers stop leasing, finish in-flight tasks
// within SHUTDOWN_GRACE_SECONDS and hand back the rest; returns when every thread has exited.
// The destructor calls Stop(). Errors at start name the key or dependency (CONFIG_INVALID,
// MODEL_NOT_FOUND, QUEUE_*, STORE_*, TELEGRAM_*).
// Thread-safety: Start/Stop from one owner thread.
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/result.h"

namespace worthit::app {

class RunningWorkers {
 public:
  virtual ~RunningWorkers() = default;
  virtual void Stop() = 0;
  virtual int64_t completed() const = 0;
  // /readyz of `work`: the queue answers.
  virtual Status Ready() const = 0;
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual void Stop() = 0;
  // The webhook port when intake is by webhook (0 = polling).
  virtual uint16_t webhook_port() const = 0;
};

Result<std::unique_ptr<RunningWorkers>> StartWorkers(const Config& config);
Result<std::unique_ptr<Runtime>> StartRuntime(const Config& config);

}  // namespace worthit::app
