// Helpers shared by the extraction layers: availability values, machine-readable prices, and
// HTML entities that leak into structured data.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"
#include "common/utf8.h"

namespace worthit::analysis::extract {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::optional<std::string> NormaliseAvailability(std::string_view value) {
  std::string v = Lower(value);
  const auto slash = v.find_last_of("/:");
  if (slash != std::string::npos) v = v.substr(slash + 1);
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == ' ' || c == '_' || c == '-'; }), v.end());
  if (v == "instock" || v == "limitedavailability" || v == "onlineonly" || v == "instoreonly" || v == "preorder" ||
      v == "presale" || v == "backorder" || v == "available" || v == "in" || v == "instockonlineonly") {
    return "InStock";
  }
  if (v == "outofstock" || v == "soldout" || v == "discontinued" || v == "oos" || v == "unavailable" || v == "out") {
    return "OutOfStock";
  }
  return std::nullopt;
}

std::optional<std::string> MachinePrice(std::string_view value) {
  std::string s(value);
  s.erase(0, s.find_first_not_of(" \t\n"));
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  if (s.empty()) return std::nullopt;
  // Plain "1299.99" / "1299" / "1.2e3": schema.org prices always use "." for decimals.
  bool plain = std::isdigit(static_cast<unsigned char>(s[0])) != 0;
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      plain = false;
    }
  }
  if (plain && dots <= 1) {
    s.erase(0, std::min(s.find_first_not_of('0'), s.size() - 1));
    if (s[0] == '.') s = "0" + s;
    if (s.find('.') != std::string::npos) {
      // "12.00" and "12.0" and "12" are one price; keep two decimals when there are cents.
      while (s.back() == '0' && s.size() - s.find('.') > 3) s.pop_back();
      if (s.ends_with(".00") || s.ends_with(".0")) s = s.substr(0, s.find('.'));
    }
    return s;
  }
  if (s.find_first_of("eE") != std::string::npos) {
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end && *end == '\0' && d >= 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f", d);
      return MachinePrice(buf);
    }
  }
  auto dec = ParseDecimal(s);
  if (!dec) return std::nullopt;
  return MachinePrice(*dec);
}

std::string DecodeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  struct Named {
    std::string_view name;
    std::string_view text;
  };
  static constexpr Named kNamed[] = {
      {"amp", "&"},    {"quot", "\""},  {"apos", "'"},   {"lt", "<"},     {"gt", ">"},     {"nbsp", "\xC2\xA0"},
      {"euro", "€"},   {"pound", "£"},  {"eacute", "é"}, {"egrave", "è"}, {"agrave", "à"}, {"ograve", "ò"},
      {"ugrave", "ù"}, {"igrave", "ì"}, {"uuml", "ü"},   {"ouml", "ö"},   {"auml", "ä"},   {"szlig", "ß"},
      {"reg", "®"},    {"trade", "™"},  {"copy", "©"},   {"ndash", "–"},  {"mdash", "—"},  {"hellip", "…"}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (!ent.empty() && ent[0] == '#') {
      const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      const std::string digits(ent.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && end && *end == '\0') {
        if (cp < 0x110000) AppendUtf8(out, static_cast<uint32_t>(cp));  // beyond Unicode: dropped
        done = true;
      }
    } else {
      for (const auto& n : kNamed) {
        if (n.name == ent) {
          out += n.text;
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi;
    } else {
      out += '&';
    }
  }
  return out;
}

}  // namespace worthit::analysis::extract
