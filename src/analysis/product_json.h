// The JSON form of a ProductPage printed by `worthit analyze --extract-only --json` (and usable
// by anything that logs or stores extraction results). The shape is a public contract:
//   {"url","canonical_url","site","is_product",
//    "product":{"title","brand","sku","gtin","price"(string|null),"currency"(string|null),
//               "availability"("InStock"|"OutOfStock"|null),
//               "rating":{"value","scale","count"}|null,"histogram":[...]},
//    "reviews":[{"stars"(int|null),"title","text","lang","date","verified"(bool|null)}],
//    "sources":{field: layer}}
// Thread-safety: pure.
#pragma once

#include <string>

#include "analysis/product.h"

namespace worthit::analysis {

std::string ProductPageToJson(const ProductPage& page);

}  // namespace worthit::analysis
