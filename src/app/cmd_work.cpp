// `worthit work`: a worker process — leases analysis tasks from QUEUE_URL (any backend), runs up
// to WORKER_CONCURRENCY at once and delivers the cards (runtime.h StartWorkers). Scale by adding
// processes or machines on one Redis. SIGTERM/SIGINT: stop leasing, finish in-flight tasks within
// SHUTDOWN_GRACE_SECONDS, hand back the rest, exit 0.
#include <iostream>

#include "app/command.h"
#include "app/runtime.h"
#include "app/shutdown_signal.h"
#include "common/log.h"

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
  shutdown.Wait();
  log::Info("work.stopping", {});
  (*workers)->Stop();
  log::Info("work.stopped", {{"completed", (*workers)->completed()}});
  return kExitOk;
}

const CommandRegistrar kWork({"work", "Run a worker process (leases tasks from QUEUE_URL, delivers cards)", 22,
                              [](CLI::App&) -> CommandRun { return RunWork; }});

}  // namespace
}  // namespace worthit::app
