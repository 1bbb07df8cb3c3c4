// Locale-aware reading of prices, counts and ratings as shops print them (pure).
//
// "1.299,99 €", "€ 29,99", "$1,299.99", "29,99 EUR", "CHF 1'299.–", "2 480 évaluations" (with
// thin, narrow or no-break spaces), "4,5 su 5 stelle", "4.5 out of 5 stars". Prices come out as
// a plain decimal string with "." ("1299.99") and an ISO 4217 code; never a double, so what the
// shop wrote is what the card shows.
// Separator rule: when both "." and "," occur, the last one is the decimal separator; when only
// one occurs once and is followed by exactly three digits it groups thousands ("1.299" = 1299),
// otherwise it is decimal; apostrophes and spaces always group.
// Thread-safety: pure functions. Failure: nullopt when the text holds no number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace worthit::analysis::extract {

struct Money {
  std::string amount;    // "1299.99"
  std::string currency;  // "EUR", or "" when the text shows no currency
};

// First number in `text` as a normalised decimal string ("1299.99", "29.9", "3").
std::optional<std::string> ParseDecimal(std::string_view text);
// A price with its currency, read from symbols or codes in the same text.
std::optional<Money> ParseMoney(std::string_view text);
// ISO 4217 code for a currency symbol or code appearing in `text` ("€" → EUR), or "".
// `site_hint` ("amazon.ca", "ebay.com.au") disambiguates "$".
std::string CurrencyIn(std::string_view text, std::string_view site_hint = {});
// Default currency of a shop's site ("amazon.it" → EUR), or "".
std::string SiteCurrency(std::string_view site);
// A count: "1.234 voti" → 1234, "2 480 évaluations" → 2480, "1,091 ratings" → 1091.
std::optional<int64_t> ParseCount(std::string_view text);

struct RatingText {
  double value = 0;
  double scale = 5;
  bool explicit_scale = false;  // the text said "of 5" / "/ 10"
};
// "4,5 su 5 stelle", "4.5 out of 5 stars", "4,5 von 5 Sternen", "4,5 sur 5 étoiles",
// "4,5 de 5 estrellas", "4.6 / 5", or a bare "4.5" (scale 5).
std::optional<RatingText> ParseRatingText(std::string_view text);

// Collapses runs of whitespace (incl. no-break and thin spaces) to one space and trims.
std::string CollapseSpace(std::string_view text);

}  // namespace worthit::analysis::extract
