// PageScan: one streaming pass over a page with MyHTML's HTML5 tokenizer (Debian's libmodest; no
// tree is built) collecting what the structured layers and the page's identity read: the ld+json
// blocks, the <meta> tags, the root's lang, the first rel=canonical link, and two facts that say
// whether the tree-based layers could add anything (microdata/RDFa or data-review-rating
// attributes anywhere; a bid count in the text).
//
// Why: the scan decides most product pages (PageExtractor's fast path), so its cost is most of a
// worker's CPU per task. libxml2 2.9's HTML tokenizer costs about 100 instructions per byte of
// attribute value; MyHTML's tokenizer reads the same pages in half the time (docs/performance.md,
// "Session 6"). The tree (html_document.h) stays on libxml2, for its XPath.
// Every value here equals what libxml2's tree gives for the same bytes on every fixture and on
// the evaluation pages (tests/analysis/extract/page_scan_test.cpp compares both). Where HTML5 and
// libxml2 2.9's HTML 4 rules part, the scan follows the tree: the first start tag is the root only
// when it is <html> and no text came before it; repeated attributes keep the first; script and
// style bodies are not text. Known remaining differences, all outside what real pages do: markup
// inside <iframe>, <xmp>, <noembed> or <noframes> is text here (HTML5), elements there; a
// self-closed <script/> ends at once there, at </script> here; CR LF is LF here.
//
// Thread-safety: ScanPage may run on many threads at once (one parser per thread).
// Failure: nullopt for empty input, input with no element or text, or a tokenizer error (the
// caller then builds the tree, which decides).
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
