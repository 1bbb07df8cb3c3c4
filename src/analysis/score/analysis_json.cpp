#include "analysis/score/analysis_json.h"

#include <boost/json.hpp>
#include <cmath>

namespace worthit::analysis::score {
namespace {

double Round(double v, int decimals) {
  const double s = std::pow(10.0, decimals);
  return std::round(v * s) / s;
}

boost::json::array Findings(const std::vector<AspectFinding>& items) {
  boost::json::array out;
  for (const auto& f : items) {
    out.push_back(boost::json::object{{"aspect", f.label},
                                      {"aspect_id", f.aspect},
                                      {"quote", f.quote},
                                      {"mentions", f.mentions},
                                      {"share_positive", Round(f.share_positive, 3)}});
  }
  return out;
}

}  // namespace

boost::json::object AnalysisToJson(const Analysis& a) {
  boost::json::object o;
  if (a.score.has_score) {
    o["score"] = a.score.score;
    o["band"] = BandName(a.score.band, a.lang);
  } else {
    o["score"] = nullptr;
    o["band"] = nullptr;
  }
  o["verdict"] = a.verdict;
  o["rating_adjusted"] = a.rating_adjusted ? boost::json::value(Round(*a.rating_adjusted, 2)) : nullptr;
  o["reviews_used"] = a.reviews_used;
  boost::json::object sentiment{{"positive", Round(a.sentiment.positive, 3)},
                                {"negative", Round(a.sentiment.negative, 3)},
                                {"reviews", a.sentiment.reviews}};
  sentiment["predicted_mean"] =
      a.sentiment.predicted_mean ? boost::json::value(Round(*a.sentiment.predicted_mean, 2)) : nullptr;
  o["sentiment"] = std::move(sentiment);
  boost::json::array reasons, codes;
  for (const auto& r : a.trust.reasons) {
    reasons.push_back(boost::json::value(r.Text(a.lang)));
    codes.push_back(boost::json::value(r.code));
  }
  o["trust"] = boost::json::object{
      {"level", TrustLevelName(a.trust.level, a.lang)}, {"reasons", std::move(reasons)}, {"codes", std::move(codes)}};
  o["enough_reviews"] = a.pros_cons.enough;
  o["pros"] = Findings(a.pros_cons.pros);
  o["cons"] = Findings(a.pros_cons.cons);
  const auto& s = a.score;
  o["score_detail"] = boost::json::object{{"rating_used", Round(s.rating_used, 3)},
                                          {"bayesian", Round(s.bayesian, 3)},
                                          {"text_weight", Round(s.text_weight, 3)},
                                          {"blended", Round(s.blended, 3)},
                                          {"base_points", Round(s.base_points, 3)},
                                          {"trust_points", Round(s.trust_points, 3)},
                                          {"price_points", Round(s.price_points, 3)},
                                          {"value_points", Round(s.value_points, 3)},
                                          {"too_few", s.too_few},
                                          {"evidence", s.evidence}};
  return o;
}

}  // namespace worthit::analysis::score
