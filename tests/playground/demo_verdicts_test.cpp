// The demo shop's promise, checked through the real pipeline: each page rendered by the catalogue,
// extracted as the bot extracts it, read by the shipped review model, scored and carded. If a
// change to scoring, trust, the extractor or the model makes a demo product stop showing the
// verdict it is built for, this fails (the browser tests only check that *a* card appears).
// Expectations have margins (bands, not decimals): the model may be retrained.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "analysis/card/card.h"
#include "analysis/page_analysis.h"
#include "analysis/reviews/review_model.h"
#include "analysis/score/analysis.h"
#include "playground/demo_shop_catalog.h"

namespace worthit::playground {
namespace {

using analysis::score::Band;
using analysis::score::TrustLevel;

constexpr const char* kBase = "http://127.0.0.1:8081";

struct Verdict {
  analysis::ProductPage page;
  analysis::score::Analysis it;
  analysis::score::Analysis en;
  std::string card_it;
  std::string card_en;
};

class DemoVerdicts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto model = analysis::reviews::LoadReviewModel(std::string(WORTHIT_SOURCE_DIR) + "/models/reviews.ftz");
    ASSERT_TRUE(model.ok()) << model.error().message;
    model_ = std::move(*model).release();
    verdicts_ = new std::map<std::string, Verdict>();
    for (const auto& p : DemoCatalog()) {
      const std::string url = std::string(kBase) + "/p/" + p.slug;
      const auto html = RenderDemoShopPage(std::string("/p/") + p.slug, kBase);
      ASSERT_TRUE(html.has_value()) << p.slug;
      auto page = analysis::ExtractPage(*html, url);
      ASSERT_TRUE(page.ok()) << p.slug;
      Verdict v;
      v.page = std::move(*page);
      v.it = analysis::score::AnalyzeProduct(v.page, *model_, nullptr, "it");
      v.en = analysis::score::AnalyzeProduct(v.page, *model_, nullptr, "en");
      analysis::card::CardOptions it, en;
      it.lang = "it";
      en.lang = "en";
      v.card_it = analysis::card::RenderCard(v.page, v.it, it).html;
      v.card_en = analysis::card::RenderCard(v.page, v.en, en).html;
      (*verdicts_)[p.slug] = std::move(v);
    }
  }
  static void TearDownTestSuite() {
    delete verdicts_;
    delete model_;
  }
  static const Verdict& Of(const std::string& slug) { return verdicts_->at(slug); }
  static bool HasReason(const analysis::score::Analysis& a, const std::string& code) {
    for (const auto& r : a.trust.reasons)
      if (r.code == code) return true;
    return false;
  }

  static inline analysis::reviews::ReviewModel* model_ = nullptr;
  static inline std::map<std::string, Verdict>* verdicts_ = nullptr;
};

TEST_F(DemoVerdicts, EveryPageIsAProductWithItsReviews) {
  for (const auto& p : DemoCatalog()) {
    const auto& v = Of(p.slug);
    EXPECT_TRUE(v.page.is_product) << p.slug;
    EXPECT_EQ(v.page.reviews.size(), p.reviews.size()) << p.slug;
    EXPECT_FALSE(v.it.verdict.empty()) << p.slug;
    EXPECT_FALSE(v.en.verdict.empty()) << p.slug;
  }
}

TEST_F(DemoVerdicts, MokaIsAnExcellentBuyWithHighTrust) {
  const auto& a = Of("moka-aurora").it;
  ASSERT_TRUE(a.score.has_score);
  EXPECT_GE(a.score.score, 8.0);
  EXPECT_EQ(a.score.band, Band::kGreat);
  EXPECT_EQ(a.trust.level, TrustLevel::kHigh);
  EXPECT_TRUE(a.pros_cons.enough);
  EXPECT_GE(a.pros_cons.pros.size(), 2u);
  EXPECT_EQ(a.verdict.rfind("Consigliato", 0), 0u) << a.verdict;
  EXPECT_NE(Of("moka-aurora").card_it.find("Ottimo acquisto"), std::string::npos);
}

TEST_F(DemoVerdicts, TrailheadIsAGoodBuy) {
  const auto& a = Of("trailhead-30l").en;
  ASSERT_TRUE(a.score.has_score);
  EXPECT_EQ(a.score.band, Band::kGood);
  EXPECT_NE(a.trust.level, TrustLevel::kLow);
  EXPECT_FALSE(a.pros_cons.pros.empty());
  EXPECT_FALSE(a.pros_cons.cons.empty());
  EXPECT_EQ(a.verdict.rfind("A good choice", 0), 0u) << a.verdict;
}

TEST_F(DemoVerdicts, HeadphonesCostTooMuchForWhatTheyGive) {
  const auto& a = Of("cuffie-studiomax-pro").it;
  ASSERT_TRUE(a.score.has_score);
  EXPECT_LE(a.score.score, 6.0);
  EXPECT_LE(a.score.value_points, -0.3);
  bool price_con = false;
  for (const auto& c : a.pros_cons.cons) price_con |= c.aspect == "price";
  EXPECT_TRUE(price_con);
  EXPECT_NE(a.verdict.find("costa troppo per quello che offre"), std::string::npos) << a.verdict;
  EXPECT_NE(Of("cuffie-studiomax-pro").en.verdict.find("it costs too much for what it gives"), std::string::npos);
  // Clearly below the good products.
  EXPECT_LE(a.score.score, Of("trailhead-30l").it.score.score - 1.0);
}

TEST_F(DemoVerdicts, FryerReviewsLookManipulated) {
  const auto& a = Of("friggitrice-turbocrisp").it;
  EXPECT_EQ(a.trust.level, TrustLevel::kLow);
  EXPECT_TRUE(HasReason(a, "DUPLICATES"));
  EXPECT_TRUE(HasReason(a, "BURST"));
  EXPECT_TRUE(HasReason(a, "J_SHAPE"));
  ASSERT_TRUE(a.score.has_score);
  EXPECT_LT(a.score.score, 6.0);  // the doubt shows in the score, not only in the trust line
  ASSERT_TRUE(a.rating_adjusted && a.rating_shown);
  EXPECT_LT(*a.rating_adjusted, *a.rating_shown - 0.5);
  for (const auto& p : a.pros_cons.pros) EXPECT_EQ(p.aspect.find("cuoce"), std::string::npos) << p.aspect;
  EXPECT_NE(a.verdict.find("cautela"), std::string::npos) << a.verdict;
  EXPECT_NE(Of("friggitrice-turbocrisp").card_it.find("⚠️ bassa: "), std::string::npos);
}

TEST_F(DemoVerdicts, BulbHasTooFewReviewsToJudge) {
  const auto& v = Of("lumen-smart-bulb");
  EXPECT_FALSE(v.en.score.has_score);
  EXPECT_TRUE(v.en.score.too_few);
  EXPECT_EQ(v.en.trust.level, TrustLevel::kUnknown);
  EXPECT_TRUE(HasReason(v.en, "FEW_REVIEWS"));
  EXPECT_EQ(v.en.verdict.rfind("Too few reviews to judge: only 2 ratings", 0), 0u) << v.en.verdict;
  EXPECT_EQ(v.it.verdict.rfind("Troppo poche recensioni per giudicare", 0), 0u) << v.it.verdict;
  EXPECT_NE(v.card_it.find("n/d — solo 2 valutazioni, troppo poche per giudicare"), std::string::npos) << v.card_it;
  EXPECT_EQ(v.card_it.find("acquisto"), std::string::npos) << v.card_it;  // no band at all
  EXPECT_EQ(v.card_en.find(" buy"), std::string::npos) << v.card_en;
}

TEST_F(DemoVerdicts, TheScoresAreInTheOrderTheDemoPromises) {
  const double moka = Of("moka-aurora").it.score.score, trail = Of("trailhead-30l").it.score.score,
               phones = Of("cuffie-studiomax-pro").it.score.score, fryer = Of("friggitrice-turbocrisp").it.score.score;
  EXPECT_GT(moka, trail);
  EXPECT_GT(trail, phones);
  EXPECT_GT(trail, fryer);
}

}  // namespace
}  // namespace worthit::playground
