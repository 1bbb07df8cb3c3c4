#include "analysis/extract/numbers.h"

#include <gtest/gtest.h>

namespace worthit::analysis::extract {
namespace {

TEST(NumbersTest, ParsesLocalePrices) {
  struct Case {
    const char* text;
    const char* amount;
    const char* currency;
  };
  const Case cases[] = {
      {"1.299,99 €", "1299.99", "EUR"},
      {"€ 29,99", "29.99", "EUR"},
      {"$1,299.99", "1299.99", "USD"},
      {"29,99 EUR", "29.99", "EUR"},
      {"CHF 1'299.–", "1299", "CHF"},
      {"CHF 1’299.50", "1299.50", "CHF"},
      {"1\u202F299,00\u00A0€", "1299.00", "EUR"},
      {"2\u00A0480,5 zł", "2480.5", "PLN"},
      {"£48.99", "48.99", "GBP"},
      {"GBP 12,99", "12.99", "GBP"},
      {"R$ 1.759,99", "1759.99", "BRL"},
      {"US $379.99", "379.99", "USD"},
      {"1.299 €", "1299", "EUR"},
      {"12,5 €", "12.5", "EUR"},
      {"¥ 12,800", "12800", "JPY"},
      {"0,99", "0.99", ""},
  };
  for (const auto& c : cases) {
    auto m = ParseMoney(c.text);
    ASSERT_TRUE(m.has_value()) << c.text;
    EXPECT_EQ(m->amount, c.amount) << c.text;
    EXPECT_EQ(m->currency, c.currency) << c.text;
  }
  EXPECT_FALSE(ParseMoney("Prezzo non disponibile").has_value());
}

TEST(NumbersTest, DollarFollowsTheSite) {
  EXPECT_EQ(CurrencyIn("$229.99", "bestbuy.ca"), "CAD");
  EXPECT_EQ(CurrencyIn("$229.99", "amazon.com.au"), "AUD");
  EXPECT_EQ(CurrencyIn("$229.99", "amazon.com"), "USD");
  EXPECT_EQ(SiteCurrency("amazon.it"), "EUR");
  EXPECT_EQ(SiteCurrency("amazon.co.uk"), "GBP");
  EXPECT_EQ(SiteCurrency("shop.example"), "");
}

TEST(NumbersTest, ParsesCounts) {
  EXPECT_EQ(ParseCount("1.234 voti"), 1234);
  EXPECT_EQ(ParseCount("2\u202F480 évaluations"), 2480);
  EXPECT_EQ(ParseCount("2 480 évaluations"), 2480);
  EXPECT_EQ(ParseCount("1,091 ratings"), 1091);
  EXPECT_EQ(ParseCount("1.091 Sternebewertungen"), 1091);
  EXPECT_EQ(ParseCount("(57)"), 57);
  EXPECT_FALSE(ParseCount("nessuna recensione").has_value());
}

TEST(NumbersTest, ParsesRatings) {
  struct Case {
    const char* text;
    double value, scale;
  };
  const Case cases[] = {{"4,5 su 5 stelle", 4.5, 5},    {"4.5 out of 5 stars", 4.5, 5},
                        {"4,5 von 5 Sternen", 4.5, 5},  {"4,6 sur 5\u00A0étoiles", 4.6, 5},
                        {"4,5 de 5 estrellas", 4.5, 5}, {"4.6 / 5", 4.6, 5},
                        {"8,6 / 10", 8.6, 10},          {"4.3", 4.3, 5}};
  for (const auto& c : cases) {
    auto r = ParseRatingText(c.text);
    ASSERT_TRUE(r.has_value()) << c.text;
    EXPECT_DOUBLE_EQ(r->value, c.value) << c.text;
    EXPECT_DOUBLE_EQ(r->scale, c.scale) << c.text;
  }
  EXPECT_FALSE(ParseRatingText("7 out of 5").has_value());
  EXPECT_FALSE(ParseRatingText("no stars").has_value());
}

TEST(NumbersTest, CollapsesUnicodeSpaces) { EXPECT_EQ(CollapseSpace("  a\u00A0\u202F b\n\tc "), "a b c"); }

}  // namespace
}  // namespace worthit::analysis::extract
