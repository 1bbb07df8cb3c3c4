// `worthit webhook set|info|delete`: manage the Telegram webhook.
#include <iostream>

#include "app/command.h"
#include "app/front_door.h"
#include "telegram/bot_api.h"

namespace worthit::app {
namespace {

int RunWebhook(CLI::App* set, CLI::App* info, CLI::App* del, bool drop_pending) {
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  if (!config->Has("TELEGRAM_TOKEN")) {
    std::cerr << "worthit webhook: TELEGRAM_TOKEN is required (the bot's token from @BotFather)\n";
    return kExitUsage;
  }
  auto api = MakeBotApi(*config);
  if (set->parsed()) {
    for (const char* key : {"WEBHOOK_URL", "WEBHOOK_SECRET"}) {
      if (!config->Has(key)) {
        std::cerr << "worthit webhook set: " << key << " is required\n";
        return kExitUsage;
      }
    }
    telegram::SetWebhookRequest req;
    req.url = config->Get("WEBHOOK_URL");
    req.secret_token = config->Get("WEBHOOK_SECRET");
    req.allowed_updates = telegram::DefaultAllowedUpdates();
    req.max_connections = static_cast<int>(config->GetInt("WEBHOOK_MAX_CONNECTIONS"));
    req.drop_pending_updates = drop_pending;
    if (auto s = api->SetWebhook(req); !s.ok()) {
      std::cerr << "worthit webhook set: " << s.error().ToString() << "\n";
      return s.error().Retryable() ? kExitUnavailable : kExitFailure;
    }
    std::cout << "webhook set: " << req.url << " (max_connections " << req.max_connections << ")\n";
    return kExitOk;
  }
  if (del->parsed()) {
    if (auto s = api->DeleteWebhook(drop_pending); !s.ok()) {
      std::cerr << "worthit webhook delete: " << s.error().ToString() << "\n";
      return s.error().Retryable() ? kExitUnavailable : kExitFailure;
    }
    std::cout << "webhook deleted\n";
    return kExitOk;
  }
  if (info->parsed()) {
    auto i = api->GetWebhookInfo();
    if (!i.ok()) {
      std::cerr << "worthit webhook info: " << i.error().ToString() << "\n";
      return i.error().Retryable() ? kExitUnavailable : kExitFailure;
    }
    std::cout << "url: " << (i->url.empty() ? "(none: long polling)" : i->url) << "\n"
              << "pending_update_count: " << i->pending_update_count << "\n"
              << "max_connections: " << i->max_connections << "\n";
    std::cout << "allowed_updates:";
    for (const auto& a : i->allowed_updates) std::cout << " " << a;
    std::cout << "\n";
    if (!i->last_error_message.empty()) {
      std::cout << "last_error: " << i->last_error_message << " (at " << i->last_error_date << ")\n";
    }
    return kExitOk;
  }
  return kExitUsage;
}

const CommandRegistrar kWebhook({"webhook", "Manage the Telegram webhook (set | info | delete)", 22,
                                 [](CLI::App& sub) -> CommandRun {
                                   auto drop = std::make_shared<bool>(false);
                                   auto* set = sub.add_subcommand(
                                       "set", "setWebhook with WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_MAX_CONNECTIONS");
                                   auto* info = sub.add_subcommand("info", "Show getWebhookInfo");
                                   auto* del = sub.add_subcommand("delete", "deleteWebhook (back to long polling)");
                                   set->add_flag("--drop-pending-updates", *drop, "Drop updates waiting at Telegram");
                                   del->add_flag("--drop-pending-updates", *drop, "Drop updates waiting at Telegram");
                                   sub.require_subcommand(1);
                                   return [=] { return RunWebhook(set, info, del, *drop); };
                                 }});

}  // namespace
}  // namespace worthit::app
