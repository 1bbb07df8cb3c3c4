#include "bot/texts.h"

#include <gtest/gtest.h>

#include "bot/command_parser.h"

namespace worthit::bot {
namespace {

TEST(Texts, ItalianStringsFixedByProduct) {
  const Texts& it = TextsFor(Lang::kIt);
  EXPECT_EQ(it.ask_link, "Incolla il link del prodotto che vuoi analizzare 🔗");
  EXPECT_EQ(it.ack, "Sto analizzando il prodotto... Riceverai presto i risultati! ⏳");
  EXPECT_EQ(it.hint, "Non ho capito. Invia un link di un prodotto o usa i pulsanti in basso.");
  EXPECT_EQ(it.btn_search, "🔍 Cerca prodotto");
  EXPECT_EQ(it.btn_history, "📊 Le mie analisi");
  EXPECT_EQ(it.btn_help, "ℹ️ Aiuto");
  EXPECT_EQ(it.btn_popular, "⭐️ Prodotti popolari");
}

TEST(Texts, EveryEntryTranslatedAndDistinct) {
  const Texts& it = TextsFor(Lang::kIt);
  const Texts& en = TextsFor(Lang::kEn);
  const std::vector<std::pair<std::string_view, std::string_view>> pairs = {
      {it.welcome, en.welcome},
      {it.help, en.help},
      {it.ask_link, en.ask_link},
      {it.ack, en.ack},
      {it.hint, en.hint},
      {it.btn_search, en.btn_search},
      {it.btn_history, en.btn_history},
      {it.btn_help, en.btn_help},
      {it.btn_popular, en.btn_popular},
      {it.language_set, en.language_set},
      {it.history_unavailable, en.history_unavailable},
      {it.popular_unavailable, en.popular_unavailable},
      {it.not_a_link, en.not_a_link},
      {it.keyboard_updated, en.keyboard_updated}};
  for (const auto& [a, b] : pairs) {
    EXPECT_FALSE(a.empty());
    EXPECT_FALSE(b.empty());
    EXPECT_NE(a, b) << a;
  }
  ASSERT_EQ(it.commands.size(), en.commands.size());
  for (const auto& c : it.commands) {
    EXPECT_LE(c.description.size(), 256u);  // Telegram's limit for a command description
  }
}

TEST(ResolveLanguage, ChoiceThenTelegramThenItalian) {
  EXPECT_EQ(ResolveLanguage(std::string("en"), "it"), Lang::kEn);
  EXPECT_EQ(ResolveLanguage(std::string("it"), "en"), Lang::kIt);
  EXPECT_EQ(ResolveLanguage(std::nullopt, "en"), Lang::kEn);
  EXPECT_EQ(ResolveLanguage(std::nullopt, "en-GB"), Lang::kEn);
  EXPECT_EQ(ResolveLanguage(std::nullopt, "de"), Lang::kIt);
  EXPECT_EQ(ResolveLanguage(std::nullopt, ""), Lang::kIt);
  EXPECT_EQ(ResolveLanguage(std::string("fr"), "ent"), Lang::kIt);
}

TEST(ParseCommand, NamesTargetsArgs) {
  auto c = ParseCommand("/Cerca@WorthItBot  https://x.it ");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->name, "cerca");
  EXPECT_EQ(c->target, "WorthItBot");
  EXPECT_EQ(c->args, "https://x.it");
  EXPECT_EQ(ParseCommand("/start")->target, "");
  EXPECT_FALSE(ParseCommand("ciao /start").has_value());
  EXPECT_FALSE(ParseCommand("/").has_value());
  EXPECT_FALSE(ParseCommand("/è").has_value());
  EXPECT_TRUE(SameUsername("@worthitbot", "WorthItBot"));
  EXPECT_FALSE(SameUsername("otherbot", "WorthItBot"));
}

}  // namespace
}  // namespace worthit::bot
