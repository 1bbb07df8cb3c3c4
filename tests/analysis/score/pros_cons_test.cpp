#include "analysis/score/pros_cons.h"

#include <gtest/gtest.h>

#include "analysis/score/aspect_lexicon.h"

namespace worthit::analysis::score {
namespace {

ScoredSentence S(size_t review, std::string text, double expected, std::optional<int> stars = std::nullopt) {
  return {review, std::move(text), expected, stars, ""};
}

TEST(AspectLexicon, BuiltinParsesAndMatchesAcrossLanguages) {
  const auto& lex = AspectLexicon::Builtin();
  ASSERT_GE(lex.aspects().size(), 10u);
  EXPECT_EQ(lex.Label("battery", "it"), "batteria");
  EXPECT_EQ(lex.Label("battery", "en"), "battery");
  EXPECT_EQ(lex.Label("delivery", "it"), "spedizione");
  EXPECT_EQ(lex.Match({"la", "batteria", "dura"}), std::vector<std::string>{"battery"});
  EXPECT_EQ(lex.Match({"batterie", "scariche"}), std::vector<std::string>{"battery"});  // prefix keyword
  EXPECT_EQ(lex.Match({"the", "battery", "life"}), std::vector<std::string>{"battery"});
  const auto qp = lex.Match({"rapporto", "qualità", "prezzo"});
  EXPECT_NE(std::find(qp.begin(), qp.end(), "price"), qp.end());
  EXPECT_TRUE(lex.IsStopword("il"));
  // Keywords of the review's language only: German "stabil*" must not read Italian "stabile".
  EXPECT_TRUE(lex.Match({"connessione", "stabile"}, "it").empty());
  EXPECT_EQ(lex.Match({"sehr", "stabile"}, "de"), std::vector<std::string>{"quality"});
  EXPECT_EQ(lex.Match({"connessione", "stabile"}, "xx"), std::vector<std::string>{"quality"});
  EXPECT_TRUE(lex.Match({"nulla", "di", "che"}).empty());
}

TEST(AspectLexicon, RejectsMalformedRows) {
  EXPECT_FALSE(AspectLexicon::Parse("battery\tit\n").ok());
  auto ok = AspectLexicon::Parse("# c\nzip\tit\tzip\tzip*,cerniera\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->Match({"cerniera"}), std::vector<std::string>{"zip"});
}

TEST(FindProsCons, TooFewReviewsSaysSo) {
  const auto pc = FindProsCons({S(0, "La batteria dura tantissimo", 5), S(1, "Batteria ottima", 5)}, 2,
                               AspectLexicon::Builtin(), "it");
  EXPECT_FALSE(pc.enough);
  EXPECT_TRUE(pc.pros.empty());
  EXPECT_TRUE(pc.cons.empty());
}

TEST(FindProsCons, AggregatesAspectsWithRealQuotes) {
  const std::vector<ScoredSentence> s = {
      S(0, "La batteria dura due giorni interi.", 4.8, 5),
      S(0, "La taglia è piccola, prendete una misura in più.", 1.2, 5),
      S(1, "Batteria eccezionale, la ricarico una volta a settimana.", 4.9, 5),
      S(1, "Consegna veloce.", 4.5, 5),
      S(2, "Ottima autonomia della batteria.", 4.7, 4),
      S(2, "Misura troppo stretta sui fianchi.", 1.4, 4),
      S(3, "La spedizione è arrivata in ritardo di una settimana.", 1.5, 2),
      S(3, "La batteria va bene.", 4.0, 2),
      S(4, "Non so che dire.", 3.0, 3),
  };
  const auto pc = FindProsCons(s, 5, AspectLexicon::Builtin(), "it");
  ASSERT_TRUE(pc.enough);
  ASSERT_FALSE(pc.pros.empty());
  EXPECT_EQ(pc.pros[0].aspect, "battery");
  EXPECT_EQ(pc.pros[0].label, "batteria");
  EXPECT_EQ(pc.pros[0].mentions, 4);
  EXPECT_EQ(pc.pros[0].quote, "Batteria eccezionale, la ricarico una volta a settimana.");  // a real sentence
  ASSERT_FALSE(pc.cons.empty());
  EXPECT_EQ(pc.cons[0].aspect, "size");
  EXPECT_EQ(pc.cons[0].label, "taglia");
  EXPECT_EQ(pc.cons[0].mentions, 2);
  // Delivery: one positive and one negative mention -> a con (a third negative is a weakness).
  bool delivery_con = false;
  for (const auto& c : pc.cons) delivery_con |= c.aspect == "delivery";
  EXPECT_TRUE(delivery_con);
  EXPECT_LE(pc.pros.size(), 3u);
  EXPECT_LE(pc.cons.size(), 3u);
  // English labels for an English user, quotes unchanged.
  const auto en = FindProsCons(s, 5, AspectLexicon::Builtin(), "en");
  EXPECT_EQ(en.pros[0].label, "battery");
  EXPECT_EQ(en.pros[0].quote, pc.pros[0].quote);
}

TEST(FindProsCons, RecurringNounPhrasesBecomeAspects) {
  const std::vector<ScoredSentence> s = {
      S(0, "The zipper pull snapped off the first week.", 1.2),
      S(1, "Sadly the zipper pull is weak.", 1.5),
      S(2, "Zipper pull broke, otherwise fine.", 1.8),
      S(3, "Nice bag overall.", 4.5),
  };
  const auto pc = FindProsCons(s, 4, AspectLexicon::Builtin(), "en");
  ASSERT_FALSE(pc.cons.empty());
  EXPECT_EQ(pc.cons[0].aspect, "zipper pull");
  EXPECT_EQ(pc.cons[0].label, "zipper pull");
  EXPECT_EQ(pc.cons[0].mentions, 3);
  EXPECT_TRUE(pc.pros.empty());
}

TEST(FindProsCons, OneSentenceIsQuotedOnceOtherAspectsTakeTheirNextBest) {
  const std::vector<ScoredSentence> s = {
      S(0, "Batteria e schermo eccellenti.", 4.9),
      S(1, "La batteria dura due giorni.", 4.6),
      S(2, "Lo schermo è nitido.", 4.5),
      S(3, "Batteria ottima.", 4.4),
  };
  const auto pc = FindProsCons(s, 4, AspectLexicon::Builtin(), "it");
  ASSERT_EQ(pc.pros.size(), 2u);
  EXPECT_EQ(pc.pros[0].aspect, "battery");
  EXPECT_EQ(pc.pros[0].quote, "Batteria e schermo eccellenti.");
  EXPECT_EQ(pc.pros[1].aspect, "screen");
  EXPECT_EQ(pc.pros[1].quote, "Lo schermo è nitido.");
}

TEST(FindProsCons, NoOpinionatedAspectsGivesEmptyListsNotCannedText) {
  const std::vector<ScoredSentence> s = {S(0, "Non so che dire.", 3.0), S(1, "Boh.", 3.0), S(2, "Vedremo.", 3.0)};
  const auto pc = FindProsCons(s, 3, AspectLexicon::Builtin(), "it");
  EXPECT_TRUE(pc.enough);
  EXPECT_TRUE(pc.pros.empty());
  EXPECT_TRUE(pc.cons.empty());
}

}  // namespace
}  // namespace worthit::analysis::score
