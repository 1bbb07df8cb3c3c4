#include "analysis/reviews/lexical_bridge.h"

#include <gtest/gtest.h>

#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::reviews {
namespace {

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
