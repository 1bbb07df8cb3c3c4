#include "analysis/reviews/text_normalizer.h"

#include <gtest/gtest.h>

namespace worthit::analysis::reviews {
namespace {

TEST(NormalizeReviewText, LowercasesSplitsPunctuationAndFoldsNumbersAndUrls) {
  EXPECT_EQ(NormalizeReviewText("GREAT product!! See https://x.com/a?b=1 for 4.5 stars"),
            "great product ! ! see __url__ for __num__ stars");
  EXPECT_EQ(NormalizeReviewText("Qualità/Prezzo ÒTTIMO, l'acqua"), "qualità / prezzo òttimo , l' acqua");
  EXPECT_EQ(NormalizeReviewText("ÄÖÜ straße ÉCRAN"), "äöü straße écran");
  EXPECT_EQ(NormalizeReviewText("  a\n\tb  "), "a b");
  EXPECT_EQ(NormalizeReviewText(""), "");
  EXPECT_EQ(NormalizeReviewText("Visit HTTPS://X.COM/A or Www.Site.It, not wwwx or http:x"),
            "visit __url__ or __url__ not wwwx or http : x");
  std::string reused = "previous content";
  NormalizeReviewTextInto("Ok!", reused);
  EXPECT_EQ(reused, "ok !");
}

TEST(NormalizeReviewText, IsIdempotent) {
  const std::string once = NormalizeReviewText("Don't buy: 1,299.99€ — \"awful\" (really) www.example.com!");
  EXPECT_EQ(NormalizeReviewText(once), once);
  EXPECT_EQ(once.find('\n'), std::string::npos);
}

TEST(SplitSentences, SplitsOnTerminatorsButNotDecimalsOrAbbreviations) {
  const auto s = SplitSentences("La batteria dura 4.5 ore. Lo schermo è ottimo!! Prezzo alto?\nConsegna veloce");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], "La batteria dura 4.5 ore.");
  EXPECT_EQ(s[1], "Lo schermo è ottimo!!");
  EXPECT_EQ(s[2], "Prezzo alto?");
  EXPECT_EQ(s[3], "Consegna veloce");
  const auto e = SplitSentences("Works well, e.g. with Linux. Ok.");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0], "Works well, e.g. with Linux.");
}

TEST(SplitSentences, DropsFragmentsAndCapsLongSentences) {
  EXPECT_TRUE(SplitSentences("!! . ok").size() <= 1);
  const std::string longer(1000, 'a');
  const auto s = SplitSentences(longer);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_LE(s[0].size(), 300u);
}

}  // namespace
}  // namespace worthit::analysis::reviews
