// The extraction layers (internal to analysis/extract). Each reads one kind of evidence from a
// parsed page and fills a Partial; PageExtractor merges the partials in precedence order and
// records which layer gave each field.
//
// Layers: jsonld (schema.org JSON-LD), microdata (+ RDFa-lite), meta (OpenGraph, product:),
// amazon, ebay (site adapters), heuristic (visible text near the buy button, h1 title).
// Thread-safety: pure functions over a document owned by the caller.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/extract/html_document.h"
#include "analysis/extract/page_scan.h"
#include "analysis/product.h"

namespace worthit::analysis::extract {

struct Partial {
  std::string title, brand, sku, gtin, currency, image;
  std::optional<std::string> price;
  // The price is an auction's current bid (bids already placed): it beats the generic layers'
  // structured prices, which on auction sites carry the starting price the page was built with.
  bool live_price = false;
  std::optional<std::string> availability;
  std::optional<double> rating_value;
  std::optional<double> rating_scale;
  std::optional<int64_t> rating_count;
  std::vector<int64_t> histogram;
  std::vector<Review> reviews;
  std::map<std::string, std::string> extra;
  // Page-kind evidence.
  int product_items = 0;      // product entities found by this layer
  int listed_products = 0;    // products inside an ItemList / listing markup
  bool says_product = false;  // e.g. og:type=product, a Product entity, a buy box
};

struct PageContext {
  std::string url;
  std::string site;  // "amazon.it", "ebay.com", host
};

Partial FromJsonLd(const HtmlDocument& doc, const PageContext& ctx);
// The same from the raw text of the page's ld+json blocks (a PageScan's, or a tree's).
Partial FromJsonLdBlocks(const std::vector<std::string>& blocks);
Partial FromMicrodata(const HtmlDocument& doc, const PageContext& ctx);
Partial FromMetaTags(const HtmlDocument& doc, const PageContext& ctx);
// The same from the page's <meta content> tags in document order (a PageScan's, or a tree's).
Partial FromMetaTagList(const std::vector<MetaTag>& metas);
Partial FromAmazon(const HtmlDocument& doc, const PageContext& ctx);
Partial FromEbay(const HtmlDocument& doc, const PageContext& ctx);
Partial FromHeuristics(const HtmlDocument& doc, const PageContext& ctx);

// "InStock" / "OutOfStock" from a schema.org availability value or URL, or nullopt.
std::optional<std::string> NormaliseAvailability(std::string_view value);
// A machine-readable price ("1299.99", "1299", 1.2e3 as text) → decimal string; falls back to
// the locale-aware reader for "1.299,99 €".
std::optional<std::string> MachinePrice(std::string_view value);
// Decodes the HTML entities that leak into JSON-LD strings (&amp; &quot; &#39; &#x27; ...).
std::string DecodeEntities(std::string_view s);

}  // namespace worthit::analysis::extract
