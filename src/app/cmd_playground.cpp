// `worthit playground`: the bot without a token — an embedded Telegram (Bot API server + chat
// page) and a demo shop on loopback, for a first look, demos and development.
//
// What runs: BotApiServer on 127.0.0.1:PORT (chat page at /, Bot API at /bot<TOKEN>/), DemoShop
// on 127.0.0.1:SHOP_PORT, and the real bot (intake, queue, workers, analysis, delivery) started
// at StartPlaygroundBot() below through app/runtime.h, polling the embedded Telegram. If the bot
// cannot start (no review model), the page still shows the user's messages and whatever any bot
// pointed at TELEGRAM_API_URL=http://127.0.0.1:PORT sends (no reply is ever faked).
// Stops cleanly on SIGINT/SIGTERM: the servers wake their long polls and join their threads.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "app/command.h"
#include "app/playground_entry.h"
#include "app/runtime.h"
#include "common/log.h"
#include "playground/bot_api_server.h"
#include "playground/demo_shop.h"

namespace worthit::app {
namespace {

// Where a bot finds the playground.
struct PlaygroundEndpoints {
  std::string api_url;         // TELEGRAM_API_URL for the bot
  std::string token;           // TELEGRAM_TOKEN the embedded Telegram accepts
  std::string shop_url;        // http://127.0.0.1:SHOP_PORT
  std::string shop_host_port;  // 127.0.0.1:SHOP_PORT, the only FETCH_ALLOW entry
};

// The configuration the real bot runs with inside the playground: the same keys as production,
// pointed at the embedded Telegram, with the fetch allow-list opened only for the demo shop.
Config PlaygroundBotConfig(const Config& base, const PlaygroundEndpoints& endpoints) {
  return base.With("TELEGRAM_API_URL", endpoints.api_url)
      .With("TELEGRAM_TOKEN", endpoints.token)
      .With("FETCH_ALLOW", endpoints.shop_host_port);
}

// A running bot; destroying it stops it (graceful shutdown of intake and workers).
class PlaygroundBot {
 public:
  explicit PlaygroundBot(std::unique_ptr<Runtime> runtime) : runtime_(std::move(runtime)) {}
  ~PlaygroundBot() { runtime_->Stop(); }

 private:
  std::unique_ptr<Runtime> runtime_;
};

// THE WIRING POINT of the real bot: what `worthit run` starts (runtime.h StartRuntime: long
// polling against the embedded Telegram, the SQLite queue under DATA_DIR, the workers), with
// PlaygroundBotConfig(config, endpoints). nullptr (and a message on stderr) when it cannot start,
// e.g. the review model is missing; the chat page still works, and no reply is ever faked.
std::unique_ptr<PlaygroundBot> StartPlaygroundBot(const Config& config, const PlaygroundEndpoints& endpoints) {
  // The playground never needs a webhook: the embedded Telegram is polled.
  Config bot_config = PlaygroundBotConfig(config, endpoints).With("WEBHOOK_URL", "");
  auto rt = StartRuntime(bot_config);
  if (!rt.ok()) {
    std::cerr << "worthit: playground: the bot could not start: " << rt.error().ToString() << "\n";
    return nullptr;
  }
  return std::make_unique<PlaygroundBot>(std::move(*rt));
}

int RunPlayground(int port_flag, int shop_port_flag, bool start_bot) {
  auto config = LoadConfig();
  if (!config.ok()) return kExitUsage;
  const int port = port_flag >= 0 ? port_flag : static_cast<int>(config->GetInt("PORT"));
  // The shop sits next to the chat (PORT+1) so its links stay the same between runs.
  const int shop_port = shop_port_flag >= 0 ? shop_port_flag : (port == 0 ? 0 : port + 1);
  if (port > 65535 || shop_port > 65535) {
    std::cerr << "worthit: playground: ports must be below 65536\n";
    return kExitUsage;
  }

  // Block the stop signals before any thread starts, so that every thread inherits the mask and
  // only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  playground::BotApiServer::Options options;
  if (config->Has("TELEGRAM_TOKEN")) {
    std::cerr << "worthit: playground: TELEGRAM_TOKEN is set but ignored; the playground never talks to "
                 "Telegram (use `worthit run` for the real bot)\n";
  }
  log::AddSecret(options.token);
  playground::BotApiServer telegram(options);
  if (auto s = telegram.Start(static_cast<uint16_t>(port)); !s.ok()) {
    std::cerr << "worthit: playground: " << s.error().ToString() << " (set PORT or --port)\n";
    return kExitUnavailable;
  }
  playground::DemoShop shop;
  if (auto s = shop.Start(static_cast<uint16_t>(shop_port)); !s.ok()) {
    if (shop_port_flag >= 0 || !shop.Start(0).ok()) {
      std::cerr << "worthit: playground: demo shop: " << s.error().ToString() << "\n";
      telegram.Stop();
      return kExitUnavailable;
    }
  }

  const PlaygroundEndpoints endpoints{telegram.BaseUrl(), telegram.token(), shop.BaseUrl(),
                                      "127.0.0.1:" + std::to_string(shop.port())};
  std::printf("WorthIt! playground\n\n");
  std::printf("  chat:      %s/   (open it in a browser; each tab is its own user)\n", telegram.BaseUrl().c_str());
  std::printf("  demo shop: %s/\n", shop.BaseUrl().c_str());
  for (const auto& link : shop.Links()) {
    std::printf("    %-48s  %s, %s\n", link.url.c_str(), link.language.c_str(), link.expected.c_str());
  }
  std::printf("\n  Bot API:   TELEGRAM_API_URL=%s TELEGRAM_TOKEN=%s\n", endpoints.api_url.c_str(),
              endpoints.token.c_str());
  // --no-bot leaves getUpdates to the developer's own bot: two pollers on one token would take
  // each other's updates (Telegram answers the second with 409 Conflict, and so does ours).
  auto bot = start_bot ? StartPlaygroundBot(*config, endpoints) : nullptr;
  if (bot) {
    std::printf("  bot:       running (SQLite queue in %s)\n", config->Get("DATA_DIR").c_str());
  } else if (!start_bot) {
    std::printf("  bot:       not started (--no-bot); point your bot at the Bot API above\n");
  } else {
    std::printf("  bot:       not running (see the message above); point a bot at the Bot API above\n");
  }
  std::printf("\nCtrl-C stops.\n");
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  std::printf("\nstopping (%s)...\n", received == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  bot.reset();
  telegram.Stop();
  shop.Stop();
  std::printf("stopped\n");
  return kExitOk;
}

}  // namespace

int RunPlaygroundEntry(int port, int shop_port) { return RunPlayground(port, shop_port, /*start_bot=*/true); }

namespace {

const CommandRegistrar kPlayground(
    {"playground", "Local Telegram + chat page + demo shop on 127.0.0.1 (no token needed)", 15,
     [](CLI::App& sub) -> CommandRun {
       auto port = std::make_shared<int>(-1);
       auto shop_port = std::make_shared<int>(-1);
       auto no_bot = std::make_shared<bool>(false);
       sub.add_option("--port", *port, "Chat page and Bot API port (default: PORT, 8080; 0 = any free port)");
       sub.add_option("--shop-port", *shop_port, "Demo shop port (default: port + 1; 0 = any free port)");
       sub.add_flag("--no-bot", *no_bot,
                    "Do not start WorthIt's own bot: the page and the shop only, for a bot you run yourself");
       return [port, shop_port, no_bot] { return RunPlayground(*port, *shop_port, !*no_bot); };
     }});

}  // namespace
}  // namespace worthit::app
