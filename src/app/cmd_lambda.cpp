// `worthit lambda`: the webhook handler as an AWS Lambda custom runtime (provided.al2023). Reads
// AWS_LAMBDA_RUNTIME_API (set by Lambda), builds the same front door as `serve`, and answers each
// API Gateway / function URL event through the same WebhookHandler. Packaging: deploy/lambda/.
#include <cstdlib>
#include <iostream>

#include "app/command.h"
#include "app/front_door.h"
#include "app/shutdown_signal.h"
#include "app/webhook_wiring.h"
#include "common/log.h"
#include "webhook/lambda_runtime.h"

namespace worthit::app {
namespace {

int RunLambda() {
  ShutdownSignal& shutdown = ShutdownSignal::Install();  // before any thread starts
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr || *api == '\0') {
    std::cerr << "worthit lambda: AWS_LAMBDA_RUNTIME_API is not set (Lambda sets it; this command only runs "
                 "inside a Lambda execution environment or against a Runtime API emulator)\n";
    return kExitUsage;
  }
  const webhook::LambdaRuntimeClient client(api, [&shutdown] { return shutdown.Requested(); });
  auto config = LoadConfig();
  if (!config.ok()) {
    (void)client.ReportInitError(config.error());
    return kExitUsage;
  }
  if (!config->Has("TELEGRAM_TOKEN") || !config->Has("WEBHOOK_SECRET")) {
    const Error e = Error::Invalid("CONFIG_INVALID", "TELEGRAM_TOKEN and WEBHOOK_SECRET are required by `lambda`");
    std::cerr << "worthit lambda: " << e.ToString() << "\n";
    (void)client.ReportInitError(e);
    return kExitUsage;
  }
  auto fd_r = BuildFrontDoor(*config);
  if (!fd_r.ok()) {
    std::cerr << "worthit lambda: " << fd_r.error().ToString() << "\n";
    (void)client.ReportInitError(fd_r.error());
    return fd_r.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitUnavailable;
  }
  std::shared_ptr<FrontDoor> fd = std::move(*fd_r);
  auto handler = MakeWebhookHandler(*config, fd);

  webhook::LambdaLoopOptions options;
  options.webhook_path = config->Get("WEBHOOK_PATH");
  log::Info("lambda.ready", {{"path", options.webhook_path}});
  auto s = webhook::RunLambdaLoop(client, *handler, options, [&shutdown] { return shutdown.Requested(); });
  if (!s.ok()) {
    log::Error("lambda.runtime_failed", {{"error", s.error().ToString()}});
    return kExitUnavailable;
  }
  log::Info("lambda.stopped", {});
  return kExitOk;
}

const CommandRegistrar kLambda({"lambda", "Run the webhook handler as an AWS Lambda custom runtime", 25,
                                [](CLI::App&) -> CommandRun { return RunLambda; }});

}  // namespace
}  // namespace worthit::app
