// `worthit work`: a worker process — leases analysis tasks from QUEUE_URL (any backend), runs up
// to WORKER_CONCURRENCY at once and delivers the cards (runtime.h StartWorkers). Scale by adding
// processes or machines on one Redis. SIGTERM/SIGINT: stop leasing, finish in-flight tasks within
// SHUTDOWN_GRACE_SECONDS, hand back the rest, exit 0. With METRICS_PORT set it also serves
// /metrics, /healthz and /readyz (the webhook server's handler with no webhook: the path is unused
// and its secret random, so every POST is refused).
#include <iostream>

#include "app/command.h"
#include "app/runtime.h"
#include "app/shutdown_signal.h"
#include "common/ids.h"
#include "common/log.h"
#include "webhook/webhook_server.h"

namespace worthit::app {
namespace {

int RunWork() {
  ShutdownSignal& shutdown = ShutdownSignal::Install();  // before any thread starts
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  if (!config->Has("TELEGRAM_TOKEN")) {
    std::cerr << "worthit work: TELEGRAM_TOKEN is required (the bot's token from @BotFather)\n";
    return kExitUsage;
  }
  auto workers = StartWorkers(*config);
  if (!workers.ok()) {
    std::cerr << "worthit work: " << workers.error().ToString() << "\n";
    return workers.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitUnavailable;
  }
  std::unique_ptr<webhook::WebhookServer> metrics_server;
  if (config->Has("METRICS_PORT")) {
    RunningWorkers* w = workers->get();
    webhook::WebhookHandlerOptions hopts;
    hopts.path = "/telegram/webhook-disabled";
    hopts.secret = RandomId(32);
    auto handler = std::make_shared<const webhook::WebhookHandler>(
        hopts, [](const telegram::Update&) -> Status { return Error::Permanent("NOT_A_WEBHOOK", "work"); },
        [w] { return w->Ready(); });
    webhook::WebhookServerOptions sopts;
    sopts.listen_addr = config->Get("LISTEN_ADDR");
    sopts.port = static_cast<uint16_t>(config->GetInt("METRICS_PORT"));
    sopts.io_threads = 1;
    sopts.handler_threads = 1;
    auto server = webhook::WebhookServer::Start(sopts, handler);
    if (!server.ok()) {
      std::cerr << "worthit work: METRICS_PORT: " << server.error().ToString() << "\n";
      return kExitUnavailable;
    }
    metrics_server = std::move(*server);
  }
  shutdown.Wait();
  log::Info("work.stopping", {});
  if (metrics_server) metrics_server->Stop(std::chrono::seconds(1));
  (*workers)->Stop();
  log::Info("work.stopped", {{"completed", (*workers)->completed()}});
  return kExitOk;
}

const CommandRegistrar kWork({"work", "Run a worker process (leases tasks from QUEUE_URL, delivers cards)", 22,
                              [](CLI::App&) -> CommandRun { return RunWork; }});

}  // namespace
}  // namespace worthit::app
