#include "analysis/product_link.h"

#include <gtest/gtest.h>

namespace worthit::analysis {
namespace {

TEST(ProductLinkTest, AmazonAsinOnEveryShapeAndTld) {
  struct Case {
    const char* url;
    const char* canonical;
  };
  const Case cases[] = {
      {"https://www.amazon.it/dp/B0000AN3QI", "https://www.amazon.it/dp/B0000AN3QI"},
      {"https://www.amazon.it/Bialetti-Moka-Express/dp/B0000AN3QI/ref=sr_1_3?keywords=moka&qid=1&sr=8-3",
       "https://www.amazon.it/dp/B0000AN3QI"},
      {"https://amazon.it/gp/product/B0000AN3QI?psc=1&tag=aff-21", "https://www.amazon.it/dp/B0000AN3QI"},
      {"https://m.amazon.de/gp/aw/d/B00BRMIU7A/ref=mp_s_a_1_1", "https://www.amazon.de/dp/B00BRMIU7A"},
      {"https://smile.amazon.com/dp/b07fw264wl", "https://www.amazon.com/dp/B07FW264WL"},
      {"https://www.amazon.co.uk/exec/obidos/ASIN/B004SNMXRS", "https://www.amazon.co.uk/dp/B004SNMXRS"},
      {"https://www.amazon.com.br/dp/B08LNDXM65#reviews", "https://www.amazon.com.br/dp/B08LNDXM65"},
      {"https://www.amazon.co.jp/-/en/dp/B082QBCYY8", "https://www.amazon.co.jp/dp/B082QBCYY8"},
      {"HTTPS://WWW.AMAZON.FR/product-reviews/B082QBCYY8/", "https://www.amazon.fr/dp/B082QBCYY8"},
  };
  for (const auto& c : cases) {
    auto link = CanonicalProductLink(c.url);
    ASSERT_TRUE(link.ok()) << c.url;
    EXPECT_EQ(link->canonical_url, c.canonical) << c.url;
    EXPECT_EQ(link->kind, LinkKind::kAmazon) << c.url;
  }
  EXPECT_EQ(CanonicalProductLink("https://www.amazon.it/dp/B0000AN3QI")->site, "amazon.it");
  EXPECT_EQ(CanonicalProductLink("https://www.amazon.it/dp/B0000AN3QI")->id, "B0000AN3QI");
}

TEST(ProductLinkTest, EbayItemIds) {
  EXPECT_EQ(CanonicalProductLink("https://www.ebay.it/itm/133588510845?hash=item1f1a&var=0")->canonical_url,
            "https://www.ebay.it/itm/133588510845");
  EXPECT_EQ(CanonicalProductLink("https://www.ebay.co.uk/itm/Pony-Cart-Harness/143863282131")->canonical_url,
            "https://www.ebay.co.uk/itm/143863282131");
  EXPECT_EQ(CanonicalProductLink("https://m.ebay.com/itm/302474151804")->canonical_url,
            "https://www.ebay.com/itm/302474151804");
  EXPECT_EQ(CanonicalProductLink("https://www.ebay.de/itm/302474151804")->site, "ebay.de");
}

TEST(ProductLinkTest, OtherShopsDropTrackingOrUseCanonical) {
  EXPECT_EQ(
      CanonicalProductLink("https://Shop.Example/p/moka?utm_source=tg&color=red&fbclid=abc&gclid=x#top")->canonical_url,
      "https://shop.example/p/moka?color=red");
  EXPECT_EQ(CanonicalProductLink("https://shop.example/p/moka?utm_medium=a")->canonical_url,
            "https://shop.example/p/moka");
  // The page's rel=canonical, relative or absolute, on the same site.
  EXPECT_EQ(CanonicalProductLink("https://www.shop.example/p/moka?ref=home", "/prodotti/moka")->canonical_url,
            "https://www.shop.example/prodotti/moka");
  EXPECT_EQ(CanonicalProductLink("https://www.shop.example/p/moka", "https://shop.example/moka-express")->canonical_url,
            "https://shop.example/moka-express");
  // A canonical pointing to another site is ignored.
  EXPECT_EQ(CanonicalProductLink("https://shop.example/p/moka", "https://evil.example/x")->canonical_url,
            "https://shop.example/p/moka");
  EXPECT_EQ(CanonicalProductLink("https://www.shop.example/p")->site, "shop.example");
}

TEST(ProductLinkTest, RejectsNonHttp) {
  for (const char* bad : {"ftp://shop.example/x", "javascript:alert(1)", "not a url", "file:///etc/passwd", ""}) {
    auto link = CanonicalProductLink(bad);
    ASSERT_FALSE(link.ok()) << bad;
    EXPECT_EQ(link.error().code, "LINK_INVALID");
  }
}

TEST(ProductLinkTest, ShortLinksAreResolvedThroughTheFetcher) {
  EXPECT_TRUE(IsShortLink("https://amzn.to/3abcDEF"));
  EXPECT_TRUE(IsShortLink("https://amzn.eu/d/abc"));
  EXPECT_TRUE(IsShortLink("https://a.co/d/xyz"));
  EXPECT_FALSE(IsShortLink("https://www.amazon.it/dp/B0000AN3QI"));
  fetch::FakePageFetcher fake;
  fetch::FetchedPage redirect;
  redirect.final_url = "https://www.amazon.it/Bialetti/dp/B0000AN3QI?tag=x&ref_=y";
  redirect.status = 301;
  fake.Add("https://amzn.to/3abcDEF", redirect);
  auto link = ResolveProductLink("https://amzn.to/3abcDEF", fake, "it");
  ASSERT_TRUE(link.ok()) << link.error().ToString();
  EXPECT_EQ(link->canonical_url, "https://www.amazon.it/dp/B0000AN3QI");
  ASSERT_EQ(fake.requests().size(), 1u);
  ASSERT_TRUE(fake.requests()[0].stop_before);
  EXPECT_TRUE(fake.requests()[0].stop_before("https://www.amazon.it/dp/B0000AN3QI"));
  EXPECT_FALSE(fake.requests()[0].stop_before("https://amzn.eu/d/other"));
  // A non-short link is not fetched.
  auto direct = ResolveProductLink("https://www.amazon.it/dp/B0000AN3QI", fake, "it");
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(fake.requests().size(), 1u);
  // Fetch failures pass through with their code.
  fake.Add("https://a.co/d/xyz", Error::Permanent("FETCH_FORBIDDEN_ADDRESS", "blocked"));
  EXPECT_EQ(ResolveProductLink("https://a.co/d/xyz", fake, "it").error().code, "FETCH_FORBIDDEN_ADDRESS");
}

TEST(ProductLinkTest, TrackingParameterNames) {
  for (const char* p : {"utm_source", "utm_campaign", "fbclid", "gclid", "msclkid", "mc_eid", "pd_rd_r", "ref_"}) {
    EXPECT_TRUE(IsTrackingParameter(p)) << p;
  }
  for (const char* p : {"id", "color", "size", "variant", "q"}) EXPECT_FALSE(IsTrackingParameter(p)) << p;
}

}  // namespace
}  // namespace worthit::analysis
