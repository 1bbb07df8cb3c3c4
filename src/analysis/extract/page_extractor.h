// PageExtractor: turns one product page's HTML (UTF-8) into a ProductPage — the public entry of
// analysis/extract. Pure: no I/O, no clock.
//
// Layers, merged field by field in this precedence (first layer with a value wins, and
// ProductPage::sources records it): site adapter ("amazon", "ebay") > "jsonld" > "microdata"
// (incl. RDFa-lite) > "opengraph" > "heuristic". A price and its currency come from the same
// layer when that layer has both. Ratings are rounded to one decimal, as shops display them
// (markup often carries 4.757 where the page shows 4.8).
// Review language: the word-count guess (language.h), else the page's <html lang> or the
// storefront's country for texts too short to tell.
// Page kind: a robot check, a listing (search results, category) or a page without product
// evidence is reported with is_product=false; its fields are whatever was found.
// Cost: pages whose JSON-LD already fixes every field are read with a streaming scan and no tree
// (page_scan.h); the record is the same as the tree path's.
// Thread-safety: ExtractProductPage may run on many threads at once.
// Failure: EXTRACT_UNPARSABLE (permanent) when the input builds no HTML tree (empty, binary).
#pragma once

#include <string>
#include <string_view>

#include "analysis/product.h"
#include "common/result.h"

namespace worthit::analysis::extract {

struct Extraction {
  ProductPage page;           // url, site, is_product, kind, product, reviews, sources filled
  std::string rel_canonical;  // <link rel="canonical" href>, as written (may be relative)
};

// Whether the caller has already run fetch::LooksLikeRobotCheck on these very bytes and it said
// no (the curl fetcher does, FetchedPage::robot_check_passed): the extractor then skips its own
// run of the same check (it reads up to 64 KB of every page up to 200 KB).
enum class RobotCheck { kRun, kAlreadyPassed };

// `url` is the page's URL (for site adapters and relative links); `site` e.g. "amazon.it".
Result<Extraction> ExtractProductPage(std::string_view html_utf8, std::string_view url, std::string_view site,
                                      RobotCheck robot_check = RobotCheck::kRun);

}  // namespace worthit::analysis::extract
