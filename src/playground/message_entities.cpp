#include "playground/message_entities.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "common/utf8.h"

namespace worthit::playground {
namespace {

// Length of the UTF-8 sequence starting with byte b (1 for invalid lead bytes).
size_t SeqLen(unsigned char b) {
  if (b < 0x80) return 1;
  if ((b >> 5) == 0x6) return 2;
  if ((b >> 4) == 0xE) return 3;
  if ((b >> 3) == 0x1E) return 4;
  return 1;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

struct OpenTag {
  std::string name;
  std::string entity_type;  // "" for a tag that makes no entity (code inside pre)
  size_t start_utf16 = 0;
  std::string url;
  std::string language;
  std::string emoji_id;
};

// Decodes one HTML entity at html[i] == '&'; returns the bytes consumed or 0 when not an entity.
size_t DecodeEntity(std::string_view html, size_t i, std::string& out) {
  static const std::map<std::string, uint32_t, std::less<>> kNamed = {{"lt", '<'},   {"gt", '>'},    {"amp", '&'},
                                                                      {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};
  const size_t semi = html.find(';', i);
  if (semi == std::string_view::npos || semi - i > 12) return 0;
  const std::string_view name = html.substr(i + 1, semi - i - 1);
  if (name.size() > 1 && name[0] == '#') {
    uint32_t cp = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9')
        v = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        v = c - 'A' + 10;
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    AppendUtf8(out, cp);
    return semi - i + 1;
  }
  auto it = kNamed.find(Lower(name));
  if (it == kNamed.end()) return 0;
  AppendUtf8(out, it->second);
  return semi - i + 1;
}

bool AllowedLinkUrl(const std::string& url) {
  const std::string l = Lower(url);
  return l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0 || l.rfind("tg://", 0) == 0 ||
         l.rfind("mailto:", 0) == 0;
}

}  // namespace

size_t Utf16Length(std::string_view utf8) {
  size_t units = 0;
  for (size_t i = 0; i < utf8.size();) {
    const size_t n = SeqLen(static_cast<unsigned char>(utf8[i]));
    units += n == 4 ? 2 : 1;
    i += std::min(n, utf8.size() - i);
  }
  return units;
}

bool ParseTelegramHtml(std::string_view html, ParsedText& out, std::string& error) {
  out = {};
  std::vector<OpenTag> stack;
  size_t utf16 = 0;
  auto append = [&](std::string_view piece) {
    out.text.append(piece);
    utf16 += Utf16Length(piece);
  };
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      std::string decoded;
      const size_t used = DecodeEntity(html, i, decoded);
      if (used == 0) {
        append("&");
        ++i;
      } else {
        append(decoded);
        i += used;
      }
      continue;
    }
    if (c != '<') {
      const size_t next = html.find_first_of("<&", i);
      const size_t end = next == std::string_view::npos ? html.size() : next;
      append(html.substr(i, end - i));
      i = end;
      continue;
    }
    const size_t tag_start = i;
    const size_t close = html.find('>', i);
    if (close == std::string_view::npos) {
      error = "Unclosed start tag at byte offset " + std::to_string(tag_start);
      return false;
    }
    std::string_view inner = html.substr(i + 1, close - i - 1);
    i = close + 1;
    if (!inner.empty() && inner[0] == '/') {
      std::string name = Lower(inner.substr(1));
      while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
      if (stack.empty()) {
        error = "Unexpected end tag at byte offset " + std::to_string(tag_start);
        return false;
      }
      OpenTag top = stack.back();
      if (top.name != name) {
        error = "Can't find end tag corresponding to start tag \"" + top.name + "\"";
        return false;
      }
      stack.pop_back();
      if (!top.entity_type.empty() && utf16 > top.start_utf16) {
        MessageEntity e{top.entity_type, top.start_utf16, utf16 - top.start_utf16, top.url, top.language, top.emoji_id};
        out.entities.push_back(std::move(e));
      }
      // <pre><code class="language-x"> sets the language of the enclosing pre.
      continue;
    }
    size_t p = 0;
    while (p < inner.size() && IsNameChar(inner[p])) ++p;
    const std::string name = Lower(inner.substr(0, p));
    std::map<std::string, std::string> attrs;
    while (p < inner.size()) {
      while (p < inner.size() && std::isspace(static_cast<unsigned char>(inner[p]))) ++p;
      if (p >= inner.size() || inner[p] == '/') break;
      size_t a = p;
      while (p < inner.size() && IsNameChar(inner[p])) ++p;
      const std::string attr = Lower(inner.substr(a, p - a));
      if (attr.empty()) {
        error = "Expected equal sign in declaration of an attribute of the tag \"" + name + "\"";
        return false;
      }
      std::string value;
      if (p < inner.size() && inner[p] == '=') {
        ++p;
        if (p < inner.size() && (inner[p] == '"' || inner[p] == '\'')) {
          const char q = inner[p];
          const size_t endq = inner.find(q, p + 1);
          if (endq == std::string_view::npos) {
            error = "Unclosed end of an attribute value at byte offset " + std::to_string(tag_start);
            return false;
          }
          std::string_view raw = inner.substr(p + 1, endq - p - 1);
          for (size_t k = 0; k < raw.size();) {
            if (raw[k] == '&') {
              const size_t used = DecodeEntity(raw, k, value);
              if (used) {
                k += used;
                continue;
              }
            }
            value += raw[k++];
          }
          p = endq + 1;
        } else {
          size_t v = p;
          while (p < inner.size() && !std::isspace(static_cast<unsigned char>(inner[p]))) ++p;
          value = std::string(inner.substr(v, p - v));
        }
      }
      attrs[attr] = value;
    }
    OpenTag tag{name, "", utf16, "", "", ""};
    if (name == "b" || name == "strong")
      tag.entity_type = "bold";
    else if (name == "i" || name == "em")
      tag.entity_type = "italic";
    else if (name == "u" || name == "ins")
      tag.entity_type = "underline";
    else if (name == "s" || name == "strike" || name == "del")
      tag.entity_type = "strikethrough";
    else if (name == "tg-spoiler")
      tag.entity_type = "spoiler";
    else if (name == "span" && attrs["class"] == "tg-spoiler")
      tag.entity_type = "spoiler";
    else if (name == "blockquote")
      tag.entity_type = attrs.count("expandable") ? "expandable_blockquote" : "blockquote";
    else if (name == "pre")
      tag.entity_type = "pre";
    else if (name == "tg-emoji") {
      tag.entity_type = "custom_emoji";
      tag.emoji_id = attrs["emoji-id"];
    } else if (name == "code") {
      const std::string cls = attrs["class"];
      if (!stack.empty() && stack.back().name == "pre") {
        if (cls.rfind("language-", 0) == 0) stack.back().language = cls.substr(9);
      } else {
        tag.entity_type = "code";
      }
    } else if (name == "a") {
      const std::string href = attrs["href"];
      // Telegram drops links whose URL it does not accept; the text stays.
      if (!href.empty() && AllowedLinkUrl(href)) {
        tag.entity_type = "text_link";
        tag.url = href;
      }
    } else {
      error = "Unsupported start tag \"" + name + "\" at byte offset " + std::to_string(tag_start);
      return false;
    }
    stack.push_back(std::move(tag));
  }
  if (!stack.empty()) {
    error = "Can't find end tag corresponding to start tag \"" + stack.back().name + "\"";
    return false;
  }
  // Telegram returns entities ordered by offset (outer first on ties).
  std::stable_sort(out.entities.begin(), out.entities.end(), [](const MessageEntity& a, const MessageEntity& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  return true;
}

namespace {

bool IsSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

bool LooksLikeDomainUrl(std::string_view token) {
  // host[:port][/path]: labels of [A-Za-z0-9-], at least one dot, alphabetic TLD of 2+ letters.
  const size_t slash = token.find_first_of("/?#");
  std::string_view host = token.substr(0, slash);
  const size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit((unsigned char)c); }))
      return false;
    host = host.substr(0, colon);
  }
  const size_t last_dot = host.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return false;
  const std::string_view tld = host.substr(last_dot + 1);
  if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) { return std::isalpha((unsigned char)c); }))
    return false;
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  }
  return host.find("..") == std::string_view::npos;
}

}  // namespace

std::vector<MessageEntity> DetectUserEntities(std::string_view text) {
  std::vector<MessageEntity> out;
  size_t i = 0;
  while (i < text.size()) {
    if (IsSpace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !IsSpace(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view token = text.substr(i, end - i);
    // Trailing punctuation is not part of a link or command ("see amazon.it/x." ends at x).
    size_t trimmed = token.size();
    while (trimmed > 0 && std::string_view(".,;:!?)]}'\"»").find(token[trimmed - 1]) != std::string_view::npos) {
      --trimmed;
    }
    token = token.substr(0, trimmed);
    // Strip leading brackets/quotes from the token.
    size_t lead = 0;
    while (lead < token.size() && std::string_view("([{'\"«").find(token[lead]) != std::string_view::npos) ++lead;
    const size_t start = i + lead;
    token = token.substr(lead);
    const std::string lower = Lower(token);
    std::string type;
    if (!token.empty()) {
      if ((lower.rfind("http://", 0) == 0 && token.size() > 7) ||
          (lower.rfind("https://", 0) == 0 && token.size() > 8)) {
        type = "url";
      } else if (token[0] == '/' && token.size() > 1 && std::isalpha(static_cast<unsigned char>(token[1]))) {
        size_t k = 1;
        while (k < token.size() && (IsNameChar(token[k]) || token[k] == '@')) ++k;
        if (k <= 65) {
          token = token.substr(0, k);
          type = "bot_command";
        }
      } else if (token[0] == '@' && token.size() >= 5 &&
                 std::all_of(token.begin() + 1, token.end(), [](char c) { return IsNameChar(c) && c != '-'; })) {
        type = "mention";
      } else if (token.find('@') != std::string_view::npos && token.find('@') > 0 &&
                 LooksLikeDomainUrl(token.substr(token.find('@') + 1)) &&
                 token.substr(token.find('@') + 1).find('/') == std::string_view::npos) {
        type = "email";
      } else if (token.find('@') == std::string_view::npos && LooksLikeDomainUrl(token)) {
        type = "url";
      }
    }
    if (!type.empty()) {
      MessageEntity e;
      e.type = type;
      e.offset = Utf16Length(text.substr(0, start));
      e.length = Utf16Length(token);
      out.push_back(std::move(e));
    }
    i = end;
  }
  return out;
}

}  // namespace worthit::playground
