#include "analysis/product_json.h"

#include <boost/json.hpp>

namespace worthit::analysis {

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
    product["rating"] =
        json::object{{"value", p.rating->value}, {"scale", p.rating->scale}, {"count", p.rating->count}};
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
  return json::serialize(root);
}

}  // namespace worthit::analysis
