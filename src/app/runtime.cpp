#include "app/runtime.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "analysis/fetch/page_fetcher.h"
#include "analysis/reviews/review_model.h"
#include "app/front_door.h"
#include "app/model_path.h"
#include "common/backoff.h"
#include "common/log.h"
#include "queue/queue_metrics.h"
#include "store/redis_stores.h"
#include "telegram/rate_limiter.h"
#include "webhook/webhook_server.h"
#include "worker/worker.h"

namespace worthit::app {
namespace {

int DefaultConcurrency(const Config& config) {
  if (config.Has("WORKER_CONCURRENCY")) return static_cast<int>(config.GetInt("WORKER_CONCURRENCY"));
  return 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string ConsumerName() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

telegram::RateLimits LimitsFrom(const Config& config) {
  telegram::RateLimits l;
  l.global_per_second = static_cast<double>(config.GetInt("TG_GLOBAL_RPS"));
  l.private_per_second = static_cast<double>(config.GetInt("TG_CHAT_RPS"));
  l.group_per_minute = static_cast<double>(config.GetInt("TG_GROUP_PER_MINUTE"));
  return l;
}

// The worker side; borrows the queue, API and stores when given (run), owns them otherwise (work).
class WorkerHost final : public RunningWorkers {
 public:
  static Result<std::unique_ptr<WorkerHost>> Build(const Config& config, std::shared_ptr<queue::TaskQueue> queue,
                                                   std::shared_ptr<telegram::BotApi> api,
                                                   std::shared_ptr<store::ResultStore> results) {
    auto h = std::unique_ptr<WorkerHost>(new WorkerHost());
    const std::string queue_url = EffectiveQueueUrl(config);
    if (!queue) {
      auto q = queue::OpenQueue(queue_url, queue::QueueOptionsFromConfig(config));
      if (!q.ok()) return q.error();
      queue = std::shared_ptr<queue::TaskQueue>(std::move(*q));
      queue::AddQueueCollector(queue);
    }
    if (!api) api = std::shared_ptr<telegram::BotApi>(MakeBotApi(config));
    if (!results) {
      auto stores =
          store::OpenFrontDoorStores(EffectiveStoreUrl(config), SystemClock::Instance(), config.Get("REDIS_PREFIX"));
      if (!stores.ok()) return stores.error();
      results = stores->results;
    }
    if (queue_url.starts_with("redis://")) {
      auto l = store::OpenRedisOutboundLimiter(queue_url, config.Get("REDIS_PREFIX"), LimitsFrom(config));
      if (!l.ok()) return l.error();
      h->limiter_ = *l;
    } else {
      h->limiter_ = std::make_shared<telegram::OutboundRateLimiter>(LimitsFrom(config), SystemClock::Instance());
    }
    auto fetcher = analysis::fetch::MakeCurlPageFetcher(analysis::fetch::FetchOptions::FromConfig(config));
    if (!fetcher.ok()) return fetcher.error();
    h->fetcher_ = std::move(*fetcher);
    auto model = analysis::reviews::LoadReviewModel(ResolveModelPath(config.Get("MODEL_PATH")));
    if (!model.ok()) return model.error();
    h->model_ = std::move(*model);
    h->queue_ = queue;
    h->api_ = api;
    h->results_ = results;

    const auto qopts = queue::QueueOptionsFromConfig(config);
    worker::WorkerOptions o;
    o.concurrency = DefaultConcurrency(config);
    o.cpu_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    o.consumer = ConsumerName();
    o.max_attempts = qopts.max_attempts;
    o.backoff = qopts.backoff;
    o.lease_duration = qopts.lease_duration;
    o.retry_budget = std::chrono::seconds(config.GetInt("RETRY_BUDGET_SECONDS"));
    o.cache_ttl = std::chrono::seconds(config.GetInt("CACHE_TTL_SECONDS"));
    o.shutdown_grace = std::chrono::seconds(config.GetInt("SHUTDOWN_GRACE_SECONDS"));
    o.learn_reviews = config.GetBool("LEARN_REVIEWS");
    o.progress_after = std::chrono::milliseconds(config.GetInt("PROGRESS_AFTER_MS"));
    o.progress_stage_after = std::chrono::milliseconds(config.GetInt("PROGRESS_STAGE_MS"));
    // As the front door's atomic intake: the store's records may ride with the queue's calls.
    o.records_with_queue = queue->SupportsRecords() && StoresOnQueueRedis(config);
    worker::WorkerDeps deps{*h->queue_,   *h->api_,   *h->limiter_,           *h->results_,
                            *h->fetcher_, *h->model_, SystemClock::Instance()};
    h->worker_ = std::make_unique<worker::Worker>(deps, o);
    h->worker_->Start();
    return h;
  }

  ~WorkerHost() override { Stop(); }
  void Stop() override {
    if (!worker_) return;
    worker_->Stop();
    worker_->Join();
    worker_.reset();
  }
  int64_t completed() const override { return worker_ ? worker_->completed() : 0; }
  Status Ready() const override { return queue_->Ping(); }

 private:
  WorkerHost() = default;
  std::shared_ptr<queue::TaskQueue> queue_;
  std::shared_ptr<telegram::BotApi> api_;
  std::shared_ptr<store::ResultStore> results_;
  std::shared_ptr<telegram::OutboundLimiter> limiter_;
  std::unique_ptr<analysis::fetch::PageFetcher> fetcher_;
  std::unique_ptr<analysis::reviews::ReviewModel> model_;
  std::unique_ptr<worker::Worker> worker_;
};

// Long polling inside the runtime (same guarantees as `worthit poll`: the offset advances only
// after an update was handled; failures back off 1 s .. 30 s).
class PollLoop {
 public:
  PollLoop(FrontDoor& fd, int timeout_seconds) : fd_(fd), timeout_seconds_(timeout_seconds) {
    thread_ = std::thread([this] { Run(); });
  }
  ~PollLoop() { Stop(); }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  bool Sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [&] { return stop_; });
  }
  bool Stopping() {
    std::lock_guard lock(mu_);
    return stop_;
  }
  void Run() {
    auto cursor = fd_.stores.updates->GetCursor("poll_offset");
    int64_t offset = cursor.ok() && cursor->has_value() ? **cursor : 0;
    const Backoff backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(30000)};
    int failures = 0;
    telegram::GetUpdatesRequest req;
    req.timeout_seconds = timeout_seconds_;
    req.allowed_updates = telegram::DefaultAllowedUpdates();
    log::Info("run.polling", {{"offset", offset}});
    while (!Stopping()) {
      req.offset = offset;
      auto updates = fd_.api->GetUpdates(req);
      if (!updates.ok()) {
        ++failures;
        auto delay = updates.error().retry_after
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(*updates.error().retry_after)
                         : backoff.Delay(failures);
        log::Warn("run.get_updates_failed", {{"error", updates.error().ToString()}, {"retry_in_ms", delay.count()}});
        Sleep(delay);
        continue;
      }
      bool failed = false;
      for (const auto& u : *updates) {
        if (Stopping()) break;
        auto r = fd_.bot->HandleUpdate(u);
        if (!r.ok() && (r.error().Retryable() || failures + 1 < 5)) {
          ++failures;
          auto delay = r.error().retry_after
                           ? std::chrono::duration_cast<std::chrono::milliseconds>(*r.error().retry_after)
                           : backoff.Delay(failures);
          log::Warn("run.update_failed",
                    {{"update_id", u.update_id}, {"error", r.error().ToString()}, {"retry_in_ms", delay.count()}});
          Sleep(delay);
          failed = true;
          break;
        }
        if (!r.ok()) log::Error("run.update_skipped", {{"update_id", u.update_id}, {"error", r.error().ToString()}});
        offset = u.update_id + 1;
        (void)fd_.stores.updates->SetCursor("poll_offset", offset);
      }
      if (!failed) failures = 0;
    }
  }

  FrontDoor& fd_;
  int timeout_seconds_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

class InProcessRuntime final : public Runtime {
 public:
  ~InProcessRuntime() override { Stop(); }
  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (poll_) poll_->Stop();
    if (server_) server_->Stop(grace_);
    if (workers_) workers_->Stop();
    log::Info("run.stopped", {});
  }
  uint16_t webhook_port() const override { return server_ ? server_->port() : 0; }

  std::shared_ptr<FrontDoor> fd_;
  std::unique_ptr<PollLoop> poll_;
  std::unique_ptr<webhook::WebhookServer> server_;
  std::unique_ptr<RunningWorkers> workers_;
  std::chrono::milliseconds grace_{25000};
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<RunningWorkers>> StartWorkers(const Config& config) {
  auto h = WorkerHost::Build(config, nullptr, nullptr, nullptr);
  if (!h.ok()) return h.error();
  return std::unique_ptr<RunningWorkers>(std::move(*h));
}

Result<std::unique_ptr<Runtime>> StartRuntime(const Config& config) {
  auto fd_r = BuildFrontDoor(config);
  if (!fd_r.ok()) return fd_r.error();
  auto rt = std::make_unique<InProcessRuntime>();
  rt->fd_ = std::move(*fd_r);
  rt->grace_ = std::chrono::seconds(config.GetInt("SHUTDOWN_GRACE_SECONDS"));
  auto workers = WorkerHost::Build(config, rt->fd_->queue, rt->fd_->api, rt->fd_->stores.results);
  if (!workers.ok()) return workers.error();
  rt->workers_ = std::move(*workers);

  const bool webhook = config.Has("WEBHOOK_URL") && config.Has("WEBHOOK_SECRET");
  if (webhook) {
    auto fd = rt->fd_;
    webhook::WebhookHandlerOptions hopts;
    hopts.path = config.Get("WEBHOOK_PATH");
    hopts.secret = config.Get("WEBHOOK_SECRET");
    hopts.max_body_bytes = static_cast<size_t>(config.GetInt("WEBHOOK_MAX_BODY_BYTES"));
    auto handler = std::make_shared<const webhook::WebhookHandler>(
        hopts,
        [fd](const telegram::Update& u) -> Status {
          auto r = fd->bot->HandleUpdate(u);
          if (!r.ok()) return r.error();
          return OkStatus();
        },
        [fd] { return fd->Ready(); });
    webhook::WebhookServerOptions sopts;
    sopts.listen_addr = config.Get("LISTEN_ADDR");
    sopts.port = static_cast<uint16_t>(config.GetInt("PORT"));
    sopts.io_threads = static_cast<int>(config.GetInt("HTTP_THREADS"));
    sopts.handler_threads = static_cast<int>(config.GetInt("HTTP_HANDLER_THREADS"));
    sopts.idle_timeout = std::chrono::seconds(config.GetInt("HTTP_IDLE_TIMEOUT_SECONDS"));
    auto server = webhook::WebhookServer::Start(sopts, handler);
    if (!server.ok()) return server.error();
    rt->server_ = std::move(*server);
    telegram::SetWebhookRequest req;
    req.url = config.Get("WEBHOOK_URL");
    req.secret_token = config.Get("WEBHOOK_SECRET");
    req.allowed_updates = telegram::DefaultAllowedUpdates();
    req.max_connections = static_cast<int>(config.GetInt("WEBHOOK_MAX_CONNECTIONS"));
    if (auto s = rt->fd_->api->SetWebhook(req); !s.ok()) return s.error();
    log::Info("run.webhook", {{"port", static_cast<int>(rt->server_->port())}, {"path", hopts.path}});
  } else {
    // Telegram refuses getUpdates while a webhook is set; `run` without webhook keys means polling.
    if (auto s = rt->fd_->api->DeleteWebhook(false); !s.ok()) {
      log::Warn("run.delete_webhook_failed", {{"error", s.error().ToString()}});
    }
    rt->poll_ = std::make_unique<PollLoop>(*rt->fd_, static_cast<int>(config.GetInt("POLL_TIMEOUT_SECONDS")));
  }
  return std::unique_ptr<Runtime>(std::move(rt));
}

}  // namespace worthit::app
