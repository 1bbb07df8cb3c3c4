#include "store/result_store.h"

namespace worthit::store {

int64_t UtcDay(int64_t ms) { return ms / 86400000; }

UserAllowance AllowanceFor(int64_t minute_count, int64_t day_count, int per_minute, int per_day, int64_t now_ms) {
  UserAllowance a;
  if (day_count > per_day) {
    a.allowed = false;
    a.daily = true;
    a.retry_after = std::chrono::seconds((86400000 - now_ms % 86400000 + 999) / 1000);
  } else if (minute_count > per_minute) {
    a.allowed = false;
    a.retry_after = std::chrono::seconds((60000 - now_ms % 60000 + 999) / 1000);
  }
  return a;
}

}  // namespace worthit::store
