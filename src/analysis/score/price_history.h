// PriceHistory: what the store knows about earlier prices of the same product (filled by the
// worker from the price-observation store; absent on first sight). Plain value, decimal strings
// like product.h so nothing is rounded through a double before it is shown.
#pragma once

#include <cstdint>
#include <string>

namespace worthit::analysis::score {

struct PriceHistory {
  std::string lowest;        // decimal string, "." separator, same currency as the product
  std::string lowest_date;   // ISO 8601 date (YYYY-MM-DD) the lowest was seen
  std::string typical;       // median of the observations, decimal string
  int64_t observations = 0;  // how many observations the figures rest on
};

}  // namespace worthit::analysis::score
