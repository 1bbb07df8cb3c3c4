#include "analysis/extract/page_extractor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "analysis/extract/html_document.h"
#include "analysis/extract/language.h"
#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"
#include "analysis/extract/page_scan.h"
#include "analysis/fetch/robot_check.h"

namespace worthit::analysis::extract {
namespace {

struct Layer {
  const char* name;
  Partial data;
};

// Plausible limits: a title longer than this is a page's description leaking in; a review list
// longer than this is not what the page shows at once.
constexpr size_t kMaxTitleBytes = 500;
constexpr size_t kMaxReviews = 100;

bool IsSiteAdapter(std::string_view layer) { return layer == "amazon" || layer == "ebay"; }

double RoundTenth(double v) { return std::round(v * 10.0 + 1e-6) / 10.0; }

// An identifier is one token: "TE502955-1293415 Housse de canapé" (markup around a visible
// reference line) keeps its first word when that word carries a digit.
std::string CleanId(std::string id) {
  const auto space = id.find(' ');
  if (space == std::string::npos) return id;
  const std::string first = id.substr(0, space);
  return std::any_of(first.begin(), first.end(), [](unsigned char c) { return std::isdigit(c); }) ? first : id;
}

// A GTIN is 8, 12, 13 or 14 digits and not a placeholder of zeros.
bool ValidGtin(const std::string& g) {
  if (g.size() != 8 && g.size() != 12 && g.size() != 13 && g.size() != 14) return false;
  if (!std::all_of(g.begin(), g.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
  return g.find_first_not_of('0') != std::string::npos;
}

// The page's own language: <html lang> (`root_lang`), else the storefront's country; "" when
// unknown. Used for reviews too short for the word counts to decide ("Ottimo!", "Top").
std::string PageLanguage(std::string lang, const std::string& site) {
  if (lang.size() >= 2) {
    lang = lang.substr(0, 2);
    for (auto& c : lang) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lang == "it" || lang == "en" || lang == "de" || lang == "fr" || lang == "es") return lang;
  }
  if (site.ends_with(".it")) return "it";
  if (site.ends_with(".de") || site.ends_with(".at")) return "de";
  if (site.ends_with(".fr")) return "fr";
  if (site.ends_with(".es")) return "es";
  if (site.ends_with(".co.uk") || site == "amazon.com" || site == "ebay.com") return "en";
  return "";
}

void Merge(std::vector<Layer>& layers, const std::string& site, const std::string& page_lang, ProductPage& page) {
  Product& out = page.product;
  for (auto& l : layers) {
    l.data.sku = CleanId(std::move(l.data.sku));
    if (!l.data.gtin.empty() && !ValidGtin(l.data.gtin)) l.data.gtin.clear();
  }
  auto pick_string = [&](const char* field, std::string Partial::*member, std::string& dest) {
    for (auto& l : layers) {
      if (!(l.data.*member).empty()) {
        dest = l.data.*member;
        page.sources[field] = l.name;
        return;
      }
    }
  };
  pick_string("title", &Partial::title, out.title);
  if (out.title.size() > kMaxTitleBytes) out.title.resize(kMaxTitleBytes);
  pick_string("brand", &Partial::brand, out.brand);
  pick_string("sku", &Partial::sku, out.sku);
  pick_string("gtin", &Partial::gtin, out.gtin);
  pick_string("image", &Partial::image, out.image);
  Layer* priced = nullptr;
  for (auto& l : layers) {
    if (l.data.price) {
      priced = &l;
      break;
    }
  }
  // An auction's current bid beats a generic layer's structured (starting) price; a site
  // adapter knows its own page's bid box and keeps precedence.
  if (priced && !IsSiteAdapter(priced->name)) {
    for (auto& l : layers) {
      if (l.data.price && l.data.live_price) {
        priced = &l;
        break;
      }
    }
  }
  if (priced) {
    out.price = priced->data.price;
    page.sources["price"] = priced->name;
    if (!priced->data.currency.empty()) {
      out.currency = priced->data.currency;
      page.sources["currency"] = priced->name;
    }
  }
  if (out.price && out.currency.empty()) {
    pick_string("currency", &Partial::currency, out.currency);
    if (out.currency.empty()) {
      out.currency = SiteCurrency(site);
      if (!out.currency.empty()) page.sources["currency"] = "site";
    }
  }
  for (auto& l : layers) {
    if (l.data.availability) {
      out.availability = l.data.availability;
      page.sources["availability"] = l.name;
      break;
    }
  }
  for (auto& l : layers) {
    if (l.data.rating_value && *l.data.rating_value > 0) {
      Rating r;
      r.value = RoundTenth(*l.data.rating_value);
      r.scale = l.data.rating_scale.value_or(5.0);
      page.sources["rating"] = l.name;
      if (l.data.rating_count) {
        r.count = *l.data.rating_count;
      } else {
        for (auto& other : layers) {
          if (other.data.rating_count) {
            r.count = *other.data.rating_count;
            break;
          }
        }
      }
      out.rating = r;
      break;
    }
  }
  for (auto& l : layers) {
    if (!l.data.histogram.empty()) {
      out.histogram = l.data.histogram;
      page.sources["histogram"] = l.name;
      break;
    }
  }
  for (auto& l : layers) {
    if (!l.data.reviews.empty()) {
      page.reviews = std::move(l.data.reviews);
      if (page.reviews.size() > kMaxReviews) page.reviews.resize(kMaxReviews);
      page.sources["reviews"] = l.name;
      break;
    }
  }
  for (auto& l : layers) {
    for (auto& [k, v] : l.data.extra) out.extra.emplace(k, v);
  }
  for (auto& r : page.reviews) {
    if (r.lang.empty()) r.lang = DetectLanguage(r.title + " . " + r.text);
    if (r.lang.empty()) r.lang = page_lang;
  }
}

// Page kind, from the strongest evidence down. `layers` ends with jsonld, microdata, opengraph,
// heuristic; `adapter` is the site adapter's partial (layers.front()) or null.
void SetKind(const std::vector<Layer>& layers, const Partial* adapter, ProductPage& page) {
  const size_t n = layers.size();
  const Partial& jsonld = layers[n - 4].data;
  const Partial& micro = layers[n - 3].data;
  const Partial& meta = layers[n - 2].data;
  const Partial& heur = layers[n - 1].data;
  if (adapter) {
    page.is_product = adapter->says_product || (jsonld.product_items > 0);
  } else if (jsonld.product_items > 0) {
    page.is_product = true;
  } else if (micro.product_items >= 1 && micro.product_items <= 3) {
    page.is_product = true;
  } else if (micro.product_items >= 4 && !micro.title.empty() && micro.title == heur.title) {
    // Many product items (related products, reviewed items) but the page's heading is the first
    // one's name: a product page with busy markup, not a listing.
    page.is_product = true;
  } else if (meta.says_product) {
    page.is_product = true;
  } else if (micro.product_items == 0 && jsonld.listed_products == 0 && heur.says_product && heur.price &&
             !heur.title.empty()) {
    page.is_product = true;
  }
  if (page.is_product) {
    page.kind = "product";
  } else if (jsonld.listed_products >= 2 || micro.product_items >= 4) {
    page.kind = "listing";
  } else {
    page.kind = "not_product";
  }
}

// Raw-byte signs that a page's JSON-LD may give every field (a product with a rating and
// reviews, no microdata). Without them the scan cannot end in the fast path, so the page goes straight to the
// tree; a page they let through needlessly costs one scan (about 40 % of a tree parse).
bool WorthScanning(std::string_view html) {
  auto has = [html](std::string_view needle) {  // memmem: a vectorised search, unlike find()
    return memmem(html.data(), html.size(), needle.data(), needle.size()) != nullptr;
  };
  // Microdata next to JSON-LD seldom leaves JSON-LD alone complete enough: such pages go
  // straight to the tree.
  return has("ld+json") && has("ratingValue") && has("review") && !has("itemscope");
}

// Whether the layers that need the tree (microdata, heuristic) cannot change the record of a
// page without a site adapter, given its scanned JSON-LD and meta layers:
//  - no bid count a live auction price could hang on; product evidence from JSON-LD or
//    OpenGraph (so the page kind does not depend on them);
//  - every field the heuristic layer fills already set ahead of it: title, price and currency,
//    availability, rating with its count; reviews from JSON-LD, or none anywhere (no
//    data-review-rating attribute, no microdata);
//  - no microdata or RDFa on the page, or JSON-LD alone sets everything microdata could (it
//    ranks before OpenGraph): title, price, currency, availability, brand, sku, a valid gtin,
//    image, reviews. Extra and histogram come from site adapters only.
bool TreeLayersCanAddNothing(const PageScan& scan, const Partial& jsonld, const Partial& meta) {
  if (scan.mentions_bids) return false;
  if (jsonld.product_items == 0 && !meta.says_product) return false;
  if (jsonld.title.empty() && meta.title.empty()) return false;
  if (!jsonld.price && !meta.price) return false;
  if (jsonld.currency.empty() && meta.currency.empty()) return false;
  if (!jsonld.availability && !meta.availability) return false;
  if (!jsonld.rating_value || *jsonld.rating_value <= 0 || !jsonld.rating_count) return false;
  if (jsonld.reviews.empty() && (scan.has_review_rating_attr || scan.has_microdata)) return false;
  if (scan.has_microdata) {
    // Microdata ranks after JSON-LD and before OpenGraph: JSON-LD alone must fix every field.
    if (jsonld.product_items == 0 || jsonld.title.empty() || !jsonld.price || jsonld.currency.empty() ||
        !jsonld.availability || jsonld.brand.empty() || jsonld.sku.empty() || jsonld.image.empty() ||
        !ValidGtin(jsonld.gtin) || jsonld.reviews.empty()) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Extraction> ExtractProductPage(std::string_view html_utf8, std::string_view url, std::string_view site,
                                      RobotCheck robot_check) {
  Extraction result;
  ProductPage& page = result.page;
  page.url = std::string(url);
  page.site = std::string(site);
  if (robot_check == RobotCheck::kRun && fetch::LooksLikeRobotCheck(html_utf8)) {
    page.kind = "robot_check";
    return result;
  }
  PageContext ctx{page.url, page.site};
  const bool amazon = site.starts_with("amazon.");
  const bool ebay = site.starts_with("ebay.");

  // Fast path: a streaming scan (no tree) gives the JSON-LD and meta layers; when they already
  // fix every field the tree-based layers could fill, the tree is never built. The record is
  // the same either way (the merge below is the same code over the same layer values).
  std::optional<Partial> scanned_jsonld, scanned_meta;
  if (!amazon && !ebay && WorthScanning(html_utf8)) {
    if (auto scan = ScanPage(html_utf8)) {
      scanned_jsonld = FromJsonLdBlocks(scan->ldjson);
      scanned_meta = FromMetaTagList(scan->metas);
      if (TreeLayersCanAddNothing(*scan, *scanned_jsonld, *scanned_meta)) {
        result.rel_canonical = std::move(scan->canonical);
        std::vector<Layer> layers;
        layers.push_back({"jsonld", std::move(*scanned_jsonld)});
        layers.push_back({"microdata", Partial{}});  // no itemscope/typeof on the page
        layers.push_back({"opengraph", std::move(*scanned_meta)});
        layers.push_back({"heuristic", Partial{}});  // nothing it fills is still open
        SetKind(layers, nullptr, page);
        Merge(layers, page.site, PageLanguage(scan->root_lang, page.site), page);
        return result;
      }
    }
  }

  auto doc = HtmlDocument::Parse(html_utf8);
  if (!doc) return Error::Permanent("EXTRACT_UNPARSABLE", "no HTML document in the input");
  result.rel_canonical = doc->Canonical();

  std::vector<Layer> layers;
  if (amazon) layers.push_back({"amazon", FromAmazon(*doc, ctx)});
  if (ebay) layers.push_back({"ebay", FromEbay(*doc, ctx)});
  layers.push_back({"jsonld", scanned_jsonld ? std::move(*scanned_jsonld) : FromJsonLd(*doc, ctx)});
  layers.push_back({"microdata", FromMicrodata(*doc, ctx)});
  layers.push_back({"opengraph", scanned_meta ? std::move(*scanned_meta) : FromMetaTags(*doc, ctx)});
  // The heuristic layer always runs for the buy-button signal; its price is used only when no
  // structured layer had one (Merge's precedence guarantees that).
  layers.push_back({"heuristic", FromHeuristics(*doc, ctx)});
  SetKind(layers, (amazon || ebay) ? &layers.front().data : nullptr, page);
  // A visible-text price on a page with no buy button and no product markup is more often a
  // banner's or a teaser's than the product's: better no price than a wrong one.
  if (!page.is_product && !layers.back().data.says_product) layers.back().data.price.reset();
  const std::string lang = doc->Root() ? HtmlDocument::Attr(doc->Root(), "lang") : "";
  Merge(layers, page.site, PageLanguage(lang, page.site), page);
  return result;
}

}  // namespace worthit::analysis::extract
