#include "analysis/pipeline/pipeline.h"

#include <boost/json.hpp>

#include "analysis/page_analysis.h"
#include "analysis/pipeline/plain_json.h"
#include "analysis/product_json.h"
#include "analysis/score/analysis_json.h"
#include "analysis/score/aspect_lexicon.h"

namespace worthit::analysis::pipeline {

Result<ProductPage> RequireProduct(ProductPage page) {
  if (page.kind == "robot_check") {
    return Error::Transient("FETCH_BLOCKED", "the shop answered with a robot check instead of the page");
  }
  if (!page.is_product) {
    return Error::Permanent("EXTRACT_NOT_PRODUCT",
                            "the page is not a product page (" + (page.kind.empty() ? "unknown" : page.kind) + ")");
  }
  return page;
}

Result<ProductPage> FetchProduct(std::string_view url, fetch::PageFetcher& fetcher, const std::string& lang) {
  auto page = FetchAndExtract(url, fetcher, lang);
  if (!page.ok()) return page.error();
  return RequireProduct(std::move(*page));
}

AnalyzedProduct AnalyzeFetched(ProductPage page, const reviews::ReviewModel& model, const score::PriceHistory* history,
                               const std::string& lang) {
  AnalyzedProduct out;
  out.analysis = score::AnalyzeProduct(page, model, history, lang);
  out.page = std::move(page);
  return out;
}

Result<AnalyzedProduct> AnalyzeLink(std::string_view url, fetch::PageFetcher& fetcher,
                                    const reviews::ReviewModel& model, const score::PriceHistory* history,
                                    const std::string& lang) {
  auto page = FetchProduct(url, fetcher, lang);
  if (!page.ok()) return page.error();
  return AnalyzeFetched(std::move(*page), model, history, lang);
}

card::Card RenderCardIn(const AnalyzedProduct& product, const std::string& lang) {
  if (product.analysis.lang == lang) return card::RenderCard(product.page, product.analysis, {lang, std::nullopt});
  score::Analysis a = product.analysis;
  a.lang = lang;
  // Aspect labels follow the language (phrases found in the reviews stay as written).
  const auto& lexicon = score::AspectLexicon::Builtin();
  for (auto* list : {&a.pros_cons.pros, &a.pros_cons.cons}) {
    for (auto& f : *list) {
      if (f.aspect.find(' ') == std::string::npos) f.label = lexicon.Label(f.aspect, lang);
    }
  }
  a.verdict = score::VerdictSentence(a, lang);
  return card::RenderCard(product.page, a, {lang, std::nullopt});
}

std::string AnalysisRecordJson(const AnalyzedProduct& product) {
  boost::json::value record = boost::json::parse(ProductPageToJson(product.page));
  record.as_object()["analysis"] = score::AnalysisToJson(product.analysis);
  return PlainJson(record);
}

}  // namespace worthit::analysis::pipeline
