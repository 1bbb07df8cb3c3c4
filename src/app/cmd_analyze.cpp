// `worthit analyze URL|FILE [--url ORIGINAL_URL] [--lang it|en] [--extract-only] [--json]`
//
// One analysis without Telegram, through the same pipeline the workers run
// (analysis/pipeline/pipeline.h): the card as the user would see it (Telegram HTML), or with
// --json the extraction record plus "analysis". A URL is fetched through the safe fetcher (FETCH_* settings,
// FETCH_ALLOW); a FILE is read as the page body (charset from its <meta>, converted to UTF-8)
// and --url says which URL it was saved from. --extract-only stops after extraction and prints
// the ProductPage as JSON (analysis/product_json.h). The review model comes from MODEL_PATH. Failures print "worthit:
// CODE: message" on stderr and exit non-zero: 2 for bad input, 3 for transient failures (retry may help), 1 else.
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/fetch/charset.h"
#include "analysis/fetch/page_fetcher.h"
#include "analysis/page_analysis.h"
#include "analysis/pipeline/pipeline.h"
#include "analysis/product_json.h"
#include "app/command.h"
#include "app/model_path.h"

namespace worthit::app {
namespace {

struct AnalyzeOptions {
  std::string target;
  std::string url;
  std::string lang = "it";
  bool extract_only = false;
  bool json = false;
};

int Fail(const Error& e) {
  std::cerr << "worthit: " << e.ToString() << "\n";
  if (e.kind == ErrorKind::kInvalidInput) return kExitUsage;
  if (e.Retryable()) return kExitUnavailable;
  return kExitFailure;
}

bool IsUrl(const std::string& s) { return s.starts_with("http://") || s.starts_with("https://"); }

// The product record for the target: fetched and extracted, or read from a file and extracted.
Result<analysis::ProductPage> LoadProductPage(const AnalyzeOptions& o, const Config& config) {
  if (IsUrl(o.target)) {
    auto fetcher = analysis::fetch::MakeCurlPageFetcher(analysis::fetch::FetchOptions::FromConfig(config));
    if (!fetcher.ok()) return fetcher.error();
    return analysis::FetchAndExtract(o.target, **fetcher, o.lang);
  }
  if (o.target.find("://") != std::string::npos) {
    return Error::Invalid("FETCH_BAD_URL", "only http and https links: " + o.target);
  }
  std::ifstream in(o.target, std::ios::binary);
  if (!in) return Error::Invalid("INPUT_UNREADABLE", "cannot read " + o.target);
  std::ostringstream body;
  body << in.rdbuf();
  const auto text = analysis::fetch::ToUtf8(body.str(), "");
  auto page = analysis::ExtractPage(text.text, o.url);
  if (page.ok() && !o.url.empty()) page->url = o.url;
  return page;
}

const CommandRegistrar kAnalyze(
    {"analyze", "Analyse one product link or saved page (--extract-only --json: the extracted record)", 40,
     [](CLI::App& sub) -> CommandRun {
       auto o = std::make_shared<AnalyzeOptions>();
       sub.add_option("target", o->target, "Product URL (http/https) or a saved HTML file")->required();
       sub.add_option("--url", o->url, "For a FILE: the URL the page was saved from");
       sub.add_option("--lang", o->lang, "User language for Accept-Language (it, en)")
           ->check(CLI::IsMember({"it", "en", "de", "fr", "es"}));
       sub.add_flag("--extract-only", o->extract_only, "Stop after extraction (no review model, score or card)");
       sub.add_flag("--json", o->json, "Print the extraction record and the analysis as JSON instead of the card");
       return [o] {
         auto config = LoadConfig();
         if (!config.ok()) return kExitUsage;
         auto page = LoadProductPage(*o, *config);
         if (!page.ok()) return Fail(page.error());
         if (o->extract_only) {
           std::cout << analysis::ProductPageToJson(*page) << "\n";
           return kExitOk;
         }
         auto product = analysis::pipeline::RequireProduct(std::move(*page));
         if (!product.ok()) return Fail(product.error());
         auto model = analysis::reviews::LoadReviewModel(ResolveModelPath(config->Get("MODEL_PATH")));
         if (!model.ok()) return Fail(model.error());
         const std::string lang = o->lang == "en" ? "en" : "it";
         auto analyzed = analysis::pipeline::AnalyzeFetched(std::move(*product), **model, nullptr, lang);
         if (o->json) {
           std::cout << analysis::pipeline::AnalysisRecordJson(analyzed) << "\n";
           return kExitOk;
         }
         const auto card = analysis::pipeline::RenderCardIn(analyzed, lang);
         std::cout << card.html << "\n";
         for (const auto& row : card.keyboard) {
           for (const auto& b : row) std::cout << "[" << b.text << "] ";
           std::cout << "\n";
         }
         return kExitOk;
       };
     }});

}  // namespace
}  // namespace worthit::app
