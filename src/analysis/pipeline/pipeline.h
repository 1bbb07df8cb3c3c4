// The analysis pipeline of one product link, used by the worker and by `worthit analyze`:
//   FetchProduct  (I/O)  fetch through the safe PageFetcher, extract, classify the page;
//   AnalyzeFetched (CPU) review model, trust, pros/cons, score, verdict over the record;
//   RenderCards   (CPU) the card in Italian and English (cached results re-render from these).
// The stages are separate so the worker can run the fetch on its I/O threads and the CPU-heavy
// steps on a bounded pool, and edit the progress message between them.
// Classification of an extracted page (failure codes the worker and the user messages act on):
//   kind "robot_check" (captcha/challenge)   -> FETCH_BLOCKED (transient: shops lift blocks)
//   not a product (home, listing, article)    -> EXTRACT_NOT_PRODUCT (permanent)
// plus FETCH_* / LINK_* / EXTRACT_UNPARSABLE from the layers below.
// Thread-safety: all functions may run concurrently (fetcher and model are thread-safe).
#pragma once

#include <string>
#include <string_view>

#include "analysis/card/card.h"
#include "analysis/fetch/page_fetcher.h"
#include "analysis/product.h"
#include "analysis/reviews/review_model.h"
#include "analysis/score/analysis.h"
#include "common/result.h"

namespace worthit::analysis::pipeline {

struct AnalyzedProduct {
  ProductPage page;
  score::Analysis analysis;
};

// Classifies an extracted page: the page itself, or the error above.
Result<ProductPage> RequireProduct(ProductPage page);

Result<ProductPage> FetchProduct(std::string_view url, fetch::PageFetcher& fetcher, const std::string& lang);

AnalyzedProduct AnalyzeFetched(ProductPage page, const reviews::ReviewModel& model, const score::PriceHistory* history,
                               const std::string& lang);

// Both stages in a row (what `worthit analyze URL` runs).
Result<AnalyzedProduct> AnalyzeLink(std::string_view url, fetch::PageFetcher& fetcher,
                                    const reviews::ReviewModel& model, const score::PriceHistory* history,
                                    const std::string& lang);

// The card in `lang`; the verdict sentence follows `lang` even when the analysis was made in the
// other language (a cached result shown to an English user).
card::Card RenderCardIn(const AnalyzedProduct& product, const std::string& lang);

// `worthit analyze --json`: the extraction record (product_json.h) plus "analysis"
// (analysis_json.h), numbers as plain decimals.
std::string AnalysisRecordJson(const AnalyzedProduct& product);

}  // namespace worthit::analysis::pipeline
