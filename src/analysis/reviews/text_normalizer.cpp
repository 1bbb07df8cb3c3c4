#include "analysis/reviews/text_normalizer.h"

#include <cctype>
#include <cstdint>

namespace worthit::analysis::reviews {
namespace {

// Decodes one UTF-8 code point at text[i]; returns its byte length (1 for invalid bytes, which
// are then copied unchanged).
size_t Decode(std::string_view text, size_t i, uint32_t& cp) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    cp = 0xFFFD;
    return 1;
  }
  if (i + len > text.size()) {
    cp = 0xFFFD;
    return 1;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  return len;
}

void Encode(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t LowerCp(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;  // Latin-1
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x149 && (cp % 2 == 0) && cp < 0x138) return cp + 1;
  if (cp >= 0x139 && cp <= 0x148 && (cp % 2 == 1)) return cp + 1;  // Latin Ext-A odd run
  if (cp >= 0x14A && cp <= 0x177 && (cp % 2 == 0)) return cp + 1;
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

bool IsWordCp(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
  // Letters of the scripts we care about; everything else above ASCII that is not a known
  // punctuation block counts as a word character (CJK, emoji-free scripts).
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation (quotes, dashes, …)
  if (cp == 0xA0 || cp == 0xAB || cp == 0xBB || cp == 0xBF || cp == 0xA1 || cp == 0xB7) return false;
  if (cp >= 0x1F000) return false;                 // emoji and symbols: own token
  if (cp >= 0x2190 && cp <= 0x2BFF) return false;  // arrows, symbols, dingbats
  return true;
}

// ASCII case-insensitive prefix test (`prefix` lower case), without building a lowered copy.
bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    char c = text[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[k]) return false;
  }
  return true;
}

// "http://", "https://" or "www." in any case. Only ASCII letters fold here (as Utf8Lower's
// folding of these 8 bytes did: none of them lowers to an ASCII letter from a wider character).
bool StartsWithUrl(std::string_view text) {
  return StartsWithNoCase(text, "http://") || StartsWithNoCase(text, "https://") || StartsWithNoCase(text, "www.");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string Utf8Lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t len = Decode(text, i, cp);
    if (cp == 0xFFFD && len == 1) {
      out.push_back(text[i]);
    } else {
      Encode(LowerCp(cp), out);
    }
    i += len;
  }
  return out;
}

std::string NormalizeReviewText(std::string_view text) {
  std::string out;
  NormalizeReviewTextInto(text, out);
  return out;
}

void NormalizeReviewTextInto(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size() + text.size() / 4);
  auto space = [&out] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') &&
        (i == 0 || !IsWordCp(static_cast<unsigned char>(text[i - 1]))) && StartsWithUrl(text.substr(i))) {
      while (i < text.size() && !(text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) ++i;
      space();
      out += "__url__ ";
      continue;
    }
    if (IsDigit(c)) {
      while (i < text.size() &&
             (IsDigit(text[i]) || ((text[i] == '.' || text[i] == ',') && i + 1 < text.size() && IsDigit(text[i + 1]))))
        ++i;
      space();
      out += "__num__ ";
      continue;
    }
    // ASCII letters and '_' (most of any Latin-script review): lowered and copied as they are,
    // exactly what the general path below does for them, without decoding.
    if ((c >= 'a' && c <= 'z') || c == '_') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c + 32));
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = Decode(text, i, cp);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x202F) {
      space();
    } else if (cp == '\'' || cp == 0x2019) {
      // Elision: keep the apostrophe on the left word ("l'", "doesn'"), then a boundary.
      if (!out.empty() && out.back() != ' ') {
        out.push_back('\'');
        out.push_back(' ');
      }
    } else if (IsWordCp(cp) && !(cp == 0xFFFD && len == 1)) {
      Encode(LowerCp(cp), out);
    } else if (cp == 0xFFFD && len == 1) {
      out.push_back(text[i]);
    } else {
      space();
      Encode(cp, out);
      out.push_back(' ');
    }
    i += len;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
}

std::vector<std::string> SplitSentences(std::string_view text) {
  // Bounds: shorter fragments carry no aspect + opinion, longer ones are run-ons whose quote
  // would not fit a card line.
  constexpr size_t kMinBytes = 3;
  constexpr size_t kMaxBytes = 300;
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    size_t b = current.find_first_not_of(" \t\r\n-–*•");
    size_t e = current.find_last_not_of(" \t\r\n");
    if (b != std::string::npos && e != std::string::npos && e >= b) {
      std::string s = current.substr(b, e - b + 1);
      if (s.size() >= kMinBytes) {
        if (s.size() > kMaxBytes) {
          size_t cut = s.rfind(' ', kMaxBytes);
          s.resize(cut == std::string::npos || cut < kMaxBytes / 2 ? kMaxBytes : cut);
          while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
          if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
        }
        out.push_back(std::move(s));
      }
    }
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') {
      flush();
      continue;
    }
    current.push_back(c);
    if (c == '!' || c == '?' || c == ';') {
      while (i + 1 < text.size() && (text[i + 1] == '!' || text[i + 1] == '?')) current.push_back(text[++i]);
      flush();
    } else if (c == '.') {
      const bool digit_before = i > 0 && IsDigit(text[i - 1]);
      const bool digit_after = i + 1 < text.size() && IsDigit(text[i + 1]);
      if (digit_before && digit_after) continue;                // 4.5
      if (i + 1 < text.size() && text[i + 1] == '.') continue;  // ellipsis: cut at its last dot
      // Short abbreviations like "es." / "e.g." / "ca.": a one- or two-letter word before the dot.
      size_t w = current.size() - 1;
      size_t letters = 0;
      while (w > 0 && std::isalpha(static_cast<unsigned char>(current[w - 1]))) {
        --w;
        ++letters;
      }
      // "e.g. with", "ca. 3": a short word, then a lower-case word or a digit, is an abbreviation.
      if (letters > 0 && letters <= 2) {
        size_t k = i + 1;
        while (k < text.size() && text[k] == ' ') ++k;
        if (k < text.size() && k > i + 1 && (std::islower(static_cast<unsigned char>(text[k])) || IsDigit(text[k])))
          continue;
        if (k == i + 1 && k < text.size() && text[k] != '\n') continue;  // "e.g" inner dot
      }
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace worthit::analysis::reviews
