#include "worker/result_codec.h"

#include <gtest/gtest.h>

namespace worthit::worker {
namespace {

TEST(ResultCodec, KeyboardRoundTripsAndMapsToInlineButtons) {
  analysis::card::Keyboard kb = {{{"🔄 Aggiorna analisi", "refresh:0123456789abcdef", "", ""},
                                  {"🛒 Apri prodotto", "", "https://shop.example/p", ""},
                                  {"📤 Condividi", "", "", "0123456789abcdef"}}};
  auto back = KeyboardFromJson(KeyboardToJson(kb));
  ASSERT_EQ(back.size(), 1u);
  ASSERT_EQ(back[0].size(), 3u);
  EXPECT_EQ(back[0][0].callback_data, "refresh:0123456789abcdef");
  EXPECT_EQ(back[0][1].url, "https://shop.example/p");
  auto inline_kb = ToInlineKeyboard(back);
  EXPECT_TRUE(inline_kb.rows[0][2].has_switch_inline);
  EXPECT_EQ(inline_kb.rows[0][2].switch_inline_query, "0123456789abcdef");
  EXPECT_FALSE(inline_kb.rows[0][0].has_switch_inline);
  EXPECT_TRUE(KeyboardFromJson("not json").empty());
}

TEST(ResultCodec, PriceHistoryGivesTheLowestWithItsFirstDateAndTheMedian) {
  // Newest first.
  std::vector<store::PriceObservation> obs = {{"30.00", "EUR", 1767225600000 + 3 * 86400000LL},
                                              {"24.99", "EUR", 1767225600000 + 2 * 86400000LL},
                                              {"24.99", "EUR", 1767225600000 + 1 * 86400000LL},
                                              {"19.00", "USD", 1767225600000},
                                              {"29.99", "EUR", 1767225600000}};
  auto h = PriceHistoryFrom(obs, "EUR");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->lowest, "24.99");
  EXPECT_EQ(h->lowest_date, "2026-01-02");  // the first day it was seen at that price
  EXPECT_EQ(h->typical, "29.99");
  EXPECT_EQ(h->observations, 4);
  EXPECT_FALSE(PriceHistoryFrom(obs, "GBP").has_value());
}

TEST(ResultCodec, ServedCardAddsTheAgeLineOnlyForCachedCards) {
  store::StoredResult r;
  r.card_it = "<b>X</b>\n";
  r.card_en = "<b>X en</b>\n";
  EXPECT_EQ(ServedCard(r, "it", std::nullopt), "<b>X</b>\n");
  EXPECT_EQ(ServedCard(r, "en", std::nullopt), "<b>X en</b>\n");
  EXPECT_TRUE(ServedCard(r, "it", std::chrono::seconds(7200)).starts_with("🕒 <i>"));
}

}  // namespace
}  // namespace worthit::worker
