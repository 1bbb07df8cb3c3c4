// Product links: the canonical identity of a product from the URL a user sent (pure).
//
// The canonical URL is the cache key the worker uses, so two links to one product must map to
// one string: Amazon → "https://www.amazon.<tld>/dp/<ASIN>" whatever the path shape (/dp/,
// /gp/product/, /gp/aw/d/, /<slug>/dp/, /exec/obidos/ASIN/), host variant (www., m., smile.) or
// tracking parameters; eBay → "https://www.ebay.<tld>/itm/<item id>"; other shops → the page's
// <link rel=canonical> when it is an http(s) URL on the same site, else the URL itself with
// fragment and tracking parameters (utm_*, fbclid, gclid, ...) removed.
// Short links (amzn.to, amzn.eu, a.co, ebay.us) carry no identity: ResolveProductLink follows
// them through the safe PageFetcher, stopping as soon as the target is no longer a short link
// (so the shop itself is not contacted just to learn the name).
// Thread-safety: pure functions; ResolveProductLink uses the given fetcher only.
// Failure: LINK_INVALID (invalid input) for anything but an absolute http(s) URL;
// ResolveProductLink passes the fetcher's FETCH_* errors through and fails LINK_UNRESOLVED
// (permanent) when a short link's redirects never leave the short-link hosts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/fetch/page_fetcher.h"
#include "common/result.h"

namespace worthit::analysis {

enum class LinkKind { kAmazon, kEbay, kOther };

struct ProductLink {
  LinkKind kind = LinkKind::kOther;
  std::string site;           // "amazon.it", "ebay.de", or the host without www.
  std::string id;             // ASIN, eBay item id, or ""
  std::string canonical_url;  // identity (cache key)
};

// Lower-cased host of an http(s) URL, or nullopt.
std::optional<std::string> HostOf(std::string_view url);
// "amazon.it", "amazon.co.uk" for any Amazon host; nullopt otherwise.
std::optional<std::string> AmazonSite(std::string_view host);
std::optional<std::string> EbaySite(std::string_view host);
// The site name shown in --json ("amazon.it", "ebay.com", "shop.example" without www./m.).
std::string SiteOfHost(std::string_view host);

bool IsShortLink(std::string_view url);
bool IsTrackingParameter(std::string_view name);
// The URL without fragment and tracking parameters, scheme and host lower-cased.
Result<std::string> StripTracking(std::string_view url);

// Identity from the URL alone; page_canonical (the page's rel=canonical, possibly relative) is
// used for other shops only.
Result<ProductLink> CanonicalProductLink(std::string_view url, std::string_view page_canonical = {});

// Follows short links through `fetcher` (every hop under its SSRF guard) and returns the
// canonical link of the target; a non-short link is returned canonicalised without fetching.
Result<ProductLink> ResolveProductLink(std::string_view url, fetch::PageFetcher& fetcher, const std::string& lang);

}  // namespace worthit::analysis
