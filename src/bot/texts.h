// Texts: every sentence the front door says, one catalogue per language (Italian, English).
//
// The Italian strings marked "PRODUCT" are fixed by PRODUCT.md and must stay byte-identical (the
// tests compare them). Language choice: the user's stored choice (/lingua), else Telegram's
// language_code ("en", "en-GB" → English), else Italian (the bot's default audience).
// Thread-safety: immutable static data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace worthit::bot {

enum class Lang { kIt, kEn };

std::string_view LangCode(Lang lang);                  // "it" | "en"
std::optional<Lang> ParseLang(std::string_view code);  // "it"/"en" exactly
Lang ResolveLanguage(const std::optional<std::string>& chosen, std::string_view telegram_language_code);

struct CommandText {
  std::string_view command;  // without '/'
  std::string_view description;
};

struct Texts {
  std::string_view welcome;
  std::string_view help;
  std::string_view ask_link;    // PRODUCT: after /cerca
  std::string_view ack;         // PRODUCT: the acknowledgement of a product link
  std::string_view hint;        // PRODUCT: text without link, unknown command
  std::string_view btn_search;  // PRODUCT: reply keyboard labels
  std::string_view btn_history;
  std::string_view btn_help;
  std::string_view btn_popular;
  std::string_view choose_language;
  std::string_view language_set;      // shown after choosing, in the new language
  std::string_view keyboard_updated;  // sent with the reply keyboard in the new language
  std::string_view history_unavailable;
  std::string_view popular_unavailable;
  std::string_view not_a_link;        // after /cerca, the next message held no link
  std::vector<CommandText> commands;  // setMyCommands, in menu order
};

const Texts& TextsFor(Lang lang);

}  // namespace worthit::bot
