#include "analysis/extract/page_scan.h"

#include <myhtml/api.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "analysis/extract/numbers.h"

namespace worthit::analysis::extract {
namespace {

struct ScanState {
  PageScan scan;
  bool any_element = false;      // a start tag, or text that implies the root, was seen
  bool in_ldjson = false;        // inside an ld+json script's body
  bool in_raw = false;           // inside a script or style body (code and CSS, not visible text)
  bool canonical_found = false;  // the first <link rel="canonical"> was seen (its href may be "")
  std::string text;              // all text outside script/style bodies, in document order
};

// The attributes any of the collected facts reads, found in one pass over a start tag's list.
// The tokenizer keeps repeated attributes in source order; the first one wins, as in the tree.
// A present attribute without a value reads "", as the tree's attribute does.
struct Attrs {
  std::optional<std::string_view> lang, itemscope, itemtype, type_of, type, content, property, name, itemprop, rel,
      href, review_rating;
};

void SetFirst(std::optional<std::string_view>& slot, std::string_view value) {
  if (!slot) slot = value;
}

Attrs ReadAttrs(myhtml_token_node_t* token) {
  Attrs a;
  for (myhtml_tree_attr_t* attr = myhtml_token_node_attribute_first(token); attr != nullptr;
       attr = myhtml_attribute_next(attr)) {
    size_t key_len = 0, value_len = 0;
    const char* key = myhtml_attribute_key(attr, &key_len);
    const char* value = myhtml_attribute_value(attr, &value_len);
    if (key == nullptr || key_len == 0) continue;
    const std::string_view n(key, key_len);
    const std::string_view v = value ? std::string_view(value, value_len) : std::string_view();
    // Names are lower-case (the tokenizer folds them); most differ from every candidate at the
    // first byte, so the switch rejects them before any comparison.
    switch (n[0]) {
      case 'c':
        if (n == "content") SetFirst(a.content, v);
        break;
      case 'd':
        if (n == "data-review-rating") SetFirst(a.review_rating, v);
        break;
      case 'h':
        if (n == "href") SetFirst(a.href, v);
        break;
      case 'i':
        if (n == "itemscope") SetFirst(a.itemscope, v);
        if (n == "itemtype") SetFirst(a.itemtype, v);
        if (n == "itemprop") SetFirst(a.itemprop, v);
        break;
      case 'l':
        if (n == "lang") SetFirst(a.lang, v);
        break;
      case 'n':
        if (n == "name") SetFirst(a.name, v);
        break;
      case 'p':
        if (n == "property") SetFirst(a.property, v);
        break;
      case 'r':
        if (n == "rel") SetFirst(a.rel, v);
        break;
      case 't':
        if (n == "type") SetFirst(a.type, v);
        if (n == "typeof") SetFirst(a.type_of, v);
        break;
      default: break;
    }
  }
  return a;
}

std::string Collapsed(const std::optional<std::string_view>& value) {
  return value ? CollapseSpace(*value) : std::string();
}

bool HasCaseless(const std::optional<std::string_view>& value, std::string_view needle) {
  if (!value || value->size() < needle.size()) return false;
  for (size_t i = 0; i + needle.size() <= value->size(); ++i) {
    if (strncasecmp(value->data() + i, needle.data(), needle.size()) == 0) return true;
  }
  return false;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; });
}

void OnStartTag(ScanState& s, myhtml_tag_id_t tag, myhtml_token_node_t* token) {
  const bool root = !s.any_element;
  s.any_element = true;
  if (tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_STYLE) s.in_raw = true;
  if (myhtml_token_node_attribute_first(token) == nullptr) return;
  const Attrs a = ReadAttrs(token);
  // The root is the first element; a page that opens with another tag (or with text) gets an
  // implied <html> without attributes, whose lang is "".
  if (root && tag == MyHTML_TAG_HTML) s.scan.root_lang = Collapsed(a.lang);
  if ((a.itemscope && a.itemtype) || a.type_of) s.scan.has_microdata = true;
  if (a.review_rating) s.scan.has_review_rating_attr = true;
  if (tag == MyHTML_TAG_META) {
    if (a.content) {
      s.scan.metas.push_back({Collapsed(a.property), Collapsed(a.name), Collapsed(a.itemprop), Collapsed(a.content)});
    }
  } else if (tag == MyHTML_TAG_SCRIPT) {
    if (HasCaseless(a.type, "ld+json")) {
      s.in_ldjson = true;
      s.scan.ldjson.emplace_back();
    }
  } else if (!s.canonical_found && tag == MyHTML_TAG_LINK) {
    if (a.rel && *a.rel == "canonical") {
      s.canonical_found = true;
      s.scan.canonical = Collapsed(a.href);
    }
  }
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

// One token, as the tokenizer finishes it (MyHTML's after-token-done callback).
void* OnToken(myhtml_tree_t*, myhtml_token_node_t* token, void* ctx) {
  ScanState& s = *static_cast<ScanState*>(ctx);
  const myhtml_tag_id_t tag = myhtml_token_node_tag_id(token);
  if (tag == MyHTML_TAG__TEXT) {
    size_t len = 0;
    const char* text = myhtml_token_node_text(token, &len);
    if (text == nullptr || len == 0) return ctx;
    const std::string_view body(text, len);
    if (s.in_ldjson) {
      s.scan.ldjson.back().append(body);
    } else if (!s.in_raw) {
      // Text before any tag implies the root, as in the tree (whitespace does not).
      if (!s.any_element && !IsBlank(body)) s.any_element = true;
      s.text.append(body);
    }
    return ctx;
  }
  if (tag == MyHTML_TAG__COMMENT || tag == MyHTML_TAG__DOCTYPE || tag == MyHTML_TAG__END_OF_FILE) return ctx;
  if (myhtml_token_node_is_close(token)) {
    if (tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_STYLE) {
      s.in_raw = false;
      s.in_ldjson = false;
    }
    return ctx;
  }
  OnStartTag(s, tag, token);
  return ctx;
}

// The calling thread's MyHTML parser: tokenizer only (no tree), one thread (MyHTML's SINGLE mode
// starts none of its own), scripting off so <noscript> bodies are markup, as in libxml2's tree.
class ThreadParser {
 public:
  ThreadParser() : myhtml_(myhtml_create()), tree_(myhtml_tree_create()) {
    if (myhtml_ == nullptr || tree_ == nullptr) return;
    if (myhtml_init(myhtml_, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0) != MyHTML_STATUS_OK) return;
    if (myhtml_tree_init(tree_, myhtml_) != MyHTML_STATUS_OK) return;
    myhtml_tree_parse_flags_set(tree_, MyHTML_TREE_PARSE_FLAGS_WITHOUT_BUILD_TREE);
    ok_ = true;
  }
  ~ThreadParser() {
    if (tree_ != nullptr) myhtml_tree_destroy(tree_);
    if (myhtml_ != nullptr) myhtml_destroy(myhtml_);
  }
  ThreadParser(const ThreadParser&) = delete;
  ThreadParser& operator=(const ThreadParser&) = delete;

  bool ok() const { return ok_; }

  bool Parse(std::string_view html, ScanState& state) {
    myhtml_callback_after_token_done_set(tree_, OnToken, &state);
    const mystatus_t status = myhtml_parse(tree_, MyENCODING_UTF_8, html.data(), html.size());
    myhtml_callback_after_token_done_set(tree_, nullptr, nullptr);
    return status == MyHTML_STATUS_OK;
  }

 private:
  myhtml_t* myhtml_;
  myhtml_tree_t* tree_;
  bool ok_ = false;
};

// A thread's parser serves this many pages before it is replaced, and is dropped after any page
// above kMaxRetainedPageBytes: MyHTML keeps its token and text pools at their largest size between parses, about 7.5
// bytes per byte of the largest page so far (measured: 12 MB after a 1.6 MB page, 38 MB after
// 5 MB), so a big page's pools go with its parser, and a thread keeps at most ~4 MB. Creating a
// parser is cheap (~160 KB of tables, no threads).
constexpr int kPagesPerParser = 1000;
constexpr size_t kMaxRetainedPageBytes = 512 * 1024;

// The calling thread's parser: made on first use, replaced after kPagesPerParser pages, and
// dropped right after a page above kMaxRetainedPageBytes (its pools go with it).
class ThreadParserSlot {
 public:
  ThreadParser* Get() {
    if (parser_ == nullptr || ++uses_ > kPagesPerParser) {
      parser_ = std::make_unique<ThreadParser>();
      uses_ = 0;
    }
    if (!parser_->ok()) {
      parser_.reset();
      return nullptr;
    }
    return parser_.get();
  }
  void Release(size_t page_bytes) {
    if (page_bytes > kMaxRetainedPageBytes) parser_.reset();
  }

 private:
  std::unique_ptr<ThreadParser> parser_;
  int uses_ = 0;
};

}  // namespace

std::optional<PageScan> ScanPage(std::string_view utf8_html) {
  if (utf8_html.empty()) return std::nullopt;
  thread_local ThreadParserSlot slot;
  ThreadParser* parser = slot.Get();
  if (parser == nullptr) return std::nullopt;
  ScanState state;
  const bool parsed = parser->Parse(utf8_html, state);
  slot.Release(utf8_html.size());
  if (!parsed || !state.any_element) return std::nullopt;
  state.scan.mentions_bids = MayHaveBidCount(state.text);
  return std::move(state.scan);
}

}  // namespace worthit::analysis::extract
