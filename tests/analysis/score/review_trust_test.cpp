#include "analysis/score/review_trust.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace worthit::analysis::score {
namespace {

constexpr double kNoText = std::numeric_limits<double>::quiet_NaN();

Review R(int stars, std::string text, std::string date = "", std::optional<bool> verified = true,
         std::string country = "") {
  Review r;
  r.stars = stars;
  r.text = std::move(text);
  r.date = std::move(date);
  r.verified = verified;
  r.country = std::move(country);
  return r;
}

bool HasReason(const TrustAssessment& t, const std::string& code) {
  for (const auto& r : t.reasons)
    if (r.code == code) return true;
  return false;
}

// Ten varied, honest-looking reviews.
std::vector<Review> Honest() {
  return {R(5, "La batteria dura due giorni interi e lo schermo è luminoso anche al sole", "2026-01-03"),
          R(4, "Buon rapporto qualità prezzo, il caricatore però scalda un po' troppo", "2026-02-11"),
          R(5, "Arrivato in anticipo, imballaggio curato, funziona tutto come descritto", "2026-03-20"),
          R(3, "Fa il suo lavoro ma la cover si graffia facilmente dopo poche settimane", "2026-04-02"),
          R(5, "Lo uso ogni giorno per lavoro e non mi ha mai dato problemi di connessione", "2026-05-15"),
          R(4, "Audio pulito nelle chiamate, i bassi sono un po' deboli con la musica", "2026-06-09"),
          R(5, "Regalo per mia madre, lo trova semplice da usare e legge bene i caratteri", "2026-07-21"),
          R(2, "Dopo tre mesi il tasto laterale ha iniziato a non rispondere sempre bene", "2026-08-30"),
          R(5, "Ottima fotocamera per il prezzo, le foto notturne sono sorprendenti davvero", "2026-09-12"),
          R(4, "Installazione semplice, le istruzioni in italiano sono chiare e complete", "2026-10-01")};
}

std::vector<double> Predicted(const std::vector<Review>& reviews) {
  std::vector<double> p;
  for (const auto& r : reviews) p.push_back(r.stars ? *r.stars : kNoText);
  return p;
}

TEST(AssessTrust, HonestReviewsAreHighWithNoReasons) {
  const auto reviews = Honest();
  TrustInput in;
  in.shown_rating = 4.2;
  in.rating_count = 340;
  in.histogram = {10, 12, 30, 90, 198};
  in.reviews = &reviews;
  in.predicted = Predicted(reviews);
  in.shop_country = "IT";
  const auto t = AssessTrust(in);
  EXPECT_EQ(t.level, TrustLevel::kHigh);
  EXPECT_TRUE(t.reasons.empty());
  ASSERT_TRUE(t.adjusted_rating);
  EXPECT_NEAR(*t.adjusted_rating, 4.2, 1e-9);
  EXPECT_EQ(t.reviews_used, 10);
  EXPECT_EQ(t.reviews_with_text, 10);
}

TEST(AssessTrust, StarsTheTextsDoNotSupport) {
  // The reviews show their own stars (mean 4.2): the texts are compared with what honest texts
  // with those stars read like, 3 + 0.75 * 1.2 = 3.9; they read 3.0.
  const auto reviews = Honest();
  TrustInput in;
  in.shown_rating = 4.6;
  in.rating_count = 340;
  in.reviews = &reviews;
  in.predicted.assign(reviews.size(), 3.0);
  const auto t = AssessTrust(in);
  ASSERT_TRUE(HasReason(t, "TEXT_VS_STARS"));
  EXPECT_EQ(t.level, TrustLevel::kMedium);
  EXPECT_EQ(t.reasons.front().it, "il testo delle recensioni vale 3,0/5 mentre le stelle dicono 4,2");
  EXPECT_EQ(t.reasons.front().en, "the review texts read like 3.0/5 while the stars say 4.2");

  // Without per-review stars, against the shown rating (4.6: honest texts read 4.2).
  auto unstarred = Honest();
  for (auto& r : unstarred) r.stars.reset();
  in.reviews = &unstarred;
  const auto u = AssessTrust(in);
  ASSERT_TRUE(HasReason(u, "TEXT_VS_STARS"));
  EXPECT_EQ(u.reasons.front().it, "il testo delle recensioni vale 3,0/5 mentre le stelle dicono 4,6");

  // Five reviews a bit under their stars: within what the model's own error explains.
  std::vector<Review> few(unstarred.begin(), unstarred.begin() + 5);
  in.reviews = &few;
  in.predicted.assign(5, 4.0);
  EXPECT_FALSE(HasReason(AssessTrust(in), "TEXT_VS_STARS"));
}

TEST(AssessTrust, WellRatedHonestTextsAreNotAccused) {
  // 4.7 stars whose texts read 4.1: the model's reading regresses to the middle (honest 5-star
  // texts read ~4.5), so this is what honest texts look like, not inflated stars.
  auto reviews = Honest();
  for (size_t i = 0; i < reviews.size(); ++i) reviews[i].stars = i % 3 == 2 ? 4 : 5;  // mean 4.7
  TrustInput in;
  in.shown_rating = 4.7;
  in.rating_count = 1246;
  in.reviews = &reviews;
  in.predicted.assign(reviews.size(), 4.1);
  const auto t = AssessTrust(in);
  EXPECT_FALSE(HasReason(t, "TEXT_VS_STARS"));
  EXPECT_EQ(t.level, TrustLevel::kHigh);
}

TEST(AssessTrust, TooFewReviewsAreNotHighTrust) {
  auto reviews = Honest();
  reviews.resize(2);
  TrustInput in;
  in.shown_rating = 4.5;
  in.rating_count = 2;
  in.reviews = &reviews;
  in.predicted = Predicted(reviews);
  const auto t = AssessTrust(in);
  EXPECT_EQ(t.level, TrustLevel::kUnknown);
  ASSERT_EQ(t.reasons.size(), 1u);
  EXPECT_EQ(t.reasons[0].code, "FEW_REVIEWS");
  EXPECT_EQ(t.reasons[0].it, "solo 2 recensioni, troppo poche per valutarne l'affidabilità");
  EXPECT_EQ(t.reasons[0].en, "only 2 reviews, too few to judge how reliable they are");
  // Five are enough to run the checks.
  reviews = Honest();
  reviews.resize(5);
  in.predicted = Predicted(reviews);
  EXPECT_EQ(AssessTrust(in).level, TrustLevel::kHigh);
}

std::vector<Review> Campaign() {
  // Five verified buyers over two months with 1-2 stars, then 12 short or templated 5-star blurbs
  // in two days. No histogram on the page: the J shape comes from the reviews' own stars.
  std::vector<Review> r = {
      R(1, "Il rivestimento del cestello si stacca dopo tre settimane di uso normale", "2026-08-21"),
      R(1, "Non si accende più dopo un mese e l'assistenza non risponde alle email", "2026-09-02"),
      R(1, "Puzza di plastica bruciata anche dopo cinque cicli a vuoto come da manuale", "2026-09-16"),
      R(2, "Il cestello utile è molto più piccolo di quanto dichiarato e cuoce male", "2026-10-11"),
      R(1, "Il cestello si blocca nella guida e bisogna tirare con forza per estrarlo", "2026-10-20")};
  const char* blurbs[] = {"Ottima friggitrice, cuoce benissimo e si pulisce facilmente. Consigliata!",
                          "Top!",
                          "Ottima friggitrice, cuoce benissimo e si pulisce facilmente. Super!",
                          "Perfetta, consigliatissima!",
                          "Ottima friggitrice, cuoce benissimo e si pulisce facilmente, consigliata a tutti!",
                          "Tutto perfetto, top!"};
  for (int i = 0; i < 12; ++i) r.push_back(R(5, blurbs[i % 6], i < 6 ? "2026-10-03" : "2026-10-04"));
  return r;
}

TEST(AssessTrust, BurstOfShortCopiedFiveStarBlurbsIsACampaign) {
  const auto reviews = Campaign();
  TrustInput in;
  in.shown_rating = 4.2;
  in.rating_count = 17;
  in.reviews = &reviews;
  in.predicted = Predicted(reviews);
  const auto t = AssessTrust(in);
  EXPECT_EQ(t.level, TrustLevel::kLow);
  for (const char* code : {"DUPLICATES", "BURST", "J_SHAPE"}) EXPECT_TRUE(HasReason(t, code)) << code;
  for (const auto& r : t.reasons) {
    if (r.code == "BURST") {
      EXPECT_EQ(r.severity, 2);
      EXPECT_EQ(r.it, "12 recensioni su 17 sono arrivate in 3 giorni, quasi tutte a 5 stelle e brevi o copiate");
    }
    if (r.code == "J_SHAPE")
      EXPECT_EQ(r.it,
                "voti polarizzati nelle 17 recensioni mostrate: 71% a 5 stelle, 24% a 1 stella e quasi nulla in mezzo");
  }
  // Copies are marked (not the first of each group), and weigh little.
  int copies = 0;
  for (size_t i = 0; i < reviews.size(); ++i)
    if (t.copies[i]) {
      ++copies;
      EXPECT_LE(t.weights[i], 0.2);
    }
  EXPECT_GE(copies, 4);
  // The texts' weighted mean leans to the critical verified buyers.
  ASSERT_TRUE(t.weighted_predicted_mean && t.predicted_mean);
  EXPECT_LT(*t.weighted_predicted_mean, *t.predicted_mean - 0.5);
  ASSERT_TRUE(t.adjusted_rating);
  EXPECT_LT(*t.adjusted_rating, 4.2 - 0.5);
}

TEST(AssessTrust, ALaunchBurstOfRealReviewsIsOnlyABurst) {
  // Half the reviews in three days, but long, varied and not all 5 stars: one point, not two.
  auto reviews = Honest();
  for (size_t i = 0; i < 6; ++i) reviews[i].date = i < 3 ? "2026-01-03" : "2026-01-04";
  TrustInput in;
  in.shown_rating = 4.2;
  in.rating_count = 340;
  in.reviews = &reviews;
  in.predicted = Predicted(reviews);
  const auto t = AssessTrust(in);
  ASSERT_TRUE(HasReason(t, "BURST"));
  EXPECT_EQ(t.reasons.front().severity, 1);
  EXPECT_EQ(t.level, TrustLevel::kMedium);
  EXPECT_FALSE(HasReason(t, "J_SHAPE"));  // 10 reviews 2-5 stars: a middle
}

TEST(AssessTrust, DuplicatesShortGenericUnverifiedBurstForeignAndJShape) {
  std::vector<Review> reviews;
  const std::string copy = "Prodotto fantastico arrivato in tempo lo consiglio a tutti senza dubbio alcuno";
  for (int i = 0; i < 4; ++i) reviews.push_back(R(5, copy + (i % 2 ? "!" : ""), "2026-11-02", false, "CN"));
  for (int i = 0; i < 5; ++i) reviews.push_back(R(5, "Ottimo!", "2026-11-03", false, "CN"));
  reviews.push_back(
      R(1, "Si è rotto dopo una settimana e il venditore non risponde ai messaggi", "2026-06-01", true, "IT"));
  TrustInput in;
  in.shown_rating = 4.8;
  in.rating_count = 120;
  in.histogram = {14, 1, 1, 2, 102};
  in.reviews = &reviews;
  in.predicted = Predicted(reviews);
  in.shop_country = "IT";
  const auto t = AssessTrust(in);
  for (const char* code : {"DUPLICATES", "SHORT_GENERIC", "UNVERIFIED", "BURST", "FOREIGN", "J_SHAPE"}) {
    EXPECT_TRUE(HasReason(t, code)) << code;
  }
  EXPECT_EQ(t.level, TrustLevel::kLow);
  // Down-weighting the suspicious 5-star reviews pulls the adjusted rating under the shown one.
  ASSERT_TRUE(t.adjusted_rating);
  EXPECT_LT(*t.adjusted_rating, 4.8 - 0.3);
  for (const auto& r : t.reasons) {
    EXPECT_FALSE(r.it.empty());
    EXPECT_FALSE(r.en.empty());
  }
}

TEST(AssessTrust, NothingToReadIsUnknown) {
  TrustInput in;
  const auto t = AssessTrust(in);
  EXPECT_EQ(t.level, TrustLevel::kUnknown);
  EXPECT_FALSE(t.adjusted_rating);
  EXPECT_EQ(TrustLevelName(t.level, "it"), "n/d");
  EXPECT_EQ(TrustLevelName(TrustLevel::kMedium, "it"), "media");
  EXPECT_EQ(TrustLevelName(TrustLevel::kLow, "en"), "low");
}

TEST(NearDuplicateSimilarity, SeparatesCopiesFromDifferentTexts) {
  EXPECT_GT(NearDuplicateSimilarity("the battery lasts two full days and the screen is bright in the sun",
                                    "The battery lasts two full days, and the screen is bright in the sun!"),
            0.9);
  EXPECT_GT(NearDuplicateSimilarity("the battery lasts two full days and the screen is bright in the sun",
                                    "the battery lasts two full days and the screen is bright outdoors"),
            0.5);
  EXPECT_LT(NearDuplicateSimilarity("the battery lasts two full days and the screen is bright in the sun",
                                    "arrived late and the box was damaged but the seller refunded me"),
            0.1);
}

TEST(ShopCountry, FromSite) {
  EXPECT_EQ(ShopCountry("amazon.it"), "IT");
  EXPECT_EQ(ShopCountry("www.amazon.co.uk"), "GB");
  EXPECT_EQ(ShopCountry("amazon.com"), "US");
  EXPECT_EQ(ShopCountry("shop.example.com"), "");
  EXPECT_EQ(ShopCountry(""), "");
}

}  // namespace
}  // namespace worthit::analysis::score
