#include "analysis/product_link.h"

#include <algorithm>
#include <array>
#include <boost/url.hpp>
#include <regex>

#include "common/ascii.h"

namespace worthit::analysis {
namespace {

namespace urls = boost::urls;

using ascii::Lower;
using ascii::Upper;

// Amazon's and eBay's storefront domains (suffix after "amazon." / "ebay.").
constexpr std::array<std::string_view, 23> kAmazonTlds = {"com",    "co.uk",  "de",     "fr", "it", "es", "nl", "se",
                                                          "pl",     "com.be", "com.tr", "ae", "sa", "eg", "in", "co.jp",
                                                          "com.au", "com.br", "com.mx", "ca", "sg", "cn", "ie"};
constexpr std::array<std::string_view, 16> kEbayTlds = {"com", "it", "de", "co.uk", "fr", "es", "com.au", "ca",
                                                        "at",  "ch", "be", "nl",    "ie", "pl", "com.sg", "com.my"};

template <size_t N>
std::optional<std::string> SiteFor(std::string_view host, std::string_view brand,
                                   const std::array<std::string_view, N>& tlds) {
  const std::string h = Lower(host);
  const std::string needle = std::string(brand) + ".";
  for (size_t pos = h.find(needle); pos != std::string::npos; pos = h.find(needle, pos + 1)) {
    if (pos != 0 && h[pos - 1] != '.') continue;
    const std::string_view tld = std::string_view(h).substr(pos + needle.size());
    if (std::find(tlds.begin(), tlds.end(), tld) != tlds.end()) return h.substr(pos);
  }
  return std::nullopt;
}

Result<urls::url> ParseHttp(std::string_view text) {
  std::string trimmed(text);
  while (!trimmed.empty() && ascii::IsSpace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  size_t start = 0;
  while (start < trimmed.size() && ascii::IsSpace(static_cast<unsigned char>(trimmed[start]))) ++start;
  trimmed = trimmed.substr(start);
  auto parsed = urls::parse_uri(trimmed);
  if (!parsed) return Error::Invalid("LINK_INVALID", "not a URL: " + trimmed);
  urls::url u = *parsed;
  const std::string scheme = Lower(u.scheme());
  if (scheme != "http" && scheme != "https") return Error::Invalid("LINK_INVALID", "not an http(s) link: " + trimmed);
  if (u.encoded_host().empty()) return Error::Invalid("LINK_INVALID", "no host: " + trimmed);
  u.set_scheme(scheme);
  u.set_encoded_host(Lower(u.encoded_host()));
  return u;
}

std::optional<std::string> AsinFromUrl(urls::url_view u) {
  static const std::regex kPath(
      R"(/(?:dp|gp/product|gp/aw/d|gp/offer-listing|exec/obidos/asin|o/asin|product-reviews|gp/product/glance|d)/([a-z0-9]{10})(?:[/?;]|$))",
      std::regex::icase);
  const std::string path(u.encoded_path());
  std::smatch m;
  if (std::regex_search(path, m, kPath)) return Upper(m[1].str());
  for (auto p : u.params()) {
    const std::string key = Lower(p.key);
    if ((key == "asin" || key == "a") && p.value.size() == 10) return Upper(p.value);
  }
  return std::nullopt;
}

std::optional<std::string> EbayItemFromUrl(urls::url_view u) {
  static const std::regex kPath(R"(/itm/(?:[^/]+/)?(\d{9,15})(?:[/?;]|$))");
  const std::string path(u.encoded_path());
  std::smatch m;
  if (std::regex_search(path, m, kPath)) return m[1].str();
  for (auto p : u.params()) {
    if (Lower(p.key) == "item" && !p.value.empty() &&
        std::all_of(p.value.begin(), p.value.end(), [](unsigned char c) { return ascii::IsDigit(c); })) {
      return std::string(p.value);
    }
  }
  return std::nullopt;
}

std::string Strip(urls::url u) {
  u.remove_fragment();
  auto params = u.params();
  for (auto it = params.begin(); it != params.end();) {
    if (IsTrackingParameter(Lower((*it).key))) {
      it = params.erase(it);
    } else {
      ++it;
    }
  }
  if (u.params().empty()) u.remove_query();
  if (u.encoded_path().empty()) u.set_encoded_path("/");
  return std::string(u.buffer());
}

// Last two labels ("shop.example"), or three for "co.uk"-style suffixes: enough to tell that a
// rel=canonical stays on the shop's own site.
std::string RegistrableDomain(std::string_view host) {
  std::string h = Lower(host);
  std::vector<size_t> dots;
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i] == '.') dots.push_back(i);
  }
  if (dots.empty()) return h;
  size_t keep = 2;
  const std::string_view last2 = std::string_view(h).substr(dots.size() >= 2 ? dots[dots.size() - 2] + 1 : 0);
  if (last2.starts_with("co.") || last2.starts_with("com.") || last2.starts_with("org.") || last2.starts_with("net.")) {
    keep = 3;
  }
  if (dots.size() < keep) return h;
  return h.substr(dots[dots.size() - keep] + 1);
}

}  // namespace

bool IsTrackingParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 24> kExact = {
      "fbclid", "gclid", "gclsrc",  "dclid",  "msclkid", "mc_cid",    "mc_eid",  "_ga",
      "_gl",    "yclid", "igshid",  "ttclid", "twclid",  "li_fat_id", "srsltid", "wickedid",
      "ref",    "ref_",  "ref_src", "spm",    "scm",     "_hsenc",    "_hsmi",   "mkt_tok"};
  if (name.starts_with("utm_") || name.starts_with("pd_rd_") || name.starts_with("pf_rd_")) return true;
  return std::find(kExact.begin(), kExact.end(), name) != kExact.end();
}

std::optional<std::string> HostOf(std::string_view url) {
  auto u = ParseHttp(url);
  if (!u.ok()) return std::nullopt;
  std::string host(u->encoded_host());
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

std::optional<std::string> AmazonSite(std::string_view host) { return SiteFor(host, "amazon", kAmazonTlds); }
std::optional<std::string> EbaySite(std::string_view host) { return SiteFor(host, "ebay", kEbayTlds); }

std::string SiteOfHost(std::string_view host) {
  if (auto a = AmazonSite(host)) return *a;
  if (auto e = EbaySite(host)) return *e;
  std::string h = Lower(host);
  for (std::string_view prefix : {"www.", "m.", "mobile."}) {
    if (h.starts_with(prefix) && h.size() > prefix.size() + 3) h = h.substr(prefix.size());
  }
  return h;
}

bool IsShortLink(std::string_view url) {
  const auto host = HostOf(url);
  if (!host) return false;
  std::string h = *host;
  if (h.starts_with("www.")) h = h.substr(4);
  return h == "amzn.to" || h == "amzn.eu" || h == "amzn.asia" || h == "a.co" || h == "ebay.us" || h == "amzn.com";
}

Result<std::string> StripTracking(std::string_view url) {
  auto u = ParseHttp(url);
  if (!u.ok()) return u.error();
  return Strip(std::move(*u));
}

Result<ProductLink> CanonicalProductLink(std::string_view url, std::string_view page_canonical) {
  auto parsed = ParseHttp(url);
  if (!parsed.ok()) return parsed.error();
  const urls::url& u = *parsed;
  const std::string host(u.encoded_host());
  ProductLink link;
  link.site = SiteOfHost(host);
  if (auto site = AmazonSite(host)) {
    link.kind = LinkKind::kAmazon;
    if (auto asin = AsinFromUrl(u)) {
      link.id = *asin;
      link.canonical_url = "https://www." + *site + "/dp/" + *asin;
      return link;
    }
  } else if (auto ebay = EbaySite(host)) {
    link.kind = LinkKind::kEbay;
    if (auto item = EbayItemFromUrl(u)) {
      link.id = *item;
      link.canonical_url = "https://www." + *ebay + "/itm/" + *item;
      return link;
    }
  }
  if (!page_canonical.empty()) {
    urls::url resolved;
    auto ref = urls::parse_uri_reference(page_canonical);
    if (ref && urls::resolve(u, *ref, resolved)) {
      auto canon = ParseHttp(resolved.buffer());
      if (canon.ok() && RegistrableDomain(canon->encoded_host()) == RegistrableDomain(host)) {
        // The page may name its own identity (an Amazon page's canonical has the ASIN).
        if (link.kind != LinkKind::kOther) {
          auto again = CanonicalProductLink(canon->buffer());
          if (again.ok() && !again->id.empty()) return again;
        }
        link.canonical_url = Strip(std::move(*canon));
        return link;
      }
    }
  }
  link.canonical_url = Strip(u);
  return link;
}

Result<ProductLink> ResolveProductLink(std::string_view url, fetch::PageFetcher& fetcher, const std::string& lang) {
  if (!IsShortLink(url)) return CanonicalProductLink(url);
  fetch::FetchRequest request;
  request.url = std::string(url);
  request.lang = lang;
  request.stop_before = [](const std::string& next) { return !IsShortLink(next); };
  auto page = fetcher.Fetch(request);
  if (!page.ok()) return page.error();
  if (IsShortLink(page->final_url)) {
    return Error::Permanent("LINK_UNRESOLVED", "short link did not lead to a shop: " + std::string(url));
  }
  return CanonicalProductLink(page->final_url);
}

}  // namespace worthit::analysis
