// The first half of the analysis pipeline, shared by the worker and `worthit analyze`: a page's
// HTML (or a user's link, fetched safely) → a ProductPage with its canonical identity.
//
// ExtractPage is pure (HTML in, record out). FetchAndExtract resolves and fetches the link with
// the given PageFetcher (which enforces the SSRF guard and limits) and extracts the result; the
// record's `url` stays the link the user sent, `canonical_url` is the product identity from the
// final URL (short links and redirects followed) and the page's rel=canonical.
// Thread-safety: both functions may run concurrently; the fetcher must be thread-safe (the curl
// one is).
// Failures: FETCH_* from the fetcher (see fetch/page_fetcher.h), LINK_INVALID for a non-http(s)
// link, EXTRACT_UNPARSABLE for a body that is not HTML.
#pragma once

#include <string>
#include <string_view>

#include "analysis/extract/page_extractor.h"
#include "analysis/fetch/page_fetcher.h"
#include "analysis/product.h"
#include "common/result.h"

namespace worthit::analysis {

// `url` is where the HTML came from ("" when unknown: the site then comes from rel=canonical).
// `robot_check`: kAlreadyPassed when the fetcher has checked these bytes (page_extractor.h).
Result<ProductPage> ExtractPage(std::string_view html_utf8, std::string_view url,
                                extract::RobotCheck robot_check = extract::RobotCheck::kRun);

// Fetches `url` (user's language `lang` for Accept-Language) and extracts the product.
Result<ProductPage> FetchAndExtract(std::string_view url, fetch::PageFetcher& fetcher, const std::string& lang);

}  // namespace worthit::analysis
