// `worthit poll`: long polling (getUpdates) instead of a webhook — development, no public URL.
//
// The offset is persisted in the store (cursor "poll_offset") only after an update was handled,
// so a crash re-reads at most the updates in flight, which the bot's dedupe makes harmless. A
// transient failure (Telegram, queue, store) backs off exponentially and retries the same update.
#include <iostream>

#include "app/command.h"
#include "app/front_door.h"
#include "app/shutdown_signal.h"
#include "common/backoff.h"
#include "common/log.h"

namespace worthit::app {
namespace {

constexpr const char* kOffsetCursor = "poll_offset";
// An update failing this many times in a row with a non-retryable error is skipped (a webhook
// would see Telegram give up after 24 h; polling would otherwise stall on it for good).
constexpr int kMaxPermanentFailures = 5;

int RunPoll(bool delete_webhook) {
  ShutdownSignal& shutdown = ShutdownSignal::Install();
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  if (!config->Has("TELEGRAM_TOKEN")) {
    std::cerr << "worthit poll: TELEGRAM_TOKEN is required (the bot's token from @BotFather)\n";
    return kExitUsage;
  }
  // Telegram refuses getUpdates while a webhook is set (409); say so before anything else.
  auto api = MakeBotApi(*config);
  auto info = api->GetWebhookInfo();
  if (!info.ok()) {
    std::cerr << "worthit poll: cannot reach Telegram: " << info.error().ToString() << "\n";
    return kExitUnavailable;
  }
  if (!info->url.empty()) {
    if (!delete_webhook) {
      std::cerr << "worthit poll: a webhook is set (" << info->url
                << "), and Telegram does not deliver updates to getUpdates while it is.\n"
                   "  Run `worthit poll --delete-webhook` (or `worthit webhook delete`) to switch to polling.\n";
      return kExitFailure;
    }
    if (auto s = api->DeleteWebhook(false); !s.ok()) {
      std::cerr << "worthit poll: deleteWebhook failed: " << s.error().ToString() << "\n";
      return kExitUnavailable;
    }
    log::Info("poll.webhook_deleted", {{"url", info->url}});
  }
  auto fd_r = BuildFrontDoor(*config);
  if (!fd_r.ok()) {
    std::cerr << "worthit poll: " << fd_r.error().ToString() << "\n";
    return fd_r.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitUnavailable;
  }
  auto& fd = **fd_r;
  auto cursor = fd.stores.updates->GetCursor(kOffsetCursor);
  int64_t offset = cursor.ok() && cursor->has_value() ? **cursor : 0;

  // Polling errors: start at 1 s, at most 30 s between attempts (Telegram outages are short; a
  // user waits for the bot to come back).
  Backoff backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(30000)};
  int failures = 0;
  telegram::GetUpdatesRequest req;
  req.timeout_seconds = static_cast<int>(config->GetInt("POLL_TIMEOUT_SECONDS"));
  req.allowed_updates = telegram::DefaultAllowedUpdates();
  log::Info("poll.started", {{"offset", offset}});
  while (!shutdown.Requested()) {
    req.offset = offset;
    auto updates = fd.api->GetUpdates(req);
    if (!updates.ok()) {
      if (updates.error().code == "TELEGRAM_CONFLICT") {
        std::cerr << "worthit poll: Telegram says another getUpdates or a webhook is active: "
                  << updates.error().message << "\n";
        return kExitFailure;
      }
      if (updates.error().code == "TELEGRAM_UNAUTHORIZED") {
        std::cerr << "worthit poll: Telegram rejected TELEGRAM_TOKEN: " << updates.error().message << "\n";
        return kExitUsage;
      }
      ++failures;
      auto delay = updates.error().retry_after
                       ? std::chrono::duration_cast<std::chrono::milliseconds>(*updates.error().retry_after)
                       : backoff.Delay(failures);
      log::Warn("poll.get_updates_failed", {{"error", updates.error().ToString()}, {"retry_in_ms", delay.count()}});
      shutdown.WaitFor(delay);
      continue;
    }
    bool failed = false;
    for (const auto& u : *updates) {
      if (shutdown.Requested()) break;
      auto r = fd.bot->HandleUpdate(u);
      if (!r.ok() && !r.error().Retryable() && failures + 1 >= kMaxPermanentFailures) {
        // Not a passing outage: retrying would block every later update forever. Skip it loudly.
        log::Error("poll.update_skipped", {{"update_id", u.update_id}, {"error", r.error().ToString()}});
      } else if (!r.ok()) {
        ++failures;
        auto delay = r.error().retry_after
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(*r.error().retry_after)
                         : backoff.Delay(failures);
        log::Warn("poll.update_failed",
                  {{"update_id", u.update_id}, {"error", r.error().ToString()}, {"retry_in_ms", delay.count()}});
        shutdown.WaitFor(delay);
        failed = true;
        break;  // the same update comes again with the same offset
      }
      offset = u.update_id + 1;
      if (auto s = fd.stores.updates->SetCursor(kOffsetCursor, offset); !s.ok()) {
        log::Warn("poll.offset_not_saved", {{"error", s.error().ToString()}});
      }
    }
    if (!failed) failures = 0;
  }
  log::Info("poll.stopped", {{"offset", offset}});
  return kExitOk;
}

const CommandRegistrar kPoll({"poll", "Receive updates by long polling (getUpdates) instead of a webhook", 21,
                              [](CLI::App& sub) -> CommandRun {
                                auto delete_webhook = std::make_shared<bool>(false);
                                sub.add_flag("--delete-webhook", *delete_webhook,
                                             "Delete a webhook that is set, then poll");
                                return [delete_webhook] { return RunPoll(*delete_webhook); };
                              }});

}  // namespace
}  // namespace worthit::app
