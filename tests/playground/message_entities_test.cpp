#include "playground/message_entities.h"

#include <gtest/gtest.h>

namespace worthit::playground {
namespace {

TEST(Utf16Length, CountsSurrogatePairsAsTwo) {
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("è"), 1u);  // 2 UTF-8 bytes, 1 unit
  EXPECT_EQ(Utf16Length("€"), 1u);  // 3 bytes, 1 unit
  EXPECT_EQ(Utf16Length("😀"), 2u);  // 4 bytes, surrogate pair
  EXPECT_EQ(Utf16Length("🔍 Cerca"), 8u);
}

TEST(ParseTelegramHtml, TagsBecomeEntitiesWithUtf16Offsets) {
  ParsedText out;
  std::string error;
  ASSERT_TRUE(ParseTelegramHtml("😀 <b>Moka</b> <i>x <u>y</u></i>", out, error)) << error;
  EXPECT_EQ(out.text, "😀 Moka x y");
  ASSERT_EQ(out.entities.size(), 3u);
  EXPECT_EQ(out.entities[0].type, "bold");
  EXPECT_EQ(out.entities[0].offset, 3u);  // 😀 is two units, then a space
  EXPECT_EQ(out.entities[0].length, 4u);
  EXPECT_EQ(out.entities[1].type, "italic");
  EXPECT_EQ(out.entities[1].offset, 8u);
  EXPECT_EQ(out.entities[1].length, 3u);
  EXPECT_EQ(out.entities[2].type, "underline");
  EXPECT_EQ(out.entities[2].offset, 10u);
}

TEST(ParseTelegramHtml, DecodesEntitiesAndKeepsLinks) {
  ParsedText out;
  std::string error;
  ASSERT_TRUE(ParseTelegramHtml(
      "&lt;b&gt; &amp; &quot;q&quot; &#8364; <a href=\"https://shop.it/p?a=1&amp;b=2\">apri</a>", out, error))
      << error;
  EXPECT_EQ(out.text, "<b> & \"q\" € apri");
  ASSERT_EQ(out.entities.size(), 1u);
  EXPECT_EQ(out.entities[0].type, "text_link");
  EXPECT_EQ(out.entities[0].url, "https://shop.it/p?a=1&b=2");
}

TEST(ParseTelegramHtml, DropsLinksWithUnsafeSchemes) {
  ParsedText out;
  std::string error;
  ASSERT_TRUE(ParseTelegramHtml("<a href=\"javascript:alert(1)\">x</a>", out, error));
  EXPECT_EQ(out.text, "x");
  EXPECT_TRUE(out.entities.empty());
}

TEST(ParseTelegramHtml, PreWithLanguageSpoilerAndBlockquote) {
  ParsedText out;
  std::string error;
  ASSERT_TRUE(ParseTelegramHtml(
      "<pre><code class=\"language-cpp\">int x;</code></pre><tg-spoiler>s</tg-spoiler><span class=\"tg-spoiler\">t"
      "</span><blockquote expandable>q</blockquote>",
      out, error))
      << error;
  EXPECT_EQ(out.text, "int x;stq");
  ASSERT_EQ(out.entities.size(), 4u);
  EXPECT_EQ(out.entities[0].type, "pre");
  EXPECT_EQ(out.entities[0].language, "cpp");
  EXPECT_EQ(out.entities[1].type, "spoiler");
  EXPECT_EQ(out.entities[2].type, "spoiler");
  EXPECT_EQ(out.entities[3].type, "expandable_blockquote");
}

TEST(ParseTelegramHtml, RejectsWhatTelegramRejects) {
  ParsedText out;
  std::string error;
  EXPECT_FALSE(ParseTelegramHtml("<div>x</div>", out, error));
  EXPECT_EQ(error, "Unsupported start tag \"div\" at byte offset 0");
  EXPECT_FALSE(ParseTelegramHtml("<b>x", out, error));
  EXPECT_EQ(error, "Can't find end tag corresponding to start tag \"b\"");
  EXPECT_FALSE(ParseTelegramHtml("x</b>", out, error));
  EXPECT_EQ(error, "Unexpected end tag at byte offset 1");
  EXPECT_FALSE(ParseTelegramHtml("<b><i>x</b></i>", out, error));
  EXPECT_FALSE(ParseTelegramHtml("<img src=x onerror=alert(1)>", out, error));
}

TEST(DetectUserEntities, FindsUrlsCommandsMentionsAndEmails) {
  const auto e = DetectUserEntities("/start guarda amazon.it/dp/B0ABC, poi https://x.it/a?b=1 @giulia_r a@b.com");
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0].type, "bot_command");
  EXPECT_EQ(e[0].offset, 0u);
  EXPECT_EQ(e[0].length, 6u);
  EXPECT_EQ(e[1].type, "url");
  EXPECT_EQ(e[1].offset, 14u);
  EXPECT_EQ(e[1].length, 18u);  // trailing comma excluded
  EXPECT_EQ(e[2].type, "url");
  EXPECT_EQ(e[3].type, "mention");
  EXPECT_EQ(e[4].type, "email");
}

TEST(DetectUserEntities, OffsetsCountEmojiAsTwoUnits) {
  const auto e = DetectUserEntities("😀😀 https://a.it");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].offset, 5u);
  EXPECT_EQ(e[0].length, 12u);
}

TEST(DetectUserEntities, PlainWordsAndHtmlAreNotLinks) {
  EXPECT_TRUE(DetectUserEntities("ciao come stai? 3.5 stelle").empty());
  EXPECT_TRUE(DetectUserEntities("<b>x</b>").empty());
  EXPECT_TRUE(DetectUserEntities("").empty());
}

}  // namespace
}  // namespace worthit::playground
