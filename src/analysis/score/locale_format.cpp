#include "analysis/score/locale_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace worthit::analysis::score {
namespace {

std::string GroupThousands(std::string_view digits, char sep) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const size_t left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out.push_back(sep);
  }
  return out;
}

bool IsItalian(std::string_view lang) { return lang != "en"; }

}  // namespace

std::string FormatInteger(int64_t value, std::string_view lang) {
  const bool neg = value < 0;
  std::string digits = std::to_string(neg ? -value : value);
  return (neg ? "-" : "") + GroupThousands(digits, IsItalian(lang) ? '.' : ',');
}

std::string FormatDecimal(double value, int decimals, std::string_view lang) {
  char buf[64];
  // Round half away from zero on the decimal value (printf rounds binary halves unpredictably).
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale + (value >= 0 ? 1e-9 : -1e-9)) / scale;
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(rounded));
  std::string s(buf);
  const auto dot = s.find('.');
  std::string int_part = s.substr(0, dot);
  std::string out = (rounded < 0 ? "-" : "") + GroupThousands(int_part, IsItalian(lang) ? '.' : ',');
  if (dot != std::string::npos) out += (IsItalian(lang) ? ',' : '.') + s.substr(dot + 1);
  return out;
}

double ParseDecimal(std::string_view decimal) {
  if (decimal.empty()) return std::numeric_limits<double>::quiet_NaN();
  for (char c : decimal)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(std::string(decimal).c_str(), nullptr);
}

std::string FormatMoney(std::string_view decimal, std::string_view currency, std::string_view lang) {
  std::string_view int_part = decimal, frac;
  if (const auto dot = decimal.find('.'); dot != std::string_view::npos) {
    int_part = decimal.substr(0, dot);
    frac = decimal.substr(dot + 1);
  }
  bool ok = !int_part.empty();
  for (char c : int_part) ok = ok && c >= '0' && c <= '9';
  for (char c : frac) ok = ok && c >= '0' && c <= '9';
  std::string number;
  if (!ok) {
    number = std::string(decimal);
  } else {
    std::string f(frac);
    if (f.size() == 1) f += "0";
    if (f.empty()) f = "00";
    number = GroupThousands(int_part, IsItalian(lang) ? '.' : ',') + (IsItalian(lang) ? "," : ".") + f;
  }
  std::string symbol;
  if (currency == "EUR")
    symbol = "€";
  else if (currency == "USD")
    symbol = "$";
  else if (currency == "GBP")
    symbol = "£";
  else if (currency == "JPY")
    symbol = "¥";
  if (IsItalian(lang)) return number + " " + (symbol.empty() ? std::string(currency) : symbol);
  if (symbol.empty()) return (currency.empty() ? "" : std::string(currency) + " ") + number;
  return symbol + number;
}

std::string FormatShortDate(std::string_view iso, std::string_view lang) {
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return "";
  const int month = std::atoi(std::string(iso.substr(5, 2)).c_str());
  const std::string day(iso.substr(8, 2));
  if (month < 1 || month > 12) return "";
  if (IsItalian(lang)) return day + "/" + std::string(iso.substr(5, 2));
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::to_string(std::atoi(day.c_str())) + " " + kMonths[month - 1];
}

}  // namespace worthit::analysis::score
