#include "app/front_door.h"

#include "common/log.h"
#include "queue/queue_metrics.h"
#include "queue/queue_url.h"
#include "telegram/curl_bot_api.h"
#include "worker/store_insights.h"

namespace worthit::app {

Status FrontDoor::Ready() const {
  if (auto s = queue->Ping(); !s.ok()) return s;
  if (auto s = stores.updates->Ping(); !s.ok()) return s;
  return stores.conversations->Ping();
}

std::string EffectiveQueueUrl(const Config& config) {
  if (config.Has("QUEUE_URL")) return config.Get("QUEUE_URL");
  if (config.Has("REDIS_URL")) return config.Get("REDIS_URL");
  return "sqlite://" + config.Get("DATA_DIR") + "/queue.db";
}

std::string EffectiveStoreUrl(const Config& config) {
  if (config.Has("STORE_URL")) return config.Get("STORE_URL");
  const std::string queue_url = EffectiveQueueUrl(config);
  if (queue_url.starts_with("redis://")) return queue_url;
  return "sqlite://" + config.Get("DATA_DIR") + "/bot.db";
}

bool StoresOnQueueRedis(const Config& config) {
  return queue::SameRedis(EffectiveStoreUrl(config), EffectiveQueueUrl(config));
}

telegram::CurlBotApiOptions BotApiOptionsFrom(const Config& config) {
  telegram::CurlBotApiOptions o;
  o.base_url = config.Get("TELEGRAM_API_URL");
  o.token = config.Get("TELEGRAM_TOKEN");
  o.ca_file = config.Get("TELEGRAM_CA_FILE");
  o.pipeline_depth = static_cast<size_t>(config.GetInt("TELEGRAM_PIPELINE_DEPTH"));
  return o;
}

std::unique_ptr<telegram::BotApi> MakeBotApi(const Config& config) {
  return telegram::MakeCurlBotApi(BotApiOptionsFrom(config));
}

Result<std::unique_ptr<FrontDoor>> BuildFrontDoor(const Config& config) {
  if (!config.Has("TELEGRAM_TOKEN")) {
    return Error::Invalid("CONFIG_INVALID", "TELEGRAM_TOKEN is required (the bot's token from @BotFather)");
  }
  auto fd = std::make_unique<FrontDoor>();
  fd->api = MakeBotApi(config);
  auto q = queue::OpenQueue(EffectiveQueueUrl(config), queue::QueueOptionsFromConfig(config));
  if (!q.ok()) return q.error();
  fd->queue = std::shared_ptr<queue::TaskQueue>(std::move(*q));
  queue::AddQueueCollector(fd->queue);
  auto stores =
      store::OpenFrontDoorStores(EffectiveStoreUrl(config), SystemClock::Instance(), config.Get("REDIS_PREFIX"));
  if (!stores.ok()) return stores.error();
  fd->stores = *stores;
  worker::InsightsOptions iopts;
  iopts.cache_ttl = std::chrono::seconds(config.GetInt("CACHE_TTL_SECONDS"));
  iopts.user_per_minute = static_cast<int>(config.GetInt("USER_RATE_PER_MINUTE"));
  iopts.user_per_day = static_cast<int>(config.GetInt("USER_DAILY_QUOTA"));
  fd->insights = worker::MakeStoreInsights(*fd->stores.results, *fd->api, *fd->queue, SystemClock::Instance(), iopts);

  std::string username = config.Get("BOT_USERNAME");
  if (username.empty()) {
    auto me = fd->api->GetMe();
    if (!me.ok()) return me.error();
    username = me->username;
  }
  if (!username.empty() && username.front() == '@') username.erase(0, 1);
  bot::BotDeps deps{
      *fd->api, *fd->queue, *fd->stores.conversations, *fd->stores.updates, *fd->insights, SystemClock::Instance()};
  bot::BotOptions bopts{username};
  // One durable write per link (docs/design.md "Intake") when the queue can write the stores'
  // records itself: a Redis queue on the very server and database of the stores.
  bopts.atomic_intake = fd->queue->SupportsRecords() && StoresOnQueueRedis(config);
  fd->bot = std::make_unique<bot::Bot>(deps, bopts);
  if (config.GetBool("BOT_PUBLISH_COMMANDS")) {
    if (auto s = fd->bot->PublishCommands(); !s.ok()) {
      log::Warn("bot.set_my_commands_failed", {{"error", s.error().ToString()}});
    }
  }
  log::Info("frontdoor.ready",
            {{"bot", username}, {"queue", fd->queue->Backend()}, {"atomic_intake", bopts.atomic_intake}});
  return fd;
}

}  // namespace worthit::app
