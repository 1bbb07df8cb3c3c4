// Short random identifiers (task ids, lease tokens, callback ids) and stable hashes.
//
// RandomId(n) gives n lowercase hex chars from a thread-local CSPRNG-seeded generator: unique
// enough for ids (n=16 → 64 bits), not for secrets. ShortHash is FNV-1a 64 for stable keys that
// must fit Telegram's 64-byte callback_data.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace worthit {

std::string RandomId(size_t hex_chars = 16);
uint64_t Fnv1a64(std::string_view data);
// Fnv1a64 as 16 lowercase hex chars.
std::string ShortHash(std::string_view data);

}  // namespace worthit
