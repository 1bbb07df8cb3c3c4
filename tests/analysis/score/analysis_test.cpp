#include "analysis/score/analysis.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "analysis/score/analysis_json.h"
#include "analysis/score/fake_review_model.h"

namespace worthit::analysis::score {
namespace {

Review R(int stars, std::string text) {
  Review r;
  r.stars = stars;
  r.text = std::move(text);
  r.lang = "it";
  r.verified = true;
  return r;
}

ProductPage Page() {
  ProductPage page;
  page.url = "https://www.amazon.it/dp/B000TEST01?tag=x";
  page.canonical_url = "https://www.amazon.it/dp/B000TEST01";
  page.site = "amazon.it";
  page.is_product = true;
  page.product.title = "Cuffie Bluetooth <Pro> & Co";
  page.product.price = "29.99";
  page.product.currency = "EUR";
  page.product.rating = Rating{4.3, 5, 1234};
  page.product.histogram = {50, 40, 90, 300, 754};
  page.reviews = {
      R(5, "La batteria è ottima, dura una settimana. Il suono è eccellente."),
      R(5, "Batteria fantastica e spedizione veloce."),
      R(4, "Suono ottimo per il prezzo. La custodia è scadente."),
      R(2, "La batteria è deludente dopo un mese. Custodia scadente, si è rotta."),
      R(5, "Comode da indossare, batteria lunga."),
      R(4, "Ottimo acquisto, suono perfetto."),
  };
  return page;
}

TEST(AnalyzeProduct, FullPipelineWithFakeModel) {
  testing::FakeReviewModel model;
  PriceHistory history{"24.99", "2026-11-12", "31.50", 9};
  const auto a = AnalyzeProduct(Page(), model, &history, "it");
  ASSERT_TRUE(a.score.has_score);
  EXPECT_GE(a.score.score, 7.5);
  EXPECT_LE(a.score.score, 10.0);
  EXPECT_EQ(a.lang, "it");
  EXPECT_TRUE(a.pros_cons.enough);
  ASSERT_FALSE(a.pros_cons.pros.empty());
  EXPECT_EQ(a.pros_cons.pros[0].label, "batteria");
  EXPECT_NEAR(a.sentiment.positive, 5.0 / 6, 1e-9);  // own stars: 5 of 6 reviews >= 4
  EXPECT_NEAR(a.sentiment.negative, 1.0 / 6, 1e-9);
  ASSERT_TRUE(a.sentiment.predicted_mean);
  EXPECT_EQ(a.reviews_used, 6);
  EXPECT_FALSE(a.verdict.empty());
  EXPECT_EQ(a.verdict.back(), '.');
  EXPECT_NE(a.verdict.find("batteria"), std::string::npos) << a.verdict;

  const auto json = AnalysisToJson(a);
  EXPECT_DOUBLE_EQ(json.at("score").as_double(), a.score.score);
  EXPECT_EQ(json.at("band").as_string(), BandName(a.score.band, "it"));
  EXPECT_TRUE(json.at("sentiment").as_object().contains("predicted_mean"));
  EXPECT_TRUE(json.at("trust").as_object().contains("reasons"));
  EXPECT_EQ(json.at("pros").as_array()[0].as_object().at("aspect").as_string(), "batteria");
  EXPECT_TRUE(json.at("pros").as_array()[0].as_object().contains("quote"));
  EXPECT_TRUE(json.at("pros").as_array()[0].as_object().contains("mentions"));

  // Same input, same output (deterministic), and English labels for an English user.
  const auto again = AnalyzeProduct(Page(), model, &history, "it");
  EXPECT_EQ(boost::json::serialize(AnalysisToJson(again)), boost::json::serialize(json));
  const auto en = AnalyzeProduct(Page(), model, &history, "en");
  EXPECT_EQ(en.pros_cons.pros[0].label, "battery");
  EXPECT_EQ(en.score.score, a.score.score);
}

TEST(AnalyzeProduct, NoRatingNoReviewsHasNoScore) {
  testing::FakeReviewModel model;
  ProductPage page;
  page.site = "shop.example.com";
  page.product.title = "Something";
  const auto a = AnalyzeProduct(page, model, nullptr, "it");
  EXPECT_FALSE(a.score.has_score);
  EXPECT_FALSE(a.pros_cons.enough);
  EXPECT_EQ(a.trust.level, TrustLevel::kUnknown);
  EXPECT_NE(a.verdict.find("Troppo pochi dati"), std::string::npos);
  const auto json = AnalysisToJson(a);
  EXPECT_TRUE(json.at("score").is_null());
  EXPECT_TRUE(json.at("rating_adjusted").is_null());
}

TEST(AnalyzeProduct, RatingWithoutReviewsStillScoresButCannotJudgeAspects) {
  testing::FakeReviewModel model;
  ProductPage page;
  page.site = "amazon.it";
  page.product.rating = Rating{8.6, 10, 50000};
  const auto a = AnalyzeProduct(page, model, nullptr, "en");
  ASSERT_TRUE(a.score.has_score);
  EXPECT_NEAR(*a.rating_shown, 4.3, 1e-9);
  EXPECT_NEAR(a.score.score, 8.2, 1e-9);
  EXPECT_FALSE(a.pros_cons.enough);
  EXPECT_EQ(a.sentiment.reviews, 0);
}

TEST(AnalyzeProduct, TextsThatContradictTheStarsLowerTrustAndScore) {
  testing::FakeReviewModel model;
  ProductPage honest = Page();
  ProductPage shady = Page();
  for (auto& r : shady.reviews) r.text = "Pessimo, rotto dopo un giorno. Custodia scadente e batteria deludente.";
  shady.product.rating = Rating{4.7, 5, 1234};
  const auto a = AnalyzeProduct(honest, model, nullptr, "it");
  const auto b = AnalyzeProduct(shady, model, nullptr, "it");
  EXPECT_NE(b.trust.level, TrustLevel::kHigh);
  ASSERT_FALSE(b.trust.reasons.empty());
  EXPECT_EQ(b.trust.reasons[0].code, "TEXT_VS_STARS");
  EXPECT_LT(b.score.score, a.score.score);
}

TEST(AnalyzeProduct, TwoRatingsAreTooFewToJudge) {
  testing::FakeReviewModel model;
  ProductPage page = Page();
  page.product.rating = Rating{4.5, 5, 2};
  page.product.histogram.clear();
  page.reviews.resize(2);
  const auto a = AnalyzeProduct(page, model, nullptr, "it");
  EXPECT_FALSE(a.score.has_score);
  EXPECT_TRUE(a.score.too_few);
  EXPECT_EQ(a.score.evidence, 2);
  EXPECT_EQ(a.trust.level, TrustLevel::kUnknown);
  ASSERT_EQ(a.trust.reasons.size(), 1u);
  EXPECT_EQ(a.trust.reasons[0].code, "FEW_REVIEWS");
  EXPECT_EQ(a.verdict,
            "Troppo poche recensioni per giudicare: solo 2 valutazioni, in media 4,5/5; meglio aspettarne altre o "
            "confrontarlo con prodotti simili.");
  EXPECT_EQ(VerdictSentence(a, "en"),
            "Too few reviews to judge: only 2 ratings, averaging 4.5/5; wait for more opinions or compare it with "
            "similar products.");
  const auto json = AnalysisToJson(a);
  EXPECT_TRUE(json.at("score").is_null());
  EXPECT_TRUE(json.at("score_detail").at("too_few").as_bool());
  EXPECT_EQ(json.at("score_detail").at("evidence").as_int64(), 2);
}

TEST(AnalyzeProduct, ReviewsSayingItCostsTooMuchLowerTheScoreAndSayWhy) {
  testing::FakeReviewModel model;
  ProductPage fair = Page();
  fair.product.rating = Rating{3.6, 5, 300};
  fair.reviews.clear();
  const char* other[] = {"Suono pulito e bassi presenti, comode per ore.", "Custodia robusta, si piegano bene.",
                         "Connessione stabile, app semplice.", "Microfono nella media in chiamata."};
  for (int i = 0; i < 4; ++i) fair.reviews.push_back(R(4, other[i]));
  ProductPage dear = fair;
  for (int i = 0; i < 6; ++i) fair.reviews.push_back(R(3, "Suono nella media, niente di speciale."));
  const char* dear_texts[] = {"Prezzo pessimo per quello che offre.",
                              "Suono discreto ma il costo è pessimo, non li vale.",
                              "Troppo care: a questa cifra mi aspettavo di più, prezzo deludente.",
                              "Il rapporto qualità prezzo è pessimo.",
                              "Soldi spesi male, prezzo scadente rispetto alle concorrenti.",
                              "Custodia carina. Ma costa troppo, un prezzo pessimo davvero."};
  for (const char* t : dear_texts) dear.reviews.push_back(R(3, t));
  const auto a = AnalyzeProduct(fair, model, nullptr, "it");
  const auto b = AnalyzeProduct(dear, model, nullptr, "it");
  EXPECT_EQ(a.score.value_points, 0);
  EXPECT_EQ(b.pros_cons.value.mentions, 6);
  EXPECT_EQ(b.pros_cons.value.negative_reviews, 6);
  EXPECT_NEAR(b.score.value_points, -1.0, 1e-9);  // 6 of 10 talk about it (full breadth), all against
  EXPECT_LT(b.score.score, a.score.score - 0.9);
  EXPECT_NE(b.verdict.find("; costa troppo per quello che offre: lo dicono 6 recensioni su 10"), std::string::npos)
      << b.verdict;
  EXPECT_EQ(b.verdict.find("meno per prezzo"), std::string::npos) << b.verdict;  // said once, not twice
  EXPECT_NE(VerdictSentence(b, "en").find("; it costs too much for what it gives, say 6 of 10 reviews"),
            std::string::npos);
}

TEST(AnalyzeProduct, CopiedReviewsDoNotMakeProsOrCarryTheTexts) {
  testing::FakeReviewModel model;
  ProductPage page = Page();
  page.product.rating = Rating{4.4, 5, 40};
  page.product.histogram.clear();
  for (int i = 0; i < 6; ++i)
    page.reviews.push_back(R(5, "Ottimo frullatore, la lama trita il ghiaccio e il bicchiere si lava subito."));
  const auto a = AnalyzeProduct(page, model, nullptr, "it");
  bool dup = false;
  for (const auto& r : a.trust.reasons) dup |= r.code == "DUPLICATES";
  EXPECT_TRUE(dup);
  for (const auto& p : a.pros_cons.pros) EXPECT_EQ(p.aspect.find("lama"), std::string::npos) << p.aspect;
  for (const auto& p : a.pros_cons.pros) EXPECT_EQ(p.aspect.find("ghiaccio"), std::string::npos) << p.aspect;
  // The copies' texts weigh less in what the texts say.
  ASSERT_TRUE(a.trust.weighted_predicted_mean && a.trust.predicted_mean);
  EXPECT_NE(*a.trust.weighted_predicted_mean, *a.trust.predicted_mean);
}

}  // namespace
}  // namespace worthit::analysis::score

namespace worthit::analysis::score {
namespace {

TEST(VerdictSentence, BuiltFromTheAnalysisFacts) {
  Analysis a;
  a.score.has_score = true;
  a.score.score = 6.5;
  a.score.band = Band::kGood;
  a.pros_cons.enough = true;
  AspectFinding battery;
  battery.label = "batteria";
  AspectFinding comfort;
  comfort.label = "comfort";
  AspectFinding sound;
  sound.label = "audio";
  a.pros_cons.pros = {battery, comfort};
  a.pros_cons.cons = {sound};
  EXPECT_EQ(VerdictSentence(a, "it"), "Una buona scelta: piace per batteria e comfort, meno per audio.");
  a.score.price_points = -0.5;
  a.trust.level = TrustLevel::kLow;
  a.pros_cons.pros.clear();
  EXPECT_EQ(VerdictSentence(a, "it"),
            "Una buona scelta: piace meno per audio; ora costa più del solito; prendi le recensioni con cautela.");
  a.pros_cons.enough = false;
  a.score.price_points = 0;
  a.trust.level = TrustLevel::kHigh;
  a.score.band = Band::kPoor;
  EXPECT_EQ(VerdictSentence(a, "en"), "Better look elsewhere.");
}

TEST(VerdictSentence, ValueForMoneyFromTheReviews) {
  Analysis a;
  a.score.has_score = true;
  a.score.band = Band::kAverage;
  a.pros_cons.enough = true;
  a.trust.reviews_with_text = 16;
  AspectFinding price;
  price.aspect = "price";
  price.label = "prezzo";
  AspectFinding battery;
  battery.aspect = "battery";
  battery.label = "batteria";
  a.pros_cons.cons = {price, battery};
  a.pros_cons.value = price;
  a.pros_cons.value.negative_reviews = 5;
  a.score.value_points = -0.7;
  EXPECT_EQ(VerdictSentence(a, "it"),
            "Un prodotto nella media: piace meno per batteria; costa troppo per quello che offre: lo dicono 5 "
            "recensioni su 16.");
  // A small grumble does not make the clause (and the price stays a named con).
  a.score.value_points = -0.2;
  EXPECT_EQ(VerdictSentence(a, "it"), "Un prodotto nella media: piace meno per prezzo.");
  a.pros_cons.cons.clear();
  a.score.band = Band::kGood;
  a.score.value_points = 0.2;
  EXPECT_EQ(VerdictSentence(a, "en"), "A good choice; reviewers find it good value for money.");
}

}  // namespace
}  // namespace worthit::analysis::score
