// Visible-text heuristics for pages without structured data: the title from <h1> (or <title>),
// the price from the price-labelled element nearest the buy button that is not a crossed-out,
// "was", per-unit, shipping or carousel price, and availability from the buy button itself.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <unordered_map>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

// Ancestors looked at when deciding whether a price sits in a carousel or a crossed-out block;
// product markup rarely nests a price deeper than this under its container.
constexpr int kAncestorDepth = 12;
// A price element's text is short ("€ 1.299,99", "Now £49.00"); long text is a paragraph that
// merely mentions a price.
constexpr size_t kMaxPriceTextBytes = 60;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool ContainsAny(const std::string& s, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&s](std::string_view n) { return s.find(n) != std::string::npos; });
}

std::string Labels(const xmlNode* n) {
  return Lower(HtmlDocument::Attr(n, "class") + " " + HtmlDocument::Attr(n, "id") + " " +
               HtmlDocument::Attr(n, "data-testid"));
}

bool NotThePrice(const std::string& labels) {
  return ContainsAny(labels, {"old",  "was",  "strike",      "regular", "list",    "compare",   "before",   "original",
                              "rrp",  "uvp",  "previous",    "save",    "saving",  "discount",  "shipping", "delivery",
                              "unit", "per-", "installment", "monthly", "crossed", "reduction", "percent"});
}

bool InOtherProducts(const std::string& labels) {
  return ContainsAny(labels, {"related", "recommend", "carousel", "similar", "upsell", "cross-sell", "crosssell",
                              "recent", "also", "slider", "swiper", "accessor", "bundle"});
}

bool Excluded(const xmlNode* n) {
  if (NotThePrice(Labels(n))) return true;
  int depth = 0;
  for (const xmlNode* a = n->parent; a && a->type == XML_ELEMENT_NODE && depth < kAncestorDepth;
       a = a->parent, ++depth) {
    const auto name = HtmlDocument::Name(a);
    if (name == "del" || name == "s" || name == "strike" || name == "option" || name == "script") return true;
    const std::string labels = Labels(a);
    if (InOtherProducts(labels)) return true;
    if (depth < 2 && NotThePrice(labels)) return true;
  }
  const auto name = HtmlDocument::Name(n);
  return name == "del" || name == "s" || name == "strike" || name == "script" || name == "style" || name == "option";
}

}  // namespace

Partial FromHeuristics(const HtmlDocument& doc, const PageContext& ctx) {
  Partial p;
  for (xmlNode* h1 : doc.Select("//h1")) {
    std::string t = HtmlDocument::Text(h1);
    if (!t.empty() && t.size() < 400) {
      p.title = std::move(t);
      break;
    }
  }
  if (p.title.empty()) {
    std::string t = doc.TextOf("//title");
    for (std::string_view sep : {" | ", " - ", " – ", " :: "}) {
      if (auto pos = t.find(sep); pos != std::string::npos && pos > 0) t = t.substr(0, pos);
    }
    p.title = t;
  }
  // The buy button: shops in many languages.
  xmlNode* button = nullptr;
  for (xmlNode* b : doc.Select("//button | //input[@type='submit' or @type='button'] | "
                               "//a[contains(translate(@class,'CART','cart'),'cart')]")) {
    const std::string text = Lower(HtmlDocument::Text(b) + " " + HtmlDocument::Attr(b, "value") + " " + Labels(b) +
                                   " " + HtmlDocument::Attr(b, "name"));
    if (ContainsAny(text, {"add to cart",
                           "add to bag",
                           "add to basket",
                           "add-to-cart",
                           "addtocart",
                           "add_to_cart",
                           "addtobasket",
                           "add-to-basket",
                           "buy now",
                           "buy-now",
                           "aggiungi al carrello",
                           "acquista",
                           "in den warenkorb",
                           "warenkorb",
                           "ajouter au panier",
                           "panier",
                           "añadir a la cesta",
                           "añadir al carrito",
                           "comprar",
                           "kaufen",
                           "do koszyka",
                           "în coș",
                           "adaugă în coș",
                           "в корзину",
                           "kosárba",
                           "košík",
                           "v košarico",
                           "ostukorvi",
                           "do košíka",
                           "dodaj do"})) {
      button = b;
      break;
    }
  }
  if (button) {
    p.says_product = true;
    p.availability = "InStock";
  }
  std::vector<xmlNode*> candidates;
  for (xmlNode* n : doc.Select("//*[contains(translate(@class,'PRICE','price'),'price') or "
                               "contains(translate(@id,'PRICE','price'),'price') or @itemprop='price' or "
                               "contains(@data-testid,'price')]")) {
    if (Excluded(n)) continue;
    candidates.push_back(n);
  }
  // Document order of every element, to measure the distance between a price and the button.
  std::unordered_map<const xmlNode*, int> order;
  if (button && !candidates.empty()) {
    int i = 0;
    std::vector<xmlNode*> stack{doc.Root()};
    while (!stack.empty()) {
      xmlNode* n = stack.back();
      stack.pop_back();
      if (n == nullptr) continue;
      order[n] = i++;
      std::vector<xmlNode*> kids;
      for (xmlNode* c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) kids.push_back(c);
      }
      stack.insert(stack.end(), kids.rbegin(), kids.rend());
    }
  }
  int best_distance = INT_MAX;
  bool best_has_currency = false;
  for (xmlNode* n : candidates) {
    std::string text = HtmlDocument::Text(n);
    if (text.empty()) text = HtmlDocument::Attr(n, "content");
    if (text.empty() || text.size() > kMaxPriceTextBytes) continue;
    auto money = ParseMoney(text);
    if (!money || money->amount == "0") continue;
    const bool has_currency = !money->currency.empty();
    const int distance = button ? std::abs(order[n] - order[button]) : 0;
    const bool better = !p.price || (has_currency && !best_has_currency) ||
                        (has_currency == best_has_currency && distance < best_distance);
    if (better) {
      p.price = MachinePrice(money->amount);
      p.currency = money->currency.empty() ? SiteCurrency(ctx.site) : CurrencyIn(text, ctx.site);
      best_distance = distance;
      best_has_currency = has_currency;
      if (!button && has_currency) break;  // first labelled price in document order
    }
  }
  for (xmlNode* n : doc.Select("//*[contains(@class,'stock') or contains(@class,'availability') or "
                               "contains(@id,'availability') or contains(@id,'stock')]")) {
    const std::string t = Lower(HtmlDocument::Text(n));
    if (t.size() > 80) continue;
    if (ContainsAny(t, {"out of stock", "sold out", "esaurito", "non disponibile", "ausverkauft", "nicht verfügbar",
                        "épuisé", "rupture", "agotado", "unavailable"})) {
      p.availability = "OutOfStock";
      break;
    }
  }
  return p;
}

}  // namespace worthit::analysis::extract
