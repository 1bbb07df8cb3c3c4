#include "analysis/extract/review_dates.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

struct Name {
  std::string_view text;
  int value;
};

// Month names (lower-case) in en, it, de, fr, es, nl; "mar" style prefixes are not used because
// "marzo"/"mars"/"march" all start alike but mean the same month anyway.
constexpr std::array<Name, 64> kMonths = {{
    {"january", 1},    {"february", 2},  {"march", 3},     {"april", 4},      {"may", 5},        {"june", 6},
    {"july", 7},       {"august", 8},    {"september", 9}, {"october", 10},   {"november", 11},  {"december", 12},
    {"gennaio", 1},    {"febbraio", 2},  {"marzo", 3},     {"aprile", 4},     {"maggio", 5},     {"giugno", 6},
    {"luglio", 7},     {"agosto", 8},    {"settembre", 9}, {"ottobre", 10},   {"novembre", 11},  {"dicembre", 12},
    {"januar", 1},     {"februar", 2},   {"märz", 3},      {"mai", 5},        {"juni", 6},       {"juli", 7},
    {"oktober", 10},   {"dezember", 12}, {"janvier", 1},   {"février", 2},    {"mars", 3},       {"avril", 4},
    {"juin", 6},       {"juillet", 7},   {"août", 8},      {"septembre", 9},  {"octobre", 10},   {"décembre", 12},
    {"enero", 1},      {"febrero", 2},   {"abril", 4},     {"mayo", 5},       {"junio", 6},      {"julio", 7},
    {"septiembre", 9}, {"setiembre", 9}, {"octubre", 10},  {"noviembre", 11}, {"diciembre", 12}, {"januari", 1},
    {"februari", 2},   {"maart", 3},     {"mei", 5},       {"augustus", 8},   {"aug", 8},        {"jan", 1},
    {"feb", 2},        {"sep", 9},       {"oct", 10},      {"dec", 12},
}};

struct Country {
  std::string_view text;
  std::string_view code;
};

constexpr std::array<Country, 52> kCountries = {{
    {"united states", "US"},
    {"stati uniti", "US"},
    {"vereinigten staaten", "US"},
    {"états-unis", "US"},
    {"estados unidos", "US"},
    {"united kingdom", "GB"},
    {"regno unito", "GB"},
    {"vereinigten königreich", "GB"},
    {"royaume-uni", "GB"},
    {"reino unido", "GB"},
    {"italia", "IT"},
    {"italy", "IT"},
    {"italien", "IT"},
    {"italie", "IT"},
    {"germany", "DE"},
    {"germania", "DE"},
    {"deutschland", "DE"},
    {"allemagne", "DE"},
    {"alemania", "DE"},
    {"france", "FR"},
    {"francia", "FR"},
    {"frankreich", "FR"},
    {"spain", "ES"},
    {"spagna", "ES"},
    {"spanien", "ES"},
    {"espagne", "ES"},
    {"españa", "ES"},
    {"canada", "CA"},
    {"kanada", "CA"},
    {"india", "IN"},
    {"indien", "IN"},
    {"inde", "IN"},
    {"japan", "JP"},
    {"giappone", "JP"},
    {"japon", "JP"},
    {"australia", "AU"},
    {"australien", "AU"},
    {"australie", "AU"},
    {"mexico", "MX"},
    {"méxico", "MX"},
    {"messico", "MX"},
    {"brazil", "BR"},
    {"brasil", "BR"},
    {"netherlands", "NL"},
    {"paesi bassi", "NL"},
    {"niederlanden", "NL"},
    {"pays-bas", "NL"},
    {"nederland", "NL"},
    {"sweden", "SE"},
    {"poland", "PL"},
    {"turkey", "TR"},
    {"singapore", "SG"},
}};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  // Lower-case the accented capitals used in country names (É → é).
  for (size_t p; (p = out.find("\xC3\x89")) != std::string::npos;) out.replace(p, 2, "\xC3\xA9");
  return out;
}

bool IsWordChar(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) >= 0x80);
}

}  // namespace

ReviewDateLine ParseReviewDateLine(std::string_view text) {
  ReviewDateLine out;
  const std::string s = Lower(CollapseSpace(text));
  for (const auto& c : kCountries) {
    if (s.find(c.text) != std::string::npos) {
      out.country = std::string(c.code);
      break;
    }
  }
  // Month: the first month word (whole word) in the text.
  int month = 0;
  size_t month_pos = std::string::npos;
  for (const auto& m : kMonths) {
    for (size_t p = s.find(m.text); p != std::string::npos; p = s.find(m.text, p + 1)) {
      const bool start_ok = p == 0 || !IsWordChar(s[p - 1]);
      const size_t e = p + m.text.size();
      const bool end_ok = e >= s.size() || !IsWordChar(s[e]) || s[e] == '.';
      if (start_ok && end_ok && p < month_pos) {
        month_pos = p;
        month = m.value;
      }
    }
  }
  // Numbers: a 4-digit year and a 1-2 digit day.
  int year = 0, day = 0;
  for (size_t i = 0; i < s.size();) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    int v = 0;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) v = v * 10 + (s[j++] - '0');
    if (j - i == 4 && v >= 1995 && v <= 2100) {
      year = v;
    } else if (j - i <= 2 && v >= 1 && v <= 31 && day == 0) {
      day = v;
    }
    i = j;
  }
  if (year && month && day) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    out.date = buf;
  }
  return out;
}

}  // namespace worthit::analysis::extract
