// Clock: the one source of "now" for leases, backoff, rate limits, caches and TTLs.
//
// Production code takes a Clock& (usually SystemClock::Instance()); tests pass a ManualClock and
// move time explicitly, so no test of timing logic ever sleeps.
// Thread-safety: SystemClock is stateless; ManualClock is safe to read and advance from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace worthit {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Wall-clock time (persisted in queues and stores, comparable across processes).
  virtual TimePoint Now() const = 0;
  // Milliseconds since the Unix epoch: the unit stored in SQLite and Redis.
  int64_t NowMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  static SystemClock& Instance();
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Starts at a fixed, realistic instant (2026-01-01).
class ManualClock final : public Clock {
 public:
  ManualClock() = default;
  explicit ManualClock(int64_t start_millis) : millis_(start_millis) {}
  TimePoint Now() const override { return TimePoint(std::chrono::milliseconds(millis_.load())); }
  void Advance(std::chrono::milliseconds delta) { millis_ += delta.count(); }
  void SetMillis(int64_t millis) { millis_ = millis; }

 private:
  std::atomic<int64_t> millis_{1767225600000};  // 2026-01-01T00:00:00Z
};

}  // namespace worthit
