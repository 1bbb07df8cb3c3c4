// The streaming scan (page_scan.h, MyHTML) against the tree (html_document.h, libxml2): the same
// ld+json blocks, meta tags, root language, canonical link and microdata presence on every fixture
// page and on malformed markup; the same scans on many threads at once; and the fast path's record
// equal to the tree path's.
#include "analysis/extract/page_scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "analysis/extract/html_document.h"
#include "analysis/extract/page_extractor.h"

namespace worthit::analysis::extract {
namespace {

const std::string kFixtures = std::string(WORTHIT_SOURCE_DIR) + "/tests/analysis/extract/fixtures/";

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every field of a record, as text, to compare two records in one assertion.
std::string Describe(const ProductPage& page) {
  std::ostringstream o;
  const Product& p = page.product;
  o << page.is_product << '|' << page.kind << '|' << p.title << '|' << p.brand << '|' << p.sku << '|' << p.gtin << '|'
    << p.price.value_or("-") << '|' << p.currency << '|' << p.availability.value_or("-") << '|' << p.image << '|';
  if (p.rating) o << p.rating->value << '/' << p.rating->scale << '/' << p.rating->count;
  for (auto h : p.histogram) o << ',' << h;
  for (const auto& [k, v] : p.extra) o << '|' << k << '=' << v;
  for (const auto& r : page.reviews) {
    o << "\n"
      << r.stars.value_or(0) << '|' << r.title << '|' << r.text << '|' << r.lang << '|' << r.date << '|'
      << r.verified.value_or(false) << '|' << r.country;
  }
  for (const auto& [k, v] : page.sources) o << "\n" << k << '=' << v;
  return o.str();
}

// Asserts that the scan of `html` reads what the tree of `html` holds.
void ExpectScanMatchesTree(const std::string& html, const std::string& label) {
  SCOPED_TRACE(label);
  auto doc = HtmlDocument::Parse(html);
  auto scan = ScanPage(html);
  ASSERT_EQ(doc.has_value(), scan.has_value());
  if (!doc) return;
  const DocumentIndex& index = doc->Index();
  std::vector<std::string> blocks;
  for (xmlNode* s : index.ldjson) blocks.push_back(HtmlDocument::RawText(s));
  EXPECT_EQ(scan->ldjson, blocks);
  ASSERT_EQ(scan->metas.size(), index.metas.size());
  for (size_t i = 0; i < index.metas.size(); ++i) {
    EXPECT_EQ(scan->metas[i].property, HtmlDocument::Attr(index.metas[i], "property"));
    EXPECT_EQ(scan->metas[i].name, HtmlDocument::Attr(index.metas[i], "name"));
    EXPECT_EQ(scan->metas[i].itemprop, HtmlDocument::Attr(index.metas[i], "itemprop"));
    EXPECT_EQ(scan->metas[i].content, HtmlDocument::Attr(index.metas[i], "content"));
  }
  EXPECT_EQ(scan->root_lang, HtmlDocument::Attr(doc->Root(), "lang"));
  EXPECT_EQ(scan->canonical, doc->Canonical());
  EXPECT_EQ(scan->has_microdata, !index.itemscopes.empty() || !index.typeofs.empty());
}

TEST(PageScanTest, ReadsWhatTheTreeHoldsOnEveryFixture) {
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".html") continue;
    ExpectScanMatchesTree(Read(entry.path().string()), entry.path().filename().string());
    ++pages;
  }
  EXPECT_GE(pages, 15);
}

TEST(PageScanTest, ReadsWhatTheTreeHoldsOnMalformedMarkup) {
  const char* cases[] = {
      // Text before <html>: the parser implies a root, the misplaced tag's lang is not the root's.
      "stray text<html lang=\"de\"><head><link rel=canonical href=/a></head><body>x</body></html>",
      // No html/head/body at all, a meta after body content, a second canonical link.
      "<meta content=\"1\" property=\"og:x\"><p>a<link rel=\"canonical\" href=\" /b \">"
      "<link rel=\"canonical\" href=\"/c\"><meta name=X content>",
      // ld+json blocks with markup-looking text, comments, an unterminated last block.
      "<html lang=' EN-gb '><script type=\"Application/LD+JSON\"><!-- {\"a\": \"</div>\"} --></script>"
      "<div itemscope><span typeof=\"Product\">p</span></div><script type=application/ld+json>{\"b\": 1",
      // Duplicate attributes (the first wins), uppercase names, a rel that is not exactly canonical.
      "<HTML LANG=fr LANG=it><LINK REL=\"Canonical\" HREF=/x><link rel=\"canonical alternate\" href=/y>"
      "<META CONTENT=\"c\" CONTENT=\"d\" ITEMPROP=price><div itemscope itemtype=\"https://schema.org/Product\">",
      // Entities in attribute values, a script inside the body's table.
      "<table><tr><td><script type=\"application/ld+json\">{\"n\": \"A &amp; B\"}</script>"
      "<meta property=\"og:title\" content=\"A &amp; B &#8211; C\"></td></tr></table>",
      // A comment, a doctype and blank lines before the root: it is still <html>, lang and all.
      "<!DOCTYPE html>\n<!-- build 7 -->\n  <html lang=\"it-IT\"><head><meta name=a content=b></head></html>",
      // <noscript> bodies are markup (scripting off), as in the tree; style bodies are not text.
      "<html><head><noscript><meta property=\"og:image\" content=\"/i.jpg\"><link rel=canonical href=/n>"
      "</noscript><style>p::after{content:\"<meta content=x>\"}</style></head></html>",
      // An ld+json block beside other scripts whose code holds markup and a fake closing tag.
      "<script>document.write('<meta content=\"w\">')</script><script type='application/ld+json'>"
      "{\"@type\": \"Product\", \"name\": \"x < y\"}</script><script>var s = '</scr' + 'ipt>';</script>",
  };
  for (const char* html : cases) ExpectScanMatchesTree(html, html);
}

TEST(PageScanTest, NoticesBidCountsInTextOnly) {
  auto bids = ScanPage("<html><body><div><span>$200</span> <span>2 B</span><span>IDS</span></div></body></html>");
  ASSERT_TRUE(bids.has_value());
  EXPECT_TRUE(bids->mentions_bids);  // split across two text nodes
  auto three = ScanPage("<p>7\n   <b>p</b><i>u</i><b>n</b>tate</p>");
  ASSERT_TRUE(three.has_value());
  EXPECT_TRUE(three->mentions_bids);  // across four text nodes and a line break
  auto nbsp = ScanPage("<div>3</div><div>\xC2\xA0Gebote</div>");
  ASSERT_TRUE(nbsp.has_value());
  EXPECT_TRUE(nbsp->mentions_bids);  // Text() joins the blocks with a space; a no-break space
  auto words = ScanPage("<p>Bidone aspiratutto, Angebot der Woche, French bench</p><p>Ge</p><p>bote</p>");
  ASSERT_TRUE(words.has_value());
  EXPECT_FALSE(words->mentions_bids);  // bid words without a count before them
  auto script = ScanPage("<html><head><script src=x>var prebid = 1; // 3 bids</script></head><body>Buy</body></html>");
  ASSERT_TRUE(script.has_value());
  EXPECT_FALSE(script->mentions_bids);  // code is not visible text
  auto style = ScanPage("<html><head><style>.n::after{content:\"3 bids\"}</style></head><body>Buy</body></html>");
  ASSERT_TRUE(style.has_value());
  EXPECT_FALSE(style->mentions_bids);  // nor is CSS
  EXPECT_FALSE(ScanPage("")) << "no input, no scan";
}

TEST(PageScanTest, FindsTheBidCountWhereverItsDigitFallsInTheText) {
  // The digit search skips eight bytes at a time: put the one digit at every offset from the
  // start, in the middle and at the very end of the collected text, with and without the word.
  for (size_t pad = 0; pad < 40; ++pad) {
    const std::string filler(pad, 'x');
    for (char digit = '0'; digit <= '9'; ++digit) {
      auto with = ScanPage("<p>" + filler + digit + " bids</p>");
      ASSERT_TRUE(with.has_value());
      EXPECT_TRUE(with->mentions_bids) << pad << " " << digit;
    }
    auto without = ScanPage("<p>" + filler + "7 items, bid later</p>");
    ASSERT_TRUE(without.has_value());
    EXPECT_FALSE(without->mentions_bids) << pad;
    auto last = ScanPage("<p>" + filler + "Gebote 7</p>");
    ASSERT_TRUE(last.has_value());
    EXPECT_FALSE(last->mentions_bids) << pad;  // the count comes after the word
    // Bytes around the digit range ('/' 0x2F, ':' 0x3A) and non-ASCII bytes are not digits.
    auto near = ScanPage("<p>" + filler + "/:/: \xC3\xA9 bids</p>");
    ASSERT_TRUE(near.has_value());
    EXPECT_FALSE(near->mentions_bids) << pad;
  }
}

TEST(PageScanTest, ReadsPagesOnManyThreadsAtOnceAsOnOne) {
  // Each thread has its own parser: eight threads scanning every fixture at once read what one
  // thread reads alone.
  std::vector<std::string> pages;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() == ".html") pages.push_back(Read(entry.path().string()));
  }
  ASSERT_FALSE(pages.empty());
  auto describe = [](const std::optional<PageScan>& scan) {
    if (!scan) return std::string("none");
    std::string out = scan->root_lang + "|" + scan->canonical + "|" + std::to_string(scan->has_microdata) +
                      std::to_string(scan->has_review_rating_attr) + std::to_string(scan->mentions_bids);
    for (const auto& block : scan->ldjson) out += "|" + block;
    for (const auto& m : scan->metas) out += "|" + m.property + "," + m.name + "," + m.itemprop + "," + m.content;
    return out;
  };
  std::vector<std::string> alone;
  for (const auto& page : pages) alone.push_back(describe(ScanPage(page)));
  std::vector<std::vector<std::string>> seen(8);
  std::vector<std::thread> threads;
  for (auto& out : seen) {
    threads.emplace_back([&pages, &out, &describe] {
      for (int round = 0; round < 5; ++round) {
        for (const auto& page : pages) out.push_back(describe(ScanPage(page)));
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& out : seen) {
    ASSERT_EQ(out.size(), pages.size() * 5);
    for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], alone[i % pages.size()]) << i;
  }
}

TEST(PageScanTest, ReadsASmallPageRightAfterABigOne) {
  // A page above the retained-size limit drops the thread's parser; the next page gets a new one.
  std::string big = "<html lang=\"en\"><head><script type=\"application/ld+json\">{\"n\": 1}</script></head><body>";
  while (big.size() < 2 * 1024 * 1024) big += "<div class=\"row c-1\" data-x=\"y\"><span>12 items</span></div>\n";
  big += "<p>3 bids</p></body></html>";
  auto first = ScanPage(big);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->root_lang, "en");
  EXPECT_EQ(first->ldjson, std::vector<std::string>{"{\"n\": 1}"});
  EXPECT_TRUE(first->mentions_bids);
  for (int i = 0; i < 3; ++i) {
    auto small = ScanPage("<html lang=\"it\"><link rel=\"canonical\" href=\"/p/1\"><meta name=d content=\"e\">");
    ASSERT_TRUE(small.has_value());
    EXPECT_EQ(small->root_lang, "it");
    EXPECT_EQ(small->canonical, "/p/1");
    ASSERT_EQ(small->metas.size(), 1u);
    EXPECT_EQ(small->metas[0].content, "e");
    EXPECT_FALSE(small->mentions_bids);
  }
}

TEST(PageScanTest, FastPathRecordEqualsTheTreePathRecord) {
  // The fixture's JSON-LD gives every field: extracted without a tree. Adding a microdata
  // attribute forces the tree path; the record must not change.
  const std::string fast = Read(kFixtures + "jsonld_complete.html");
  std::string tree = fast;
  tree.replace(tree.find("<section id=\"reviews\">"), 21, "<section id=\"reviews\" itemscope>");
  auto a = ExtractProductPage(fast, "https://cucina.example/p/air-55?utm_source=x", "cucina.example");
  auto b = ExtractProductPage(tree, "https://cucina.example/p/air-55?utm_source=x", "cucina.example");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Describe(a->page), Describe(b->page));
  EXPECT_EQ(a->rel_canonical, b->rel_canonical);
  EXPECT_EQ(a->rel_canonical, "https://cucina.example/p/air-55");
  const auto& p = a->page;
  EXPECT_TRUE(p.is_product);
  EXPECT_EQ(p.product.title, "Friggitrice ad aria 5,5 l");
  EXPECT_EQ(p.product.brand, "Cucina Facile");
  EXPECT_EQ(p.product.price, "89.9");  // the JSON number as written
  EXPECT_EQ(p.product.currency, "EUR");
  EXPECT_EQ(p.product.availability, "InStock");
  ASSERT_TRUE(p.product.rating.has_value());
  EXPECT_EQ(p.product.rating->count, 212);
  ASSERT_EQ(p.reviews.size(), 2u);
  EXPECT_EQ(p.reviews[1].lang, "it");  // "Ok" is too short to tell: the page's <html lang>
  EXPECT_EQ(p.sources.at("price"), "jsonld");
}

}  // namespace
}  // namespace worthit::analysis::extract
