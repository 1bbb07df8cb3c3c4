// Amazon product pages, every storefront: title, the buy-box price (never a carousel's, a
// "list price", a per-unit price or another seller's offer), currency, availability, average
// rating and count, the star histogram, and the reviews shown on the page.
#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"
#include "analysis/extract/review_dates.h"

namespace worthit::analysis::extract {
namespace {

// Buy-box price locations, most specific first (layouts from 2019 to 2024).
constexpr const char* kPriceXPaths[] = {
    "//*[@id='corePriceDisplay_desktop_feature_div']//span[contains(@class,'priceToPay')]//span[@class='a-offscreen']",
    "//*[@id='corePrice_feature_div']//span[@class='a-offscreen']",
    "//*[@id='corePriceDisplay_desktop_feature_div']//span[@class='a-offscreen']",
    "//*[@id='corePrice_desktop']//span[contains(@class,'apexPriceToPay')]//span[@class='a-offscreen']",
    // Layouts whose a-offscreen copy is empty: the visible whole + fraction + symbol.
    "//*[@id='corePriceDisplay_desktop_feature_div']//span[contains(@class,'priceToPay')]/span[@aria-hidden='true']",
    "//*[@id='priceblock_dealprice']",
    "//*[@id='priceblock_saleprice']",
    "//*[@id='priceblock_ourprice']",
    "//*[@id='priceblock_pospromoprice']",
    "//*[@id='price_inside_buybox']",
    "//*[@id='newBuyBoxPrice']",
    "//*[@id='tp_price_block_total_price_ww']//span[@class='a-offscreen']",
    "//*[@id='apex_desktop']//span[contains(@class,'priceToPay')]//span[@class='a-offscreen']",
    "//*[@id='kindle-price']",
    "//*[@id='buyNewSection']//*[contains(@class,'offer-price')]",
    "//*[@id='mediaNoAccordion']//*[contains(@class,'header-price')]",
    "//*[@id='buybox']//*[contains(@class,'a-color-price')]",
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool ContainsAny(const std::string& s, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&s](std::string_view n) { return s.find(n) != std::string::npos; });
}

std::optional<std::string> Availability(const HtmlDocument& doc) {
  const std::string text = Lower(doc.TextOf("//*[@id='availability']"));
  if (ContainsAny(text, {"currently unavailable", "non disponibile", "nicht verfügbar", "indisponible", "no disponible",
                         "unavailable", "out of stock", "esaurito", "épuisé", "agotado"})) {
    return "OutOfStock";
  }
  if (!text.empty()) return "InStock";  // "In stock", "Disponibilità immediata", "Only 3 left", "Usually dispatched"
  if (doc.First("//*[@id='outOfStock']")) return "OutOfStock";
  if (doc.First("//*[@id='add-to-cart-button']") || doc.First("//*[@id='buy-now-button']")) return "InStock";
  return std::nullopt;
}

std::string Brand(const HtmlDocument& doc) {
  std::string b = doc.TextOf("//*[@id='bylineInfo']");
  if (b.empty()) return "";
  static const std::regex kPatterns[] = {
      std::regex(R"(^visit the (.+?) store$)", std::regex::icase),
      std::regex(R"(^visita lo store di (.+)$)", std::regex::icase),
      std::regex(R"(^besuche den (.+?)-store$)", std::regex::icase),
      std::regex(R"(^visiter la boutique (.+)$)", std::regex::icase),
      std::regex(R"(^visita la tienda de (.+)$)", std::regex::icase),
      std::regex(R"(^(?:brand|marca|marke|marque)\s*:\s*(.+)$)", std::regex::icase),
  };
  std::smatch m;
  for (const auto& re : kPatterns) {
    if (std::regex_match(b, m, re)) return m[1].str();
  }
  return b;
}

void Histogram(const HtmlDocument& doc, Partial& p) {
  std::vector<int64_t> shares;
  for (xmlNode* row : doc.Select("//table[@id='histogramTable']//tr")) {
    const std::string text = HtmlDocument::Text(row);
    const auto pct = text.find('%');
    if (pct == std::string::npos) continue;
    size_t start = pct;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(text[start - 1]))) --start;
    if (start == pct) continue;
    shares.push_back(std::stoll(text.substr(start, pct - start)));
  }
  if (shares.size() != 5) {
    // Newer layout: <a aria-label="78 percent of reviews have 5 stars"> / list items.
    shares.clear();
    for (xmlNode* bar : doc.Select("//*[@id='histogramTable']//*[@aria-valuenow]")) {
      shares.push_back(std::llround(std::stod("0" + HtmlDocument::Attr(bar, "aria-valuenow"))));
    }
  }
  if (shares.size() == 5) {
    std::reverse(shares.begin(), shares.end());  // page lists 5 stars first
    p.histogram = std::move(shares);
  }
}

void Reviews(const HtmlDocument& doc, Partial& p) {
  std::set<std::string> seen;
  for (xmlNode* node : doc.Select("//*[@data-hook='review']")) {
    const std::string id = HtmlDocument::Attr(node, "id");
    if (!id.empty() && !seen.insert(id).second) continue;
    Review r;
    std::string stars =
        doc.TextOf(".//*[@data-hook='review-star-rating' or @data-hook='cmps-review-star-rating']", node);
    if (auto rating = ParseRatingText(stars)) {
      r.stars = static_cast<int>(std::lround(rating->value * 5.0 / rating->scale));
    }
    if (xmlNode* title = doc.First(".//*[@data-hook='review-title']", node)) {
      auto spans = doc.Select("./span[not(contains(@class,'a-icon-alt'))]", title);
      r.title = spans.empty() ? HtmlDocument::Text(title) : HtmlDocument::Text(spans.back());
      if (!stars.empty() && r.title.starts_with(stars)) r.title = CollapseSpace(r.title.substr(stars.size()));
    }
    xmlNode* body = doc.First(".//*[@data-hook='review-collapsed']", node);
    if (body == nullptr) body = doc.First(".//*[@data-hook='review-body']", node);
    if (body) {
      // Video widgets print "The media could not be loaded." inside the body: read the text spans.
      auto spans = doc.Select("./span", body);
      if (spans.empty()) spans = doc.Select(".//span[not(ancestor::*[contains(@class,'video')])]", body);
      std::string text;
      for (xmlNode* s : spans) {
        if (!text.empty()) text += ' ';
        text += HtmlDocument::Text(s);
      }
      r.text = CollapseSpace(text.empty() ? HtmlDocument::Text(body) : text);
      for (std::string_view more : {"Read more", "Leggi di più", "Mehr lesen", "En lire plus", "Leer más"}) {
        if (r.text.ends_with(more)) r.text = CollapseSpace(r.text.substr(0, r.text.size() - more.size()));
      }
    }
    const auto line = ParseReviewDateLine(doc.TextOf(".//*[@data-hook='review-date']", node));
    r.date = line.date;
    r.country = line.country;
    r.verified = doc.First(".//*[@data-hook='avp-badge' or @data-hook='avp-badge-linkless']", node) != nullptr;
    if (!r.text.empty() || r.stars) p.reviews.push_back(std::move(r));
  }
}

}  // namespace

Partial FromAmazon(const HtmlDocument& doc, const PageContext& ctx) {
  Partial p;
  p.title = doc.TextOf("//*[@id='productTitle']");
  if (p.title.empty()) p.title = doc.TextOf("//*[@id='ebooksProductTitle']");
  if (p.title.empty()) return p;  // search result, home page, robot check: not a product page
  p.says_product = true;
  p.product_items = 1;
  p.brand = Brand(doc);
  p.sku = doc.AttrOf("//input[@id='ASIN']", "value");
  if (p.sku.empty()) p.sku = doc.AttrOf("//input[@name='ASIN']", "value");
  for (const char* xp : kPriceXPaths) {
    std::string text = doc.TextOf(xp);
    if (text.empty()) continue;
    // Ranges ("12,99 € - 19,99 €") over variants: the low end is the entry price.
    if (auto money = ParseMoney(text)) {
      p.price = MachinePrice(money->amount);
      p.currency = money->currency.empty() ? SiteCurrency(ctx.site) : CurrencyIn(text, ctx.site);
      break;
    }
  }
  p.availability = Availability(doc);
  if (p.availability == std::optional<std::string>("OutOfStock") && !doc.First("//*[@id='add-to-cart-button']")) {
    p.price.reset();  // "Currently unavailable": whatever price is left on the page is not an offer
  }
  std::string rating = doc.AttrOf("//*[@id='acrPopover']", "title");
  if (rating.empty()) rating = doc.TextOf("//*[@id='averageCustomerReviews']//span[@class='a-icon-alt']");
  if (rating.empty()) rating = doc.TextOf("//*[@data-hook='rating-out-of-text']");
  if (rating.empty()) rating = doc.TextOf("//*[@data-hook='average-star-rating']");
  if (auto r = ParseRatingText(rating)) {
    p.rating_value = r->value;
    p.rating_scale = r->scale;
  }
  std::string count = doc.TextOf("//*[@id='acrCustomerReviewText']");
  if (count.empty()) count = doc.TextOf("//*[@data-hook='total-review-count']");
  if (p.rating_value) p.rating_count = ParseCount(count);
  Histogram(doc, p);
  Reviews(doc, p);
  return p;
}

}  // namespace worthit::analysis::extract
