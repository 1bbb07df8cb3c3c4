#include "bot/command_parser.h"

#include <algorithm>
#include <cctype>

namespace worthit::bot {

std::optional<ParsedCommand> ParseCommand(std::string_view text) {
  if (text.size() < 2 || text[0] != '/') return std::nullopt;
  size_t end = 1;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
  std::string_view head = text.substr(1, end - 1);
  ParsedCommand cmd;
  const size_t at = head.find('@');
  std::string_view name = head.substr(0, at);
  if (name.empty() || name.size() > 32) return std::nullopt;  // Telegram commands are 1-32 chars
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
    cmd.name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (at != std::string_view::npos) cmd.target = std::string(head.substr(at + 1));
  std::string_view rest = text.substr(end);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.remove_suffix(1);
  cmd.args = std::string(rest);
  return cmd;
}

bool SameUsername(std::string_view a, std::string_view b) {
  if (!a.empty() && a.front() == '@') a.remove_prefix(1);
  if (!b.empty() && b.front() == '@') b.remove_prefix(1);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace worthit::bot
