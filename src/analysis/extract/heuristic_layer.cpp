// Visible-text heuristics for pages without structured data: the title from <h1> (or <title>),
// the price from the price-labelled element nearest the buy button that is not a crossed-out,
// "was", per-unit, shipping or carousel price, and availability from the buy button itself.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <unordered_map>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"
#include "analysis/extract/page_scan.h"

namespace worthit::analysis::extract {
namespace {

// Ancestors looked at when deciding whether a price sits in a carousel or a crossed-out block;
// product markup rarely nests a price deeper than this under its container.
constexpr int kAncestorDepth = 12;
// A price element's text is short ("€ 1.299,99", "Now £49.00"); long text is a paragraph that
// merely mentions a price.
constexpr size_t kMaxPriceTextBytes = 60;
// An auction's bid box: the current bid and the bid count sit within two levels of each other,
// in a few words ("$200 2 bids"); longer text is a lot description that mentions bidding.
constexpr int kBidBoxDepth = 2;
constexpr size_t kMaxBidBoxBytes = 120;

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
  // "price-old-live" on some shops is the live price, so "old" alone is not enough.
  return ContainsAny(labels, {"old-price",   "priceold", "oldprice",   "old_price", "price-was",   "was-price",
                              "strike",      "regular",  "list-price", "listprice", "list_price",  "compare",
                              "before",      "original", "rrp",        "uvp",       "previous",    "save",
                              "saving",      "discount", "shipping",   "delivery",  "unit",        "per-",
                              "installment", "monthly",  "crossed",    "reduction", "percent",     "barred",
                              "full-price",  "initial",  "tax-live",   "notax",     "without-tax", "excl"});
}

bool InOtherProducts(const std::string& labels) {
  return ContainsAny(labels, {"related", "recommend", "carousel", "similar", "upsell", "cross-sell", "crosssell",
                              "recent", "also", "accessor", "bundle"});
}

// What a node's labels (class, id, data-testid) say, computed once per node: a price
// element's ancestors are shared by many candidates (every card of a related-products grid).
struct LabelFlags {
  bool not_the_price = false;
  bool other_products = false;
};

class LabelCache {
 public:
  const LabelFlags& Of(const xmlNode* n) {
    auto [it, inserted] = flags_.try_emplace(n);
    if (inserted) {
      const std::string labels = Labels(n);
      it->second.not_the_price = NotThePrice(labels);
      it->second.other_products = InOtherProducts(labels);
    }
    return it->second;
  }

 private:
  std::unordered_map<const xmlNode*, LabelFlags> flags_;
};

bool Excluded(const xmlNode* n, LabelCache& cache) {
  if (cache.Of(n).not_the_price) return true;
  int depth = 0;
  for (const xmlNode* a = n->parent; a && a->type == XML_ELEMENT_NODE && depth < kAncestorDepth;
       a = a->parent, ++depth) {
    const auto name = HtmlDocument::Name(a);
    if (name == "del" || name == "s" || name == "strike" || name == "option" || name == "script") return true;
    const LabelFlags& flags = cache.Of(a);
    if (flags.other_products) return true;
    if (depth < 2 && flags.not_the_price) return true;
  }
  const auto name = HtmlDocument::Name(n);
  return name == "del" || name == "s" || name == "strike" || name == "script" || name == "style" || name == "option";
}

// Visible text of a price element without its struck-through parts ("<s>49 890</s> 44 890").
void AppendUnstruck(const xmlNode* n, std::string& out, LabelCache& cache) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE && c->content) {
      out += reinterpret_cast<const char*>(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      const auto name = HtmlDocument::Name(c);
      if (name == "s" || name == "del" || name == "strike" || name == "script" || name == "style" ||
          cache.Of(c).not_the_price) {
        continue;
      }
      out += ' ';
      AppendUnstruck(c, out, cache);
    }
  }
}

// Bids already placed, as an auction's bid box counts them next to the current bid: "2 bids",
// "1 bid", "3 Gebote", "5 enchères", "4 pujas", "7 puntate" (kBidWords, page_scan.h); 0 when the
// text has no such count. Only words that mean a bid: "offerte"/"ofertas" also mean a shop's
// deals and stay out.
int BidCount(const std::string& text) {
  const std::string lower = Lower(text);
  for (std::string_view word : kBidWords) {
    for (size_t pos = lower.find(word); pos != std::string::npos; pos = lower.find(word, pos + 1)) {
      const size_t end = pos + word.size();
      if (end < lower.size() && std::isalpha(static_cast<unsigned char>(lower[end]))) continue;  // "bidding"
      size_t d = pos;
      while (d > 0 && lower[d - 1] == ' ') --d;
      size_t start = d;
      while (start > 0 && std::isdigit(static_cast<unsigned char>(lower[start - 1]))) --start;
      if (start == d || d - start > 6) continue;
      if (start > 0 && (std::isalpha(static_cast<unsigned char>(lower[start - 1])) || lower[start - 1] == '.' ||
                        lower[start - 1] == ',')) {
        continue;  // part of a word or of a price ("1,5 bids" is not a count)
      }
      const int n = std::atoi(lower.c_str() + start);
      if (n > 0) return n;
    }
  }
  return 0;
}

}  // namespace

Partial FromHeuristics(const HtmlDocument& doc, const PageContext& ctx) {
  Partial p;
  const DocumentIndex& index = doc.Index();
  for (xmlNode* h1 : index.h1) {
    std::string t = HtmlDocument::Text(h1);
    if (!t.empty() && t.size() < 400) {
      p.title = std::move(t);
      break;
    }
  }
  if (p.title.empty()) {
    std::string t = index.title ? HtmlDocument::Text(index.title) : std::string();
    for (std::string_view sep : {" | ", " - ", " – ", " :: "}) {
      if (auto pos = t.find(sep); pos != std::string::npos && pos > 0) t = t.substr(0, pos);
    }
    p.title = t;
  }
  // The buy button: shops in many languages.
  xmlNode* button = nullptr;
  // Buttons and inputs by their text; any element whose class/id names a cart or a buy action.
  int button_order = 0;
  for (const auto& item : index.buttons) {
    xmlNode* b = item.node;
    std::string visible = HtmlDocument::Text(b);
    if (visible.size() > 80) continue;  // a whole cart widget or a product grid, not a button
    const std::string text =
        Lower(visible + " " + HtmlDocument::Attr(b, "value") + " " + HtmlDocument::Attr(b, "title") + " " +
              HtmlDocument::Attr(b, "aria-label") + " " + Labels(b) + " " + HtmlDocument::Attr(b, "name"));
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
                           "buynow",
                           "aggiungi al carrello",
                           "acquista",
                           "in den warenkorb",
                           "warenkorb",
                           "ajouter au panier",
                           "añadir a la cesta",
                           "añadir al carrito",
                           "comprar",
                           "kaufen",
                           "do koszyka",
                           "în coș",
                           "adaugă în coș",
                           "в корзину",
                           "В корзину",
                           "купить",
                           "Купить",
                           "kosárba",
                           "košík",
                           "v košarico",
                           "u košaricu",
                           "ostukorvi",
                           "do košíka",
                           "dodaj do",
                           "aa_buy",
                           "btn-cart",
                           "button-cart",
                           "cart-button",
                           "buy-button",
                           "buy_btn",
                           "kupi",
                           "koupit",
                           "btn_buy",
                           "btn-buy",
                           "buybutton",
                           "koszyk",
                           "košaric",
                           "kosaric",
                           "lisää ostoskoriin",
                           "in winkelwagen",
                           "adicionar ao carrinho",
                           "legg i handlekurv",
                           "lägg i varukorg"})) {
      button = b;
      button_order = item.order;
      break;
    }
  }
  if (button) {
    p.says_product = true;
    p.availability = "InStock";
  }
  // Price-labelled elements that are not excluded, with their visible (unstruck) text, read once
  // for both searches below.
  struct Candidate {
    xmlNode* node;
    int order;
    std::string visible;  // collapsed text without struck-through parts
  };
  LabelCache labels;
  std::vector<Candidate> candidates;
  for (const auto& item : index.price_like) {
    if (Excluded(item.node, labels)) continue;
    std::string raw;
    AppendUnstruck(item.node, raw, labels);
    candidates.push_back({item.node, item.order, CollapseSpace(raw)});
  }
  int best_distance = INT_MAX;
  bool best_has_currency = false;
  for (const auto& [n, order, visible] : candidates) {
    std::string text = visible;
    if (text.empty()) text = HtmlDocument::Attr(n, "content");
    if (text.empty() || text.size() > kMaxPriceTextBytes) continue;
    auto money = ParseMoney(text);
    if (!money || money->amount == "0") continue;
    const bool has_currency = !money->currency.empty();
    const int distance = button ? std::abs(order - button_order) : 0;
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
  // An auction's live price: the price element whose bid box (its parent or grandparent, short
  // text) counts the bids placed ("$200 · 2 bids"). Once bids are in, a structured Offer's price
  // is the starting price, which nobody can buy at any more; the first such box in document
  // order is the lot's own (related lots come after it).
  for (const auto& [n, order, text] : candidates) {
    if (text.empty() || text.size() > kMaxPriceTextBytes) continue;
    auto money = ParseMoney(text);
    if (!money || money->amount == "0" || money->currency.empty()) continue;
    int depth = 0;
    bool found = false;
    for (const xmlNode* a = n->parent; a && a->type == XML_ELEMENT_NODE && depth < kBidBoxDepth;
         a = a->parent, ++depth) {
      const std::string box = HtmlDocument::Text(a);
      if (box.size() > kMaxBidBoxBytes) break;
      if (BidCount(box) > 0) {
        found = true;
        break;
      }
    }
    if (found) {
      p.price = MachinePrice(money->amount);
      p.currency = CurrencyIn(text, ctx.site);
      p.live_price = p.price.has_value();
      break;
    }
  }
  // Review lists that carry their stars in a data attribute (data-review-rating="5").
  for (xmlNode* n : index.review_rating_attr) {
    Review r;
    const auto stars = ParseDecimal(HtmlDocument::Attr(n, "data-review-rating"));
    if (!stars) continue;
    r.stars = static_cast<int>(std::lround(std::stod(*stars)));
    if (*r.stars < 1 || *r.stars > 5) continue;
    r.title = doc.TextOf(".//*[self::h3 or self::h4 or contains(@class,'title')]", n);
    r.text = doc.TextOf(".//*[contains(@class,'text') or contains(@class,'body') or contains(@class,'content')]", n);
    const std::string date = HtmlDocument::Attr(n, "data-review-creationdate");
    if (date.size() >= 10 && date[4] == '-' && date[7] == '-') r.date = date.substr(0, 10);
    if (!r.text.empty()) p.reviews.push_back(std::move(r));
  }
  // A rating summary without markup: "4.6 / 5" and "Average rating from 64 reviews" in elements
  // named like ratings. Only an explicit scale counts, so a lone "4" is not taken for a rating.
  static const std::regex kCount(
      R"((\d[\d.,' ]*)\s*(?:reviews|ratings|recensioni|voti|valutazioni|bewertungen|rezensionen|avis|évaluations|opiniones|valoraciones|opinie))",
      std::regex::icase);
  for (xmlNode* n : index.rating_like) {
    const std::string t = HtmlDocument::Text(n);
    if (t.empty() || t.size() > 80) continue;
    if (!p.rating_value) {
      auto r = ParseRatingText(t);
      if (r && r->explicit_scale && r->value > 0) {
        p.rating_value = r->value;
        p.rating_scale = r->scale;
      }
    }
    if (!p.rating_count) {
      std::smatch m;
      if (std::regex_search(t, m, kCount)) p.rating_count = ParseCount(m[1].str());
    }
    if (p.rating_value && p.rating_count) break;
  }
  if (!p.rating_value) p.rating_count.reset();
  for (xmlNode* n : index.stock_like) {
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
