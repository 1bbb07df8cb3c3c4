#include "bot/link_detector.h"

#include <gtest/gtest.h>

#include "telegram/fixture.h"

namespace worthit::bot {
namespace {

telegram::Message Text(std::string text) {
  telegram::Message m;
  m.message_id = 1;
  m.chat.id = 1;
  m.chat.type = "private";
  m.text = std::move(text);
  return m;
}

TEST(ClassifyUrl, AmazonOnEveryTld) {
  for (const char* url :
       {"https://www.amazon.it/dp/B0A", "https://amazon.com/dp/B0A", "https://www.amazon.co.uk/dp/B0A",
        "https://www.amazon.de/x", "http://smile.amazon.com/dp/B0A", "https://www.amazon.com.br/dp/1",
        "https://www.amazon.co.jp/dp/B0A", "https://m.amazon.fr/dp/B0A", "https://www.amazon.es/dp/B0A",
        "https://WWW.AMAZON.IT/dp/B0A"}) {
    auto l = ClassifyUrl(url);
    ASSERT_TRUE(l.has_value()) << url;
    EXPECT_EQ(l->kind, LinkKind::kAmazon) << url;
  }
}

TEST(ClassifyUrl, ShortLinksEbayAndOthers) {
  EXPECT_EQ(ClassifyUrl("https://amzn.to/3abc")->kind, LinkKind::kAmazonShort);
  EXPECT_EQ(ClassifyUrl("https://amzn.eu/d/xyz")->kind, LinkKind::kAmazonShort);
  EXPECT_EQ(ClassifyUrl("https://a.co/d/xyz")->kind, LinkKind::kAmazonShort);
  EXPECT_EQ(ClassifyUrl("https://www.ebay.it/itm/123")->kind, LinkKind::kEbay);
  EXPECT_EQ(ClassifyUrl("https://www.ebay.co.uk/itm/123")->kind, LinkKind::kEbay);
  EXPECT_EQ(ClassifyUrl("https://ebay.us/abc")->kind, LinkKind::kEbay);
  EXPECT_EQ(ClassifyUrl("https://www.mediaworld.it/it/product/_x-123.html")->kind, LinkKind::kOther);
  // Look-alikes are not Amazon.
  EXPECT_EQ(ClassifyUrl("https://amazon.evil-shop.com/dp/B0A")->kind, LinkKind::kOther);
  EXPECT_EQ(ClassifyUrl("https://notamazon.it/x")->kind, LinkKind::kOther);
}

TEST(ClassifyUrl, OnlyHttpAndHttps) {
  EXPECT_FALSE(ClassifyUrl("ftp://amazon.it/x").has_value());
  EXPECT_FALSE(ClassifyUrl("tg://resolve?domain=x").has_value());
  EXPECT_FALSE(ClassifyUrl("javascript:alert(1)").has_value());
  EXPECT_FALSE(ClassifyUrl("").has_value());
  EXPECT_FALSE(ClassifyUrl("https://localhost").has_value());  // no dot: not a shop
  auto bare = ClassifyUrl("www.amazon.it/dp/B0A");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->url, "https://www.amazon.it/dp/B0A");
}

TEST(DetectLinks, UrlEntityAfterEmoji) {
  auto m = Text("🎧😀 guarda https://www.amazon.it/dp/B0TEST1234 che ne pensi?");
  m.entities = {{"url", 12, 35, ""}};
  auto links = DetectLinks(m);
  ASSERT_EQ(links.size(), 1u);  // the entity and the plain-text scan agree: one link
  EXPECT_EQ(links[0].url, "https://www.amazon.it/dp/B0TEST1234");
  EXPECT_EQ(links[0].kind, LinkKind::kAmazon);
}

TEST(DetectLinks, TextLinkHiddenUrl) {
  auto m = Text("guarda questo prodotto");
  m.entities = {{"text_link", 7, 6, "https://amzn.eu/d/abc123"}};
  auto links = DetectLinks(m);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].kind, LinkKind::kAmazonShort);
}

TEST(DetectLinks, CaptionEntitiesAndForwarded) {
  telegram::Message m = Text("");
  m.forwarded = true;
  m.caption = "👀 https://amzn.to/3xYzAbC";
  m.caption_entities = {{"url", 3, 23, ""}};
  auto links = DetectLinks(m);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].url, "https://amzn.to/3xYzAbC");
}

TEST(DetectLinks, PlainTextWithoutEntities) {
  auto links = DetectLinks(Text("Ciao! (https://www.ebay.it/itm/123456). E anche amzn.to/3abc, www.zalando.it/x»"));
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].url, "https://www.ebay.it/itm/123456");
  EXPECT_EQ(links[1].url, "https://amzn.to/3abc");
  EXPECT_EQ(links[2].url, "https://www.zalando.it/x");
}

TEST(DetectLinks, NoLinkInOrdinaryText) {
  EXPECT_TRUE(DetectLinks(Text("ciao.come stai? prezzo 12.50 euro")).empty());
  EXPECT_TRUE(DetectLinks(Text("scrivimi a mario@example.com")).empty());
}

TEST(DetectLinks, BareShopHostsAndSchemesInAnyCase) {
  // Bare words are links only on shop hosts: brand + one label, or + two when the middle one is short.
  auto links =
      DetectLinks(Text("amazon.co.uk/dp/1 amazon.com.br/x amazon.abcd.xy/x amazon.it. shop.amazon.de/y "
                       "ebay.co.uk/z amazon ebay.it. link:HTTPS://Example.com/A vedi:Http://x.org/b"));
  std::vector<std::string> urls;
  for (const auto& l : links) urls.push_back(l.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"https://amazon.co.uk/dp/1", "https://amazon.com.br/x", "https://amazon.it",
                                            "https://shop.amazon.de/y", "https://ebay.co.uk/z", "https://ebay.it",
                                            "HTTPS://Example.com/A", "Http://x.org/b"}));
}

TEST(DetectLinks, AnEntityLinkRepeatedInTheTextIsOneLink) {
  auto m = Text("guarda https://www.amazon.it/dp/B0A. e https://www.amazon.it/dp/B0A");
  m.entities.push_back({"url", 7, 29, ""});
  auto links = DetectLinks(m);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].url, "https://www.amazon.it/dp/B0A");
}

TEST(PickProductLink, PrefersKnownShops) {
  auto links = DetectLinks(Text("https://blog.example.com/review e poi https://www.amazon.it/dp/B0A"));
  auto pick = PickProductLink(links);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->kind, LinkKind::kAmazon);
  EXPECT_FALSE(PickProductLink({}).has_value());
}

}  // namespace
}  // namespace worthit::bot
