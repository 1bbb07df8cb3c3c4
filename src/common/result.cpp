#include "common/result.h"

namespace worthit {

std::string_view ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTransient: return "transient";
    case ErrorKind::kRateLimited: return "rate_limited";
    case ErrorKind::kPermanent: return "permanent";
    case ErrorKind::kInvalidInput: return "invalid_input";
  }
  return "unknown";
}

std::string Error::ToString() const {
  if (message.empty()) return code;
  return code + ": " + message;
}

}  // namespace worthit
