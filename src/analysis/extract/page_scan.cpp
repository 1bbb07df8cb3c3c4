#include "analysis/extract/page_scan.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include <cstring>
#include <memory>

#include "analysis/extract/html_document.h"
#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

// Stems of kBidWords: a text without any of them has no bid count the heuristic could read.
constexpr std::string_view kBidStems[] = {"bid", "gebot", "ench", "puja", "puntat"};
// Bytes of text carried from one SAX text event to the next, so a stem split across two events
// is still seen (longest stem minus one).
constexpr size_t kCarryBytes = 5;

struct ScanState {
  PageScan scan;
  bool any_element = false;
  bool in_ldjson = false;
  bool canonical_found = false;  // the first <link rel="canonical"> was seen (its href may be "")
  std::string text;              // carry + the current text event, lower-cased
};

// One scan per thread at a time: the SAX callbacks find their state here (libxml2's userData is
// reset by htmlCtxtReadMemory to the parser context).
thread_local ScanState* t_state = nullptr;

const char* Att(const xmlChar** atts, const char* name) {
  if (atts == nullptr) return nullptr;
  for (size_t i = 0; atts[i] != nullptr; i += 2) {
    if (std::strcmp(reinterpret_cast<const char*>(atts[i]), name) == 0) {
      return atts[i + 1] ? reinterpret_cast<const char*>(atts[i + 1]) : "";
    }
  }
  return nullptr;
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
  const char* name = reinterpret_cast<const char*>(xname);
  if (!s.any_element) {
    s.any_element = true;
    s.scan.root_lang = Collapsed(Att(atts, "lang"));
  }
  if (atts == nullptr) return;
  if (!s.scan.has_microdata && ((Att(atts, "itemscope") && Att(atts, "itemtype")) || Att(atts, "typeof") != nullptr)) {
    s.scan.has_microdata = true;
  }
  if (std::strcmp(name, "meta") == 0) {
    if (Att(atts, "content") != nullptr) {
      s.scan.metas.push_back({Collapsed(Att(atts, "property")), Collapsed(Att(atts, "name")),
                              Collapsed(Att(atts, "itemprop")), Collapsed(Att(atts, "content"))});
    }
  } else if (std::strcmp(name, "script") == 0) {
    if (HasCaseless(Att(atts, "type"), "ld+json")) {
      s.in_ldjson = true;
      s.scan.ldjson.emplace_back();
    }
  } else if (std::strcmp(name, "link") == 0 && !s.canonical_found) {
    const char* rel = Att(atts, "rel");
    if (rel != nullptr && std::strcmp(rel, "canonical") == 0) {
      s.canonical_found = true;
      s.scan.canonical = Collapsed(Att(atts, "href"));
    }
  }
}

void OnEnd(void*, const xmlChar* name) {
  ScanState& s = *t_state;
  if (s.in_ldjson && std::strcmp(reinterpret_cast<const char*>(name), "script") == 0) s.in_ldjson = false;
}

void OnText(void*, const xmlChar* ch, int len) {
  ScanState& s = *t_state;
  if (s.in_ldjson) {
    s.scan.ldjson.back().append(reinterpret_cast<const char*>(ch), static_cast<size_t>(len));
    return;
  }
  if (s.scan.mentions_bids) return;
  // Keep the last few bytes of the previous event, then this event lower-cased (ASCII only, as
  // the heuristic layer lower-cases).
  if (s.text.size() > kCarryBytes) s.text.erase(0, s.text.size() - kCarryBytes);
  for (int i = 0; i < len; ++i) {
    const char c = static_cast<char>(ch[i]);
    s.text.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  for (std::string_view stem : kBidStems) {
    if (s.text.find(stem) != std::string::npos) {
      s.scan.mentions_bids = true;
      return;
    }
  }
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

}  // namespace

std::optional<PageScan> ScanPage(std::string_view utf8_html) {
  if (utf8_html.empty()) return std::nullopt;
  std::unique_ptr<htmlParserCtxt, CtxtDeleter> ctxt(htmlNewParserCtxt());
  if (ctxt == nullptr || ctxt->sax == nullptr) return std::nullopt;
  // Only the callbacks above: no startDocument, so libxml2 builds no tree.
  std::memset(ctxt->sax, 0, sizeof(htmlSAXHandler));
  ctxt->sax->startElement = OnStart;
  ctxt->sax->endElement = OnEnd;
  ctxt->sax->characters = OnText;
  ctxt->sax->cdataBlock = OnCdata;
  ctxt->sax->initialized = 1;
  ScanState state;
  t_state = &state;
  // Same encoding and options as HtmlDocument::Parse, so the events are the tree's.
  xmlDoc* doc = htmlCtxtReadMemory(ctxt.get(), utf8_html.data(), static_cast<int>(utf8_html.size()), nullptr, "UTF-8",
                                   HtmlDocument::kParseOptions);
  t_state = nullptr;
  if (doc != nullptr) xmlFreeDoc(doc);  // never built without startDocument; defensive
  if (!state.any_element) return std::nullopt;
  return std::move(state.scan);
}

}  // namespace worthit::analysis::extract
