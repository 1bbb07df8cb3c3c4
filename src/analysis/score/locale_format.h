// Numbers, money and dates in the user's locale (Italian and English). Pure.
//
// Italian: "1.299,99 €", "4,3", "1.234", dates "12/11". English: "€1,299.99", "4.3", "1,234",
// dates "12 Nov". Money keeps the shop's decimal string exactly (never through a double), only
// the separators change. Unknown currencies are written with their ISO code.
// Thread-safety: pure functions. Failure modes: a malformed decimal string is returned as is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace worthit::analysis::score {

std::string FormatInteger(int64_t value, std::string_view lang);
// Fixed decimals, rounded half away from zero, locale separators.
std::string FormatDecimal(double value, int decimals, std::string_view lang);
// "29.99" + "EUR" -> "29,99 €" (it) / "€29.99" (en). Integers get ",00"/".00".
std::string FormatMoney(std::string_view decimal, std::string_view currency, std::string_view lang);
// "2026-11-12" -> "12/11" (it) / "12 Nov" (en); "" when malformed.
std::string FormatShortDate(std::string_view iso_date, std::string_view lang);
// Parses "1299.99" -> 1299.99; nullopt-like NaN when malformed.
double ParseDecimal(std::string_view decimal);

}  // namespace worthit::analysis::score
