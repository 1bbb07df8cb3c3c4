#include "queue/reasons.h"

#include <boost/json.hpp>

namespace worthit::queue {

std::string EncodeReasons(const std::vector<std::string>& reasons) {
  boost::json::array array;
  for (const auto& r : reasons) array.emplace_back(r);
  return boost::json::serialize(array);
}

std::vector<std::string> DecodeReasons(const std::string& json) {
  std::vector<std::string> out;
  if (json.empty()) return out;
  boost::json::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_array()) return {json};
  for (const auto& item : value.as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace worthit::queue
