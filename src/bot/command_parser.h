// Command parsing: "/cerca", "/cerca@WorthItBot args", button labels → a command.
//
// A command is a message whose text starts with '/' (Telegram marks it with a bot_command entity
// at offset 0, but old clients and forwards may not; the text rule is what Telegram itself uses).
// The name is lowercased; "@Target" is kept so the bot can tell in groups whether the command is
// addressed to it. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace worthit::bot {

struct ParsedCommand {
  std::string name;    // "cerca" (lowercase, no '/')
  std::string target;  // "WorthItBot" from "/cerca@WorthItBot", "" when absent
  std::string args;    // the rest, trimmed
};

std::optional<ParsedCommand> ParseCommand(std::string_view text);

// Case-insensitive username comparison (Telegram usernames are case-insensitive).
bool SameUsername(std::string_view a, std::string_view b);

}  // namespace worthit::bot
