#include "analysis/fetch/robot_check.h"

#include <algorithm>
#include <array>
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
  std::string head(html.substr(0, kScanBytes));
  // ASCII lower-casing inline (the markers are ASCII where case varies): std::tolower is a
  // locale call per byte, which cost more than the rest of this check.
  for (char& c : head) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&head](std::string_view m) { return head.find(m) != std::string::npos; });
}

}  // namespace worthit::analysis::fetch
