// `worthit run`: everything in one process — intake (long polling, or a webhook when WEBHOOK_URL
// and WEBHOOK_SECRET are set), the workers and the queue (SQLite under DATA_DIR unless QUEUE_URL
// says otherwise): the default for one machine (runtime.h StartRuntime). Without TELEGRAM_TOKEN it
// says so and starts the local playground instead (its embedded Telegram runs the same runtime).
// SIGTERM/SIGINT: intake stops, in-flight tasks finish within SHUTDOWN_GRACE_SECONDS, exit 0.
#include <iostream>

#include "app/command.h"
#include "app/playground_entry.h"
#include "app/runtime.h"
#include "app/shutdown_signal.h"
#include "common/log.h"

namespace worthit::app {
namespace {

int RunAll() {
  {
    auto config = LoadConfig();
    if (!config.ok()) return kExitUsage;
    if (!config->Has("TELEGRAM_TOKEN")) {
      std::cerr << "worthit run: TELEGRAM_TOKEN is not set, so there is no Telegram bot to run; starting the local "
                   "playground instead (set TELEGRAM_TOKEN to run the real bot).\n";
      return RunPlaygroundEntry(-1, -1);
    }
  }
  ShutdownSignal& shutdown = ShutdownSignal::Install();  // before any thread starts
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  auto rt = StartRuntime(*config);
  if (!rt.ok()) {
    std::cerr << "worthit run: " << rt.error().ToString() << "\n";
    return rt.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitUnavailable;
  }
  log::Info("run.started", {{"webhook_port", static_cast<int>((*rt)->webhook_port())}});
  shutdown.Wait();
  log::Info("run.stopping", {});
  (*rt)->Stop();
  return kExitOk;
}

const CommandRegistrar kRun({"run",
                             "Run everything in one process: intake + workers + SQLite queue (no token: playground)",
                             10, [](CLI::App&) -> CommandRun { return RunAll; }});

}  // namespace
}  // namespace worthit::app
