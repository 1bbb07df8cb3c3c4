#include "analysis/reviews/lexical_bridge.h"

#include <gtest/gtest.h>

#include <map>
#include <string_view>
#include <vector>

#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::reviews {
namespace {

// The bridge's first algorithm (tokens split on every space, phrases looked up by joining them),
// kept as the specification the indexed version must reproduce exactly.
std::string ReferenceApply(const std::map<std::string, std::string>& table, const std::string& normalized) {
  std::vector<std::string> tokens;
  std::string_view rest = normalized;
  while (!rest.empty()) {
    const auto sp = rest.find(' ');
    tokens.emplace_back(rest.substr(0, sp));
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  std::string out;
  for (size_t i = 0; i < tokens.size();) {
    size_t used = 0;
    for (size_t len = std::min(LexicalBridge::kMaxPhrase, tokens.size() - i); len >= 1 && used == 0; --len) {
      std::string key = tokens[i];
      for (size_t k = 1; k < len; ++k) key += " " + tokens[i + k];
      if (auto m = table.find(key); m != table.end()) {
        if (!out.empty()) out.push_back(' ');
        out += m->second;
        used = len;
      }
    }
    if (used == 0) {
      if (!out.empty()) out.push_back(' ');
      out += tokens[i];
      used = 1;
    }
    i += used;
  }
  return out;
}

TEST(LexicalBridge, IndexedLookupMatchesTheReferenceAlgorithm) {
  const char* tsv = "xx\tuno due tre\tone two three\nxx\tuno\tone\nxx\tdue tre\ttwo-three\nxx\tnon va\tbad\n";
  const std::map<std::string, std::string> table = {
      {"uno due tre", "one two three"}, {"uno", "one"}, {"due tre", "two - three"}, {"non va", "bad"}};
  auto b = LexicalBridge::Parse(tsv);
  ASSERT_TRUE(b.ok());
  const std::vector<std::string> inputs = {"",
                                           " ",
                                           "  ",
                                           "uno",
                                           " uno",
                                           "uno ",
                                           "uno  due tre",
                                           "due tre uno",
                                           "uno due tre",
                                           "non va uno due",
                                           "x non va",
                                           "uno due",
                                           "tre due uno non",
                                           "a  b  ",
                                           " due tre "};
  for (const auto& in : inputs) EXPECT_EQ(b->Apply("xx", in), ReferenceApply(table, in)) << "'" << in << "'";
  // The shipped Italian rows on Italian text, every phrase at every position.
  std::string text;
  for (int i = 0; i < 40; ++i) text += "non funziona più ottimo prodotto lo consiglio davvero pessimo acquisto x ";
  std::string out;
  LexicalBridge::Builtin().ApplyInto("it", NormalizeReviewText(text), out);
  EXPECT_NE(out.find("does not work"), std::string::npos);
  EXPECT_EQ(out, LexicalBridge::Builtin().Apply("it", NormalizeReviewText(text)));
}

TEST(LexicalBridge, BuiltinCoversItalianOnly) {
  const auto& b = LexicalBridge::Builtin();
  EXPECT_TRUE(b.Covers("it"));
  EXPECT_FALSE(b.Covers("en"));
  EXPECT_FALSE(b.Covers(""));
  EXPECT_EQ(b.Apply("it", NormalizeReviewText("Ottimo prodotto, lo consiglio!")), "excellent product , lo recommend !");
  // Longest phrase first: "non funziona" is one phrase, not "not works".
  EXPECT_EQ(b.Apply("it", NormalizeReviewText("Non funziona più")), "does not work più");
  EXPECT_EQ(b.Apply("en", "ottimo product"), "ottimo product");
}

TEST(LexicalBridge, ParseRejectsMalformedRowsAndMatchesPhrases) {
  EXPECT_FALSE(LexicalBridge::Parse("it\tonly two\n").ok());
  auto b = LexicalBridge::Parse("# comment\nxx\tuno due tre\tone two three\nxx\tuno\tone\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->Apply("xx", "uno due tre uno quattro"), "one two three one quattro");
  EXPECT_EQ(b->Apply("xx", ""), "");
}

}  // namespace
}  // namespace worthit::analysis::reviews
