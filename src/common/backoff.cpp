#include "common/backoff.h"

#include <algorithm>

namespace worthit {

std::chrono::milliseconds Backoff::Ceiling(int attempt) const {
  if (attempt < 1) attempt = 1;
  // Shift at most 30 times: 2^30 * base already exceeds any sane cap and avoids overflow.
  const int shift = std::min(attempt - 1, 30);
  const long double raw = static_cast<long double>(base.count()) * static_cast<long double>(1LL << shift);
  const long double capped = std::min<long double>(raw, static_cast<long double>(cap.count()));
  return std::chrono::milliseconds(static_cast<long long>(capped));
}

std::chrono::milliseconds Backoff::Delay(int attempt, std::mt19937_64& rng) const {
  const auto ceiling = Ceiling(attempt).count();
  std::uniform_int_distribution<long long> dist(0, ceiling);
  return std::chrono::milliseconds(dist(rng));
}

std::chrono::milliseconds Backoff::Delay(int attempt) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return Delay(attempt, rng);
}

}  // namespace worthit
