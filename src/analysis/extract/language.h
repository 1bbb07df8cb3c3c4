// A cheap language guess for review text (pure): counts of frequent function words for it, en,
// de, fr, es. Enough to route a review to the right model and to tell an English review on an
// Italian page; not a general language identifier.
// Thread-safety: pure. Failure: "" when the text is too short or no language stands out.
#pragma once

#include <string>
#include <string_view>

namespace worthit::analysis::extract {

std::string DetectLanguage(std::string_view text);

}  // namespace worthit::analysis::extract
