// Telegram message entities: the pure text logic of the embedded Bot API server.
//
// - ParseTelegramHtml: a bot's parse_mode=HTML text → plain text + entities, exactly Telegram's
//   supported subset (b/strong, i/em, u/ins, s/strike/del, a href, code, pre [+ code
//   class="language-x"], tg-spoiler / span class="tg-spoiler", blockquote [expandable],
//   tg-emoji) and its named entities (&lt; &gt; &amp; &quot;) plus numeric ones. Anything else is
//   an error worded like Telegram's ("Unsupported start tag \"div\" at byte offset 0"), so a bot
//   that passes here sends HTML the real Telegram accepts.
// - DetectUserEntities: what Telegram's server adds to a user's plain text: url (http(s)://...
//   and bare domains such as amazon.it/dp/X), bot_command (/start, /cmd@Bot), mention, email.
// Offsets and lengths are in UTF-16 code units, as the Bot API counts them.
// Thread-safety: pure functions. Failure modes: ParseTelegramHtml returns an error string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace worthit::playground {

struct MessageEntity {
  std::string type;      // "bold", "italic", "url", "text_link", "pre", ...
  size_t offset = 0;     // UTF-16 code units
  size_t length = 0;     // UTF-16 code units
  std::string url;       // text_link
  std::string language;  // pre
  std::string custom_emoji_id;

  bool operator==(const MessageEntity&) const = default;
};

struct ParsedText {
  std::string text;  // UTF-8, tags removed, entities decoded
  std::vector<MessageEntity> entities;
};

// UTF-16 length of UTF-8 text (invalid bytes count as one unit each).
size_t Utf16Length(std::string_view utf8);

// Returns false and sets `error` (Telegram's wording after "can't parse entities: ") on bad HTML.
bool ParseTelegramHtml(std::string_view html, ParsedText& out, std::string& error);

std::vector<MessageEntity> DetectUserEntities(std::string_view text);

}  // namespace worthit::playground
