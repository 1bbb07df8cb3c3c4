// extraction_eval DATA_DIR [--verbose] [--dump FILE [--html DIR]]
//
// Scores the extractor on the saved pages in DATA_DIR (/work/shared/data/pages):
//  - zyte/: price, sku and availability with the benchmark's scoring (one predicted value per
//    page and attribute; a correct value is a true positive, a wrong one a false positive and a
//    false negative, no value where one exists a false negative; precision, recall, F1);
//  - annotated/: title, rating (value and scale), rating count and price accuracy against what a
//    person saw, over all pages (a null expected value must be predicted null).
// Prices compare as numbers (to the cent); titles after whitespace collapsing, case-insensitive.
// --dump FILE writes every page's whole record (`worthit analyze --json` form), one line per page
// in a fixed order, so two builds can be compared field by field (diff) beyond the scores;
// --html DIR adds the pages of a bench/extraction/harness-pages directory to the dump (unscored).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "analysis/extract/numbers.h"
#include "analysis/fetch/charset.h"
#include "analysis/page_analysis.h"
#include "analysis/product_json.h"
#include "saved_pages.h"

namespace json = boost::json;
using worthit::analysis::ProductPage;

namespace {

struct Score {
  int tp = 0, fp = 0, fn = 0;
  void Add(bool has_truth, bool predicted, bool correct) {
    if (predicted && correct) {
      ++tp;
    } else if (predicted) {
      ++fp;
      if (has_truth) ++fn;
    } else if (has_truth) {
      ++fn;
    }
  }
  double P() const { return tp + fp ? double(tp) / (tp + fp) : 0; }
  double R() const { return tp + fn ? double(tp) / (tp + fn) : 0; }
  double F1() const { return P() + R() > 0 ? 2 * P() * R() / (P() + R()) : 0; }
};

std::optional<double> Num(const std::string& s) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t += c;
  }
  try {
    size_t idx = 0;
    double v = std::stod(t, &idx);
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

std::string Norm(std::string s) {
  s = worthit::analysis::extract::CollapseSpace(s);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> Strings(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array()) {
    for (const auto& x : v->get_array()) {
      if (x.is_string()) out.emplace_back(x.get_string());
    }
  }
  return out;
}

std::optional<ProductPage> Extract(const std::string& path, const std::string& url) {
  auto raw = worthit::bench::ReadMaybeGzip(path);
  if (!raw) {
    std::cerr << "cannot read " << path << "\n";
    return std::nullopt;
  }
  auto text = worthit::analysis::fetch::ToUtf8(*raw, "");
  auto page = worthit::analysis::ExtractPage(text.text, url);
  if (!page.ok()) {
    std::cerr << path << ": " << page.error().ToString() << "\n";
    return std::nullopt;
  }
  return *page;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extraction_eval DATA_DIR [--verbose] [--dump FILE [--html DIR]]\n";
    return 2;
  }
  const std::string dir = argv[1];
  bool verbose = false;
  std::ofstream dump;
  std::string html_dir;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--dump" && i + 1 < argc) {
      dump.open(argv[++i]);
    } else if (arg == "--html" && i + 1 < argc) {
      html_dir = argv[++i];
    } else {
      std::cerr << "unknown argument " << arg << "\n";
      return 2;
    }
  }
  auto record = [&dump](const std::string& key, const ProductPage& page) {
    if (dump.is_open()) dump << key << " " << worthit::analysis::ProductPageToJson(page) << "\n";
  };

  // --- zyte
  auto truth = worthit::bench::ReadJson(dir + "/zyte/ground-truth.json");
  if (!truth.is_object()) return 1;
  Score price, sku, avail;
  int pages = 0, zyte_products = 0;
  for (const auto& [key, v] : truth.get_object()) {
    const auto& o = v.get_object();
    const std::string url = o.contains("url") ? std::string(o.at("url").get_string()) : "";
    auto page = Extract(dir + "/zyte/html/" + std::string(key) + ".html.gz", url);
    if (!page) continue;
    record(std::string(key), *page);
    ++pages;
    zyte_products += page->is_product;
    const auto& p = page->product;
    const auto prices = Strings(o.if_contains("price"));
    bool price_ok = false;
    if (p.price) {
      for (const auto& t : prices) {
        auto a = Num(t), b = Num(*p.price);
        if (a && b && std::fabs(*a - *b) < 0.005) price_ok = true;
      }
    }
    price.Add(!prices.empty(), p.price.has_value(), price_ok);
    const auto skus = Strings(o.if_contains("sku"));
    bool sku_ok = false;
    for (const auto& t : skus) sku_ok |= Norm(t) == Norm(p.sku);
    sku.Add(!skus.empty(), !p.sku.empty(), sku_ok);
    const auto avails = Strings(o.if_contains("availability"));
    bool avail_ok = false;
    for (const auto& t : avails) avail_ok |= p.availability && t == *p.availability;
    avail.Add(!avails.empty(), p.availability.has_value(), avail_ok);
    if (verbose && (!price_ok && (p.price || !prices.empty()))) {
      std::printf("PRICE  %-60s want %-12s got %s %s [%s] kind=%s\n", url.substr(0, 60).c_str(),
                  prices.empty() ? "-" : prices[0].c_str(), p.price.value_or("-").c_str(), p.currency.c_str(),
                  page->sources.count("price") ? page->sources.at("price").c_str() : "", page->kind.c_str());
    }
    if (verbose && !sku_ok && (!p.sku.empty() || !skus.empty())) {
      std::printf("SKU    %-60s want %-14s got %s\n", url.substr(0, 60).c_str(), skus.empty() ? "-" : skus[0].c_str(),
                  p.sku.c_str());
    }
    if (verbose && !avail_ok && (p.availability || !avails.empty())) {
      std::printf("AVAIL  %-60s want %-10s got %s\n", url.substr(0, 60).c_str(),
                  avails.empty() ? "-" : avails[0].c_str(), p.availability.value_or("-").c_str());
    }
  }
  std::printf("zyte: %d pages (recognised as product: %d)\n", pages, zyte_products);
  std::printf("  %-13s precision %.4f  recall %.4f  F1 %.4f  (tp %d fp %d fn %d)\n", "price", price.P(), price.R(),
              price.F1(), price.tp, price.fp, price.fn);
  std::printf("  %-13s precision %.4f  recall %.4f  F1 %.4f  (tp %d fp %d fn %d)\n", "sku", sku.P(), sku.R(), sku.F1(),
              sku.tp, sku.fp, sku.fn);
  std::printf("  %-13s precision %.4f  recall %.4f  F1 %.4f  (tp %d fp %d fn %d)\n", "availability", avail.P(),
              avail.R(), avail.F1(), avail.tp, avail.fp, avail.fn);

  // --- annotated
  auto manifest = worthit::bench::ReadJson(dir + "/annotated/manifest.json");
  if (!manifest.is_object()) return 1;
  int n = 0, title_ok = 0, rating_ok = 0, count_ok = 0, price_ok_n = 0, product_ok = 0;
  int rating_shown = 0, rating_shown_ok = 0, count_shown = 0, count_shown_ok = 0;
  int reviews_want = 0, reviews_found = 0;
  for (const auto& entry : manifest.at("pages").get_array()) {
    const auto& o = entry.get_object();
    const std::string file(o.at("file").get_string());
    const std::string url(o.at("original_url").get_string());
    auto page = Extract(dir + "/annotated/" + file, url);
    if (!page) continue;
    record(file, *page);
    ++n;
    const auto& p = page->product;
    product_ok += page->is_product;
    const bool t_ok = Norm(p.title) == Norm(std::string(o.at("title").get_string()));
    title_ok += t_ok;
    const bool has_rating = !o.at("avg_rating").is_null();
    bool r_ok = false, c_ok = false;
    if (has_rating) {
      const double want = o.at("avg_rating").to_number<double>();
      const double scale = o.at("rating_scale").to_number<double>();
      r_ok = p.rating && std::fabs(p.rating->value - want) < 0.051 && std::fabs(p.rating->scale - scale) < 0.01;
      ++rating_shown;
      rating_shown_ok += r_ok;
    } else {
      r_ok = !p.rating;
    }
    rating_ok += r_ok;
    if (!o.at("rating_count").is_null()) {
      c_ok = p.rating && p.rating->count == o.at("rating_count").to_number<int64_t>();
      ++count_shown;
      count_shown_ok += c_ok;
    } else {
      c_ok = !p.rating || p.rating->count == 0;
    }
    count_ok += c_ok;
    bool pr_ok = false;
    if (o.at("price").is_null()) {
      pr_ok = !p.price;
    } else if (p.price) {
      pr_ok = std::fabs(o.at("price").to_number<double>() - std::stod(*p.price)) < 0.005 &&
              (o.at("currency").is_null() || std::string(o.at("currency").get_string()) == p.currency);
    }
    price_ok_n += pr_ok;
    const auto& want_reviews = o.at("reviews").get_array();
    for (const auto& wr : want_reviews) {
      ++reviews_want;
      const std::string want_text = Norm(std::string(wr.at("text").get_string()));
      const int want_stars = static_cast<int>(wr.at("star").to_number<double>());
      for (const auto& r : page->reviews) {
        if (Norm(r.text).starts_with(want_text) && r.stars == want_stars) {
          ++reviews_found;
          break;
        }
      }
    }
    if (verbose && !(t_ok && r_ok && c_ok && pr_ok)) {
      std::printf("ANNOT  %-34s title %s rating %s count %s price %s | got '%s' %s %s/%s n=%lld\n", file.c_str(),
                  t_ok ? "ok" : "NO", r_ok ? "ok" : "NO", c_ok ? "ok" : "NO", pr_ok ? "ok" : "NO",
                  p.title.substr(0, 50).c_str(), p.price.value_or("-").c_str(),
                  p.rating ? std::to_string(p.rating->value).c_str() : "-",
                  p.rating ? std::to_string(p.rating->scale).c_str() : "-",
                  p.rating ? static_cast<long long>(p.rating->count) : -1LL);
    }
  }
  if (!html_dir.empty() && dump.is_open()) {
    auto facts = worthit::bench::ReadJson(html_dir + "/facts.json");
    if (facts.is_object()) {
      for (const auto& [key, v] : facts.get_object()) {
        const auto* url = v.get_object().if_contains("url");
        auto page = Extract(html_dir + "/" + std::string(key) + ".html", url ? std::string(url->get_string()) : "");
        if (page) record(std::string(key), *page);
      }
    }
  }
  std::printf("annotated: %d pages (recognised as product: %d)\n", n, product_ok);
  std::printf("  title         %d/%d correct\n", title_ok, n);
  std::printf("  rating        %d/%d correct (pages showing one: %d/%d)\n", rating_ok, n, rating_shown_ok,
              rating_shown);
  std::printf("  rating count  %d/%d correct (pages showing one: %d/%d)\n", count_ok, n, count_shown_ok, count_shown);
  std::printf("  price+currency %d/%d correct\n", price_ok_n, n);
  std::printf("  reviews       %d/%d expected reviews found with stars and text\n", reviews_found, reviews_want);
  return 0;
}
