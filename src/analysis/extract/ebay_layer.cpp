// eBay listings (classic and 2022+ layouts): title without the hidden "Details about" prefix and
// the "show original title" link, price and currency (the bid for auctions, the Buy It Now price
// otherwise), condition, auction vs buy-it-now, seller and seller feedback. The last four go to
// Product::extra ("condition", "listing_type", "seller", "seller_feedback_percent",
// "seller_feedback_score").
#include <algorithm>
#include <regex>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

std::string Title(const HtmlDocument& doc) {
  std::string t = doc.TextOf("//h1[contains(@class,'x-item-title__mainTitle')]");
  if (!t.empty()) return t;
  xmlNode* h1 = doc.First("//h1[@id='itemTitle']");
  if (h1 == nullptr) return "";
  std::string out;
  for (xmlNode* c = h1->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE) {
      out += HtmlDocument::Text(c);
      out += ' ';
    } else if (c->type == XML_ELEMENT_NODE && !HtmlDocument::HasClass(c, "g-hdn") &&
               doc.First(".//*[contains(@class,'it-sttl')]", c) == nullptr) {
      out += HtmlDocument::Text(c);
      out += ' ';
    }
  }
  return CollapseSpace(out);
}

}  // namespace

Partial FromEbay(const HtmlDocument& doc, const PageContext& ctx) {
  Partial p;
  p.title = Title(doc);
  if (p.title.empty()) return p;  // search results (/sch/), store fronts, challenges
  p.says_product = true;
  p.product_items = 1;
  struct PriceSpot {
    const char* xpath;
    bool auction;
  };
  static constexpr PriceSpot kSpots[] = {
      {"//*[@id='prcIsum_bidPrice']", true},
      {"//*[contains(@class,'x-bid-price')]//span[@class='ux-textspans']", true},
      {"//*[@id='prcIsum']", false},
      {"//*[@id='mm-saleDscPrc']", false},
      {"//*[contains(@class,'x-price-primary')]//span[@class='ux-textspans']", false},
      {"//*[contains(@class,'x-bin-price')]//span[@class='ux-textspans']", false},
  };
  for (const auto& spot : kSpots) {
    xmlNode* n = doc.First(spot.xpath);
    if (n == nullptr) continue;
    const std::string text = HtmlDocument::Text(n);
    const std::string content = HtmlDocument::Attr(n, "content");
    auto money = ParseMoney(text);
    if (!money && content.empty()) continue;
    p.price = content.empty() ? MachinePrice(money->amount) : MachinePrice(content);
    p.currency = CurrencyIn(text, ctx.site);
    if (p.currency.empty()) p.currency = SiteCurrency(ctx.site);
    p.extra["listing_type"] = spot.auction ? "auction" : "buy_it_now";
    break;
  }
  std::string condition = doc.TextOf("//*[@id='vi-itm-cond']");
  if (condition.empty())
    condition = doc.TextOf("//*[contains(@class,'x-item-condition-text')]//span[@class='ux-textspans']");
  if (!condition.empty()) p.extra["condition"] = condition;
  std::string seller = doc.TextOf("//*[contains(@class,'mbg-nw')]");
  if (seller.empty()) seller = doc.TextOf("//*[contains(@class,'x-sellercard-atf__info__about-seller')]//span");
  if (!seller.empty()) p.extra["seller"] = seller;
  std::string feedback = doc.TextOf("//*[@id='si-fb']");
  if (feedback.empty()) {
    feedback = doc.TextOf("//*[contains(@class,'x-sellercard-atf__data-item')]//span[contains(text(),'%')]");
  }
  if (auto pct = ParseDecimal(feedback); pct && feedback.find('%') != std::string::npos) {
    p.extra["seller_feedback_percent"] = *pct;
  }
  std::string score = doc.AttrOf("//*[contains(@class,'mbg-l')]/a", "aria-label");
  if (auto n = ParseCount(score)) p.extra["seller_feedback_score"] = std::to_string(*n);
  if (doc.First("//*[@id='qtySubTxt']//*[contains(text(),'Out of stock') or contains(text(),'Esaurito')]") ||
      doc.First("//*[contains(@class,'msgTextAlign') and (contains(.,'This listing has ended') or contains(.,'Questa "
                "inserzione è terminata'))]")) {
    p.availability = "OutOfStock";
  } else if (p.price) {
    p.availability = "InStock";
  }
  return p;
}

}  // namespace worthit::analysis::extract
