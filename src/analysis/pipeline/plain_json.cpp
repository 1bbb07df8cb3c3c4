#include "analysis/pipeline/plain_json.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace worthit::analysis::pipeline {
namespace {

void Write(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: out += std::to_string(v.get_int64()); break;
    case boost::json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case boost::json::kind::double_: out += PlainNumber(v.get_double()); break;
    case boost::json::kind::string: out += boost::json::serialize(v); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        Write(e, out);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(boost::json::value(kv.key()));
        out += ':';
        Write(kv.value(), out);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string PlainNumber(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  // Fewest digits that read back exactly; 15 keeps noise like 0.30000000000000004 out.
  for (int precision = 1; precision <= 15; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string PlainJson(const boost::json::value& value) {
  std::string out;
  Write(value, out);
  return out;
}

}  // namespace worthit::analysis::pipeline
