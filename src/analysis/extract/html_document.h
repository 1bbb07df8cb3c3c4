// HtmlDocument: a parsed HTML page (libxml2's error-tolerant HTML parser) with the few XPath
// and text helpers the extraction layers need. Internal to analysis/extract: libxml2 types stay
// in this folder. The tree keeps no script or style bodies except ld+json ones (no layer reads
// code or CSS; storing them cost copies of a good part of a shop page's bytes).
//
// Ownership: owns the xmlDoc; nodes returned are borrowed and live as long as the document.
// Thread-safety: a document is used by one thread; compiled XPath expressions are cached per
// thread. Failure: Parse returns nullopt when libxml2 builds no tree (empty input).
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace worthit::analysis::extract {

// Elements the layers look for, collected in one walk over the tree (XPath scans with
// translate()/contains() over every element cost more than parsing the page).
struct DocumentIndex {
  struct Item {
    xmlNode* node;
    int order;  // position in document order, to measure distances
  };
  std::vector<Item> price_like;              // class/id/data-testid containing "price", or itemprop="price"
  std::vector<Item> buttons;                 // <button>, submit/button/image inputs, cart/buy/basket-named elements
  std::vector<xmlNode*> rating_like;         // class containing "rating"
  std::vector<xmlNode*> stock_like;          // class/id containing "stock" or "availability"
  std::vector<xmlNode*> review_rating_attr;  // data-review-rating
  std::vector<xmlNode*> itemscopes;          // itemscope with itemtype
  std::vector<xmlNode*> typeofs;             // RDFa typeof
  std::vector<xmlNode*> metas;               // <meta content>
  std::vector<xmlNode*> ldjson;              // <script type="application/ld+json">
  std::vector<xmlNode*> h1;
  xmlNode* title = nullptr;                                // the first <title>
  xmlNode* canonical = nullptr;                            // the first <link rel="canonical">
  std::vector<std::pair<std::string_view, xmlNode*>> ids;  // sorted by id; first element per id
  xmlNode* ById(std::string_view id) const;
};

// Initialises libxml2's process-wide state once (thread-safe; cheap after the first call). Every
// entry point of this folder into libxml2 calls it first: libxml2 2.9's lazy set-up is not
// thread-safe.
void InitLibxml2();

class HtmlDocument {
 public:
  // libxml2 options for every parse of a page into a tree.
  static constexpr int kParseOptions =
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

  static std::optional<HtmlDocument> Parse(std::string_view utf8_html);

  // Nodes matching `xpath`, relative to `context` (the document when null), in document order.
  std::vector<xmlNode*> Select(const char* xpath, xmlNode* context = nullptr) const;
  xmlNode* First(const char* xpath, xmlNode* context = nullptr) const;
  // Collapsed visible text of the first match, or "".
  std::string TextOf(const char* xpath, xmlNode* context = nullptr) const;
  std::string AttrOf(const char* xpath, const char* attr, xmlNode* context = nullptr) const;

  xmlNode* Root() const { return xmlDocGetRootElement(doc_.get()); }
  // href of the first <link rel="canonical"> (whitespace collapsed), or "".
  std::string Canonical() const;
  const DocumentIndex& Index() const;

  // Visible text of a node: script/style/template skipped, whitespace collapsed.
  static std::string Text(const xmlNode* node);
  // Raw text content (scripts included), not collapsed.
  static std::string RawText(const xmlNode* node);
  static std::string Attr(const xmlNode* node, const char* name);
  static bool HasAttr(const xmlNode* node, const char* name);
  static bool HasClass(const xmlNode* node, std::string_view cls);
  static std::string_view Name(const xmlNode* node);

 private:
  struct DocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
  };
  explicit HtmlDocument(xmlDoc* doc) : doc_(doc) {}
  std::unique_ptr<xmlDoc, DocDeleter> doc_;
  mutable std::unique_ptr<DocumentIndex> index_;  // built on first use
};

}  // namespace worthit::analysis::extract
