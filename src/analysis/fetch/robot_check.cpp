#include "analysis/fetch/robot_check.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace worthit::analysis::fetch {
namespace {

// Challenge pages are small; a real product page that merely mentions a captcha script is not.
// Generic reCAPTCHA/hCaptcha widgets are not markers: small shops put them on review and
// newsletter forms of ordinary product pages.
constexpr size_t kMaxChallengeBytes = 200 * 1024;
constexpr size_t kScanBytes = 64 * 1024;

constexpr std::array<std::string_view, 10> kMarkers = {
    "/errors/validatecaptcha",                    // Amazon robot check form
    "<title>robot check</title>",                 // Amazon (en)
    "type the characters you see in this image",  // Amazon (en)
    "inserisci i caratteri visualizzati",         // Amazon (it)
    "geben sie die zeichen unten ein",            // Amazon (de)
    "saisissez les caractères",                   // Amazon (fr)
    "<title>just a moment...</title>",            // Cloudflare challenge
    "cf_chl_opt",                                 // Cloudflare challenge
    "px-captcha",                                 // PerimeterX
    "captcha-delivery.com",                       // DataDome
};

}  // namespace

bool LooksLikeRobotCheck(std::string_view html) {
  if (html.size() > kMaxChallengeBytes) return false;
  // The lower-cased head goes to a per-thread buffer (no allocation per page) and the markers are
  // looked for with memmem (vectorised): std::string::find stops at every '<' and '/' of the
  // markup, and this check runs on every fetched page.
  thread_local std::string head;
  const std::string_view in = html.substr(0, kScanBytes);
  head.resize(in.size());
  // ASCII lower-casing inline (the markers are ASCII where case varies): std::tolower is a
  // locale call per byte, which cost more than the rest of this check.
  std::transform(in.begin(), in.end(), head.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; });
  return std::any_of(kMarkers.begin(), kMarkers.end(), [](std::string_view m) {
    return memmem(head.data(), head.size(), m.data(), m.size()) != nullptr;
  });
}

}  // namespace worthit::analysis::fetch
