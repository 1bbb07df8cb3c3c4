#include "common/clock.h"

namespace worthit {

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace worthit
