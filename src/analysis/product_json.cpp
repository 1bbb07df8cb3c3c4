#include "analysis/product_json.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace worthit::analysis {

namespace {

// Boost.JSON writes doubles as "4.7E0"; ratings read better as 4.7 and 5.
std::string Number(double v) {
  char buf[32];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.10g", v);
  }
  return buf;
}

// Stands in for the rating object during serialisation. Searched for together with its key and
// the unescaped quote before it ("rating":"\u0001rating\u0001"), which page text inside a JSON
// string can never produce (its quotes are escaped).
constexpr const char* kRatingToken = "\x01rating\x01";

}  // namespace

std::string ProductPageToJson(const ProductPage& page) {
  namespace json = boost::json;
  const Product& p = page.product;
  json::object product;
  product["title"] = p.title;
  product["brand"] = p.brand;
  product["sku"] = p.sku;
  product["gtin"] = p.gtin;
  product["price"] = p.price ? json::value(*p.price) : json::value(nullptr);
  product["currency"] = p.currency.empty() ? json::value(nullptr) : json::value(p.currency);
  product["availability"] = p.availability ? json::value(*p.availability) : json::value(nullptr);
  if (p.rating) {
    product["rating"] = kRatingToken;
  } else {
    product["rating"] = nullptr;
  }
  json::array histogram;
  for (auto v : p.histogram) histogram.push_back(v);
  product["histogram"] = std::move(histogram);
  json::array reviews;
  for (const auto& r : page.reviews) {
    reviews.push_back(json::object{{"stars", r.stars ? json::value(*r.stars) : json::value(nullptr)},
                                   {"title", r.title},
                                   {"text", r.text},
                                   {"lang", r.lang},
                                   {"date", r.date},
                                   {"verified", r.verified ? json::value(*r.verified) : json::value(nullptr)}});
  }
  json::object sources;
  for (const auto& [k, v] : page.sources) sources[k] = v;
  json::object root;
  root["url"] = page.url;
  root["canonical_url"] = page.canonical_url;
  root["site"] = page.site;
  root["is_product"] = page.is_product;
  root["product"] = std::move(product);
  root["reviews"] = std::move(reviews);
  root["sources"] = std::move(sources);
  std::string out = json::serialize(root);
  if (p.rating) {
    const std::string quoted = "\"rating\":" + json::serialize(json::value(kRatingToken));
    const std::string rating = "\"rating\":{\"value\":" + Number(p.rating->value) +
                               ",\"scale\":" + Number(p.rating->scale) +
                               ",\"count\":" + std::to_string(p.rating->count) + "}";
    if (auto pos = out.find(quoted); pos != std::string::npos) out.replace(pos, quoted.size(), rating);
  }
  return out;
}

}  // namespace worthit::analysis
