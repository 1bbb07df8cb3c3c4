// The demo shop's catalogue: five product pages the project wrote itself, in Italian and
// English, chosen to show the range of WorthIt! verdicts:
//   moka-aurora (it)            an excellent product: 1.246 ratings at 4,7, detailed consistent
//                               reviews with real pros (taste, quality, cleaning) and small cons
//   trailhead-30l (en)          a good product (4,1 over 384 ratings) with real pros and cons
//   cuffie-studiomax-pro (it)   overpriced: decent sound, but half the reviews say it costs too
//                               much for what it gives
//   friggitrice-turbocrisp (it) manipulated-looking reviews: a new listing flooded in two days
//                               with near-identical short 5-star blurbs from unverified accounts,
//                               while the verified buyers gave 1-2 stars (J-shaped stars)
//   lumen-smart-bulb (en)       too few reviews to judge (2)
// tests/playground/demo_verdicts_test.cpp runs each page through the real pipeline and model and
// checks the verdict it is built to show, so the demo cannot silently stop showing it.
// Each page carries schema.org JSON-LD (Product, Offer, AggregateRating, Review with author,
// datePublished and reviewRating) and Amazon-like visible markup (#productTitle, data-hook
// attributes), so both extraction paths have something to read.
// Thread-safety: immutable data and pure rendering functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace worthit::playground {

struct DemoReview {
  const char* author;
  const char* date;  // ISO 8601
  int stars;         // 1..5
  bool verified;     // bought through the shop ("Acquisto verificato" badge, Amazon-like markup)
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
  // The shop's aggregate over ALL its ratings, of which `reviews` are the few shown (as on real
  // shops: 1.246 ratings, 18 reviews on the page). "" and 0: the reviews shown are all there is.
  const char* rating_value;
  int64_t rating_count;
  std::vector<DemoReview> reviews;
};

const std::vector<DemoProduct>& DemoCatalog();

// The page at `path` ("/" = index, "/p/<slug>"), or nullopt (404). `base_url` is the shop's
// own http://host:port, used for absolute URLs in JSON-LD.
std::optional<std::string> RenderDemoShopPage(const std::string& path, const std::string& base_url);

}  // namespace worthit::playground
