#include "app/command.h"

#include <fstream>
#include <iostream>

#include "common/log.h"

namespace worthit::app {

std::vector<CommandSpec>& CommandTable() {
  static std::vector<CommandSpec> table;
  return table;
}

GlobalOptions& Globals() {
  static GlobalOptions globals;
  return globals;
}

Result<Config> LoadConfig() {
  Config::Map overrides;
  for (const auto& kv : Globals().set) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) {
      return Error::Invalid("CONFIG_INVALID", "--set expects KEY=VALUE, got " + kv);
    }
    overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto config = Config::FromEnvironment(overrides);
  if (!config.ok()) {
    std::cerr << "worthit: " << config.error().ToString() << "\n";
    return config;
  }
  // Checked here, not at the first Bot API call: an unreadable trust store would otherwise show
  // up only as TLS failures on every call.
  if (const std::string ca = config->Get("TELEGRAM_CA_FILE"); !ca.empty() && !std::ifstream(ca).good()) {
    Error e = Error::Invalid("CONFIG_INVALID", "TELEGRAM_CA_FILE: cannot read " + ca);
    std::cerr << "worthit: " << e.ToString() << "\n";
    return e;
  }
  log::Level level = log::Level::kInfo;
  log::Format format = log::Format::kText;
  log::ParseLevel(config->Get("LOG_LEVEL"), level);
  log::ParseFormat(config->Get("LOG_FORMAT"), format);
  log::Configure(level, format);
  return config;
}

}  // namespace worthit::app
