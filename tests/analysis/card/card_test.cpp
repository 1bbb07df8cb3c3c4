#include "analysis/card/card.h"

#include <gtest/gtest.h>

#include "analysis/card/user_messages.h"

namespace worthit::analysis::card {
namespace {

using score::Analysis;

ProductPage Page() {
  ProductPage page;
  page.url = "https://www.amazon.it/dp/B000TEST01?tag=x";
  page.canonical_url = "https://www.amazon.it/dp/B000TEST01";
  page.site = "amazon.it";
  page.product.title = "Cuffie <Pro> & \"Bass\"";
  page.product.price = "1299.99";
  page.product.currency = "EUR";
  page.product.rating = Rating{4.3, 5, 1234};
  return page;
}

score::AspectFinding F(std::string label, std::string quote, int mentions) {
  score::AspectFinding f;
  f.aspect = label;
  f.label = std::move(label);
  f.quote = std::move(quote);
  f.mentions = mentions;
  return f;
}

Analysis MakeAnalysis() {
  Analysis a;
  a.lang = "it";
  a.score.has_score = true;
  a.score.score = 8.1;
  a.score.band = score::Band::kGreat;
  a.sentiment = {0.87, 0.08, 4.1, 40};
  a.trust.level = score::TrustLevel::kMedium;
  a.trust.reasons.push_back({"TEXT_VS_STARS", 1, "il testo delle recensioni vale 3,4/5 mentre le stelle dicono 4,6",
                             "the review texts read like 3.4/5 while the stars say 4.6"});
  a.pros_cons.enough = true;
  a.pros_cons.pros = {F("batteria", "Dura <due> giorni", 12), F("suono", "Bassi profondi", 7)};
  a.pros_cons.cons = {F("custodia", "Si graffia & si rompe", 3)};
  a.price_history = score::PriceHistory{"999.5", "2026-11-12", "1200.00", 9};
  a.verdict = "Consigliato: chi l'ha comprato apprezza batteria e suono.";
  return a;
}

TEST(RenderCard, ItalianCardAsInProductMd) {
  const auto card = RenderCard(Page(), MakeAnalysis(), {});
  const std::string expected =
      "<b>Cuffie &lt;Pro&gt; &amp; &quot;Bass&quot;</b>\n"
      "💰 Prezzo: 1.299,99 €   (📉 minimo visto: 999,50 € il 12/11)\n"
      "⭐ Valutazione: 4,3/5 (1.234 recensioni)\n"
      "🟢 Punteggio WorthIt: 8,1/10 — Ottimo acquisto\n"
      "👍 87% recensioni positive · 👎 8% negative\n"
      "🛡️ Affidabilità recensioni: ⚠️ media: il testo delle recensioni vale 3,4/5 mentre le stelle dicono "
      "4,6\n"
      "✅ Punti di forza:\n"
      "• batteria: \"Dura &lt;due&gt; giorni\" (12 menzioni)\n"
      "• suono: \"Bassi profondi\" (7 menzioni)\n"
      "❌ Punti deboli:\n"
      "• custodia: \"Si graffia &amp; si rompe\" (3 menzioni)\n"
      "💡 Consigliato: chi l'ha comprato apprezza batteria e suono.";
  EXPECT_EQ(card.html, expected);
  ASSERT_EQ(card.keyboard.size(), 1u);
  const auto& row = card.keyboard[0];
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row[0].text, "🔄 Aggiorna analisi");
  EXPECT_EQ(row[0].callback_data, "refresh:" + ProductId(Page()));
  EXPECT_LT(row[0].callback_data.size(), kMaxCallbackBytes);
  EXPECT_EQ(row[1].text, "🛒 Apri prodotto");
  EXPECT_EQ(row[1].url, Page().url);
  EXPECT_EQ(row[2].text, "📤 Condividi");
  EXPECT_EQ(row[2].switch_inline_query, ProductId(Page()));
  EXPECT_EQ(ProductId(Page()).size(), 16u);
}

TEST(RenderCard, EnglishCardUsesEnglishNumbersAndTexts) {
  auto a = MakeAnalysis();
  a.trust.level = score::TrustLevel::kHigh;
  a.trust.reasons.clear();
  const auto card = RenderCard(Page(), a, {.lang = "en", .cached_age = std::nullopt});
  EXPECT_NE(card.html.find("💰 Price: €1,299.99   (📉 lowest seen: €999.50 on 12 Nov)"), std::string::npos) << card.html;
  EXPECT_NE(card.html.find("⭐ Rating: 4.3/5 (1,234 reviews)"), std::string::npos);
  EXPECT_NE(card.html.find("🟢 WorthIt score: 8.1/10 — Great buy"), std::string::npos);
  EXPECT_NE(card.html.find("🛡️ Review reliability: high\n"), std::string::npos);
  EXPECT_NE(card.html.find("(12 mentions)"), std::string::npos);
  EXPECT_EQ(card.keyboard[0][0].text, "🔄 Refresh analysis");
}

TEST(RenderCard, TooFewReviewsAndNoScoreAreSaidPlainly) {
  Analysis a;
  a.lang = "it";
  a.verdict = "Troppo pochi dati per un giudizio.";
  ProductPage page = Page();
  page.product.price.reset();
  page.product.rating.reset();
  const auto card = RenderCard(page, a, {});
  EXPECT_NE(card.html.find("⚪ Punteggio WorthIt: n/d"), std::string::npos) << card.html;
  EXPECT_NE(card.html.find("Troppo poche recensioni"), std::string::npos);
  EXPECT_EQ(card.html.find("Prezzo"), std::string::npos);
  EXPECT_EQ(card.html.find("👍"), std::string::npos);
  EXPECT_NE(card.html.find("non valutabile"), std::string::npos);
}

TEST(RenderCard, TwoRatingsSayTheyAreTooFewInsteadOfABand) {
  Analysis a;
  a.lang = "it";
  a.score.too_few = true;
  a.score.evidence = 2;
  a.trust.level = score::TrustLevel::kUnknown;
  a.trust.reasons.push_back({"FEW_REVIEWS", 0, "solo 2 recensioni, troppo poche per valutarne l'affidabilità",
                             "only 2 reviews, too few to judge how reliable they are"});
  ProductPage page = Page();
  page.product.rating = Rating{4.5, 5, 2};
  const auto it = RenderCard(page, a, {}).html;
  EXPECT_NE(it.find("⚪ Punteggio WorthIt: n/d — solo 2 valutazioni, troppo poche per giudicare\n"), std::string::npos)
      << it;
  EXPECT_NE(it.find("🛡️ Affidabilità recensioni: non valutabile: solo 2 recensioni, troppo poche per valutarne "
                    "l'affidabilità"),
            std::string::npos)
      << it;
  EXPECT_EQ(it.find("acquisto"), std::string::npos);
  CardOptions en;
  en.lang = "en";
  const auto e = RenderCard(page, a, en).html;
  EXPECT_NE(e.find("n/a — only 2 ratings, too few to judge"), std::string::npos) << e;
  EXPECT_NE(e.find("not assessable: only 2 reviews, too few to judge how reliable they are"), std::string::npos) << e;
}

TEST(RenderCard, AdjustedRatingIsShownWhenTrustIsInDoubt) {
  auto a = MakeAnalysis();
  a.rating_shown = 4.3;
  a.rating_adjusted = 3.94;
  a.reviews_used = 48;
  const auto card = RenderCard(Page(), a, {});
  EXPECT_NE(card.html.find("dicono 4,6 (valutazione corretta 3,9/5, 48 recensioni lette)\n"), std::string::npos)
      << card.html;
  a.rating_adjusted = 4.31;  // same to one decimal: nothing to add
  EXPECT_EQ(RenderCard(Page(), a, {}).html.find("valutazione corretta"), std::string::npos);
}

TEST(RenderCard, ColoursFollowTheScore) {
  auto a = MakeAnalysis();
  a.score.score = 5.5;
  a.score.band = score::Band::kAverage;
  EXPECT_NE(
      RenderCard(Page(), a, {}).html.find("🟡 Punteggio WorthIt: 5,5/10 — Nella media: valuta le alternative"),
      std::string::npos);
  a.score.score = 3.0;
  a.score.band = score::Band::kPoor;
  EXPECT_NE(RenderCard(Page(), a, {}).html.find("🔴 Punteggio WorthIt: 3,0/10 — Non consigliato"), std::string::npos);
}

TEST(RenderCard, CachedCardIsMarkedWithItsAge) {
  const auto card = RenderCard(Page(), MakeAnalysis(), {.lang = "it", .cached_age = std::chrono::hours(3)});
  EXPECT_EQ(card.html.rfind("🕒 <i>Analisi di 3 ore fa</i>\n<b>", 0), 0u) << card.html;
  EXPECT_EQ(card.keyboard[0][0].text, "🔄 Aggiorna analisi");
  EXPECT_EQ(FormatAge(std::chrono::minutes(5), "en"), "5 minutes ago");
  EXPECT_EQ(FormatAge(std::chrono::hours(50), "it"), "2 giorni fa");
}

TEST(RenderCard, NeverOver4096ShortensQuotesFirst) {
  auto a = MakeAnalysis();
  std::string huge;
  for (int i = 0; i < 200; ++i) huge += "parola<&> ";
  a.pros_cons.pros = {F("a", huge, 3), F("b", huge, 3), F("c", huge, 3)};
  a.pros_cons.cons = {F("d", huge, 3), F("e", huge, 3), F("f", huge, 3)};
  const auto card = RenderCard(Page(), a, {});
  EXPECT_LE(Utf16Length(card.html), kMaxCardChars);
  // All six items are still there: shortening quotes was enough.
  EXPECT_NE(card.html.find("• f: "), std::string::npos);
  EXPECT_NE(card.html.find("…"), std::string::npos);

  ProductPage page = Page();
  page.product.title = std::string(20000, 'x');
  for (auto& f : a.pros_cons.pros) f.label = std::string(600, 'l');
  for (auto& f : a.pros_cons.cons) f.label = std::string(600, 'l');
  const auto squeezed = RenderCard(page, a, {});
  EXPECT_LE(Utf16Length(squeezed.html), kMaxCardChars);
}

TEST(CardText, EscapingLengthAndShortening) {
  EXPECT_EQ(EscapeHtml("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
  EXPECT_EQ(Utf16Length("è"), 1u);
  EXPECT_EQ(Utf16Length("👍"), 2u);
  EXPECT_EQ(ShortenText("short", 10), "short");
  EXPECT_EQ(ShortenText("la batteria dura moltissimo davvero", 20), "la batteria dura…");
  EXPECT_EQ(ShortenText("àèìòùàèìòù", 5), "àèìò…");
}

TEST(UserMessages, ProductMdErrorsInItalianAndEnglish) {
  EXPECT_EQ(MessageForError(Error::Permanent("NOT_A_PRODUCT", "x"), "it"),
            "Questo link non sembra una pagina prodotto. Prova con un link di Amazon o di un negozio online.");
  EXPECT_EQ(MessageForError(Error::Transient("FETCH_TIMEOUT", "x"), "it"),
            "Il negozio non risponde in questo momento. Riprova tra qualche minuto.");
  EXPECT_EQ(MessageForError(Error::Transient("FETCH_BLOCKED", "captcha"), "it"),
            "Il negozio ha bloccato la lettura della pagina. Riprova più tardi.");
  EXPECT_EQ(MessageForError(Error::RateLimited("USER_RATE_LIMITED", "x", std::chrono::seconds(250)), "it"),
            "Hai inviato molte richieste: riprova tra 5 minuti.");
  EXPECT_EQ(MessageForError(Error::Permanent("SOMETHING_ELSE", "x"), "it"),
            "Mi dispiace, non sono riuscito ad analizzare questo prodotto. Riprova più tardi.");
  EXPECT_EQ(MessageForError(Error::Transient("FETCH_TIMEOUT", "x"), "en"),
            "The shop is not responding right now. Try again in a few minutes.");
  EXPECT_EQ(MessageForError(UserErrorClass::kRateLimited, "en", std::chrono::seconds(30)),
            "You have sent many requests: try again in 1 minute.");
  EXPECT_EQ(ClassifyErrorCode("FETCH_HTTP_503"), UserErrorClass::kBlocked);
  EXPECT_EQ(ClassifyErrorCode("FETCH_DNS_FAILED"), UserErrorClass::kUnreachable);
  EXPECT_EQ(ClassifyErrorCode("EXTRACT_NOT_A_PRODUCT"), UserErrorClass::kNotProduct);
}

}  // namespace
}  // namespace worthit::analysis::card
