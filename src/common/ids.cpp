#include "common/ids.h"

#include <random>

namespace worthit {

std::string RandomId(size_t hex_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  out.reserve(hex_chars);
  uint64_t bits = 0;
  int left = 0;
  for (size_t i = 0; i < hex_chars; ++i) {
    if (left == 0) {
      bits = rng();
      left = 16;
    }
    out.push_back(kHex[bits & 0xF]);
    bits >>= 4;
    --left;
  }
  return out;
}

uint64_t Fnv1a64(std::string_view data) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string ShortHash(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = Fnv1a64(data);
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return out;
}

}  // namespace worthit
