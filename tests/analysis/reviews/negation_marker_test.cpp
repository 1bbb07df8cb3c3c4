#include "analysis/reviews/negation_marker.h"

#include <gtest/gtest.h>

#include "analysis/reviews/calibration.h"
#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::reviews {
namespace {

TEST(MarkNegation, MarksTheScopeAfterACueAndStopsAtPunctuation) {
  // "doesn't" normalises to "doesn' t"; its "t" is neither marked nor counted.
  EXPECT_EQ(MarkNegation(NormalizeReviewText("It doesn't work at all. Not good"), 3),
            "it doesn' t neg_work neg_at neg_all . not neg_good");
  EXPECT_EQ(MarkNegation("not a very good product", 3), "not neg_a neg_very neg_good product");
  EXPECT_EQ(MarkNegation("not a very good product", 1), "not neg_a very good product");
  EXPECT_EQ(MarkNegation("no , good", 3), "no , good");
}

TEST(MarkNegation, ContrastWordsCloseTheScopeAndCuesInsideDoNotReopenIt) {
  EXPECT_EQ(MarkNegation("not cheap but good", 3), "not neg_cheap but good");
  EXPECT_EQ(MarkNegation("not never good at all", 3), "not neg_never neg_good neg_at all");
}

TEST(MarkNegation, KnowsTheOtherLanguagesCues) {
  EXPECT_EQ(MarkNegation("funktioniert nicht gut", 3), "funktioniert nicht neg_gut");
  EXPECT_EQ(MarkNegation("kein guter kauf !", 3), "kein neg_guter neg_kauf !");
  EXPECT_EQ(MarkNegation("ne fonctionne pas bien", 3), "ne neg_fonctionne neg_pas neg_bien");
  EXPECT_EQ(MarkNegation("no funciona bien", 3), "no neg_funciona neg_bien");
  EXPECT_EQ(MarkNegation("non funziona", 3), "non neg_funziona");
  // A word that merely ends like a cue is not one ("on", "nothing" is; "nothingness" is not).
  EXPECT_EQ(MarkNegation("nothingness good", 3), "nothingness good");
}

TEST(MarkNegation, ScopeZeroCopiesAndTheBufferIsReused) {
  EXPECT_EQ(MarkNegation("not good", 0), "not good");
  std::string out = "left over from before";
  MarkNegationInto("never again", 3, out);
  EXPECT_EQ(out, "never neg_again");
  MarkNegationInto("", 3, out);
  EXPECT_EQ(out, "");
  // Any bytes pass: double spaces and a trailing cue.
  EXPECT_EQ(MarkNegation("a  not", 3), "a  not");
}

TEST(CalibrationNegation, RoundTripsAndRejectsBadScopes) {
  Calibration c;
  EXPECT_EQ(c.negation_scope(), 0);
  EXPECT_EQ(c.Serialize().find("negation"), std::string::npos);  // old files stay as they were
  c.SetNegationScope(3);
  auto parsed = Calibration::Parse(c.Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->negation_scope(), 3);
  EXPECT_FALSE(Calibration::Parse("negation\t0\n").ok());
  EXPECT_FALSE(Calibration::Parse("negation\t11\n").ok());
  EXPECT_FALSE(Calibration::Parse("negation\tthree\n").ok());
  c.SetNegationScope(99);
  EXPECT_EQ(c.negation_scope(), kMaxNegationScope);
}

}  // namespace
}  // namespace worthit::analysis::reviews
