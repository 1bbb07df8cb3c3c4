// ASCII character classes for protocol text (URLs, hosts, header-like tokens): locale-independent
// and inlined. <cctype>'s isspace / tolower consult the C locale through a libc call per character,
// which showed up at ≈ 1 % of `serve`'s CPU per product-link update (link detection scans every
// word of every message); and the bytes of UTF-8 text must never be classified by a locale anyway.
#pragma once

#include <string>
#include <string_view>

namespace worthit::ascii {

// The six characters std::isspace accepts in the "C" locale.
constexpr bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}
inline std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToUpper(c);
  return out;
}

}  // namespace worthit::ascii
