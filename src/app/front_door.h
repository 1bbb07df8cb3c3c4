// The front door's composition: config → BotApi, TaskQueue, stores (STORE_URL: conversation,
// updates, results), the InsightsHandler over the results (worker/store_insights.h), Bot. Shared
// by `serve`, `poll` and `run`, so all speak the same conversation through the same bot/ code.
// Owns every object it builds; destroy it after the server / poll loop stopped.
// Errors name the failing key or dependency (CONFIG_INVALID, QUEUE_*, STORE_*, TELEGRAM_*).
#pragma once

#include <memory>
#include <string>

#include "bot/bot.h"
#include "bot/insights_handler.h"
#include "common/config.h"
#include "queue/queue.h"
#include "store/store_factory.h"
#include "telegram/bot_api.h"
#include "telegram/curl_bot_api.h"

namespace worthit::app {

struct FrontDoor {
  // Shared: `run` hands the same queue and BotApi to its workers (runtime.h); the /metrics queue
  // collector holds a weak_ptr to the queue.
  std::shared_ptr<telegram::BotApi> api;
  std::shared_ptr<queue::TaskQueue> queue;
  store::FrontDoorStores stores;
  std::unique_ptr<bot::InsightsHandler> insights;
  std::unique_ptr<bot::Bot> bot;

  // /readyz: queue and stores reachable.
  Status Ready() const;
};

// QUEUE_URL, else REDIS_URL, else sqlite://$DATA_DIR/queue.db.
std::string EffectiveQueueUrl(const Config& config);
// STORE_URL, else the queue's URL when it is redis://, else sqlite://$DATA_DIR/bot.db.
std::string EffectiveStoreUrl(const Config& config);
// Whether the stores live on the queue's Redis: queue::SameRedis of the two URLs above, so
// redis://h and redis://h:6379/0 count as one (both sides take REDIS_PREFIX: the key prefix is the
// same by construction). With a queue that SupportsRecords() this turns on the front door's atomic
// intake (BotOptions::atomic_intake) and the worker's records_with_queue.
bool StoresOnQueueRedis(const Config& config);
// TELEGRAM_API_URL, TELEGRAM_TOKEN, TELEGRAM_CA_FILE: every Bot API client of the process is made from these.
telegram::CurlBotApiOptions BotApiOptionsFrom(const Config& config);
std::unique_ptr<telegram::BotApi> MakeBotApi(const Config& config);

// Requires TELEGRAM_TOKEN. Asks getMe for the username when BOT_USERNAME is unset, and publishes
// the command menu (setMyCommands; a failure there is logged, not fatal).
Result<std::unique_ptr<FrontDoor>> BuildFrontDoor(const Config& config);

}  // namespace worthit::app
