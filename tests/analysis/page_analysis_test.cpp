#include "analysis/page_analysis.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include "analysis/product_json.h"

namespace worthit::analysis {
namespace {

const char* kAmazonPage = R"(<html><head><link rel="canonical" href="https://www.amazon.it/Moka/dp/B0000AN3QI"></head>
<body><span id="productTitle">Moka Express</span>
<div id="corePrice_feature_div"><span class="a-offscreen">27,90 €</span></div>
<div id="availability">Disponibilità immediata</div>
<span id="acrPopover" title="4,6 su 5 stelle"></span><span id="acrCustomerReviewText">1.234 voti</span>
<div data-hook="review" id="R1"><i data-hook="review-star-rating"><span class="a-icon-alt">5,0 su 5 stelle</span></i>
<a data-hook="review-title"><span>Ottima</span></a><span data-hook="review-body"><span>Il caffè è buono e la moka non perde.</span></span></div>
</body></html>)";

TEST(PageAnalysisTest, ExtractPageFillsIdentityAndSku) {
  auto page = ExtractPage(kAmazonPage, "https://www.amazon.it/gp/product/B0000AN3QI?tag=x");
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->canonical_url, "https://www.amazon.it/dp/B0000AN3QI");
  EXPECT_EQ(page->site, "amazon.it");
  EXPECT_EQ(page->product.sku, "B0000AN3QI");
  EXPECT_EQ(page->sources.at("sku"), "url");
  EXPECT_EQ(page->product.price, "27.90");
}

TEST(PageAnalysisTest, SavedPageWithoutUrlUsesItsCanonical) {
  auto page = ExtractPage(kAmazonPage, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->site, "amazon.it");
  EXPECT_EQ(page->canonical_url, "https://www.amazon.it/dp/B0000AN3QI");
  EXPECT_TRUE(page->is_product);
}

// A 200 answer the fake fetcher serves, ending at `final_url`.
fetch::FetchedPage Fetched(std::string final_url, std::string body) {
  fetch::FetchedPage fetched;
  fetched.final_url = std::move(final_url);
  fetched.status = 200;
  fetched.body = std::move(body);
  return fetched;
}

TEST(PageAnalysisTest, FetchAndExtractUsesTheFinalUrl) {
  fetch::FakePageFetcher fake;
  fake.Add("https://amzn.eu/d/abc", Fetched("https://www.amazon.it/dp/B0000AN3QI?ref_=x", kAmazonPage));
  auto page = FetchAndExtract("https://amzn.eu/d/abc", fake, "it");
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->url, "https://amzn.eu/d/abc");
  EXPECT_EQ(page->canonical_url, "https://www.amazon.it/dp/B0000AN3QI");
  fake.Add("https://shop.example/x", Error::Transient("FETCH_BLOCKED", "503"));
  EXPECT_EQ(FetchAndExtract("https://shop.example/x", fake, "it").error().code, "FETCH_BLOCKED");
  EXPECT_EQ(FetchAndExtract("ftp://shop.example/x", fake, "it").error().code, "FETCH_BAD_URL");
}

TEST(PageAnalysisTest, RobotCheckRunsOnceWhenTheFetcherHasRunIt) {
  // A challenge page the fetcher has not vouched for is classified by the extractor; one the
  // fetcher says it has checked is not checked again (the curl fetcher turns a real challenge
  // into FETCH_BLOCKED before extraction, so the extractor's own check would repeat its work).
  const std::string challenge =
      "<html><head><title>Robot Check</title></head><body><form action=\"/errors/validateCaptcha\">"
      "<input name=\"field-keywords\"></form></body></html>";
  fetch::FakePageFetcher fake;
  fetch::FetchedPage fetched = Fetched("https://www.amazon.it/dp/B0000AN3QI", challenge);
  fake.Add("https://www.amazon.it/dp/B0000AN3QI", fetched);
  auto unchecked = FetchAndExtract("https://www.amazon.it/dp/B0000AN3QI", fake, "it");
  ASSERT_TRUE(unchecked.ok()) << unchecked.error().ToString();
  EXPECT_EQ(unchecked->kind, "robot_check");
  fetched.robot_check_passed = true;
  fake.Add("https://www.amazon.it/dp/B0000AN3QI", fetched);
  auto vouched = FetchAndExtract("https://www.amazon.it/dp/B0000AN3QI", fake, "it");
  ASSERT_TRUE(vouched.ok()) << vouched.error().ToString();
  EXPECT_NE(vouched->kind, "robot_check");
  EXPECT_EQ(ExtractPage(challenge, "https://www.amazon.it/dp/B0000AN3QI")->kind, "robot_check");
  EXPECT_NE(ExtractPage(challenge, "https://www.amazon.it/dp/B0000AN3QI", extract::RobotCheck::kAlreadyPassed)->kind,
            "robot_check");
  // A product page reads the same either way.
  auto run = ExtractPage(kAmazonPage, "https://www.amazon.it/dp/B0000AN3QI");
  auto skipped = ExtractPage(kAmazonPage, "https://www.amazon.it/dp/B0000AN3QI", extract::RobotCheck::kAlreadyPassed);
  ASSERT_TRUE(run.ok() && skipped.ok());
  EXPECT_EQ(ProductPageToJson(*run), ProductPageToJson(*skipped));
}

TEST(PageAnalysisTest, JsonHasTheDocumentedShape) {
  auto page = ExtractPage(kAmazonPage, "https://www.amazon.it/dp/B0000AN3QI");
  ASSERT_TRUE(page.ok());
  const std::string text = ProductPageToJson(*page);
  EXPECT_NE(text.find("\"rating\":{\"value\":4.6,\"scale\":5,\"count\":1234}"), std::string::npos) << text;
  auto v = boost::json::parse(text);
  const auto& o = v.as_object();
  for (const char* k : {"url", "canonical_url", "site", "is_product", "product", "reviews", "sources"}) {
    EXPECT_TRUE(o.contains(k)) << k;
  }
  EXPECT_EQ(o.size(), 7u);
  const auto& p = o.at("product").as_object();
  for (const char* k : {"title", "brand", "sku", "gtin", "price", "currency", "availability", "rating", "histogram"}) {
    EXPECT_TRUE(p.contains(k)) << k;
  }
  EXPECT_EQ(p.at("price").as_string(), "27.90");
  EXPECT_EQ(p.at("rating").as_object().at("count").to_number<int64_t>(), 1234);
  const auto& r = o.at("reviews").as_array().at(0).as_object();
  for (const char* k : {"stars", "title", "text", "lang", "date", "verified"}) EXPECT_TRUE(r.contains(k)) << k;
  EXPECT_EQ(r.at("stars").to_number<int64_t>(), 5);
  EXPECT_EQ(r.at("lang").as_string(), "it");
  EXPECT_TRUE(r.at("verified").is_bool());
  // Unknown values are null, not empty strings.
  ProductPage empty;
  auto e = boost::json::parse(ProductPageToJson(empty)).as_object();
  EXPECT_TRUE(e.at("product").as_object().at("price").is_null());
  EXPECT_TRUE(e.at("product").as_object().at("rating").is_null());
  EXPECT_TRUE(e.at("product").as_object().at("availability").is_null());
}

}  // namespace
}  // namespace worthit::analysis
