// ProductPage: what the extraction makes of one fetched page — the record every later step
// (review model, trust, score, card, cache) reads. Pure value types, no behaviour.
//
// Money is a decimal string plus an ISO 4217 code ("1299.99", "EUR"): never a double, so a
// price is shown exactly as the shop wrote it. Ratings keep their scale (4.3 of 5, 8.6 of 10).
// `sources` records which layer gave each field ("jsonld", "microdata", "opengraph", "amazon",
// "ebay", "heuristic"), for --json output and debugging extraction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace worthit::analysis {

struct Rating {
  double value = 0;  // as shown, on `scale`
  double scale = 5;
  int64_t count = 0;  // ratings (stars) given, 0 when not shown
};

struct Review {
  std::optional<int> stars;  // 1..5 when the page shows them
  std::string title;
  std::string text;
  std::string lang;  // ISO 639-1 when known ("it", "en", ...), else ""
  std::string date;  // ISO 8601 date (YYYY-MM-DD) when known, else ""
  std::optional<bool> verified;
  std::string country;  // ISO 3166-1 alpha-2 when the page says where it was written
};

struct Product {
  std::string title;
  std::string brand;
  std::string sku;
  std::string gtin;
  std::optional<std::string> price;         // decimal string, "." as separator, e.g. "29.99"
  std::string currency;                     // ISO 4217, e.g. "EUR"
  std::optional<std::string> availability;  // "InStock" | "OutOfStock"
  std::optional<Rating> rating;
  std::vector<int64_t> histogram;  // share or count of 1..5 stars (index 0 = 1 star), empty if unknown
  std::string image;
  // Site-specific facts without a field of their own, e.g. eBay: "condition", "listing_type"
  // ("auction" | "buy_it_now"), "seller", "seller_feedback_percent", "seller_feedback_score".
  std::map<std::string, std::string> extra;
};

struct ProductPage {
  std::string url;            // the URL the user sent (or --url)
  std::string canonical_url;  // the product's canonical identity URL (cache key)
  std::string site;           // "amazon.it", "ebay.com", or the host
  bool is_product = false;
  // Why is_product is what it is: "product", "robot_check" (captcha / challenge page), "listing"
  // (search results, category), "not_product" (home page, article, anything else).
  std::string kind;
  Product product;
  std::vector<Review> reviews;
  std::map<std::string, std::string> sources;  // field -> layer
};

}  // namespace worthit::analysis
