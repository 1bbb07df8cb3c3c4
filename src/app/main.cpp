// worthit — the composition root's entry point: parses the command line against the CLI table
// (app/command.h) and runs the chosen command.
#include <algorithm>
#include <iostream>

#include "app/command.h"

int main(int argc, char** argv) {
  using namespace worthit::app;
  CLI::App cli{"WorthIt! — is this product worth its price? A Telegram bot backend."};
  cli.set_help_flag("-h,--help", "Show help");
  cli.require_subcommand(0, 1);
  cli.add_option("--set", Globals().set, "Override a configuration key (KEY=VALUE), repeatable");

  auto& table = CommandTable();
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, CommandRun>> runs;
  for (auto& spec : table) {
    CLI::App* sub = cli.add_subcommand(spec.name, spec.summary);
    runs.emplace_back(sub, spec.setup(*sub));
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  for (auto& [sub, run] : runs) {
    if (sub->parsed()) return run();
  }
  // No command: show the table.
  for (auto& [sub, run] : runs) {
    if (sub->get_name() == "help") return run();
  }
  std::cout << cli.help();
  return kExitUsage;
}
