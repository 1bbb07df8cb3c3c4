// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
//
// delay(attempt) = uniform(0, min(cap, base * 2^(attempt-1))). Full jitter spreads retries of many
// tasks that failed together (a shop down for a minute) instead of retrying them in lockstep.
// Pure apart from the random source, which the caller may seed for tests.
// Thread-safety: Backoff is immutable; Delay() takes the generator by reference.
#pragma once

#include <chrono>
#include <random>

namespace worthit {

struct Backoff {
  std::chrono::milliseconds base{2000};
  std::chrono::milliseconds cap{60000};

  // The ceiling for attempt n (1-based), before jitter.
  std::chrono::milliseconds Ceiling(int attempt) const;
  // A jittered delay in [0, Ceiling(attempt)].
  std::chrono::milliseconds Delay(int attempt, std::mt19937_64& rng) const;
  // Same, with a process-wide thread-local generator.
  std::chrono::milliseconds Delay(int attempt) const;
};

}  // namespace worthit
