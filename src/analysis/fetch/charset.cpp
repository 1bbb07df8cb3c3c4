#include "analysis/fetch/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace worthit::analysis::fetch {
namespace {

// <meta charset> must appear in the first 1024 bytes per HTML5; real pages are sloppier.
constexpr size_t kMetaScanBytes = 4096;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Label(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '"' || s[i] == '\'' || s[i] == '=')) ++i;
  size_t j = i;
  while (j < s.size() &&
         (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' || s[j] == '_' || s[j] == ':' || s[j] == '.')) {
    ++j;
  }
  return Lower(s.substr(i, j - i));
}

bool IsUtf8Label(const std::string& l) { return l == "utf-8" || l == "utf8"; }

// WHATWG: latin-1 and ascii labels mean windows-1252.
std::string Normalise(std::string l) {
  if (l == "iso-8859-1" || l == "latin1" || l == "latin-1" || l == "us-ascii" || l == "ascii" || l == "iso8859-1" ||
      l == "l1") {
    return "windows-1252";
  }
  return l;
}

bool Convert(std::string_view in, const std::string& from, std::string& out) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out.clear();
  out.reserve(in.size() + in.size() / 4);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char buf[16384];
  while (src_left > 0) {
    char* dst = buf;
    size_t dst_left = sizeof buf;
    const size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    out.append(buf, sizeof buf - dst_left);
    if (rc == static_cast<size_t>(-1)) {
      if (errno == E2BIG) continue;
      // Invalid or truncated sequence: replace one byte and go on.
      out += "\xEF\xBF\xBD";
      ++src;
      --src_left;
    }
  }
  iconv_close(cd);
  return true;
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  const std::string lower = Lower(content_type);
  const auto pos = lower.find("charset");
  if (pos == std::string::npos) return "";
  return Label(std::string_view(lower).substr(pos + 7));
}

std::string CharsetFromMeta(std::string_view html) {
  const std::string head = Lower(html.substr(0, kMetaScanBytes));
  for (size_t pos = head.find("<meta"); pos != std::string::npos; pos = head.find("<meta", pos + 5)) {
    const auto end = head.find('>', pos);
    const std::string_view tag = std::string_view(head).substr(pos, end == std::string::npos ? end : end - pos);
    const auto cs = tag.find("charset");
    if (cs == std::string_view::npos) continue;
    std::string label = Label(tag.substr(cs + 7));
    if (!label.empty()) return label;
  }
  return "";
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Runs of ASCII (most of any page's markup) eight bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    int n = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

namespace {

// `keep` gives the body itself as the result's text (a copy, or the moved-from string).
template <typename Keep>
Utf8Text ToUtf8With(std::string_view body, std::string_view header_charset, Keep&& keep) {
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") return {std::string(body.substr(3)), "utf-8"};
  if (body.size() >= 2 && (body.substr(0, 2) == "\xFF\xFE" || body.substr(0, 2) == "\xFE\xFF")) {
    std::string out;
    const std::string from = body[0] == '\xFF' ? "utf-16le" : "utf-16be";
    if (Convert(body.substr(2), from, out)) return {std::move(out), from};
  }
  for (std::string label : {Normalise(std::string(header_charset)), Normalise(CharsetFromMeta(body))}) {
    if (label.empty()) continue;
    if (IsUtf8Label(label)) {
      if (IsValidUtf8(body)) return {keep(), "utf-8"};
      std::string out;
      Convert(body, "UTF-8", out);  // keeps valid parts, replaces the rest with U+FFFD
      return {std::move(out), "utf-8"};
    }
    std::string out;
    if (Convert(body, label, out)) return {std::move(out), label};
  }
  if (IsValidUtf8(body)) return {keep(), "utf-8"};
  std::string out;
  Convert(body, "windows-1252", out);
  return {std::move(out), "windows-1252"};
}

}  // namespace

Utf8Text ToUtf8(std::string_view body, std::string_view header_charset) {
  return ToUtf8With(body, header_charset, [body] { return std::string(body); });
}

Utf8Text ToUtf8Owned(std::string&& body, std::string_view header_charset) {
  // Read through the view only until keep() moves the string out; nothing reads it after that.
  const std::string_view view(body);
  return ToUtf8With(view, header_charset, [&body] { return std::move(body); });
}

}  // namespace worthit::analysis::fetch
