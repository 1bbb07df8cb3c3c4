#include "analysis/score/worthit_score.h"

#include <algorithm>
#include <cmath>

namespace worthit::analysis::score {

Band BandFor(double score) {
  if (score >= 8) return Band::kGreat;
  if (score >= 6) return Band::kGood;
  if (score >= 4) return Band::kAverage;
  return Band::kPoor;
}

std::string BandName(Band band, const std::string& lang) {
  const bool en = lang == "en";
  switch (band) {
    case Band::kGreat: return en ? "Great buy" : "Ottimo acquisto";
    case Band::kGood: return en ? "Good buy" : "Buon acquisto";
    case Band::kAverage: return en ? "Average: consider the alternatives" : "Nella media: valuta le alternative";
    case Band::kPoor: return en ? "Not recommended" : "Non consigliato";
  }
  return "";
}

std::string ScoreColour(double score) {
  if (score >= 7) return "🟢";
  if (score >= 5) return "🟡";
  return "🔴";
}

ScoreResult ComputeScore(const ScoreInput& in) {
  ScoreResult out;
  const bool has_rating = in.rating.has_value() && in.rating_count > 0;
  const bool has_text = in.text_mean.has_value() && in.reviews_with_text > 0;
  if (!has_rating && !has_text) return out;
  out.evidence = std::max<int64_t>(has_rating ? in.rating_count : 0, has_text ? in.reviews_with_text : 0);
  out.too_few = out.evidence < kMinRatingsToJudge;
  out.has_score = !out.too_few;

  if (has_rating) {
    out.rating_used = std::clamp(in.adjusted_rating.value_or(*in.rating), 1.0, 5.0);
    const double n = static_cast<double>(in.rating_count);
    out.bayesian = (kPriorWeight * kPriorRating + n * out.rating_used) / (kPriorWeight + n);
    if (has_text) {
      out.text_weight = kTextWeightMax * std::min(1.0, in.reviews_with_text / kTextFull);
      out.blended = (1 - out.text_weight) * out.bayesian + out.text_weight * *in.text_mean;
    } else {
      out.blended = out.bayesian;
    }
  } else {
    const double k = in.reviews_with_text;
    out.rating_used = *in.text_mean;
    out.bayesian = (kPriorWeight * kPriorRating + k * *in.text_mean) / (kPriorWeight + k);
    out.text_weight = 1;
    out.blended = out.bayesian;
  }
  out.base_points = (out.blended - 1) * 2.5;

  switch (in.trust) {
    case TrustLevel::kMedium: out.trust_points = -0.3; break;
    case TrustLevel::kLow: out.trust_points = -0.8; break;
    default: break;
  }

  if (in.price && *in.price > 0 && in.price_observations >= kMinPriceObservations) {
    double p = 0;
    if (in.typical_price && *in.typical_price > 0) {
      const double rel = 1 - *in.price / *in.typical_price;  // 0.1 = 10% under typical
      p += std::clamp(rel * 5, -1.0, 0.5);
    }
    if (in.lowest_price && *in.lowest_price > 0 && *in.price <= *in.lowest_price * 1.01) p += 0.2;
    out.price_points = std::clamp(p, -1.0, 0.7);
  }

  const int texts = has_text ? in.reviews_with_text : 0;
  const int opinions = in.value_positive + in.value_negative;
  if (in.value_mentions >= kMinValueMentions && texts > 0 && in.value_mentions >= kValueMinShare * texts &&
      opinions > 0) {
    const double net = static_cast<double>(in.value_positive - in.value_negative) / opinions;
    const double breadth = std::min(1.0, in.value_mentions / (kValueFullShare * texts));
    out.value_points = breadth * net * (net < 0 ? kValueNegMax : kValuePosMax);
  }

  const double raw = std::clamp(out.base_points + out.trust_points + out.price_points + out.value_points, 0.0, 10.0);
  out.score = std::round(raw * 10) / 10;
  out.band = BandFor(out.score);
  return out;
}

}  // namespace worthit::analysis::score
