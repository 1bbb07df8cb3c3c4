#include "playground/demo_shop_catalog.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <set>

namespace worthit::playground {
namespace {

namespace json = boost::json;

// The JSON-LD block of a rendered page.
json::value JsonLdOf(const std::string& html) {
  const std::string open = "<script type=\"application/ld+json\">";
  const auto start = html.find(open);
  const auto end = html.find("</script>", start);
  EXPECT_NE(start, std::string::npos);
  return json::parse(html.substr(start + open.size(), end - start - open.size()));
}

TEST(DemoShopCatalog, ProductsCoverTheVerdictsInBothLanguages) {
  const auto& catalog = DemoCatalog();
  ASSERT_EQ(catalog.size(), 5u);
  std::set<std::string> languages;
  for (const auto& p : catalog) {
    languages.insert(p.language);
    for (const auto& r : p.reviews) {
      EXPECT_GE(r.stars, 1);
      EXPECT_LE(r.stars, 5);
    }
  }
  EXPECT_EQ(languages, (std::set<std::string>{"it", "en"}));
  for (const auto& p : catalog) {
    if (std::string(p.slug) == "lumen-smart-bulb")
      EXPECT_LT(p.reviews.size(), 5u);
    else
      EXPECT_GE(p.reviews.size(), 12u) << p.slug;
  }
}

TEST(DemoShopCatalog, ManipulatedProductHasDuplicatesBurstAndJShape) {
  for (const auto& p : DemoCatalog()) {
    if (std::string(p.slug) != "friggitrice-turbocrisp") continue;
    std::map<std::string, int> templates, dates;
    std::map<int, int> stars;
    int unverified_five = 0;
    for (const auto& r : p.reviews) {
      ++templates[std::string(r.body).substr(0, 30)];  // near-copies share their opening
      ++dates[r.date];
      ++stars[r.stars];
      unverified_five += !r.verified && r.stars == 5;
    }
    int templated = 0;
    for (auto& [b, n] : templates) templated += n > 1 ? n : 0;
    EXPECT_GE(templated, 6);
    int burst = 0;
    for (auto& [d, n] : dates) burst = std::max(burst, n);
    EXPECT_GE(burst, 4);
    EXPECT_GT(stars[5], 2 * (stars[2] + stars[3] + stars[4]));  // J-shape: peaks at 5 and 1
    EXPECT_GE(stars[1], 3);
    EXPECT_EQ(unverified_five, stars[5]);  // the blurbs come from accounts that did not buy
  }
}

TEST(DemoShopCatalog, PagesCarryValidJsonLdAndEscapedText) {
  const std::string base = "http://127.0.0.1:8081";
  for (const auto& p : DemoCatalog()) {
    auto html = RenderDemoShopPage(std::string("/p/") + p.slug, base);
    ASSERT_TRUE(html.has_value()) << p.slug;
    auto ld = JsonLdOf(*html);
    EXPECT_EQ(ld.at("@type").as_string(), "Product");
    EXPECT_EQ(ld.at("offers").at("price").as_string(), p.price);
    EXPECT_EQ(ld.at("review").as_array().size(), p.reviews.size());
    EXPECT_EQ(ld.at("aggregateRating").at("reviewCount").as_int64(), static_cast<int64_t>(p.reviews.size()));
    // All ratings (of which the reviews are the ones shown): never fewer than the reviews.
    EXPECT_EQ(ld.at("aggregateRating").at("ratingCount").as_int64(),
              p.rating_count > 0 ? p.rating_count : static_cast<int64_t>(p.reviews.size()));
    EXPECT_GE(ld.at("aggregateRating").at("ratingCount").as_int64(), static_cast<int64_t>(p.reviews.size()));
    const auto& first = ld.at("review").at(0);
    EXPECT_TRUE(first.at("author").as_object().contains("name"));
    EXPECT_TRUE(first.as_object().contains("datePublished"));
    EXPECT_TRUE(first.at("reviewRating").as_object().contains("ratingValue"));
    EXPECT_NE(html->find("id=\"productTitle\""), std::string::npos);
    EXPECT_NE(html->find("data-hook=\"review-body\""), std::string::npos);
  }
  auto index = RenderDemoShopPage("/", base);
  ASSERT_TRUE(index.has_value());
  EXPECT_NE(index->find(base + "/p/moka-aurora"), std::string::npos);
  EXPECT_FALSE(RenderDemoShopPage("/p/nothing", base).has_value());
  EXPECT_FALSE(RenderDemoShopPage("/etc/passwd", base).has_value());
}

}  // namespace
}  // namespace worthit::playground
