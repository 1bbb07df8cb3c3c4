#include "common/ascii.h"

#include <gtest/gtest.h>

#include <cctype>
#include <clocale>

namespace worthit::ascii {
namespace {

// In the "C" locale (the process's, unless it calls setlocale) <cctype> is the reference: every
// byte must be classified and mapped the same.
TEST(AsciiTest, AgreesWithTheCLocaleOnEveryByte) {
  ASSERT_STREQ(std::setlocale(LC_CTYPE, nullptr), "C");
  for (int b = 0; b < 256; ++b) {
    const auto c = static_cast<unsigned char>(b);
    EXPECT_EQ(IsSpace(c), std::isspace(c) != 0) << b;
    EXPECT_EQ(IsDigit(c), std::isdigit(c) != 0) << b;
    EXPECT_EQ(static_cast<unsigned char>(ToLower(static_cast<char>(c))), std::tolower(c)) << b;
    EXPECT_EQ(static_cast<unsigned char>(ToUpper(static_cast<char>(c))), std::toupper(c)) << b;
  }
}

// UTF-8 bytes are never letters or spaces here, whatever a locale would say of them.
TEST(AsciiTest, LeavesUtf8Alone) {
  EXPECT_EQ(Lower("AMAZON.IT/Città"), "amazon.it/città");
  EXPECT_EQ(Upper("b0ABc\xC3\xA0"), "B0ABC\xC3\xA0");
  EXPECT_FALSE(IsSpace(0xA0));  // no-break space in Latin-1; a UTF-8 continuation byte here
  EXPECT_FALSE(IsSpace(0x85));
}

}  // namespace
}  // namespace worthit::ascii
