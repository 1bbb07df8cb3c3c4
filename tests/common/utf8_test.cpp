#include "common/utf8.h"

#include <gtest/gtest.h>

namespace worthit {
namespace {

std::string Encode(uint32_t cp) {
  std::string out;
  AppendUtf8(out, cp);
  return out;
}

TEST(Utf8Test, EncodesEachLengthAtItsBoundaries) {
  EXPECT_EQ(Encode(0x41), "A");
  EXPECT_EQ(Encode(0x7F), "\x7F");
  EXPECT_EQ(Encode(0x80), "\xC2\x80");
  EXPECT_EQ(Encode(0xE8), "è");
  EXPECT_EQ(Encode(0x7FF), "\xDF\xBF");
  EXPECT_EQ(Encode(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(Encode(0x20AC), "€");
  EXPECT_EQ(Encode(0xFFFF), "\xEF\xBF\xBF");
  EXPECT_EQ(Encode(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(Encode(0x1F600), "😀");
  EXPECT_EQ(Encode(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

TEST(Utf8Test, BeyondUnicodeAppendsNothing) {
  std::string out = "x";
  AppendUtf8(out, 0x110000);
  AppendUtf8(out, 0xFFFFFFFF);
  EXPECT_EQ(out, "x");
}

}  // namespace
}  // namespace worthit
