// CpuSlots: at most N CPU-heavy steps at once, run on the caller's own thread.
//
// Why not a pool: handing a step to a pool thread and waiting for it cost two futex wakes and two
// context switches per task even when no slot was busy; a slot taken on the task thread costs an
// uncontended mutex when one is free (and no syscall: glibc skips the wake when nobody waits).
// Contract: Run(f) blocks until one of the N slots is free, runs f on the calling thread and
// gives the slot back however f ends (a throw included). Waiters are not ordered (the condition
// variable wakes any one). N is fixed at construction and at least 1.
// Thread-safety: Run from any number of threads; the object outlives every Run in progress.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace worthit::worker {

class CpuSlots {
 public:
  explicit CpuSlots(int slots) : free_(std::max(1, slots)) {}
  CpuSlots(const CpuSlots&) = delete;
  CpuSlots& operator=(const CpuSlots&) = delete;

  template <typename F>
  auto Run(F&& f) -> decltype(f()) {
    Acquire();
    struct Release {
      CpuSlots* slots;
      ~Release() { slots->Release(); }
    } release{this};
    return f();
  }
  // Slots free right now (for tests and diagnostics; stale as soon as it returns).
  int Free() {
    std::lock_guard lock(mu_);
    return free_;
  }

 private:
  void Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

}  // namespace worthit::worker
