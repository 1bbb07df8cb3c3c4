// PlainJson: serialises a Boost.JSON value with numbers as people write them ("7.6", "5",
// "0.125") instead of Boost's "7.6E0". Doubles are printed with the fewest significant digits
// (at most 15) that read back to the same value, so 0.1 stays 0.1. NaN/inf become null (JSON has
// no such numbers). Strings and keys are escaped by Boost.JSON. Pure; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace worthit::analysis::pipeline {

std::string PlainJson(const boost::json::value& value);
// One double as PlainJson writes it.
std::string PlainNumber(double v);

}  // namespace worthit::analysis::pipeline
