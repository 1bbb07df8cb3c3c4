#include "analysis/extract/numbers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace worthit::analysis::extract {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Replaces Unicode spaces and typographic apostrophes/dashes with ASCII so the scanners below
// work on bytes: U+00A0, U+2000..U+200B, U+202F, U+205F, U+3000 → ' '; U+2019 → '\''; U+2013,
// U+2014 → '-'.
std::string Normalise(std::string_view in, bool typography = true) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xA0) {
      out += ' ';
      ++i;
    } else if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80) {
      const auto d = static_cast<unsigned char>(in[i + 2]);
      if ((d >= 0x80 && d <= 0x8B) || d == 0xAF) {
        out += ' ';
      } else if (typography && d == 0x99) {
        out += '\'';
      } else if (typography && (d == 0x93 || d == 0x94)) {
        out += '-';
      } else {
        out.append(in.substr(i, 3));
      }
      i += 2;
    } else if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x81 &&
               static_cast<unsigned char>(in[i + 2]) == 0x9F) {
      out += ' ';
      i += 2;
    } else if (c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      out += ' ';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The first number-like token: digits and separators, with single spaces allowed only as
// thousands groups ("2 480").
std::string NumberToken(const std::string& s, size_t* end_pos = nullptr) {
  size_t i = 0;
  while (i < s.size() && !IsDigit(s[i])) ++i;
  if (i == s.size()) return "";
  std::string tok;
  size_t j = i;
  while (j < s.size()) {
    const char c = s[j];
    if (IsDigit(c) || c == '.' || c == ',' || c == '\'') {
      tok += c;
      ++j;
    } else if (c == ' ' && j + 3 < s.size() + 0 && IsDigit(s[j + 1]) && IsDigit(s[j + 2]) && IsDigit(s[j + 3]) &&
               (j + 4 >= s.size() || !IsDigit(s[j + 4])) && !tok.empty() && IsDigit(tok.back())) {
      size_t digits_before = 0;
      for (size_t k = tok.size(); k > 0 && IsDigit(tok[k - 1]); --k) ++digits_before;
      if (digits_before > 3) break;
      tok += '\'';  // treat as grouping
      ++j;
    } else {
      break;
    }
  }
  while (!tok.empty() && !IsDigit(tok.back())) tok.pop_back();
  if (end_pos) *end_pos = j;
  return tok;
}

std::string Canonical(const std::string& int_part, const std::string& frac) {
  std::string i = int_part;
  i.erase(0, std::min(i.find_first_not_of('0'), i.empty() ? 0 : i.size() - 1));
  if (i.empty()) i = "0";
  if (frac.empty()) return i;
  return i + "." + frac;
}

std::optional<std::string> DecimalFromToken(const std::string& tok) {
  if (tok.empty()) return std::nullopt;
  const auto last_dot = tok.rfind('.');
  const auto last_comma = tok.rfind(',');
  size_t dec = std::string::npos;
  if (last_dot != std::string::npos && last_comma != std::string::npos) {
    dec = std::max(last_dot, last_comma);
  } else if (last_dot != std::string::npos || last_comma != std::string::npos) {
    const size_t pos = last_dot != std::string::npos ? last_dot : last_comma;
    const char sep = tok[pos];
    const bool once = std::count(tok.begin(), tok.end(), sep) == 1;
    const size_t after = tok.size() - pos - 1;
    if (once && after != 3) dec = pos;
  }
  std::string int_part, frac;
  for (size_t k = 0; k < tok.size(); ++k) {
    if (!IsDigit(tok[k])) continue;
    (dec != std::string::npos && k > dec ? frac : int_part) += tok[k];
  }
  if (int_part.empty()) int_part = "0";
  return Canonical(int_part, frac);
}

struct Symbol {
  std::string_view text;
  std::string_view code;
};

// Longer symbols first so "R$" wins over "$".
constexpr std::array<Symbol, 33> kSymbols = {{
    {"US$", "USD"}, {"CA$", "CAD"}, {"AU$", "AUD"}, {"NZ$", "NZD"}, {"HK$", "HKD"}, {"R$", "BRL"}, {"C$", "CAD"},
    {"A$", "AUD"},  {"S$", "SGD"},  {"€", "EUR"},   {"£", "GBP"},   {"¥", "JPY"},   {"￥", "JPY"}, {"₹", "INR"},
    {"₽", "RUB"}, {"zł", "PLN"},  {"Kč", "CZK"},  {"₺", "TRY"},   {"₪", "ILS"},   {"₩", "KRW"},  {"руб", "RUB"},
    {"₴", "UAH"},   {"Ft", "HUF"},  {"Lei", "RON"}, {"lei", "RON"}, {"kn", "HRK"},  {"Kn", "HRK"}, {"₫", "VND"},
    {"฿", "THB"},   {"Fr.", "CHF"}, {"тг", "KZT"},  {"₸", "KZT"},   {"$", "USD"},
}};

constexpr std::array<std::string_view, 34> kCodes = {"EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK", "NOK",
                                                     "DKK", "PLN", "CZK", "HUF", "RON", "BRL", "MXN", "INR", "TRY",
                                                     "RUB", "CNY", "NZD", "SGD", "HKD", "ZAR", "AED", "SAR", "ILS",
                                                     "HRK", "BGN", "KRW", "TWD", "CLP", "PKR", "KZT"};

bool WordAt(const std::string& s, size_t pos, size_t len) {
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  return (pos == 0 || !alpha(s[pos - 1])) && (pos + len >= s.size() || !alpha(s[pos + len]));
}

}  // namespace

std::string CollapseSpace(std::string_view text) {
  const std::string n = Normalise(text, /*typography=*/false);  // text keeps its ’ and –
  std::string out;
  out.reserve(n.size());
  bool space = false;
  for (char c : n) {
    if (c == ' ') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

std::optional<std::string> ParseDecimal(std::string_view text) {
  return DecimalFromToken(NumberToken(Normalise(text)));
}

std::string SiteCurrency(std::string_view site) {
  auto ends = [&site](std::string_view suffix) { return site.ends_with(suffix); };
  if (ends(".co.uk") || ends(".uk")) return "GBP";
  if (ends(".com.au")) return "AUD";
  if (ends(".ca")) return "CAD";
  if (ends(".com.mx")) return "MXN";
  if (ends(".com.br")) return "BRL";
  if (ends(".co.jp")) return "JPY";
  if (ends(".in")) return "INR";
  if (ends(".ch")) return "CHF";
  if (ends(".se")) return "SEK";
  if (ends(".pl")) return "PLN";
  if (ends(".com.tr")) return "TRY";
  if (ends(".eg")) return "EGP";
  if (ends(".cn")) return "CNY";
  if (ends(".ae")) return "AED";
  if (ends(".sa")) return "SAR";
  if (ends(".sg") || ends(".com.sg")) return "SGD";
  if (ends(".it") || ends(".de") || ends(".fr") || ends(".es") || ends(".nl") || ends(".com.be") || ends(".be") ||
      ends(".at") || ends(".ie") || ends(".pt") || ends(".fi")) {
    return "EUR";
  }
  if (site == "amazon.com" || site == "ebay.com") return "USD";
  return "";
}

std::string CurrencyIn(std::string_view text, std::string_view site_hint) {
  const std::string s(text);
  // ISO codes first: "GBP 12,99" is unambiguous.
  size_t best_pos = std::string::npos;
  std::string best;
  for (auto code : kCodes) {
    for (size_t p = s.find(code); p != std::string::npos; p = s.find(code, p + 1)) {
      if (WordAt(s, p, code.size()) && p < best_pos) {
        best_pos = p;
        best = std::string(code);
      }
    }
  }
  if (!best.empty()) return best;
  for (const auto& sym : kSymbols) {
    const auto p = s.find(sym.text);
    if (p == std::string::npos) continue;
    if (std::isalpha(static_cast<unsigned char>(sym.text[0])) && !WordAt(s, p, sym.text.size())) continue;
    if (sym.text == "$") {
      const std::string site_cur = SiteCurrency(site_hint);
      if (site_cur == "CAD" || site_cur == "AUD" || site_cur == "MXN" || site_cur == "SGD") return site_cur;
    }
    if (sym.text == "¥" && site_hint.ends_with(".cn")) return "CNY";
    return std::string(sym.code);
  }
  return "";
}

std::optional<Money> ParseMoney(std::string_view text) {
  const std::string n = Normalise(text);
  auto amount = DecimalFromToken(NumberToken(n));
  if (!amount) return std::nullopt;
  return Money{*amount, CurrencyIn(n)};
}

std::optional<int64_t> ParseCount(std::string_view text) {
  const std::string tok = NumberToken(Normalise(text));
  if (tok.empty()) return std::nullopt;
  int64_t v = 0;
  int digits = 0;
  for (char c : tok) {
    if (!IsDigit(c)) continue;
    if (++digits > 15) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<RatingText> ParseRatingText(std::string_view text) {
  static const std::regex kRe(
      R"((\d{1,2}(?:[.,]\d{1,2})?)\s*(?:(?:su|out of|von|sur|de|di|of|/|из|z|av|van)\s*(\d{1,3}))?)",
      std::regex::icase);
  const std::string n = Normalise(text);
  std::smatch m;
  if (!std::regex_search(n, m, kRe)) return std::nullopt;
  std::string v = m[1].str();
  std::replace(v.begin(), v.end(), ',', '.');
  RatingText r;
  r.value = std::stod(v);
  if (m[2].matched) {
    r.scale = std::stod(m[2].str());
    r.explicit_scale = true;
  }
  if (r.scale <= 0 || r.value > r.scale) return std::nullopt;
  return r;
}

}  // namespace worthit::analysis::extract
