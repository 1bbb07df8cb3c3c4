#include "analysis/page_analysis.h"

#include "analysis/extract/page_extractor.h"
#include "analysis/product_link.h"

namespace worthit::analysis {

Result<ProductPage> ExtractPage(std::string_view html_utf8, std::string_view url, extract::RobotCheck robot_check) {
  std::string page_url(url);
  std::string site;
  if (auto host = HostOf(page_url)) site = SiteOfHost(*host);
  auto extraction = extract::ExtractProductPage(html_utf8, page_url, site, robot_check);
  if (!extraction.ok()) return extraction.error();
  ProductPage page = std::move(extraction->page);
  const std::string& rel = extraction->rel_canonical;
  // A saved page without its URL: its own rel=canonical (when absolute) says where it lives.
  if (page_url.empty() && HostOf(rel)) {
    auto again = ExtractPage(html_utf8, rel, robot_check);
    if (again.ok()) again->url.clear();
    return again;
  }
  if (!page_url.empty()) {
    auto link = CanonicalProductLink(page_url, rel);
    if (link.ok()) {
      page.canonical_url = link->canonical_url;
      if (page.product.sku.empty() && !link->id.empty() && page.is_product) {
        page.product.sku = link->id;
        page.sources["sku"] = "url";
      }
    }
  }
  return page;
}

Result<ProductPage> FetchAndExtract(std::string_view url, fetch::PageFetcher& fetcher, const std::string& lang) {
  auto link = CanonicalProductLink(url);
  if (!link.ok()) return Error::Invalid("FETCH_BAD_URL", link.error().message);
  fetch::FetchRequest request;
  request.url = std::string(url);
  request.lang = lang;
  auto fetched = fetcher.Fetch(request);
  if (!fetched.ok()) return fetched.error();
  // The curl fetcher has already turned a robot check into FETCH_BLOCKED: not run twice.
  auto page =
      ExtractPage(fetched->body, fetched->final_url,
                  fetched->robot_check_passed ? extract::RobotCheck::kAlreadyPassed : extract::RobotCheck::kRun);
  if (!page.ok()) return page.error();
  page->url = std::string(url);
  return page;
}

}  // namespace worthit::analysis
