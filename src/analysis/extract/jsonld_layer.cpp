// schema.org JSON-LD: every <script type="application/ld+json"> block, parsed tolerantly
// (comments, trailing commas, raw newlines inside strings, HTML comments/CDATA wrappers, several
// objects in one block, entity-escaped text), then searched for Product-like entities through
// @graph, arrays and nesting (mainEntity, itemListElement, hasVariant).
#include <boost/json.hpp>

#include <charconv>
#include <cmath>

#include "analysis/extract/layers.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

namespace json = boost::json;

// Depth cap for walking entities: real pages nest 5-6 levels; a hostile page must not recurse
// without bound.
constexpr int kMaxDepth = 24;

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

std::string StripWrappers(std::string s) {
  s = Trim(s);
  for (std::string_view w : {"<!--", "//<![CDATA[", "<![CDATA[", "/*<![CDATA[*/"}) {
    if (s.starts_with(w)) s = Trim(std::string_view(s).substr(w.size()));
  }
  for (std::string_view w : {"-->", "//]]>", "]]>", "/*]]>*/", ";"}) {
    if (s.ends_with(w)) s = Trim(std::string_view(s).substr(0, s.size() - w.size()));
  }
  return s;
}

// Escapes raw control characters inside strings and drops invalid escapes ("\'").
std::string RepairStrings(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < s.size()) {
      const char n = s[i + 1];
      if (std::string_view("\"\\/bfnrtu").find(n) != std::string_view::npos) {
        out += c;
        out += n;
      } else {
        out += n;  // "\'" and friends: keep the character
      }
      ++i;
    } else if (c == '"') {
      in_string = false;
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Parses one or more concatenated JSON values.
bool ParseAll(std::string_view text, std::vector<json::value>& out) {
  json::parse_options opt;
  opt.allow_comments = true;
  opt.allow_trailing_commas = true;
  opt.allow_invalid_utf8 = true;
  opt.max_depth = 64;
  size_t pos = 0;
  bool any = false;
  while (pos < text.size()) {
    while (pos < text.size() &&
           (std::isspace(static_cast<unsigned char>(text[pos])) || text[pos] == ';' || text[pos] == ',')) {
      ++pos;
    }
    if (pos >= text.size()) break;
    json::stream_parser p({}, opt);
    json::error_code ec;
    const size_t n = p.write_some(text.data() + pos, text.size() - pos, ec);
    if (ec || !p.done()) {
      if (!ec) p.finish(ec);
      if (ec || !p.done()) return any;
    }
    out.push_back(p.release());
    any = true;
    pos += n;
  }
  return any;
}

std::vector<json::value> ParseBlock(const std::string& raw) {
  std::vector<json::value> out;
  const std::string s = StripWrappers(raw);
  if (s.empty()) return out;
  if (ParseAll(s, out)) return out;
  out.clear();
  const std::string repaired = RepairStrings(s);
  if (ParseAll(repaired, out)) return out;
  out.clear();
  if (s.find("&quot;") != std::string::npos) ParseAll(RepairStrings(DecodeEntities(s)), out);
  return out;
}

std::string Str(const json::value* v) {
  if (v == nullptr) return "";
  if (v->is_string()) return DecodeEntities(Trim(std::string_view(v->get_string())));
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_double()) {
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v->get_double());
    return ec == std::errc() ? std::string(buf, p) : "";
  }
  if (v->is_array() && !v->get_array().empty()) return Str(&v->get_array()[0]);
  if (v->is_object()) {
    const auto& o = v->get_object();
    for (const char* k : {"name", "@value", "url", "@id"}) {
      if (auto* x = o.if_contains(k)) return Str(x);
    }
  }
  return "";
}

const json::value* Get(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key)) return v;
  // "schema:price" / "http://schema.org/price" spellings.
  for (const auto& [k, v] : o) {
    const std::string_view ks = k;
    if (ks.size() > key.size() && ks.ends_with(key) &&
        (ks[ks.size() - key.size() - 1] == ':' || ks[ks.size() - key.size() - 1] == '/')) {
      return &v;
    }
  }
  return nullptr;
}

std::vector<std::string> Types(const json::object& o) {
  std::vector<std::string> out;
  const json::value* t = Get(o, "@type");
  if (t == nullptr) return out;
  auto add = [&out](std::string_view s) {
    const auto slash = s.find_last_of("/:");
    out.emplace_back(slash == std::string_view::npos ? s : s.substr(slash + 1));
  };
  if (t->is_string()) add(t->get_string());
  if (t->is_array()) {
    for (const auto& x : t->get_array()) {
      if (x.is_string()) add(x.get_string());
    }
  }
  return out;
}

bool IsProductType(const std::vector<std::string>& types) {
  for (const auto& t : types) {
    if (t == "Product" || t == "ProductGroup" || t == "IndividualProduct" || t == "ProductModel" ||
        t == "SomeProducts" || t == "Book" || t == "Vehicle" || t == "Car" || t == "MobileApplication") {
      return true;
    }
  }
  return false;
}

bool HasType(const std::vector<std::string>& types, std::string_view want) {
  for (const auto& t : types) {
    if (t == want) return true;
  }
  return false;
}

struct Found {
  const json::object* product;
  bool listed;  // inside an ItemList / itemListElement
};

void Collect(const json::value& v, bool listed, int depth, std::vector<Found>& out) {
  if (depth > kMaxDepth) return;
  if (v.is_array()) {
    for (const auto& x : v.get_array()) Collect(x, listed, depth + 1, out);
    return;
  }
  if (!v.is_object()) return;
  const auto& o = v.get_object();
  const auto types = Types(o);
  if (IsProductType(types)) {
    out.push_back({&o, listed});
    return;  // its own children (offers, reviews) are read from it; variants handled there
  }
  const bool list = listed || HasType(types, "ItemList") || HasType(types, "OfferCatalog") ||
                    HasType(types, "SearchResultsPage") || HasType(types, "CollectionPage");
  for (const auto& [k, child] : o) {
    const std::string_view key = k;
    if (key == "review" || key == "reviews" || key == "breadcrumb" || key == "itemReviewed") continue;
    Collect(child, list || key == "itemListElement", depth + 1, out);
  }
}

void ReadOffer(const json::object& offer, Partial& p) {
  if (!p.price) {
    for (const char* k : {"price", "lowPrice", "highPrice"}) {
      if (auto* v = Get(offer, k)) {
        if (auto price = MachinePrice(Str(v))) {
          p.price = price;
          break;
        }
      }
    }
    if (!p.price) {
      if (auto* spec = Get(offer, "priceSpecification")) {
        const json::value* s = spec;
        if (s->is_array() && !s->get_array().empty()) s = &s->get_array()[0];
        if (s->is_object()) {
          if (auto* v = Get(s->get_object(), "price")) p.price = MachinePrice(Str(v));
          if (auto* c = Get(s->get_object(), "priceCurrency"); c && p.currency.empty()) p.currency = Str(c);
        }
      }
    }
  }
  if (p.currency.empty()) {
    if (auto* c = Get(offer, "priceCurrency")) p.currency = Str(c);
  }
  if (!p.availability) {
    if (auto* a = Get(offer, "availability")) p.availability = NormaliseAvailability(Str(a));
  }
  if (p.sku.empty()) {
    if (auto* s = Get(offer, "sku")) p.sku = Str(s);
  }
}

void ReadOffers(const json::value* offers, Partial& p, int depth = 0) {
  if (offers == nullptr || depth > 3) return;
  if (offers->is_array()) {
    // The first offer with a price wins: shops list their own offer first.
    for (const auto& o : offers->get_array()) {
      if (o.is_object()) ReadOffer(o.get_object(), p);
      if (p.price) break;
    }
    return;
  }
  if (offers->is_object()) {
    const auto& o = offers->get_object();
    ReadOffer(o, p);
    if (!p.price) ReadOffers(Get(o, "offers"), p, depth + 1);  // AggregateOffer.offers
  }
}

std::optional<double> Number(const json::value* v) {
  const std::string s = Str(v);
  if (s.empty()) return std::nullopt;
  auto d = ParseDecimal(s);
  if (!d) return std::nullopt;
  try {
    return std::stod(*d);
  } catch (...) {
    return std::nullopt;
  }
}

void ReadReviews(const json::value* v, Partial& p) {
  if (v == nullptr) return;
  if (v->is_array()) {
    for (const auto& r : v->get_array()) ReadReviews(&r, p);
    return;
  }
  if (!v->is_object()) return;
  const auto& o = v->get_object();
  Review r;
  if (auto* rr = Get(o, "reviewRating"); rr && rr->is_object()) {
    auto value = Number(Get(rr->get_object(), "ratingValue"));
    auto best = Number(Get(rr->get_object(), "bestRating"));
    if (value) {
      const double scale = best && *best > 0 ? *best : 5.0;
      r.stars = static_cast<int>(std::lround(*value * 5.0 / scale));
    }
  }
  r.title = Str(Get(o, "name"));
  r.text = Str(Get(o, "reviewBody"));
  if (r.text.empty()) r.text = Str(Get(o, "description"));
  const std::string date = Str(Get(o, "datePublished"));
  if (date.size() >= 10 && date[4] == '-' && date[7] == '-') r.date = date.substr(0, 10);
  r.text = CollapseSpace(r.text);
  if (!r.text.empty() || r.stars) p.reviews.push_back(std::move(r));
}

void ReadProduct(const json::object& o, Partial& p) {
  if (p.title.empty()) p.title = CollapseSpace(Str(Get(o, "name")));
  if (p.brand.empty()) p.brand = Str(Get(o, "brand"));
  if (p.brand.empty()) p.brand = Str(Get(o, "manufacturer"));
  if (p.sku.empty()) p.sku = Str(Get(o, "sku"));
  if (p.sku.empty()) p.sku = Str(Get(o, "productID"));
  if (p.gtin.empty()) {
    for (const char* k : {"gtin13", "gtin", "gtin12", "gtin14", "gtin8", "isbn"}) {
      p.gtin = Str(Get(o, k));
      if (!p.gtin.empty()) break;
    }
  }
  if (p.image.empty()) p.image = Str(Get(o, "image"));
  ReadOffers(Get(o, "offers"), p);
  if (auto* ar = Get(o, "aggregateRating"); ar && ar->is_object() && !p.rating_value) {
    const auto& a = ar->get_object();
    p.rating_value = Number(Get(a, "ratingValue"));
    if (p.rating_value) {
      auto best = Number(Get(a, "bestRating"));
      p.rating_scale = best && *best > 0 ? *best : 5.0;
      auto count = Number(Get(a, "ratingCount"));
      if (!count) count = Number(Get(a, "reviewCount"));
      if (count) p.rating_count = static_cast<int64_t>(*count);
    }
  }
  if (p.reviews.empty()) {
    ReadReviews(Get(o, "review"), p);
    if (p.reviews.empty()) ReadReviews(Get(o, "reviews"), p);
  }
  // ProductGroup: the variants carry the offers.
  if (auto* variants = Get(o, "hasVariant"); variants && variants->is_array() && !p.price) {
    for (const auto& v : variants->get_array()) {
      if (!v.is_object()) continue;
      ReadOffers(Get(v.get_object(), "offers"), p);
      if (p.sku.empty()) p.sku = Str(Get(v.get_object(), "sku"));
      if (p.price) break;
    }
  }
}

}  // namespace

Partial FromJsonLd(const HtmlDocument& doc, const PageContext&) {
  std::vector<std::string> blocks;
  for (xmlNode* script : doc.Index().ldjson) blocks.push_back(HtmlDocument::RawText(script));
  return FromJsonLdBlocks(blocks);
}

Partial FromJsonLdBlocks(const std::vector<std::string>& blocks) {
  Partial p;
  std::vector<json::value> values;
  for (const std::string& block : blocks) {
    for (auto& v : ParseBlock(block)) values.push_back(std::move(v));
  }
  std::vector<Found> found;
  for (const auto& v : values) Collect(v, false, 0, found);
  const Found* main = nullptr;
  for (const auto& f : found) {
    if (f.listed) {
      ++p.listed_products;
    } else {
      ++p.product_items;
      if (main == nullptr) main = &f;
    }
  }
  if (main == nullptr) return p;
  p.says_product = true;
  ReadProduct(*main->product, p);
  // Several top-level entities for one product (one with offers, one with ratings): fill gaps.
  for (const auto& f : found) {
    if (&f != main && !f.listed) {
      const std::string name = CollapseSpace(Str(Get(*f.product, "name")));
      if (name.empty() || name == p.title) ReadProduct(*f.product, p);
    }
  }
  if (!p.currency.empty() && p.currency.size() != 3) p.currency = CurrencyIn(p.currency);
  return p;
}

}  // namespace worthit::analysis::extract
