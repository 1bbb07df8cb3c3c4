// Conversions between the analysis results and what the stores and Telegram hold (pure):
// the card's neutral keyboard ↔ JSON (StoredResult::keyboard_json) ↔ telegram::InlineKeyboard,
// a StoredResult from an analysed product, a served card with its age line, and the PriceHistory
// ("📉 minimo visto") from stored observations.
// Thread-safety: pure functions. Failure modes: malformed keyboard JSON gives an empty keyboard.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "analysis/card/card.h"
#include "analysis/pipeline/pipeline.h"
#include "analysis/score/price_history.h"
#include "store/result_store.h"
#include "telegram/types.h"

namespace worthit::worker {

std::string KeyboardToJson(const analysis::card::Keyboard& keyboard);
analysis::card::Keyboard KeyboardFromJson(const std::string& json);
telegram::InlineKeyboard ToInlineKeyboard(const analysis::card::Keyboard& keyboard);

// Renders both languages; `analyzed_at_ms` is when the analysis finished.
store::StoredResult MakeStoredResult(const analysis::pipeline::AnalyzedProduct& product, int64_t analyzed_at_ms);

// The stored card in `lang`; with an age, the "🕒 Analisi di ..." line first (dropped again if
// it would push the card past Telegram's 4096 characters).
std::string ServedCard(const store::StoredResult& result, const std::string& lang,
                       std::optional<std::chrono::seconds> age);

// nullopt when there are no observations in the product's currency. Observations newest first.
std::optional<analysis::score::PriceHistory> PriceHistoryFrom(const std::vector<store::PriceObservation>& observations,
                                                              const std::string& currency);

}  // namespace worthit::worker
