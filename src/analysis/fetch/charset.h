// Charset detection and conversion to UTF-8 for fetched pages (pure, iconv inside).
//
// Order of evidence, as browsers do: a byte-order mark, the Content-Type header's charset, a
// <meta charset> or <meta http-equiv="Content-Type"> in the first 4 KB, then "valid UTF-8?",
// else windows-1252 (what pages labelled or unlabelled as latin-1 really use).
// Failure: an unknown charset label falls back to the next evidence; bytes that do not convert
// are replaced (U+FFFD), so this never fails.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace worthit::analysis::fetch {

// Lower-cased charset label from a Content-Type value ("text/html; charset=ISO-8859-1"), or "".
std::string CharsetFromContentType(std::string_view content_type);
// Charset declared by <meta> in the head of `html`, or "".
std::string CharsetFromMeta(std::string_view html);
bool IsValidUtf8(std::string_view s);

struct Utf8Text {
  std::string text;
  std::string charset;  // the charset converted from
};
Utf8Text ToUtf8(std::string_view body, std::string_view header_charset);
// ToUtf8 of a body the caller gives up: one that is already valid UTF-8 (most pages) is moved
// into the result, not copied.
Utf8Text ToUtf8Owned(std::string&& body, std::string_view header_charset);

}  // namespace worthit::analysis::fetch
