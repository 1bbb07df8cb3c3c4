// `worthit serve`: the webhook handler only (stateless; scale horizontally).
#include <iostream>

#include "app/command.h"
#include "app/front_door.h"
#include "app/shutdown_signal.h"
#include "app/webhook_wiring.h"
#include "common/log.h"
#include "queue/queue_metrics.h"
#include "webhook/webhook_server.h"

namespace worthit::app {
namespace {

int RunServe() {
  ShutdownSignal& shutdown = ShutdownSignal::Install();  // before any thread starts
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  for (const char* key : {"TELEGRAM_TOKEN", "WEBHOOK_SECRET"}) {
    if (!config->Has(key)) {
      std::cerr << "worthit serve: " << key << " is required"
                << (std::string_view(key) == "WEBHOOK_SECRET"
                        ? " (the X-Telegram-Bot-Api-Secret-Token Telegram must send; set the same value with "
                          "`worthit webhook set`)"
                        : " (the bot's token from @BotFather)")
                << "\n";
      return kExitUsage;
    }
  }
  auto fd_r = BuildFrontDoor(*config);
  if (!fd_r.ok()) {
    std::cerr << "worthit serve: " << fd_r.error().ToString() << "\n";
    return fd_r.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitUnavailable;
  }
  std::shared_ptr<FrontDoor> fd = std::move(*fd_r);

  auto handler = MakeWebhookHandler(*config, fd);
  // /metrics carries the queue's depth and oldest age (alerts and dashboards read them from any
  // process on the queue; one Stats() call per scrape).
  queue::AddQueueCollector(fd->queue);

  webhook::WebhookServerOptions sopts;
  sopts.listen_addr = config->Get("LISTEN_ADDR");
  sopts.port = static_cast<uint16_t>(config->GetInt("PORT"));
  sopts.io_threads = static_cast<int>(config->GetInt("HTTP_THREADS"));
  sopts.handler_threads = static_cast<int>(config->GetInt("HTTP_HANDLER_THREADS"));
  sopts.idle_timeout = std::chrono::seconds(config->GetInt("HTTP_IDLE_TIMEOUT_SECONDS"));
  auto server = webhook::WebhookServer::Start(sopts, handler);
  if (!server.ok()) {
    std::cerr << "worthit serve: " << server.error().ToString() << "\n";
    return kExitUnavailable;
  }
  log::Info(
      "serve.listening",
      {{"addr", sopts.listen_addr}, {"port", static_cast<int>((*server)->port())}, {"path", handler->options().path}});
  shutdown.Wait();
  log::Info("serve.stopping", {});
  (*server)->Stop(std::chrono::seconds(config->GetInt("SHUTDOWN_GRACE_SECONDS")));
  log::Info("serve.stopped", {});
  return kExitOk;
}

const CommandRegistrar kServe({"serve", "Run the webhook handler (needs TELEGRAM_TOKEN, WEBHOOK_SECRET)", 20,
                               [](CLI::App&) -> CommandRun { return RunServe; }});

}  // namespace
}  // namespace worthit::app
