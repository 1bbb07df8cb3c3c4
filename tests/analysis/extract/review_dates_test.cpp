#include "analysis/extract/review_dates.h"

#include <gtest/gtest.h>

namespace worthit::analysis::extract {
namespace {

TEST(ReviewDatesTest, ReadsDateAndCountryInFiveLanguages) {
  struct Case {
    const char* text;
    const char* date;
    const char* country;
  };
  const Case cases[] = {
      {"Reviewed in the United States on January 3, 2021", "2021-01-03", "US"},
      {"Reviewed in the United Kingdom on 14 March 2020", "2020-03-14", "GB"},
      {"Recensito in Italia il 3 gennaio 2021", "2021-01-03", "IT"},
      {"Recensito nel Regno Unito il 2 febbraio 2022", "2022-02-02", "GB"},
      {"Rezension aus Deutschland vom 7. Juni 2021", "2021-06-07", "DE"},
      {"Commenté en France le 3 août 2019", "2019-08-03", "FR"},
      {"Comentado en España el 3 de enero de 2021", "2021-01-03", "ES"},
      {"3 janvier 2021", "2021-01-03", ""},
  };
  for (const auto& c : cases) {
    auto line = ParseReviewDateLine(c.text);
    EXPECT_EQ(line.date, c.date) << c.text;
    EXPECT_EQ(line.country, c.country) << c.text;
  }
  EXPECT_EQ(ParseReviewDateLine("yesterday").date, "");
}

}  // namespace
}  // namespace worthit::analysis::extract
