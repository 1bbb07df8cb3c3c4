#include "analysis/score/locale_format.h"

#include <gtest/gtest.h>

#include <cmath>

namespace worthit::analysis::score {
namespace {

TEST(LocaleFormat, MoneyAsInProductMd) {
  EXPECT_EQ(FormatMoney("1299.99", "EUR", "it"), "1.299,99 €");
  EXPECT_EQ(FormatMoney("1299.99", "EUR", "en"), "€1,299.99");
  EXPECT_EQ(FormatMoney("29.9", "EUR", "it"), "29,90 €");
  EXPECT_EQ(FormatMoney("5", "USD", "en"), "$5.00");
  EXPECT_EQ(FormatMoney("1234567.5", "GBP", "it"), "1.234.567,50 £");
  EXPECT_EQ(FormatMoney("10.00", "CHF", "it"), "10,00 CHF");
  EXPECT_EQ(FormatMoney("10.00", "CHF", "en"), "CHF 10.00");
}

TEST(LocaleFormat, NumbersAndDates) {
  EXPECT_EQ(FormatDecimal(4.25, 1, "it"), "4,3");
  EXPECT_EQ(FormatDecimal(4.3, 1, "en"), "4.3");
  EXPECT_EQ(FormatDecimal(8.05, 1, "it"), "8,1");
  EXPECT_EQ(FormatDecimal(1234.5, 1, "it"), "1.234,5");
  EXPECT_EQ(FormatInteger(1234, "it"), "1.234");
  EXPECT_EQ(FormatInteger(1234567, "en"), "1,234,567");
  EXPECT_EQ(FormatInteger(999, "it"), "999");
  EXPECT_EQ(FormatShortDate("2026-11-12", "it"), "12/11");
  EXPECT_EQ(FormatShortDate("2026-11-02", "en"), "2 Nov");
  EXPECT_EQ(FormatShortDate("12/11/2026", "it"), "");
  EXPECT_DOUBLE_EQ(ParseDecimal("29.99"), 29.99);
  EXPECT_TRUE(std::isnan(ParseDecimal("29,99")));
}

}  // namespace
}  // namespace worthit::analysis::score
