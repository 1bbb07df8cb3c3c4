// `worthit serve`: the webhook handler only (stateless; scale horizontally).
#include <algorithm>
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

  // The event-driven front door (docs/design.md "Threading of `serve`") shares the sockets' io_context.
  const int io_threads = static_cast<int>(config->GetInt("HTTP_THREADS"));
  const int handler_threads = static_cast<int>(config->GetInt("HTTP_HANDLER_THREADS"));
  std::shared_ptr<boost::asio::io_context> io = webhook::MakeIoContext(io_threads);
  std::shared_ptr<EventFrontDoor> event;
  if (config->Get("WEBHOOK_EVENT_LOOP") == "auto") {
    if (fd->bot->options().atomic_intake) {
      auto e = EventFrontDoor::Create(*io, *config, fd, std::max(1, handler_threads));
      if (!e.ok()) {
        std::cerr << "worthit serve: " << e.error().ToString() << "\n";
        return kExitUnavailable;
      }
      event = *e;
    } else {
      log::Info("serve.event_loop_off", {{"why", "queue and stores are not on one Redis server"}});
    }
  }
  auto handler = MakeWebhookHandler(*config, fd, event);
  // /metrics carries the queue's depth and oldest age (alerts and dashboards read them from any
  // process on the queue; one Stats() call per scrape).
  queue::AddQueueCollector(fd->queue);

  webhook::WebhookServerOptions sopts;
  sopts.listen_addr = config->Get("LISTEN_ADDR");
  sopts.port = static_cast<uint16_t>(config->GetInt("PORT"));
  sopts.io_threads = io_threads;
  // With the event loop the pool only serves /readyz and /metrics (the event front door has its own
  // pool for the few blocking updates).
  sopts.handler_threads = event ? std::clamp(handler_threads, 1, 4) : handler_threads;
  sopts.idle_timeout = std::chrono::seconds(config->GetInt("HTTP_IDLE_TIMEOUT_SECONDS"));
  auto server = webhook::WebhookServer::Start(sopts, handler, io);
  if (!server.ok()) {
    std::cerr << "worthit serve: " << server.error().ToString() << "\n";
    return kExitUnavailable;
  }
  log::Info("serve.listening", {{"addr", sopts.listen_addr},
                                {"port", static_cast<int>((*server)->port())},
                                {"path", handler->options().path},
                                {"event_loop", event != nullptr}});
  shutdown.Wait();
  log::Info("serve.stopping", {});
  (*server)->Stop(std::chrono::seconds(config->GetInt("SHUTDOWN_GRACE_SECONDS")));
  // Objects bound to the io_context go before it: the server, then the handler and the event front
  // door it references (its pool has drained with the in-flight requests).
  server->reset();
  handler.reset();
  event.reset();
  log::Info("serve.stopped", {});
  return kExitOk;
}

const CommandRegistrar kServe({"serve", "Run the webhook handler (needs TELEGRAM_TOKEN, WEBHOOK_SECRET)", 20,
                               [](CLI::App&) -> CommandRun { return RunServe; }});

}  // namespace
}  // namespace worthit::app
