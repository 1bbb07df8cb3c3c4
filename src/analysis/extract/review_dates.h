// Reads the date and country line shops print above a review (pure): "Reviewed in the United
// States on January 3, 2021", "Recensito in Italia il 3 gennaio 2021", "Rezension aus
// Deutschland vom 3. Januar 2021", "Commenté en France le 3 août 2019", "Comentado en España
// el 3 de enero de 2021", "3 janvier 2021".
// Thread-safety: pure. Failure: empty fields when the text is not understood.
#pragma once

#include <string>
#include <string_view>

namespace worthit::analysis::extract {

struct ReviewDateLine {
  std::string date;     // YYYY-MM-DD or ""
  std::string country;  // ISO 3166-1 alpha-2 or ""
};

ReviewDateLine ParseReviewDateLine(std::string_view text);

}  // namespace worthit::analysis::extract
