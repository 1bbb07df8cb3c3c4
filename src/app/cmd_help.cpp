// `worthit help`, `worthit version`, `worthit config docs|keys|check`.
#include <cstdio>
#include <iostream>

#include "app/command.h"

namespace worthit::app {
namespace {

const CommandRegistrar kHelp({"help", "List the commands", 0, [](CLI::App&) -> CommandRun {
                                return [] {
                                  std::cout
                                      << "worthit <command> [options]   (worthit <command> --help for its options)\n\n";
                                  for (const auto& spec : CommandTable()) {
                                    std::printf("  %-12s %s\n", spec.name.c_str(), spec.summary.c_str());
                                  }
                                  std::cout << "\nGlobal option: --set KEY=VALUE overrides a configuration key "
                                               "(see docs/configuration.md).\n";
                                  return kExitOk;
                                };
                              }});

const CommandRegistrar kVersion({"version", "Print the version", 1, [](CLI::App&) -> CommandRun {
                                   return [] {
                                     std::cout << "worthit " << WORTHIT_VERSION << "\n";
                                     return kExitOk;
                                   };
                                 }});

const CommandRegistrar kConfig(
    {"config", "Show or check the configuration (docs | keys | check)", 90, [](CLI::App& sub) -> CommandRun {
       auto* docs = sub.add_subcommand("docs", "Print docs/configuration.md generated from the key table");
       // One key name per line, for tools (the deployment-file test checks every key a deployment
       // sets against this list, so the table in config.cpp stays the only one).
       auto* keys = sub.add_subcommand("keys", "Print every configuration key name, one per line");
       auto* check = sub.add_subcommand("check", "Validate the environment and print the effective values");
       sub.require_subcommand(1);
       return [docs, keys, check] {
         if (docs->parsed()) {
           std::cout << RenderConfigMarkdown();
           return kExitOk;
         }
         if (keys->parsed()) {
           for (const auto& key : ConfigKeys()) std::cout << key.name << "\n";
           return kExitOk;
         }
         if (check->parsed()) {
           auto config = LoadConfig();
           if (!config.ok()) return kExitUsage;
           for (const auto& key : ConfigKeys()) {
             const auto& v = config->Get(key.name);
             std::cout << key.name << "=" << (key.type == ConfigType::kSecret && !v.empty() ? "***" : v) << "\n";
           }
           return kExitOk;
         }
         return kExitUsage;
       };
     }});

}  // namespace
}  // namespace worthit::app
