#include "analysis/extract/page_scan.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>

#include "analysis/extract/html_document.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

struct ScanState {
  PageScan scan;
  bool any_element = false;
  bool in_ldjson = false;
  bool canonical_found = false;  // the first <link rel="canonical"> was seen (its href may be "")
  std::string text;              // all text outside script/style bodies, in document order
};

// One scan per thread at a time: the SAX callbacks find their state here (libxml2's userData is
// reset by htmlCtxtReadMemory to the parser context).
thread_local ScanState* t_state = nullptr;

// The attributes any of the collected facts reads, found in one pass over an element's list
// (the parser has already dropped repeated attributes, so each name occurs once). A present
// attribute without a value reads "", as the tree's attribute does.
struct Attrs {
  const char *lang = nullptr, *itemscope = nullptr, *itemtype = nullptr, *type_of = nullptr, *type = nullptr,
             *content = nullptr, *property = nullptr, *name = nullptr, *itemprop = nullptr, *rel = nullptr,
             *href = nullptr, *review_rating = nullptr;
};

// Whether the NUL-terminated `s` equals the literal `lit`, compared inline: most names differ
// from the candidate at their first or second byte, where a strcmp call would still cost its
// call and set-up (~10 M instructions per 60 harness pages). `lit` includes its NUL, so the loop
// stops at the first difference or at the end of both, and never reads past `s`'s NUL.
template <size_t N>
bool Is(const char* s, const char (&lit)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (s[i] != lit[i]) return false;
  }
  return true;
}

Attrs ReadAttrs(const xmlChar** atts) {
  Attrs a;
  for (size_t i = 0; atts[i] != nullptr; i += 2) {
    const char* n = reinterpret_cast<const char*>(atts[i]);
    const char* v = atts[i + 1] ? reinterpret_cast<const char*>(atts[i + 1]) : "";
    switch (n[0]) {
      case 'c':
        if (Is(n, "content")) a.content = v;
        break;
      case 'd':
        if (Is(n, "data-review-rating")) a.review_rating = v;
        break;
      case 'h':
        if (Is(n, "href")) a.href = v;
        break;
      case 'i':
        if (Is(n, "itemscope")) a.itemscope = v;
        if (Is(n, "itemtype")) a.itemtype = v;
        if (Is(n, "itemprop")) a.itemprop = v;
        break;
      case 'l':
        if (Is(n, "lang")) a.lang = v;
        break;
      case 'n':
        if (Is(n, "name")) a.name = v;
        break;
      case 'p':
        if (Is(n, "property")) a.property = v;
        break;
      case 'r':
        if (Is(n, "rel")) a.rel = v;
        break;
      case 't':
        if (Is(n, "type")) a.type = v;
        if (Is(n, "typeof")) a.type_of = v;
        break;
      default: break;
    }
  }
  return a;
}

std::string Collapsed(const char* value) { return value ? CollapseSpace(value) : std::string(); }

bool HasCaseless(const char* value, const char* needle) {
  if (value == nullptr) return false;
  const size_t n = std::strlen(needle);
  for (const char* p = value; *p; ++p) {
    if (strncasecmp(p, needle, n) == 0) return true;
  }
  return false;
}

void OnStart(void*, const xmlChar* xname, const xmlChar** atts) {
  ScanState& s = *t_state;
  const bool root = !s.any_element;
  s.any_element = true;
  if (atts == nullptr) return;
  const Attrs a = ReadAttrs(atts);
  if (root) s.scan.root_lang = Collapsed(a.lang);
  if ((a.itemscope && a.itemtype) || a.type_of) s.scan.has_microdata = true;
  if (a.review_rating) s.scan.has_review_rating_attr = true;
  const char* name = reinterpret_cast<const char*>(xname);
  if (Is(name, "meta")) {
    if (a.content != nullptr) {
      s.scan.metas.push_back({Collapsed(a.property), Collapsed(a.name), Collapsed(a.itemprop), Collapsed(a.content)});
    }
  } else if (Is(name, "script")) {
    if (HasCaseless(a.type, "ld+json")) {
      s.in_ldjson = true;
      s.scan.ldjson.emplace_back();
    }
  } else if (!s.canonical_found && Is(name, "link")) {
    if (a.rel != nullptr && std::strcmp(a.rel, "canonical") == 0) {
      s.canonical_found = true;
      s.scan.canonical = Collapsed(a.href);
    }
  }
}

void OnEnd(void*, const xmlChar* name) {
  ScanState& s = *t_state;
  if (s.in_ldjson && Is(reinterpret_cast<const char*>(name), "script")) s.in_ldjson = false;
}

// Whether one of the eight bytes of `w` is an ASCII digit 0x30-0x39: the "has a byte between
// m and n" bit trick (Sean Anderson's bithacks, hasbetween(x, 0x2F, 0x3A)): per byte, 185 minus
// its low seven bits keeps bit 7 set when they are below 0x3A, those bits plus 80 when they are at
// least 0x30, and ~w when bit 7 of the byte is clear; no carry or borrow crosses a byte.
bool HasDigitByte(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t low7 = w & (kOnes * 0x7F);
  return (((kOnes * (0x7F + 0x3A)) - low7) & ~w & (low7 + kOnes * (0x7F - 0x2F)) & (kOnes * 0x80)) != 0;
}

uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

char LowerAscii(unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c); }

// Whether `text` (all the page's text, concatenated) could hold a bid count the heuristic layer
// reads in an element's Text(): a kBidWords word (ASCII case ignored) with a digit before it,
// past any whitespace or non-ASCII bytes (Text() collapses those, no-break and thin spaces
// included, and inserts spaces between blocks). Over-reporting only costs the fast path.
// The one thing it cannot see is a digit and a word that Text() joins across a <noscript> or
// <template> inside the bid box, whose text sits between them here.
bool MayHaveBidCount(const std::string& text) {
  // Stems of kBidWords: the scan does not check where a word ends, so a stem stands for them all.
  static constexpr std::string_view kStems[] = {"bid", "gebot", "enchère", "puja", "puntat"};
  // The letters the stems start with: a word starting with any other cannot be one of them.
  static constexpr std::string_view kStemFirsts = "bgep";
  static_assert(std::all_of(std::begin(kStems), std::end(kStems),
                            [](std::string_view stem) { return kStemFirsts.find(stem[0]) != std::string_view::npos; }),
                "the first-letter filter below must let every stem through");
  const size_t n = text.size();
  // One pass from each digit forward (digits are rarer than letters in page text).
  for (size_t i = 0; i < n; ++i) {
    // Eight bytes without a digit are skipped at once (the page text is ~10-60 KB, a byte-wise
    // isdigit loop over it cost ~1 % of a harness page's instructions).
    if (n - i >= 8 && !HasDigitByte(Load8(text.data() + i))) {
      i += 7;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    size_t w = i + 1;
    while (w < n &&
           (std::isspace(static_cast<unsigned char>(text[w])) || static_cast<unsigned char>(text[w]) >= 0x80)) {
      ++w;
    }
    // The skip stops at the word: every stem starts with an ASCII letter, one of four (most
    // digits are followed by other digits, punctuation or other words: they stop here).
    if (w == n) break;
    const char first = LowerAscii(static_cast<unsigned char>(text[w]));
    if (kStemFirsts.find(first) == std::string_view::npos) continue;
    for (std::string_view stem : kStems) {
      if (n - w < stem.size()) continue;
      size_t k = 0;
      while (k < stem.size() && LowerAscii(static_cast<unsigned char>(text[w + k])) == stem[k]) ++k;
      if (k == stem.size()) return true;
    }
  }
  return false;
}

void OnText(void*, const xmlChar* ch, int len) {
  ScanState& s = *t_state;
  if (len <= 0) return;
  if (s.in_ldjson) {
    s.scan.ldjson.back().append(reinterpret_cast<const char*>(ch), static_cast<size_t>(len));
    return;
  }
  s.text.append(reinterpret_cast<const char*>(ch), static_cast<size_t>(len));
}

// Script and style bodies: only an ld+json script's is kept (other scripts' code and CSS are
// not text any layer reads).
void OnCdata(void*, const xmlChar* ch, int len) {
  ScanState& s = *t_state;
  if (s.in_ldjson) s.scan.ldjson.back().append(reinterpret_cast<const char*>(ch), static_cast<size_t>(len));
}

struct CtxtDeleter {
  void operator()(htmlParserCtxt* c) const { htmlFreeParserCtxt(c); }
};

// Pages one thread's parser context serves before it is replaced: its dictionary keeps every tag
// and attribute name it has seen (interned once, found again on the next page), and a fresh
// context now and then bounds that growth on odd pages.
constexpr int kPagesPerContext = 1000;

// The calling thread's SAX parser context, created on first use. htmlCtxtReadMemory resets a
// context before each parse (htmlCtxtReset: input, stacks, state, options; the SAX handler and
// the dictionary stay), so a reused one parses exactly as a new one; reusing it saves creating
// and freeing the handler, dictionary and stacks on every page.
htmlParserCtxt* ThreadContext() {
  thread_local std::unique_ptr<htmlParserCtxt, CtxtDeleter> ctxt;
  thread_local int uses = 0;
  if (ctxt == nullptr || ++uses > kPagesPerContext) {
    ctxt.reset(htmlNewParserCtxt());
    uses = 0;
    if (ctxt == nullptr || ctxt->sax == nullptr) {
      ctxt.reset();
      return nullptr;
    }
    // Only the callbacks above: no startDocument, so libxml2 builds no tree.
    std::memset(ctxt->sax, 0, sizeof(htmlSAXHandler));
    ctxt->sax->startElement = OnStart;
    ctxt->sax->endElement = OnEnd;
    ctxt->sax->characters = OnText;
    ctxt->sax->cdataBlock = OnCdata;
    ctxt->sax->initialized = 1;
  }
  return ctxt.get();
}

}  // namespace

std::optional<PageScan> ScanPage(std::string_view utf8_html) {
  if (utf8_html.empty()) return std::nullopt;
  InitLibxml2();
  htmlParserCtxt* ctxt = ThreadContext();
  if (ctxt == nullptr) return std::nullopt;
  ScanState state;
  t_state = &state;
  // Same encoding and options as HtmlDocument::Parse, so the events are the tree's.
  xmlDoc* doc = htmlCtxtReadMemory(ctxt, utf8_html.data(), static_cast<int>(utf8_html.size()), nullptr, "UTF-8",
                                   HtmlDocument::kParseOptions);
  t_state = nullptr;
  if (doc != nullptr) xmlFreeDoc(doc);  // never built without startDocument; defensive
  if (!state.any_element) return std::nullopt;
  state.scan.mentions_bids = MayHaveBidCount(state.text);
  return std::move(state.scan);
}

}  // namespace worthit::analysis::extract
