#include "analysis/extract/html_document.h"

#include <libxml/SAX2.h>
#include <libxml/xpath.h>

#include <malloc.h>
#include <strings.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

// libxml2's allocation functions for the process, installed before main (no parse can run yet),
// over the same malloc/free, so blocks allocated before or after mix freely:
//  - the HTML parser reads every attribute value into a buffer of 100 bytes
//    (HTML_PARSER_BUFFER_SIZE, private to libxml2 2.9's HTMLparser.c) from xmlMallocAtomic and
//    doubles it with xmlRealloc at the value's second character, then at 100 and 300 bytes: on a
//    harness page some 4 000 reallocs, which glibc pays in full (split the chunk, free the tail,
//    or move). Such a buffer gets kAttributeBufferRoom bytes at once, so those doublings fit.
//    Other atomic requests (strings kept in a tree) keep their size: no memory is wasted there;
//    with another libxml2 the rule matches nothing and only costs a comparison;
//  - every parse error (some 400 per harness page: libxml2 2.9's HTML 4 tag table calls svg,
//    picture, header... "invalid", and formats the message whatever the options) formats its
//    message into a 150-byte xmlMalloc buffer, then grows it with xmlRealloc to 150 + its length
//    + 1 and formats it again (XML_GET_VAR_STR in error.c): such a buffer gets kMessageRoom bytes
//    at once, so that realloc fits and stays in place;
//  - a realloc that fits in the block's usable size returns the block as it is.
// Only speed changes: every request still gets at least the bytes it asked for.
constexpr size_t kLibxmlAttributeBuffer = 100;
constexpr size_t kAttributeBufferRoom = 512;
constexpr size_t kLibxmlMessageBuffer = 150;
constexpr size_t kMessageRoom = 256;  // messages up to ~110 bytes; "Tag picture invalid\n" is 20
void* Malloc(size_t size) { return std::malloc(size == kLibxmlMessageBuffer ? kMessageRoom : size); }
void* MallocAtomic(size_t size) { return std::malloc(size == kLibxmlAttributeBuffer ? kAttributeBufferRoom : size); }
void* ReallocInPlace(void* block, size_t size) {
  if (block != nullptr && size <= malloc_usable_size(block)) return block;
  return std::realloc(block, size);
}
char* Strdup(const char* s) { return strdup(s); }
const bool kLibxmlAllocatorInstalled = [] {
  return xmlGcMemSetup(std::free, Malloc, MallocAtomic, ReallocInPlace, Strdup) == 0;
}();

}  // namespace

void InitLibxml2() {
  // libxml2 2.9 sets up its globals (the dictionaries' mutex and random seed, the HTML auto-close
  // table, ...) lazily on first use and without a lock: two threads parsing their first page at
  // once could leave the dictionaries' mutex held for good, and from then on every parse in the
  // process waited forever (seen: a started worker's task threads all blocked in xmlRMutexLock
  // under htmlNewParserCtxt). xmlInitParser does it all at once; the function-local static makes
  // the first caller run it while any other waits. After the allocator hooks above (static init).
  static const bool initialised = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialised;
}

namespace {

// Compiled XPath expressions, per thread (xmlXPathCompExpr is not shared across threads). The
// set of expressions is fixed by the code, so the cache is bounded.
xmlXPathCompExpr* Compiled(const char* xpath) {
  struct Cache {
    std::unordered_map<std::string, xmlXPathCompExpr*> map;
    ~Cache() {
      for (auto& [k, v] : map) xmlXPathFreeCompExpr(v);
    }
  };
  thread_local Cache cache;
  auto it = cache.map.find(xpath);
  if (it != cache.map.end()) return it->second;
  xmlXPathCompExpr* comp = xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath));
  cache.map.emplace(xpath, comp);
  return comp;
}

// Relative expressions derived from fixed ones above; interned so the compiled cache keys stay
// valid C strings. Bounded by the fixed set of expressions in the code.
const char* Intern(const std::string& s) {
  thread_local std::unordered_map<std::string, std::unique_ptr<std::string>> strings;
  auto& slot = strings[s];
  if (!slot) slot = std::make_unique<std::string>(s);
  return slot->c_str();
}

void AppendText(const xmlNode* node, std::string& out, bool visible) {
  for (const xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out += reinterpret_cast<const char*>(n->content);
    } else if (n->type == XML_ELEMENT_NODE) {
      const char* name = reinterpret_cast<const char*>(n->name);
      if (visible && (std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0 ||
                      std::strcmp(name, "template") == 0 || std::strcmp(name, "noscript") == 0)) {
        continue;
      }
      if (visible && (std::strcmp(name, "br") == 0 || std::strcmp(name, "p") == 0 || std::strcmp(name, "div") == 0 ||
                      std::strcmp(name, "li") == 0)) {
        out += ' ';
      }
      AppendText(n->children, out, visible);
    }
  }
}

// The attributes the walk reads, found in one pass over an element's attribute list (an HTML
// element has each attribute once). A present attribute without a value reads "".
struct WalkAttrs {
  const char *cls = nullptr, *id = nullptr, *testid = nullptr, *itemprop = nullptr, *type = nullptr,
             *review_rating = nullptr, *itemscope = nullptr, *itemtype = nullptr, *type_of = nullptr,
             *content = nullptr, *rel = nullptr;
};

WalkAttrs ReadWalkAttrs(const xmlNode* n) {
  WalkAttrs w;
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    const char* name = reinterpret_cast<const char*>(a->name);
    const char* v = a->children && a->children->content ? reinterpret_cast<const char*>(a->children->content) : "";
    switch (name[0]) {
      case 'c':
        if (std::strcmp(name, "class") == 0) w.cls = v;
        if (std::strcmp(name, "content") == 0) w.content = v;
        break;
      case 'd':
        if (std::strcmp(name, "data-testid") == 0) w.testid = v;
        if (std::strcmp(name, "data-review-rating") == 0) w.review_rating = v;
        break;
      case 'i':
        if (std::strcmp(name, "id") == 0) w.id = v;
        if (std::strcmp(name, "itemprop") == 0) w.itemprop = v;
        if (std::strcmp(name, "itemscope") == 0) w.itemscope = v;
        if (std::strcmp(name, "itemtype") == 0) w.itemtype = v;
        break;
      case 'r':
        if (std::strcmp(name, "rel") == 0) w.rel = v;
        break;
      case 't':
        if (std::strcmp(name, "type") == 0) w.type = v;
        if (std::strcmp(name, "typeof") == 0) w.type_of = v;
        break;
      default: break;
    }
  }
  return w;
}

// An attribute value lower-cased (ASCII, as strcasestr compares in the C locale) into `buf`, so
// each of the many needles below is a plain substring search instead of a strcasestr call (whose
// per-call setup cost more than the search on these short values).
std::string_view Lowered(const char* value, std::string& buf) {
  buf.clear();
  if (value == nullptr) return {};
  for (const char* p = value; *p; ++p) buf.push_back((*p >= 'A' && *p <= 'Z') ? static_cast<char>(*p + 32) : *p);
  return buf;
}

bool Has(std::string_view lowered, std::string_view needle) { return lowered.find(needle) != std::string_view::npos; }

bool NamesCart(std::string_view v) {
  return Has(v, "cart") || Has(v, "buy") || Has(v, "cta") || Has(v, "basket") || Has(v, "kosar") || Has(v, "koszyk") ||
         Has(v, "panier") || Has(v, "carrello") || Has(v, "warenkorb");
}

void Walk(xmlNode* n, DocumentIndex& index, int& order) {
  thread_local std::string cls_buf, id_buf, testid_buf, type_buf;
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    const int pos = order++;
    const char* name = reinterpret_cast<const char*>(n->name);
    const WalkAttrs w = ReadWalkAttrs(n);
    if (w.id != nullptr && *w.id) index.ids.emplace_back(w.id, n);
    const std::string_view cls = Lowered(w.cls, cls_buf);
    const std::string_view id = Lowered(w.id, id_buf);
    if (Has(cls, "price") || Has(id, "price") || Has(Lowered(w.testid, testid_buf), "price") || Has(cls, "deal")) {
      index.price_like.push_back({n, pos});
    } else if (w.itemprop && std::strcmp(w.itemprop, "price") == 0) {
      index.price_like.push_back({n, pos});
    }
    bool button = std::strcmp(name, "button") == 0 || NamesCart(cls) || NamesCart(id);
    if (!button && std::strcmp(name, "input") == 0) {
      button = w.type && (strcasecmp(w.type, "submit") == 0 || strcasecmp(w.type, "button") == 0 ||
                          strcasecmp(w.type, "image") == 0);
    }
    if (button) index.buttons.push_back({n, pos});
    if (Has(cls, "rating")) index.rating_like.push_back(n);
    if (Has(cls, "stock") || Has(cls, "availability") || Has(id, "stock") || Has(id, "availability")) {
      index.stock_like.push_back(n);
    }
    if (w.review_rating) index.review_rating_attr.push_back(n);
    if (w.itemscope && w.itemtype) index.itemscopes.push_back(n);
    if (w.type_of) index.typeofs.push_back(n);
    if (std::strcmp(name, "meta") == 0 && w.content) index.metas.push_back(n);
    if (std::strcmp(name, "script") == 0 && Has(Lowered(w.type, type_buf), "ld+json")) index.ldjson.push_back(n);
    if (std::strcmp(name, "h1") == 0) index.h1.push_back(n);
    if (index.title == nullptr && std::strcmp(name, "title") == 0) index.title = n;
    if (index.canonical == nullptr && std::strcmp(name, "link") == 0 && w.rel && std::strcmp(w.rel, "canonical") == 0) {
      index.canonical = n;
    }
    Walk(n->children, index, order);
  }
}

// cdataBlock (the body of a <script> or <style>) for the tree builder: kept only inside an
// ld+json script, the one kind of raw body a layer reads.
void KeepLdJsonBody(void* ctx, const xmlChar* value, int len) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(ctx);
  const xmlNode* cur = ctxt->node;
  if (cur == nullptr || cur->type != XML_ELEMENT_NODE ||
      std::strcmp(reinterpret_cast<const char*>(cur->name), "script") != 0) {
    return;
  }
  std::string buf;
  if (Has(Lowered(ReadWalkAttrs(cur).type, buf), "ld+json")) xmlSAX2CDataBlock(ctx, value, len);
}

}  // namespace

xmlNode* DocumentIndex::ById(std::string_view id) const {
  auto it = std::lower_bound(ids.begin(), ids.end(), id, [](const auto& e, std::string_view v) { return e.first < v; });
  return it != ids.end() && it->first == id ? it->second : nullptr;
}

const DocumentIndex& HtmlDocument::Index() const {
  if (!index_) {
    index_ = std::make_unique<DocumentIndex>();
    int order = 0;
    Walk(Root(), *index_, order);
    std::stable_sort(index_->ids.begin(), index_->ids.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return *index_;
}

std::string HtmlDocument::Canonical() const {
  const xmlNode* link = Index().canonical;
  return link ? Attr(link, "href") : std::string();
}

std::optional<HtmlDocument> HtmlDocument::Parse(std::string_view utf8_html) {
  if (utf8_html.empty()) return std::nullopt;
  InitLibxml2();
  // libxml2's own tree builder, except that script and style bodies other than ld+json are not
  // stored: no layer reads code or CSS (Text() skips them), and on shop pages they are a good
  // part of the bytes, each copied into text nodes and freed again.
  htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
  if (ctxt == nullptr || ctxt->sax == nullptr) {
    if (ctxt) htmlFreeParserCtxt(ctxt);
    return std::nullopt;
  }
  ctxt->sax->cdataBlock = KeepLdJsonBody;
  xmlDoc* doc =
      htmlCtxtReadMemory(ctxt, utf8_html.data(), static_cast<int>(utf8_html.size()), nullptr, "UTF-8", kParseOptions);
  htmlFreeParserCtxt(ctxt);
  if (doc == nullptr) return std::nullopt;
  if (xmlDocGetRootElement(doc) == nullptr) {
    xmlFreeDoc(doc);
    return std::nullopt;
  }
  return HtmlDocument(doc);
}

std::vector<xmlNode*> HtmlDocument::Select(const char* xpath, xmlNode* context) const {
  std::vector<xmlNode*> out;
  // "//*[@id='X']<rest>" from the document: the id table, then <rest> relative to that element.
  constexpr std::string_view kById = "//*[@id='";
  const std::string_view xp = xpath;
  if (context == nullptr && xp.starts_with(kById)) {
    const auto close = xp.find("']", kById.size());
    if (close != std::string_view::npos) {
      xmlNode* n = Index().ById(xp.substr(kById.size(), close - kById.size()));
      if (n == nullptr) return out;
      const std::string_view rest = xp.substr(close + 2);
      if (rest.empty()) {
        out.push_back(n);
        return out;
      }
      if (rest.starts_with("/")) {
        const std::string relative = "." + std::string(rest);
        return Select(Intern(relative), n);
      }
    }
  }
  xmlXPathCompExpr* comp = Compiled(xpath);
  if (comp == nullptr) return out;
  xmlXPathContext* ctx = xmlXPathNewContext(doc_.get());
  if (ctx == nullptr) return out;
  ctx->node = context ? context : reinterpret_cast<xmlNode*>(doc_.get());
  xmlXPathObject* obj = xmlXPathCompiledEval(comp, ctx);
  if (obj && obj->nodesetval) {
    out.reserve(obj->nodesetval->nodeNr);
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) out.push_back(obj->nodesetval->nodeTab[i]);
  }
  xmlXPathFreeObject(obj);
  xmlXPathFreeContext(ctx);
  return out;
}

xmlNode* HtmlDocument::First(const char* xpath, xmlNode* context) const {
  auto nodes = Select(xpath, context);
  return nodes.empty() ? nullptr : nodes.front();
}

std::string HtmlDocument::TextOf(const char* xpath, xmlNode* context) const {
  xmlNode* n = First(xpath, context);
  return n ? Text(n) : std::string();
}

std::string HtmlDocument::AttrOf(const char* xpath, const char* attr, xmlNode* context) const {
  xmlNode* n = First(xpath, context);
  return n ? Attr(n, attr) : std::string();
}

std::string HtmlDocument::Text(const xmlNode* node) {
  if (node == nullptr) return "";
  std::string out;
  if (node->type == XML_ATTRIBUTE_NODE) {
    AppendText(node->children, out, false);
  } else if (node->type == XML_TEXT_NODE) {
    if (node->content) out = reinterpret_cast<const char*>(node->content);
  } else {
    AppendText(node->children, out, true);
  }
  return CollapseSpace(out);
}

std::string HtmlDocument::RawText(const xmlNode* node) {
  if (node == nullptr) return "";
  std::string out;
  AppendText(node->children, out, false);
  return out;
}

std::string HtmlDocument::Attr(const xmlNode* node, const char* name) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return "";
  xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return "";
  std::string out = CollapseSpace(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool HtmlDocument::HasAttr(const xmlNode* node, const char* name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

bool HtmlDocument::HasClass(const xmlNode* node, std::string_view cls) {
  const std::string classes = Attr(node, "class");
  size_t pos = 0;
  while (pos < classes.size()) {
    size_t end = classes.find(' ', pos);
    if (end == std::string::npos) end = classes.size();
    if (std::string_view(classes).substr(pos, end - pos) == cls) return true;
    pos = end + 1;
  }
  return false;
}

std::string_view HtmlDocument::Name(const xmlNode* node) {
  return node && node->name ? reinterpret_cast<const char*>(node->name) : "";
}

}  // namespace worthit::analysis::extract
