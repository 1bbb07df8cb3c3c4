#include "analysis/fetch/charset.h"

#include <gtest/gtest.h>

#include <string>

namespace worthit::analysis::fetch {
namespace {

TEST(CharsetTest, ReadsCharsetFromHeaderAndMeta) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=ISO-8859-1"), "iso-8859-1");
  EXPECT_EQ(CharsetFromContentType("text/html;charset=\"utf-8\""), "utf-8");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(CharsetFromMeta("<html><head><meta charset=\"windows-1252\">"), "windows-1252");
  EXPECT_EQ(CharsetFromMeta("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-15\">"),
            "iso-8859-15");
}

TEST(CharsetTest, ConvertsLatin1AndWindows1252ToUtf8) {
  const std::string latin1 = "<p>caff\xE8 \x80 5</p>";  // è, and € in windows-1252
  auto out = ToUtf8(latin1, "iso-8859-1");
  EXPECT_EQ(out.text, "<p>caffè € 5</p>");
  EXPECT_EQ(out.charset, "windows-1252");
  auto from_meta = ToUtf8("<meta charset=latin1><p>perch\xE9</p>", "");
  EXPECT_EQ(from_meta.text, "<meta charset=latin1><p>perché</p>");
}

TEST(CharsetTest, KeepsUtf8AndFallsBackForUnlabelledBytes) {
  EXPECT_EQ(ToUtf8("<p>più</p>", "").text, "<p>più</p>");
  EXPECT_EQ(ToUtf8("\xEF\xBB\xBF<p>x</p>", "").text, "<p>x</p>");
  EXPECT_EQ(ToUtf8("<p>\xE0 la carte</p>", "").text, "<p>à la carte</p>");
  // Declared UTF-8 with a stray byte: valid parts kept, the bad byte replaced.
  EXPECT_EQ(ToUtf8("ok \xFF ok", "utf-8").text, "ok \xEF\xBF\xBD ok");
  EXPECT_TRUE(IsValidUtf8("€ è"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  // Long ASCII runs are checked eight bytes at a time: a bad byte anywhere after one still counts.
  EXPECT_TRUE(IsValidUtf8(std::string(37, 'a') + "€" + std::string(20, 'b') + "è"));
  EXPECT_FALSE(IsValidUtf8(std::string(16, 'a') + "\xC3"));
  EXPECT_FALSE(IsValidUtf8(std::string(17, 'a') + "\xFF" + std::string(9, 'c')));
  EXPECT_FALSE(IsValidUtf8(std::string(8, 'a') + "\xE2\x82" + std::string(8, 'c')));
}

}  // namespace
}  // namespace worthit::analysis::fetch
