// UTF-8 encoding of a code point, shared by the entity decoders (page extraction, the
// playground's Telegram-HTML reader). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace worthit {

// Appends the UTF-8 bytes of `cp` to `out`. Values above U+10FFFF are not code points and append
// nothing; callers that must also refuse surrogates (U+D800..U+DFFF) check before calling.
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace worthit
