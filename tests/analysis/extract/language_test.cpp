#include "analysis/extract/language.h"

#include <gtest/gtest.h>

namespace worthit::analysis::extract {
namespace {

TEST(LanguageTest, TellsTheFiveLanguagesApart) {
  EXPECT_EQ(DetectLanguage("Il caffè è buono ma la guarnizione non tiene e il manico si scalda"), "it");
  EXPECT_EQ(DetectLanguage("The handle gets hot and the coffee is not as good as I expected"), "en");
  EXPECT_EQ(DetectLanguage("Die Mühle ist sehr gut und das Mahlwerk ist auch nach einem Jahr wie neu"), "de");
  EXPECT_EQ(DetectLanguage("Le siège est bien mais le coussin est trop mince pour mon chien"), "fr");
  EXPECT_EQ(DetectLanguage("El producto es muy bueno pero la caja llegó rota y no tiene manual"), "es");
  EXPECT_EQ(DetectLanguage("Top!"), "");
  // Short reviews with a single function word: the review words in each list decide.
  EXPECT_EQ(DetectLanguage("Ottimo prodotto, funziona benissimo"), "it");
  EXPECT_EQ(DetectLanguage("Producto perfecto, funciona"), "es");
  EXPECT_EQ(DetectLanguage("Works fine, good product"), "en");
}

}  // namespace
}  // namespace worthit::analysis::extract
