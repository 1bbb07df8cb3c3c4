// The user-facing error texts of PRODUCT.md ("Errors the user may see"), Italian and English,
// chosen from an Error's stable code. Used by the worker for the final failure message and by the
// bot for immediate refusals; never shows a raw error.
//
// Classes and the codes that map to them (substring match on the upper-case code, first wins):
//   kRateLimited   : USER_RATE_LIMITED, *RATE_LIMIT*, TOO_MANY_REQUESTS  -> "riprova tra N minuti"
//   kNotProduct    : NOT_A_PRODUCT, NOT_PRODUCT, *INVALID_URL*, *UNSUPPORTED*, *SCHEME*, NO_LINK,
//                    EXTRACT_EMPTY, EXTRACT_NOT_PRODUCT, EXTRACT_UNPARSABLE, *NOT_FOUND (404),
//                    *PRIVATE_ADDRESS*, FETCH_FORBIDDEN_ADDRESS, FETCH_BAD_URL, FETCH_NOT_HTML,
//                    FETCH_HTTP_ERROR, LINK_INVALID, LINK_UNRESOLVED
//   kBlocked       : *BLOCKED* (FETCH_BLOCKED: 403/429/503, captcha), *CAPTCHA*, *FORBIDDEN*, *ROBOT*
//   kUnreachable   : *TIMEOUT*, *UNREACHABLE*, *CONNECT*, *DNS*, *RESOLVE*, *NETWORK*, HTTP_5xx
//                    (FETCH_TIMEOUT, FETCH_UNREACHABLE)
//   (FETCH_TOO_LARGE, FETCH_TOO_MANY_REDIRECTS and unknown codes: the final-failure message)
//   kFinalFailure  : anything else (the task failed for good after its retries)
// Thread-safety: pure. Failure modes: none.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace worthit::analysis::card {

enum class UserErrorClass { kNotProduct, kUnreachable, kBlocked, kRateLimited, kFinalFailure };

UserErrorClass ClassifyErrorCode(std::string_view code);

// `retry_after` (rate limit) is rounded up to whole minutes, at least 1.
std::string MessageForError(UserErrorClass cls, const std::string& lang,
                            std::optional<std::chrono::seconds> retry_after = std::nullopt);
std::string MessageForError(const Error& error, const std::string& lang);

}  // namespace worthit::analysis::card
