// The CLI table: every `worthit <command>` registers itself here from its own cmd_*.cpp file.
//
// A command file defines one static CommandRegistrar; main() builds CLI11 subcommands from the
// table in `order`, and `worthit help` prints it. Setup adds the command's options to its CLI11
// subcommand and returns the function to run once parsing succeeded (exit code as result).
// Thread-safety: registration happens during static initialisation, before main().
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "common/config.h"

namespace worthit::app {

using CommandRun = std::function<int()>;

struct CommandSpec {
  std::string name;
  std::string summary;
  int order;  // position in `worthit help`
  std::function<CommandRun(CLI::App& sub)> setup;
};

std::vector<CommandSpec>& CommandTable();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSpec spec) { CommandTable().push_back(std::move(spec)); }
};

// Global options shared by every command (filled by main before a command runs).
struct GlobalOptions {
  std::vector<std::string> set;  // --set KEY=VALUE overrides
};
GlobalOptions& Globals();

// Loads the configuration from the environment and --set overrides, configures logging, and
// prints "worthit: CONFIG_INVALID: KEY=...: why" on failure (the caller returns exit code 2).
Result<Config> LoadConfig();

// Exit codes shared by the commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnavailable = 3;  // a dependency (queue, Telegram) is unreachable

}  // namespace worthit::app
