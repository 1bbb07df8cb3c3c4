// OpenGraph and product: meta tags (og:title, og:type, product:price:amount, og:price:currency,
// product:availability, product:brand, product:retailer_item_id), plus itemprop metas that live
// outside any item (some shops put <meta itemprop="price"> in the head).
#include <algorithm>
#include <map>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {

Partial FromMetaTags(const HtmlDocument& doc, const PageContext&) {
  std::vector<MetaTag> tags;
  for (xmlNode* m : doc.Index().metas) {
    tags.push_back({HtmlDocument::Attr(m, "property"), HtmlDocument::Attr(m, "name"), HtmlDocument::Attr(m, "itemprop"),
                    HtmlDocument::Attr(m, "content")});
  }
  return FromMetaTagList(tags);
}

Partial FromMetaTagList(const std::vector<MetaTag>& tags) {
  Partial p;
  std::map<std::string, std::string> meta;
  for (const MetaTag& m : tags) {
    std::string key = m.property;
    if (key.empty()) key = m.name;
    if (key.empty()) key = m.itemprop;
    if (key.empty()) continue;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    meta.emplace(key, m.content);  // first one wins
  }
  auto get = [&meta](std::initializer_list<const char*> keys) -> std::string {
    for (const char* k : keys) {
      auto it = meta.find(k);
      if (it != meta.end() && !it->second.empty()) return it->second;
    }
    return "";
  };
  const std::string type = get({"og:type"});
  p.says_product = type.find("product") != std::string::npos;
  p.title = get({"og:title", "twitter:title"});
  const std::string price = get({"product:price:amount", "og:price:amount", "product:sale_price:amount"});
  if (!price.empty()) {
    p.price = MachinePrice(price);
    p.says_product = true;
  }
  const std::string currency = get({"product:price:currency", "og:price:currency", "product:sale_price:currency"});
  p.currency = currency.size() == 3 ? currency : CurrencyIn(currency);
  const std::string avail = get({"product:availability", "og:availability"});
  if (!avail.empty()) p.availability = NormaliseAvailability(avail);
  p.brand = get({"product:brand", "og:brand"});
  p.sku = get({"product:retailer_item_id", "product:sku"});
  p.gtin = get({"product:ean", "product:upc", "product:gtin", "product:isbn"});
  p.image = get({"og:image", "twitter:image"});
  return p;
}

}  // namespace worthit::analysis::extract
