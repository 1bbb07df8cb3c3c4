#include "worker/result_codec.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <ctime>

namespace worthit::worker {

std::string KeyboardToJson(const analysis::card::Keyboard& keyboard) {
  boost::json::array rows;
  for (const auto& row : keyboard) {
    boost::json::array r;
    for (const auto& b : row) {
      r.push_back(
          boost::json::object{{"t", b.text}, {"c", b.callback_data}, {"u", b.url}, {"s", b.switch_inline_query}});
    }
    rows.push_back(std::move(r));
  }
  return boost::json::serialize(rows);
}

analysis::card::Keyboard KeyboardFromJson(const std::string& json) {
  analysis::card::Keyboard out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& row : v.as_array()) {
    if (!row.is_array()) continue;
    std::vector<analysis::card::Button> r;
    for (const auto& b : row.as_array()) {
      if (!b.is_object()) continue;
      const auto& o = b.as_object();
      auto str = [&](const char* k) -> std::string {
        auto it = o.find(k);
        return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
      };
      r.push_back({str("t"), str("c"), str("u"), str("s")});
    }
    out.push_back(std::move(r));
  }
  return out;
}

telegram::InlineKeyboard ToInlineKeyboard(const analysis::card::Keyboard& keyboard) {
  telegram::InlineKeyboard kb;
  for (const auto& row : keyboard) {
    std::vector<telegram::InlineButton> r;
    for (const auto& b : row) {
      telegram::InlineButton ib;
      ib.text = b.text;
      ib.callback_data = b.callback_data;
      ib.url = b.url;
      if (b.callback_data.empty() && b.url.empty()) {
        ib.switch_inline_query = b.switch_inline_query;
        ib.has_switch_inline = true;
      }
      r.push_back(std::move(ib));
    }
    kb.rows.push_back(std::move(r));
  }
  return kb;
}

store::StoredResult MakeStoredResult(const analysis::pipeline::AnalyzedProduct& product, int64_t analyzed_at_ms) {
  store::StoredResult r;
  const auto& page = product.page;
  r.product_id = analysis::card::ProductId(page);
  r.canonical_url = page.canonical_url.empty() ? page.url : page.canonical_url;
  r.title = page.product.title.empty() ? page.site : page.product.title;
  if (product.analysis.score.has_score) r.score = product.analysis.score.score;
  r.price = page.product.price.value_or("");
  r.currency = page.product.currency;
  const auto it = analysis::pipeline::RenderCardIn(product, "it");
  const auto en = analysis::pipeline::RenderCardIn(product, "en");
  r.card_it = it.html;
  r.card_en = en.html;
  r.keyboard_json = KeyboardToJson(product.analysis.lang == "en" ? en.keyboard : it.keyboard);
  r.analyzed_at_ms = analyzed_at_ms;
  return r;
}

std::string ServedCard(const store::StoredResult& result, const std::string& lang,
                       std::optional<std::chrono::seconds> age) {
  const std::string& html = lang == "en" ? result.card_en : result.card_it;
  if (!age) return html;
  std::string with_age = analysis::card::CachedAgeLine(*age, lang) + html;
  if (analysis::card::Utf16Length(with_age) > analysis::card::kMaxCardChars) return html;
  return with_age;
}

std::optional<analysis::score::PriceHistory> PriceHistoryFrom(const std::vector<store::PriceObservation>& observations,
                                                              const std::string& currency) {
  struct Obs {
    double value;
    const store::PriceObservation* o;
  };
  std::vector<Obs> values;
  for (const auto& o : observations) {
    if (o.currency != currency || o.price.empty()) continue;
    char* end = nullptr;
    const double v = std::strtod(o.price.c_str(), &end);
    if (end == o.price.c_str() || v <= 0) continue;
    values.push_back({v, &o});
  }
  if (values.empty()) return std::nullopt;
  analysis::score::PriceHistory h;
  h.observations = static_cast<int64_t>(values.size());
  // Lowest: the earliest time it was seen at that price (observations are newest first).
  const Obs* lowest = &values.front();
  for (const auto& v : values) {
    if (v.value <= lowest->value) lowest = &v;
  }
  h.lowest = lowest->o->price;
  const std::time_t secs = static_cast<std::time_t>(lowest->o->at_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  h.lowest_date = date;
  std::vector<Obs> sorted = values;
  std::sort(sorted.begin(), sorted.end(), [](const Obs& a, const Obs& b) { return a.value < b.value; });
  h.typical = sorted[sorted.size() / 2].o->price;
  return h;
}

}  // namespace worthit::worker
