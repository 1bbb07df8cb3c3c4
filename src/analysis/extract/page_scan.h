// PageScan: one streaming pass over a page with libxml2's SAX HTML parser — the same parser and
// options as HtmlDocument::Parse, but no tree is built — collecting what the structured layers
// and the page's identity read: the ld+json blocks, the <meta> tags, the root's lang, the first
// rel=canonical link, and two facts that say whether the tree-based layers could add anything
// (microdata/RDFa or data-review-rating attributes anywhere; a bid count in the text).
//
// Why: building libxml2's tree of a 200 KB page (a node, attributes and text copies per element,
// all freed again) costs about 2.5 times the parse itself. A page whose JSON-LD already gives
// every field (PageExtractor decides) needs no tree at all.
// Every value here equals what the tree gives for the same bytes (the tree is built from the
// same SAX events): tests/analysis/extract/page_scan_test.cpp compares both on every fixture.
//
// Thread-safety: ScanPage may run on many threads at once (parser state is per call).
// Failure: nullopt when libxml2 reports no element at all (empty input), like Parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace worthit::analysis::extract {

// A <meta> tag that has a content attribute; fields are whitespace-collapsed attribute values
// ("" when the attribute is absent), as HtmlDocument::Attr returns them.
struct MetaTag {
  std::string property, name, itemprop, content;
};

struct PageScan {
  std::vector<std::string> ldjson;      // raw text of each <script type="...ld+json...">, in order
  std::vector<MetaTag> metas;           // every <meta content=...>, in document order
  std::string root_lang;                // lang attribute of the root element, collapsed, or ""
  std::string canonical;                // href of the first <link rel="canonical">, collapsed, or ""
  bool has_microdata = false;           // some element has itemscope+itemtype, or typeof (RDFa)
  bool has_review_rating_attr = false;  // some element has data-review-rating (heuristic reviews)
  bool mentions_bids = false;           // the text (outside script/style) may hold a bid count ("2 bids")
};

std::optional<PageScan> ScanPage(std::string_view utf8_html);

// Words whose presence in visible text lets the heuristic layer read an auction's bid box
// ("bids", "Gebote", ...), lower-case; shared by the scan and the heuristic layer.
inline constexpr std::string_view kBidWords[] = {"bids",    "bid",   "gebote", "gebot",   "enchères",
                                                 "enchère", "pujas", "puja",   "puntate", "puntata"};

}  // namespace worthit::analysis::extract
