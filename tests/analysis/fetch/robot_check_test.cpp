#include "analysis/fetch/robot_check.h"

#include <gtest/gtest.h>

namespace worthit::analysis::fetch {
namespace {

TEST(RobotCheckTest, RecognisesChallengePages) {
  EXPECT_TRUE(
      LooksLikeRobotCheck("<html><head><title>Robot Check</title></head><body><form "
                          "action=\"/errors/validateCaptcha\"></form></body></html>"));
  EXPECT_TRUE(LooksLikeRobotCheck("<p>Inserisci i caratteri visualizzati nell'immagine</p>"));
  EXPECT_TRUE(LooksLikeRobotCheck("<title>Just a moment...</title><script>window._cf_chl_opt={}</script>"));
  EXPECT_FALSE(LooksLikeRobotCheck("<html><title>Caffettiera</title><h1>Caffettiera</h1></html>"));
  // A large real page that mentions a captcha script is not a challenge.
  std::string big(300 * 1024, 'x');
  big += "g-recaptcha";
  EXPECT_FALSE(LooksLikeRobotCheck(big));
}

}  // namespace
}  // namespace worthit::analysis::fetch

namespace worthit::analysis::fetch {
namespace {

TEST(RobotCheckTest, AReviewFormCaptchaIsNotAChallenge) {
  EXPECT_FALSE(LooksLikeRobotCheck(
      "<html><h1>Moka</h1><span class=price>29,90 €</span><form id=review><div class=\"g-recaptcha\" "
      "data-sitekey=\"x\"></div><script src=\"https://js.hcaptcha.com/1/api.js\"></script></form></html>"));
}

}  // namespace
}  // namespace worthit::analysis::fetch
