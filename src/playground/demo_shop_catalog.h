// The demo shop's catalogue: five product pages the project wrote itself, in Italian and
// English, chosen to show the range of WorthIt! verdicts:
//   moka-aurora (it)            an excellent product: many specific, consistent positive reviews
//   trailhead-30l (en)          a good product with real pros and cons
//   cuffie-studiomax-pro (it)   overpriced: decent product, reviews complain about the price
//   friggitrice-turbocrisp (it) manipulated-looking reviews: duplicates, a J-shaped star
//                               distribution, a burst of short generic 5-star texts in 3 days
//   lumen-smart-bulb (en)       too few reviews to judge
// Each page carries schema.org JSON-LD (Product, Offer, AggregateRating, Review with author,
// datePublished and reviewRating) and Amazon-like visible markup (#productTitle, data-hook
// attributes), so both extraction paths have something to read.
// Thread-safety: immutable data and pure rendering functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace worthit::playground {

struct DemoReview {
  const char* author;
  const char* date;  // ISO 8601
  int stars;         // 1..5
  const char* title;
  const char* body;
};

struct DemoProduct {
  const char* slug;
  const char* language;  // "it" or "en"
  const char* name;
  const char* brand;
  const char* description;
  const char* price;  // schema.org price, dot decimal: "34.90"
  const char* currency;
  const char* sku;
  const char* expected;  // which verdict the page is built to show (for people, not for the bot)
  std::vector<DemoReview> reviews;
};

const std::vector<DemoProduct>& DemoCatalog();

// The page at `path` ("/" = index, "/p/<slug>"), or nullopt (404). `base_url` is the shop's
// own http://host:port, used for absolute URLs in JSON-LD.
std::optional<std::string> RenderDemoShopPage(const std::string& path, const std::string& base_url);

}  // namespace worthit::playground
