// Recognises a shop's robot-check / captcha interstitial served with status 200 (Amazon's
// "Robot Check" page, Cloudflare and PerimeterX challenges, DataDome). Such a page is not the
// product; the fetcher reports FETCH_BLOCKED (transient) and extraction marks it not a product.
// Pure, cheap: looks at the first 64 KB only, since challenge pages are small and say so early.
// Thread-safety: pure function.
#pragma once

#include <string_view>

namespace worthit::analysis::fetch {

bool LooksLikeRobotCheck(std::string_view html);

}  // namespace worthit::analysis::fetch
