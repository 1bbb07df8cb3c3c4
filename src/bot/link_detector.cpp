#include "bot/link_detector.h"

#include <algorithm>
#include <boost/url/parse.hpp>

#include "common/ascii.h"

namespace worthit::bot {
namespace {

using ascii::Lower;

// "amazon" followed by a public suffix of one or two labels: amazon.it, amazon.co.uk, amazon.com.br.
// Runs for every word of every message (bare shop hosts), so it walks the labels in place.
bool IsShopHost(std::string_view host, std::string_view brand) {
  const size_t labels = static_cast<size_t>(std::count(host.begin(), host.end(), '.')) + 1;
  size_t start = 0;
  for (size_t i = 0; i + 1 < labels; ++i) {
    const size_t dot = host.find('.', start);  // there is one: label i is not the last
    const std::string_view label = host.substr(start, dot - start);
    start = dot + 1;
    if (label != brand) continue;
    const size_t suffix = labels - i - 1;
    if (suffix == 1) return true;
    if (suffix == 2 && host.find('.', start) - start <= 3) return true;
  }
  return false;
}

bool IsShortAmazon(std::string_view host) {
  return host == "amzn.to" || host == "amzn.eu" || host == "amzn.asia" || host == "a.co" || host == "www.amzn.to" ||
         host == "amzn.com";
}

bool IsEbay(std::string_view host) { return host == "ebay.us" || host == "ebay.to" || IsShopHost(host, "ebay"); }

std::string_view TrimTrailing(std::string_view s) {
  while (!s.empty()) {
    const char c = s.back();
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '"' || c == '\'' || c == ')' ||
        c == ']' || c == '>') {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 &&
               static_cast<unsigned char>(c) == 0xBB) {  // »
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

void Add(std::vector<DetectedLink>& out, std::string_view raw) {
  // The same link again (a url entity, then the plain-text scan of the same text): ClassifyUrl of a
  // link's own url gives that url back, so it would be dropped below anyway.
  for (const auto& l : out) {
    if (l.url == raw) return;
  }
  auto link = ClassifyUrl(raw);
  if (!link) return;
  for (const auto& l : out) {
    if (l.url == link->url) return;
  }
  out.push_back(std::move(*link));
}

void FromEntities(std::vector<DetectedLink>& out, const std::string& text,
                  const std::vector<telegram::MessageEntity>& entities) {
  for (const auto& e : entities) {
    if (e.type == "url") {
      Add(out, telegram::Utf16Substr(text, e.offset, e.length));
    } else if (e.type == "text_link") {
      Add(out, e.url);
    }
  }
}

// `prefix` is lowercase.
bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (ascii::ToLower(s[i]) != prefix[i]) return false;
  }
  return true;
}

// First position of "http" in any case, npos if none (no lowercased copy of the word).
size_t FindHttpNoCase(std::string_view s) {
  for (size_t p = 0; p + 4 <= s.size(); ++p) {
    if (StartsWithNoCase(s.substr(p), "http")) return p;
  }
  return std::string_view::npos;
}

void ScanPlain(std::vector<DetectedLink>& out, std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && ascii::IsSpace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !ascii::IsSpace(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view token = text.substr(i, j - i);
    i = j;
    // Strip leading punctuation such as "(" or "«".
    while (!token.empty() &&
           (token.front() == '(' || token.front() == '<' || token.front() == '"' || token.front() == '\'')) {
      token.remove_prefix(1);
    }
    if (token.size() >= 2 && static_cast<unsigned char>(token[0]) == 0xC2 &&
        static_cast<unsigned char>(token[1]) == 0xAB) {
      token.remove_prefix(2);
    }
    if (token.empty()) continue;
    if (auto p = FindHttpNoCase(token); p != std::string_view::npos && p > 0) {
      // "link:https://..." — start at the scheme.
      std::string_view rest = token.substr(p);
      if (StartsWithNoCase(rest, "http://") || StartsWithNoCase(rest, "https://")) token = rest;
    }
    if (StartsWithNoCase(token, "http://") || StartsWithNoCase(token, "https://") || StartsWithNoCase(token, "www.")) {
      Add(out, token);
      continue;
    }
    // Bare shop hosts ("amzn.to/3abc", "amazon.it/dp/B0..."): only known shops, so ordinary
    // words with a dot ("ciao.come") are never taken for links.
    const size_t slash = token.find('/');
    const std::string host = Lower(token.substr(0, slash));
    if (IsShortAmazon(host) || IsShopHost(host, "amazon") || IsEbay(host)) Add(out, token);
  }
}

}  // namespace

std::string_view ToString(LinkKind kind) {
  switch (kind) {
    case LinkKind::kAmazon: return "amazon";
    case LinkKind::kAmazonShort: return "amazon_short";
    case LinkKind::kEbay: return "ebay";
    case LinkKind::kOther: return "other";
  }
  return "other";
}

std::optional<DetectedLink> ClassifyUrl(std::string_view raw) {
  std::string_view trimmed = TrimTrailing(raw);
  while (!trimmed.empty() && ascii::IsSpace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  if (trimmed.empty()) return std::nullopt;
  std::string candidate(trimmed);
  if (!StartsWithNoCase(candidate, "http://") && !StartsWithNoCase(candidate, "https://")) {
    if (candidate.find("://") != std::string::npos) return std::nullopt;  // tg://, ftp://, ...
    if (candidate.find('@') != std::string::npos && candidate.find('/') == std::string::npos) {
      return std::nullopt;  // an e-mail address, which Telegram marks as "email", not "url"
    }
    candidate = "https://" + candidate;
  }
  auto parsed = boost::urls::parse_uri(candidate);
  if (!parsed) return std::nullopt;
  const std::string scheme = Lower(parsed->scheme());
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string host = Lower(parsed->encoded_host());
  if (host.empty() || (host.find('.') == std::string::npos && host.front() != '[')) return std::nullopt;
  DetectedLink link;
  link.url = candidate;
  link.host = host;
  if (IsShortAmazon(host)) {
    link.kind = LinkKind::kAmazonShort;
  } else if (IsShopHost(host, "amazon")) {
    link.kind = LinkKind::kAmazon;
  } else if (IsEbay(host)) {
    link.kind = LinkKind::kEbay;
  }
  return link;
}

std::vector<DetectedLink> DetectLinks(const telegram::Message& m) {
  std::vector<DetectedLink> out;
  FromEntities(out, m.text, m.entities);
  FromEntities(out, m.caption, m.caption_entities);
  ScanPlain(out, m.text);
  ScanPlain(out, m.caption);
  return out;
}

std::optional<DetectedLink> PickProductLink(const std::vector<DetectedLink>& links) {
  for (const auto& l : links) {
    if (l.kind != LinkKind::kOther) return l;
  }
  if (!links.empty()) return links.front();
  return std::nullopt;
}

}  // namespace worthit::bot
