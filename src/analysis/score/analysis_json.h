// AnalysisToJson: the "analysis" object of `worthit analyze --json`:
//   {"score", "band", "verdict", "rating_adjusted", "reviews_used",
//    "sentiment": {"positive", "negative", "predicted_mean"}, "trust": {"level", "reasons"},
//    "pros": [{"aspect", "quote", "mentions"}], "cons": [...], "score_detail": {...}}
// score and rating_adjusted are null when unknown; shares are 0-1; level uses the analysis's
// language ("alta"/"high"); reasons are texts in that language. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "analysis/score/analysis.h"

namespace worthit::analysis::score {

boost::json::object AnalysisToJson(const Analysis& analysis);

}  // namespace worthit::analysis::score
