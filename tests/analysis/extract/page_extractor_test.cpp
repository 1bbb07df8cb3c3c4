// Whole-page extraction on fixture pages written for these tests (fixtures/).
#include "analysis/extract/page_extractor.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace worthit::analysis::extract {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(WORTHIT_SOURCE_DIR) + "/tests/analysis/extract/fixtures/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ProductPage Extract(const std::string& name, const std::string& url, const std::string& site) {
  auto r = ExtractProductPage(Fixture(name), url, site);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  return r.ok() ? r->page : ProductPage{};
}

TEST(PageExtractorTest, AmazonItalyBuyBoxRatingHistogramAndReviews) {
  auto page = Extract("amazon_it.html", "https://www.amazon.it/dp/B0000AN3QI", "amazon.it");
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(page.kind, "product");
  const auto& p = page.product;
  EXPECT_EQ(p.title, "Bialetti Moka Express, Caffettiera in Alluminio, 6 Tazze");
  EXPECT_EQ(p.brand, "Bialetti");
  EXPECT_EQ(p.sku, "B0000AN3QI");
  ASSERT_TRUE(p.price.has_value());
  EXPECT_EQ(*p.price, "27.90");  // not the list price 34,99 nor a carousel's 5,99
  EXPECT_EQ(p.currency, "EUR");
  EXPECT_EQ(p.availability, "InStock");
  ASSERT_TRUE(p.rating.has_value());
  EXPECT_DOUBLE_EQ(p.rating->value, 4.6);
  EXPECT_DOUBLE_EQ(p.rating->scale, 5);
  EXPECT_EQ(p.rating->count, 12345);
  EXPECT_EQ(p.histogram, (std::vector<int64_t>{4, 2, 5, 15, 74}));
  EXPECT_EQ(page.sources.at("price"), "amazon");
  ASSERT_EQ(page.reviews.size(), 3u);
  const auto& r0 = page.reviews[0];
  EXPECT_EQ(r0.stars, 5);
  EXPECT_EQ(r0.title, "Un classico che non delude");
  EXPECT_TRUE(r0.text.starts_with("Il caffè viene buonissimo, la moka")) << r0.text;
  EXPECT_EQ(r0.lang, "it");
  EXPECT_EQ(r0.date, "2024-01-03");
  EXPECT_EQ(r0.country, "IT");
  EXPECT_EQ(r0.verified, true);
  EXPECT_EQ(page.reviews[1].stars, 2);
  EXPECT_EQ(page.reviews[1].verified, false);
  EXPECT_EQ(page.reviews[2].stars, 4);
  EXPECT_EQ(page.reviews[2].lang, "en");
  EXPECT_EQ(page.reviews[2].country, "GB");
  EXPECT_EQ(page.reviews[2].title, "Great coffee maker");
}

TEST(PageExtractorTest, AmazonComPriceToPayNotListPrice) {
  auto page = Extract("amazon_com.html", "https://www.amazon.com/dp/B08T5QVTKW", "amazon.com");
  const auto& p = page.product;
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(p.price, "1099");
  EXPECT_EQ(p.currency, "USD");
  EXPECT_EQ(p.brand, "Anker");
  EXPECT_DOUBLE_EQ(p.rating->value, 4.7);
  EXPECT_EQ(p.rating->count, 88123);
  ASSERT_EQ(page.reviews.size(), 1u);
  EXPECT_EQ(page.reviews[0].stars, 1);
  EXPECT_EQ(page.reviews[0].date, "2024-01-03");
  EXPECT_EQ(page.reviews[0].country, "US");
  EXPECT_EQ(page.reviews[0].verified, true);
}

TEST(PageExtractorTest, AmazonGermanyUnavailableHasNoPrice) {
  auto page = Extract("amazon_de_unavailable.html", "https://www.amazon.de/dp/B00BRMIU7A", "amazon.de");
  const auto& p = page.product;
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(p.availability, "OutOfStock");
  EXPECT_FALSE(p.price.has_value());  // the carousel's 19,99 € is someone else's
  EXPECT_EQ(p.brand, "Zassenhaus");
  EXPECT_DOUBLE_EQ(p.rating->value, 4.2);
  EXPECT_EQ(p.rating->count, 1091);
  ASSERT_EQ(page.reviews.size(), 1u);
  EXPECT_EQ(page.reviews[0].lang, "de");
  EXPECT_EQ(page.reviews[0].date, "2021-06-07");
}

TEST(PageExtractorTest, AmazonFranceDealPriceAndNarrowSpaceCount) {
  auto page = Extract("amazon_fr.html", "https://www.amazon.fr/dp/B082QBCYY8", "amazon.fr");
  EXPECT_EQ(page.product.price, "66.75");
  EXPECT_EQ(page.product.currency, "EUR");
  EXPECT_EQ(page.product.rating->count, 2480);
  EXPECT_DOUBLE_EQ(page.product.rating->value, 4.6);
  ASSERT_EQ(page.reviews.size(), 1u);
  EXPECT_EQ(page.reviews[0].lang, "fr");
  EXPECT_EQ(page.reviews[0].stars, 3);
}

TEST(PageExtractorTest, CaptchaAndSearchPagesAreNotProducts) {
  auto captcha = Extract("amazon_captcha.html", "https://www.amazon.it/dp/B0000AN3QI", "amazon.it");
  EXPECT_FALSE(captcha.is_product);
  EXPECT_EQ(captcha.kind, "robot_check");
  auto search = Extract("amazon_search.html", "https://www.amazon.it/s?k=moka", "amazon.it");
  EXPECT_FALSE(search.is_product);
  auto home = Extract("home_page.html", "https://caffe.example/", "caffe.example");
  EXPECT_FALSE(home.is_product);
  EXPECT_EQ(home.kind, "not_product");
  auto listing = Extract("listing.html", "https://kettles.example/kettles", "kettles.example");
  EXPECT_FALSE(listing.is_product);
  EXPECT_EQ(listing.kind, "listing");
}

TEST(PageExtractorTest, SloppyJsonLdGraphWinsOverMetaAndText) {
  auto page =
      Extract("jsonld_shop.html", "https://caffe.example/prodotti/espresso-deluxe?utm_source=x", "caffe.example");
  const auto& p = page.product;
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(p.title, "Macchina da caffè Espresso Deluxe & Lattiera");
  EXPECT_EQ(p.brand, "Espressa");
  EXPECT_EQ(p.sku, "ED-2024");
  EXPECT_EQ(p.gtin, "8001234567890");
  EXPECT_EQ(p.price, "1299.99");
  EXPECT_EQ(p.currency, "EUR");
  EXPECT_EQ(p.availability, "InStock");
  EXPECT_DOUBLE_EQ(p.rating->value, 4.4);  // 4.35 shown as 4.4
  EXPECT_EQ(p.rating->count, 57);
  EXPECT_EQ(page.sources.at("price"), "jsonld");
  EXPECT_EQ(page.sources.at("title"), "jsonld");
  ASSERT_EQ(page.reviews.size(), 2u);
  EXPECT_EQ(page.reviews[0].stars, 5);
  EXPECT_EQ(page.reviews[0].date, "2024-02-10");
  EXPECT_EQ(page.reviews[0].lang, "it");
  EXPECT_EQ(page.reviews[1].stars, 2);
  EXPECT_EQ(page.reviews[1].lang, "en");
}

TEST(PageExtractorTest, MicrodataKeepsTheMainItemsOwnProperties) {
  auto page = Extract("microdata_shop.html", "https://kochwerk.example/wasserkocher", "kochwerk.example");
  const auto& p = page.product;
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(p.title, "Wasserkocher Edelstahl 1,7 l");
  EXPECT_EQ(p.brand, "Kochwerk");
  EXPECT_EQ(p.sku, "KW-17");
  EXPECT_EQ(p.price, "39.90");  // not the related product's 4.99, not the UVP
  EXPECT_EQ(p.currency, "EUR");
  EXPECT_EQ(p.availability, "InStock");
  EXPECT_DOUBLE_EQ(p.rating->value, 4.4);
  EXPECT_EQ(p.rating->count, 1091);
  EXPECT_EQ(page.sources.at("price"), "microdata");
  ASSERT_EQ(page.reviews.size(), 1u);
  EXPECT_EQ(page.reviews[0].stars, 4);
  EXPECT_EQ(page.reviews[0].lang, "de");
}

TEST(PageExtractorTest, HeuristicPriceNearTheBuyButtonNotTheCarousel) {
  auto page = Extract("carousel_shop.html", "https://outdoor.example/p/x2", "outdoor.example");
  const auto& p = page.product;
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(p.title, "Trail Shoe X2");
  EXPECT_EQ(p.price, "1049.95");
  EXPECT_EQ(p.currency, "GBP");
  EXPECT_EQ(page.sources.at("price"), "heuristic");
}

TEST(PageExtractorTest, EbayAuctionAndBuyItNow) {
  auto auction = Extract("ebay_auction.html", "https://www.ebay.it/itm/133588510845", "ebay.it");
  EXPECT_TRUE(auction.is_product);
  EXPECT_EQ(auction.product.title, "Angel Teddy Bear");
  EXPECT_EQ(auction.product.price, "12.99");
  EXPECT_EQ(auction.product.currency, "GBP");
  EXPECT_EQ(auction.product.extra.at("listing_type"), "auction");
  EXPECT_EQ(auction.product.extra.at("condition"), "Nuovo: altro (vedi dettagli)");
  EXPECT_EQ(auction.product.extra.at("seller"), "shaabasr");
  EXPECT_EQ(auction.product.extra.at("seller_feedback_percent"), "99.1");
  EXPECT_EQ(auction.product.extra.at("seller_feedback_score"), "459");
  auto bin = Extract("ebay_buy_now.html", "https://www.ebay.com/itm/123456789012", "ebay.com");
  EXPECT_TRUE(bin.is_product);
  EXPECT_EQ(bin.product.title, "LEGO 42115 Lamborghini Sián FKP 37 - New Sealed");
  EXPECT_EQ(bin.product.price, "379.99");
  EXPECT_EQ(bin.product.currency, "USD");
  EXPECT_EQ(bin.product.extra.at("listing_type"), "buy_it_now");
  EXPECT_EQ(bin.product.extra.at("condition"), "Brand New");
  EXPECT_EQ(bin.product.extra.at("seller_feedback_percent"), "99.7");
}

TEST(PageExtractorTest, GarbageInputIsHandled) {
  auto empty = ExtractProductPage("", "https://x.example/", "x.example");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "EXTRACT_UNPARSABLE");
  auto text = ExtractProductPage("just some words, no markup", "https://x.example/", "x.example");
  ASSERT_TRUE(text.ok());
  EXPECT_FALSE(text->page.is_product);
  // Deeply nested and unterminated markup and JSON must not crash.
  std::string deep = "<script type=\"application/ld+json\">" + std::string(5000, '[') + "</script>";
  for (int i = 0; i < 3000; ++i) deep += "<div>";
  EXPECT_TRUE(ExtractProductPage(deep, "https://x.example/", "x.example").ok());
}

}  // namespace
}  // namespace worthit::analysis::extract

namespace worthit::analysis::extract {
namespace {

TEST(PageExtractorTest, ReviewsOutsideTheProductItemAndInDataAttributes) {
  const std::string loose = R"(<html><body>
<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Doorbell</h1>
<div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><meta itemprop="price" content="229.99"></div></div>
<div itemscope itemtype="http://schema.org/Review"><div itemprop="reviewRating" itemscope itemtype="http://schema.org/Rating">
<meta itemprop="ratingValue" content="1"></div><span itemprop="name">Truth about it</span>
<div itemprop="reviewBody">It’s more complicated than they say – the app keeps disconnecting.</div></div>
</body></html>)";
  auto a = ExtractProductPage(loose, "https://shop.example/doorbell", "shop.example");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->page.reviews.size(), 1u);
  EXPECT_EQ(a->page.reviews[0].stars, 1);
  EXPECT_EQ(a->page.reviews[0].text,
            "It’s more complicated than they say – the app keeps disconnecting.");  // typography kept
  const std::string attrs = R"(<html><body><h1>Hochdruckreiniger</h1>
<div class="cr_review" data-review-rating="4" data-review-creationdate="2020-07-01 16:30"><h3 class="cr_review__title">Gut</h3>
<p class="cr_review__text">Kleines Gerät, aber volle Power und sehr leise.</p></div></body></html>)";
  auto b = ExtractProductPage(attrs, "https://shop.example/k3", "shop.example");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->page.reviews.size(), 1u);
  EXPECT_EQ(b->page.reviews[0].stars, 4);
  EXPECT_EQ(b->page.reviews[0].title, "Gut");
  EXPECT_EQ(b->page.reviews[0].date, "2020-07-01");
  EXPECT_EQ(b->page.sources.at("reviews"), "heuristic");
}

}  // namespace
}  // namespace worthit::analysis::extract

namespace worthit::analysis::extract {
namespace {

TEST(PageExtractorTest, DealPriceNextToABuyLinkWithoutMarkup) {
  const std::string page = R"(<html><body><h1>Snack</h1>
<div class="recent"><span class="price">$200</span></div>
<ul><li>原價：<strike>1,390</strike></li></ul><div class="pdeal">最低價$<span>99</span>元起/包</div>
<a id="buy_btn" href="/cart">立即購買</a></body></html>)";
  auto r = ExtractProductPage(page, "https://shop.example.tw/p/1", "shop.example.tw");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->page.is_product);
  EXPECT_EQ(r->page.product.price, "99");
  EXPECT_EQ(r->page.product.availability, "InStock");
}

}  // namespace
}  // namespace worthit::analysis::extract

namespace worthit::analysis::extract {
namespace {

TEST(PageExtractorTest, RdfaLiteProduct) {
  const std::string page = R"(<html><body vocab="https://schema.org/">
<div typeof="Product"><h1 property="name">Tostapane Inox</h1>
<div property="brand" typeof="Brand"><span property="name">Caldo</span></div>
<div property="offers" typeof="Offer"><meta property="priceCurrency" content="EUR">
<span property="price" content="49.90">49,90 €</span><link property="availability" href="https://schema.org/OutOfStock"></div>
</div></body></html>)";
  auto r = ExtractProductPage(page, "https://caldo.example/tostapane", "caldo.example");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->page.is_product);
  EXPECT_EQ(r->page.product.title, "Tostapane Inox");
  EXPECT_EQ(r->page.product.brand, "Caldo");
  EXPECT_EQ(r->page.product.price, "49.90");
  EXPECT_EQ(r->page.product.currency, "EUR");
  EXPECT_EQ(r->page.product.availability, "OutOfStock");
  EXPECT_EQ(r->page.sources.at("price"), "microdata");
}

TEST(PageExtractorTest, OpenGraphProductTags) {
  const std::string page = R"(<html><head>
<meta property="og:type" content="og:product"><meta property="og:title" content="Borraccia Termica 500 ml">
<meta property="product:price:amount" content="24.50"><meta property="product:price:currency" content="EUR">
<meta property="product:availability" content="in stock"><meta property="product:brand" content="Acqua">
<meta property="product:retailer_item_id" content="BT-500"></head><body><p>Borraccia</p></body></html>)";
  auto r = ExtractProductPage(page, "https://acqua.example/borraccia", "acqua.example");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->page.is_product);
  EXPECT_EQ(r->page.product.title, "Borraccia Termica 500 ml");
  EXPECT_EQ(r->page.product.price, "24.50");
  EXPECT_EQ(r->page.product.currency, "EUR");
  EXPECT_EQ(r->page.product.availability, "InStock");
  EXPECT_EQ(r->page.product.brand, "Acqua");
  EXPECT_EQ(r->page.product.sku, "BT-500");
  EXPECT_EQ(r->page.sources.at("price"), "opengraph");
}

}  // namespace
}  // namespace worthit::analysis::extract

namespace worthit::analysis::extract {
namespace {

TEST(PageExtractorTest, ShortReviewsTakeThePageLanguage) {
  const std::string page = R"(<html lang="it-IT"><head><script type="application/ld+json">
{"@context":"https://schema.org","@type":"Product","name":"Friggitrice","offers":{"price":"89.99","priceCurrency":"EUR"},
"review":[{"@type":"Review","reviewBody":"Top!","reviewRating":{"ratingValue":5}},
{"@type":"Review","reviewBody":"The basket is too small and the timer is not accurate at all.","reviewRating":{"ratingValue":2}}]}
</script></head><body></body></html>)";
  auto r = ExtractProductPage(page, "https://shop.example/f", "shop.example");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->page.reviews.size(), 2u);
  EXPECT_EQ(r->page.reviews[0].lang, "it");  // too short to tell: the page's language
  EXPECT_EQ(r->page.reviews[1].lang, "en");  // long enough: its own language
}

}  // namespace
}  // namespace worthit::analysis::extract

namespace worthit::analysis::extract {
namespace {

TEST(PageExtractorTest, IdentifiersAreCleaned) {
  const std::string page = R"(<html><body><div itemscope itemtype="https://schema.org/Product">
<h1 itemprop="name">Housse</h1><p>Réf. <span itemprop="productID"> TE502955-1293415 Housse de canapé </span></p>
<meta itemprop="gtin13" content="0000000000000"></div></body></html>)";
  auto r = ExtractProductPage(page, "https://shop.example/h", "shop.example");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->page.product.sku, "TE502955-1293415");
  EXPECT_EQ(r->page.product.gtin, "");  // a placeholder of zeros is no GTIN
}

}  // namespace
}  // namespace worthit::analysis::extract

namespace worthit::analysis::extract {
namespace {

TEST(PageExtractorTest, AuctionCurrentBidBeatsTheStartingPriceInMarkup) {
  // JSON-LD carries the starting price (150); the bid box shows the current bid after 2 bids.
  auto page = Extract("auction_lot.html", "https://lakeside.example/item/4471203", "lakeside.example");
  EXPECT_TRUE(page.is_product);
  EXPECT_EQ(page.product.title, "Pair of woven pillows, 1960s");
  EXPECT_EQ(page.product.price, "200");  // not the starting 150, not a related lot's 500 or 90
  EXPECT_EQ(page.product.currency, "USD");
  EXPECT_EQ(page.sources.at("price"), "heuristic");
  EXPECT_EQ(page.sources.at("title"), "jsonld");
}

TEST(PageExtractorTest, NoBidsPlacedOrShopOffersKeepTheStructuredPrice) {
  // "0 Gebote": nobody has bid, the structured price stands; "3 offerte" (a shop's deals in
  // Italian) is not a bid count.
  auto page = Extract("auction_no_bids.html", "https://auktion.example/los/77", "auktion.example");
  EXPECT_EQ(page.product.price, "80");
  EXPECT_EQ(page.sources.at("price"), "jsonld");
}

}  // namespace
}  // namespace worthit::analysis::extract
