// schema.org microdata (itemscope/itemtype/itemprop) and RDFa-lite (vocab/typeof/property):
// the same vocabulary in attributes. Properties belong to their nearest enclosing item, so a
// related product's price inside the main product's markup does not leak into it.
#include <cmath>
#include <map>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

struct Syntax {
  const char* prop;   // "itemprop" | "property"
  const char* scope;  // "itemscope" | "typeof"
  const char* type;   // "itemtype" | "typeof"
};
constexpr Syntax kMicrodata{"itemprop", "itemscope", "itemtype"};
constexpr Syntax kRdfa{"property", "typeof", "typeof"};

// Bound on properties collected per item; markup of a product page has a few dozen.
constexpr size_t kMaxProps = 2000;

std::string LastSegment(std::string_view s) {
  const auto p = s.find_last_of("/:#");
  return std::string(p == std::string_view::npos ? s : s.substr(p + 1));
}

bool IsScope(const xmlNode* n, const Syntax& syn) { return HtmlDocument::HasAttr(n, syn.scope); }

std::string TypeOf(const xmlNode* n, const Syntax& syn) {
  std::string t = HtmlDocument::Attr(n, syn.type);
  // itemtype may list several URLs; the first product-like wins.
  std::string out;
  size_t pos = 0;
  while (pos <= t.size()) {
    size_t end = t.find(' ', pos);
    if (end == std::string::npos) end = t.size();
    std::string seg = LastSegment(std::string_view(t).substr(pos, end - pos));
    if (out.empty() || seg == "Product") out = seg;
    pos = end + 1;
  }
  return out;
}

bool IsProduct(const std::string& type) {
  return type == "Product" || type == "ProductGroup" || type == "IndividualProduct" || type == "ProductModel" ||
         type == "Book" || type == "Vehicle" || type == "Car";
}

using Props = std::multimap<std::string, xmlNode*>;

// Properties of the item `scope` (not descending into nested items, which own their props).
void CollectProps(xmlNode* node, const Syntax& syn, Props& out) {
  for (xmlNode* c = node->children; c != nullptr && out.size() < kMaxProps; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string props = HtmlDocument::Attr(c, syn.prop);
    if (!props.empty()) {
      size_t pos = 0;
      while (pos <= props.size()) {
        size_t end = props.find(' ', pos);
        if (end == std::string::npos) end = props.size();
        if (end > pos) out.emplace(LastSegment(std::string_view(props).substr(pos, end - pos)), c);
        pos = end + 1;
      }
    }
    if (!IsScope(c, syn)) CollectProps(c, syn, out);
  }
}

std::string Value(const xmlNode* n) {
  for (const char* attr : {"content", "datetime", "value"}) {
    if (HtmlDocument::HasAttr(n, attr)) return HtmlDocument::Attr(n, attr);
  }
  const auto name = HtmlDocument::Name(n);
  if (name == "a" || name == "link") return HtmlDocument::Attr(n, "href");
  if (name == "img") return HtmlDocument::Attr(n, "src");
  return HtmlDocument::Text(n);
}

xmlNode* FirstProp(const Props& props, const std::string& name) {
  auto it = props.find(name);
  return it == props.end() ? nullptr : it->second;
}

std::string PropText(const Props& props, const std::string& name, const Syntax& syn) {
  xmlNode* n = FirstProp(props, name);
  if (n == nullptr) return "";
  if (IsScope(n, syn)) {  // brand as a nested Brand/Organization item
    Props nested;
    CollectProps(n, syn, nested);
    if (xmlNode* nm = FirstProp(nested, "name")) return Value(nm);
    return "";
  }
  return Value(n);
}

std::optional<double> PropNumber(const Props& props, const std::string& name) {
  xmlNode* n = FirstProp(props, name);
  if (n == nullptr) return std::nullopt;
  auto d = ParseDecimal(Value(n));
  if (!d) return std::nullopt;
  return std::stod(*d);
}

void ReadItem(xmlNode* item, const Syntax& syn, Partial& p) {
  Props props;
  CollectProps(item, syn, props);
  if (p.title.empty()) p.title = PropText(props, "name", syn);
  if (p.brand.empty()) p.brand = PropText(props, "brand", syn);
  if (p.sku.empty()) p.sku = PropText(props, "sku", syn);
  if (p.sku.empty()) p.sku = PropText(props, "productID", syn);
  for (const char* k : {"gtin13", "gtin", "gtin12", "gtin14", "gtin8", "isbn"}) {
    if (!p.gtin.empty()) break;
    p.gtin = PropText(props, k, syn);
  }
  if (p.image.empty()) p.image = PropText(props, "image", syn);
  // Offers: nested items (or plain props on the product in older markup).
  std::vector<Props> offer_props;
  for (auto [it, end] = props.equal_range("offers"); it != end; ++it) {
    Props o;
    CollectProps(it->second, syn, o);
    offer_props.push_back(std::move(o));
  }
  offer_props.push_back(props);
  // Several offers of the main item: the lowest price is what the buyer pays (the others are
  // list prices or other sellers; shops mark the struck-through one up as an Offer too).
  std::optional<std::string> lowest;
  std::string lowest_currency;
  for (const auto& o : offer_props) {
    for (const char* k : {"price", "lowPrice"}) {
      xmlNode* n = FirstProp(o, k);
      if (n == nullptr || !(HtmlDocument::HasAttr(n, "content") || HtmlDocument::HasAttr(n, "value"))) continue;
      auto v = MachinePrice(Value(n));
      if (v && (!lowest || std::stod(*v) < std::stod(*lowest))) {
        lowest = v;
        lowest_currency = PropText(o, "priceCurrency", syn);
      }
      break;
    }
  }
  if (offer_props.size() > 2 && lowest && !p.price) {
    p.price = lowest;
    if (p.currency.empty()) p.currency = lowest_currency.size() == 3 ? lowest_currency : CurrencyIn(lowest_currency);
  }
  for (const auto& o : offer_props) {
    if (!p.price) {
      for (const char* k : {"price", "lowPrice"}) {
        if (xmlNode* n = FirstProp(o, k)) {
          const bool machine = HtmlDocument::HasAttr(n, "content") || HtmlDocument::HasAttr(n, "value");
          const std::string v = Value(n);
          p.price = machine ? MachinePrice(v) : [&]() -> std::optional<std::string> {
            auto m = ParseMoney(v);
            if (!m) return std::nullopt;
            if (p.currency.empty()) p.currency = m->currency;
            return MachinePrice(m->amount);
          }();
          if (p.price) break;
        }
      }
    }
    if (p.currency.empty()) {
      const std::string c = PropText(o, "priceCurrency", syn);
      p.currency = c.size() == 3 ? c : CurrencyIn(c);
    }
    if (!p.availability) {
      if (xmlNode* n = FirstProp(o, "availability")) {
        p.availability = NormaliseAvailability(Value(n));
        if (!p.availability) p.availability = NormaliseAvailability(HtmlDocument::Attr(n, "href"));
      }
    }
  }
  if (xmlNode* ar = FirstProp(props, "aggregateRating"); ar && !p.rating_value) {
    Props a;
    CollectProps(ar, syn, a);
    p.rating_value = PropNumber(a, "ratingValue");
    if (p.rating_value) {
      auto best = PropNumber(a, "bestRating");
      p.rating_scale = best && *best > 0 ? *best : 5.0;
      auto count = PropNumber(a, "ratingCount");
      if (!count) count = PropNumber(a, "reviewCount");
      if (count) p.rating_count = static_cast<int64_t>(*count);
    }
  }
  if (p.reviews.empty()) {
    for (auto [it, end] = props.equal_range("review"); it != end; ++it) {
      Props r;
      CollectProps(it->second, syn, r);
      Review review;
      if (xmlNode* rr = FirstProp(r, "reviewRating")) {
        Props rating;
        CollectProps(rr, syn, rating);
        auto v = PropNumber(rating, "ratingValue");
        auto best = PropNumber(rating, "bestRating");
        if (v) review.stars = static_cast<int>(std::lround(*v * 5.0 / (best && *best > 0 ? *best : 5.0)));
      }
      review.title = PropText(r, "name", syn);
      review.text = PropText(r, "reviewBody", syn);
      if (review.text.empty()) review.text = PropText(r, "description", syn);
      const std::string date = PropText(r, "datePublished", syn);
      if (date.size() >= 10 && date[4] == '-' && date[7] == '-') review.date = date.substr(0, 10);
      if (!review.text.empty() || review.stars) p.reviews.push_back(std::move(review));
    }
  }
}

// Reviews marked up as items of their own next to the product (not nested in it).
void ReadLooseReviews(const HtmlDocument& doc, Partial& p) {
  for (xmlNode* item : doc.Index().itemscopes) {
    if (HtmlDocument::Attr(item, "itemtype").find("schema.org/Review") == std::string::npos) continue;
    bool nested = false;
    for (xmlNode* a = item->parent; a != nullptr && a->type == XML_ELEMENT_NODE; a = a->parent) {
      if (IsScope(a, kMicrodata)) {
        const std::string t = TypeOf(a, kMicrodata);
        if (t == "Review" || IsProduct(t)) nested = true;
      }
    }
    if (nested) continue;
    Props r;
    CollectProps(item, kMicrodata, r);
    Review review;
    if (xmlNode* rr = FirstProp(r, "reviewRating")) {
      Props rating;
      CollectProps(rr, kMicrodata, rating);
      auto v = PropNumber(rating, "ratingValue");
      auto best = PropNumber(rating, "bestRating");
      if (v) review.stars = static_cast<int>(std::lround(*v * 5.0 / (best && *best > 0 ? *best : 5.0)));
    }
    review.title = PropText(r, "name", kMicrodata);
    review.text = PropText(r, "reviewBody", kMicrodata);
    if (review.text.empty()) review.text = PropText(r, "description", kMicrodata);
    const std::string date = PropText(r, "datePublished", kMicrodata);
    if (date.size() >= 10 && date[4] == '-' && date[7] == '-') review.date = date.substr(0, 10);
    if (!review.text.empty() && review.stars) p.reviews.push_back(std::move(review));
  }
}

void ReadSyntax(const Syntax& syn, const std::vector<xmlNode*>& items, Partial& p) {
  xmlNode* main = nullptr;
  for (xmlNode* item : items) {
    if (!IsProduct(TypeOf(item, syn))) continue;
    // Nested in another product item (a variant or an accessory): not a page-level product.
    bool nested = false;
    for (xmlNode* a = item->parent; a != nullptr && a->type == XML_ELEMENT_NODE; a = a->parent) {
      if (IsScope(a, syn) && IsProduct(TypeOf(a, syn))) {
        nested = true;
        break;
      }
    }
    if (nested) continue;
    ++p.product_items;
    if (main == nullptr) main = item;
  }
  if (main == nullptr) return;
  p.says_product = true;
  ReadItem(main, syn, p);
}

}  // namespace

Partial FromMicrodata(const HtmlDocument& doc, const PageContext&) {
  Partial p;
  ReadSyntax(kMicrodata, doc.Index().itemscopes, p);
  if (!p.says_product) ReadSyntax(kRdfa, doc.Index().typeofs, p);
  if (p.reviews.empty()) ReadLooseReviews(doc, p);
  // Many product items on one page and nothing else: a listing, not a product page.
  if (p.product_items >= 4) {
    p.listed_products = p.product_items;
  }
  return p;
}

}  // namespace worthit::analysis::extract
