#include "analysis/score/review_trust.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "analysis/reviews/text_normalizer.h"
#include "analysis/score/locale_format.h"
#include "common/ids.h"

namespace worthit::analysis::score {
namespace {

// Thresholds. Each is the point where, on real product pages, the pattern stops being ordinary:
// honest pages have a few short "ottimo!" reviews, a few copies, a skew to 5 stars.
constexpr int kMinTextsForTextSignal = 5;  // fewer texts: their mean is too noisy to accuse
constexpr double kGapMedium = 0.5;         // stars above what the texts read like
constexpr double kGapHigh = 1.0;
// What honest texts with given stars read like: the model's reading of a review regresses towards
// the middle (it is a conditional mean), so a page of honest 5-star reviews does not read 5/5.
// Measured on the shipped model over 1.500 English and 1.500 German MARC reviews: 5-star reviews
// read 4,5, 4-star 3,7, 1-star 1,5 — slope 0,76 around 3 stars (on reviews it was trained on;
// lower on new ones). Comparing stars with texts without this made every well-rated page with
// ordinary texts look inflated (4,7 stars, texts 4,1: "media" for nothing).
constexpr double kTextSlope = 0.75;
constexpr double kNearDuplicate = 0.6;    // Jaccard of word 3-shingles
constexpr double kDuplicateShare = 0.15;  // share of reviews that copy another one
constexpr int kShortWords = 4;            // "Ottimo prodotto, consigliato!" and shorter
constexpr double kShortShare = 0.4;
constexpr double kJMiddleMax = 0.12;  // 2-4 stars together under 12% ...
constexpr double kJLowMin = 0.08;     // ... with a real block of 1-star ratings
constexpr double kUnverifiedShare = 0.5;
constexpr int kBurstMinDated = 8;
constexpr double kBurstShare = 0.5;  // half of the dated reviews within 3 days
constexpr double kForeignShare = 0.5;
constexpr int kMinReviewsForShares = 5;
// A shop page without a star histogram still shows each review's stars; with this many of them
// their own distribution can be read for the J shape (fewer: one review moves a share by 10%+).
constexpr int kJMinStarredReviews = 10;
// A burst is a campaign, not a launch, when nearly all of it is 5 stars and most of it is a few
// generic words or copies of each other.
constexpr double kCampaignFiveStarShare = 0.8;
constexpr double kCampaignThinShare = 0.5;

std::string Pct(double share) { return std::to_string(static_cast<int>(std::lround(100 * share))) + "%"; }

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  const std::string norm = reviews::NormalizeReviewText(text);
  size_t i = 0;
  while (i < norm.size()) {
    size_t j = norm.find(' ', i);
    if (j == std::string::npos) j = norm.size();
    std::string w = norm.substr(i, j - i);
    // Only word tokens count (punctuation tokens are single non-alnum bytes or symbols).
    if (!w.empty() && (std::isalnum(static_cast<unsigned char>(w[0])) || static_cast<unsigned char>(w[0]) >= 0xC0))
      words.push_back(std::move(w));
    i = j + 1;
  }
  return words;
}

constexpr int kMinHashes = 64;
using Signature = std::array<uint64_t, kMinHashes>;

uint64_t Mix(uint64_t x, uint64_t seed) {
  x ^= seed + 0x9E3779B97F4A7C15ull + (x << 6) + (x >> 2);
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

// sig[k] = min(sig[k], Mix(s, k)) over the shingles: 64 independent lanes of integer arithmetic,
// which GCC vectorises when it may use AVX2 (4 lanes of 64 bits; 64-bit multiplies emulated),
// so an AVX2 clone is built next to the baseline one and picked at load time (ifunc) on CPUs
// that have it. Integer arithmetic: both clones give the same signature, bit for bit. Measured
// 2.03 -> 0.97 us for a review of 25 shingles (the fold was ~1 % of a harness page's work).
__attribute__((target_clones("avx2", "default"))) void FoldShingles(const uint64_t* shingles, size_t n,
                                                                    Signature& sig) {
  for (size_t i = 0; i < n; ++i) {
    const uint64_t s = shingles[i];
    for (int k = 0; k < kMinHashes; ++k) sig[k] = std::min(sig[k], Mix(s, static_cast<uint64_t>(k)));
  }
}

// MinHash of word 3-shingles (texts under 3 words: the whole text is one shingle).
Signature MinHashOf(const std::vector<std::string>& words) {
  Signature sig;
  sig.fill(std::numeric_limits<uint64_t>::max());
  // Fnv1a64 of the words joined by spaces, hashed piecewise (no joined copy per shingle).
  auto feed = [](uint64_t h, std::string_view bytes) {
    for (const unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    return h;
  };
  constexpr uint64_t kFnvBasis = 14695981039346656037ULL;
  std::vector<uint64_t> shingles;
  if (words.size() < 3) {
    uint64_t h = kFnvBasis;
    for (const auto& w : words) h = feed(feed(h, w), " ");
    shingles.push_back(h);
  } else {
    shingles.reserve(words.size() - 2);
    for (size_t i = 0; i + 2 < words.size(); ++i)
      shingles.push_back(feed(feed(feed(feed(feed(kFnvBasis, words[i]), " "), words[i + 1]), " "), words[i + 2]));
  }
  FoldShingles(shingles.data(), shingles.size(), sig);
  return sig;
}

double Similarity(const Signature& a, const Signature& b) {
  int same = 0;
  for (int k = 0; k < kMinHashes; ++k) same += a[k] == b[k];
  return static_cast<double>(same) / kMinHashes;
}

// Days since 1970 for "YYYY-MM-DD"; -1 when malformed (civil-from-days, Howard Hinnant).
long DaysOf(const std::string& d) {
  if (d.size() < 10 || d[4] != '-' || d[7] != '-') return -1;
  int y = std::atoi(d.substr(0, 4).c_str());
  const unsigned m = static_cast<unsigned>(std::atoi(d.substr(5, 2).c_str()));
  const unsigned dd = static_cast<unsigned>(std::atoi(d.substr(8, 2).c_str()));
  if (m < 1 || m > 12 || dd < 1 || dd > 31) return -1;
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

}  // namespace

std::string TrustLevelName(TrustLevel level, const std::string& lang) {
  const bool en = lang == "en";
  switch (level) {
    case TrustLevel::kHigh: return en ? "high" : "alta";
    case TrustLevel::kMedium: return en ? "medium" : "media";
    case TrustLevel::kLow: return en ? "low" : "bassa";
    case TrustLevel::kUnknown: return en ? "n/a" : "n/d";
  }
  return "";
}

std::string ShopCountry(const std::string& site) {
  static const std::pair<const char*, const char*> kSuffixes[] = {
      {".co.uk", "GB"}, {".com.au", "AU"}, {".com.mx", "MX"}, {".com.br", "BR"}, {".co.jp", "JP"},
      {".it", "IT"},    {".de", "DE"},     {".fr", "FR"},     {".es", "ES"},     {".nl", "NL"},
      {".be", "BE"},    {".at", "AT"},     {".ch", "CH"},     {".pl", "PL"},     {".se", "SE"},
      {".ca", "CA"},    {".in", "IN"},     {".uk", "GB"},     {".com", "US"}};
  for (const auto& [suffix, country] : kSuffixes) {
    const std::string s(suffix);
    if (site.size() > s.size() && site.compare(site.size() - s.size(), s.size(), s) == 0) {
      // ".com" only says "US" for the big US marketplaces; any other .com shop is international.
      if (s == ".com" && site.find("amazon.") == std::string::npos && site.find("ebay.") == std::string::npos)
        return "";
      return country;
    }
  }
  return "";
}

double NearDuplicateSimilarity(const std::string& a, const std::string& b) {
  return Similarity(MinHashOf(Words(a)), MinHashOf(Words(b)));
}

TrustAssessment AssessTrust(const TrustInput& in) {
  TrustAssessment out;
  static const std::vector<Review> kNone;
  const auto& reviews = in.reviews ? *in.reviews : kNone;
  const size_t n = reviews.size();
  out.weights.assign(n, 1.0);
  out.copies.assign(n, false);
  auto add = [&out](std::string code, int severity, std::string it, std::string en) {
    out.reasons.push_back({std::move(code), severity, std::move(it), std::move(en)});
  };

  // Stars the texts do not support.
  double sum_pred = 0;
  int with_text = 0;
  for (size_t i = 0; i < n && i < in.predicted.size(); ++i) {
    if (std::isnan(in.predicted[i])) continue;
    sum_pred += in.predicted[i];
    ++with_text;
  }
  out.reviews_with_text = with_text;
  if (with_text > 0) out.predicted_mean = sum_pred / with_text;
  // Compare like with like: the texts against their own stars when the page shows them (the
  // reviews on a page are a selection, not a sample of all ratings), else against the shown
  // rating. The threshold grows for few reviews: one review's prediction misses by ~0.75 stars
  // on average (models/README.md), so the mean of n misses by about 0.75 * 2 / sqrt(n) at worst.
  double own_stars = 0, own_pred = 0;
  int own = 0;
  for (size_t i = 0; i < n && i < in.predicted.size(); ++i) {
    if (std::isnan(in.predicted[i]) || !reviews[i].stars) continue;
    own_stars += *reviews[i].stars;
    own_pred += in.predicted[i];
    ++own;
  }
  std::optional<double> stars_side, text_side;
  int basis = 0;
  if (own >= kMinTextsForTextSignal) {
    stars_side = own_stars / own;
    text_side = own_pred / own;
    basis = own;
  } else if (in.shown_rating && out.predicted_mean && with_text >= kMinTextsForTextSignal) {
    stars_side = in.shown_rating;
    text_side = out.predicted_mean;
    basis = with_text;
  }
  if (stars_side && text_side) {
    const double honest_text = 3 + kTextSlope * (*stars_side - 3);
    const double gap = honest_text - *text_side;
    const double threshold = std::max(kGapMedium, 1.6 / std::sqrt(static_cast<double>(basis)));
    if (gap >= threshold) {
      const int sev = gap >= std::max(kGapHigh, 2 * threshold) ? 2 : 1;
      add("TEXT_VS_STARS", sev,
          "il testo delle recensioni vale " + FormatDecimal(*text_side, 1, "it") + "/5 mentre le stelle dicono " +
              FormatDecimal(*stars_side, 1, "it"),
          "the review texts read like " + FormatDecimal(*text_side, 1, "en") + "/5 while the stars say " +
              FormatDecimal(*stars_side, 1, "en"));
    }
  }
  // Per review: stars contradicting the review's own text by 2+ stars weigh half.
  for (size_t i = 0; i < n && i < in.predicted.size(); ++i) {
    if (reviews[i].stars && !std::isnan(in.predicted[i]) && std::abs(*reviews[i].stars - in.predicted[i]) >= 2.0)
      out.weights[i] *= 0.5;
  }

  // Exact and near duplicates.
  std::vector<std::vector<std::string>> words(n);
  std::vector<Signature> sigs(n);
  std::vector<bool> has_text(n, false);
  for (size_t i = 0; i < n; ++i) {
    words[i] = Words(reviews[i].text);
    has_text[i] = !words[i].empty();
    if (has_text[i]) sigs[i] = MinHashOf(words[i]);
  }
  int copies = 0, texts = 0;
  std::vector<bool> is_copy(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (!has_text[i]) continue;
    ++texts;
    for (size_t j = 0; j < i; ++j) {
      // Very short texts ("ottimo") collide honestly; they are the short-generic signal's job.
      if (!has_text[j] || words[i].size() < 5 || words[j].size() < 5) continue;
      if (Similarity(sigs[i], sigs[j]) >= kNearDuplicate) {
        ++copies;
        is_copy[i] = is_copy[j] = true;
        out.copies[i] = true;
        out.weights[i] *= 0.2;  // the later copy keeps a little weight: it might be honest
        break;
      }
    }
  }
  if (copies >= 2 && texts > 0 && static_cast<double>(copies) / texts >= kDuplicateShare) {
    add("DUPLICATES", copies * 4 >= texts ? 2 : 1,
        std::to_string(copies) + " recensioni su " + std::to_string(texts) + " sono copie o quasi copie di altre",
        std::to_string(copies) + " of " + std::to_string(texts) + " reviews are copies or near-copies of others");
  }

  // Many very short generic reviews.
  int shorts = 0;
  for (size_t i = 0; i < n; ++i) {
    if (has_text[i] && static_cast<int>(words[i].size()) <= kShortWords) {
      ++shorts;
      out.weights[i] *= 0.6;
    }
  }
  if (texts >= kMinReviewsForShares && static_cast<double>(shorts) / texts >= kShortShare) {
    const double share = static_cast<double>(shorts) / texts;
    add("SHORT_GENERIC", 1, Pct(share) + " delle recensioni sono di poche parole generiche",
        Pct(share) + " of the reviews are a few generic words");
  }

  // J-shaped histogram: the page's own (all ratings) when it shows one, else the stars of the
  // reviews shown, said as such (they are a selection, so the reason names them).
  std::vector<double> hist;
  bool from_reviews = false;
  if (in.histogram.size() == 5) {
    for (auto v : in.histogram) hist.push_back(static_cast<double>(std::max<int64_t>(0, v)));
  } else {
    std::vector<double> counts(5, 0);
    int starred = 0;
    for (const auto& r : reviews) {
      if (!r.stars || *r.stars < 1 || *r.stars > 5) continue;
      counts[static_cast<size_t>(*r.stars - 1)] += 1;
      ++starred;
    }
    if (starred >= kJMinStarredReviews) {
      hist = counts;
      from_reviews = true;
    }
  }
  if (hist.size() == 5) {
    double total = 0;
    for (double v : hist) total += v;
    if (total > 0) {
      const double low = hist[0] / total;
      const double mid = (hist[1] + hist[2] + hist[3]) / total;
      const double high = hist[4] / total;
      if (mid < kJMiddleMax && low >= kJLowMin && high > 0.5) {
        const std::string n = std::to_string(static_cast<long>(total));
        add("J_SHAPE", 1,
            std::string(from_reviews ? "voti polarizzati nelle " + n + " recensioni mostrate" : "voti polarizzati") +
                ": " + Pct(high) + " a 5 stelle, " + Pct(low) + " a 1 stella e quasi nulla in mezzo",
            std::string(from_reviews ? "polarised ratings in the " + n + " reviews shown" : "polarised ratings") +
                ": " + Pct(high) + " 5-star, " + Pct(low) + " 1-star and almost nothing between");
      }
    }
  }

  // Unverified share.
  int known = 0, unverified = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!reviews[i].verified) continue;
    ++known;
    if (!*reviews[i].verified) {
      ++unverified;
      out.weights[i] *= 0.6;
    }
  }
  if (known >= kMinReviewsForShares && static_cast<double>(unverified) / known >= kUnverifiedShare) {
    const double share = static_cast<double>(unverified) / known;
    add("UNVERIFIED", share >= 0.8 ? 2 : 1, Pct(share) + " delle recensioni non risulta da un acquisto verificato",
        Pct(share) + " of the reviews are not from a verified purchase");
  }

  // Bursts: the largest share of dated reviews inside any 3-day window.
  std::vector<std::pair<long, size_t>> dated;
  for (size_t i = 0; i < n; ++i)
    if (long d = DaysOf(reviews[i].date); d >= 0) dated.emplace_back(d, i);
  if (static_cast<int>(dated.size()) >= kBurstMinDated) {
    std::sort(dated.begin(), dated.end());
    size_t best = 0, best_start = 0;
    for (size_t a = 0, b = 0; b < dated.size(); ++b) {
      while (dated[b].first - dated[a].first > 2) ++a;
      if (b - a + 1 > best) {
        best = b - a + 1;
        best_start = a;
      }
    }
    const double share = static_cast<double>(best) / dated.size();
    // Span check: a product whose reviews all came in one week of its life is not a burst.
    const long span = dated.back().first - dated.front().first;
    if (share >= kBurstShare && span >= 14) {
      int five = 0, thin = 0;
      for (size_t k = best_start; k < best_start + best; ++k) {
        const size_t i = dated[k].second;
        out.weights[i] *= 0.6;
        five += reviews[i].stars && *reviews[i].stars == 5;
        thin += is_copy[i] || (has_text[i] && static_cast<int>(words[i].size()) <= kShortWords);
      }
      const bool campaign = five >= kCampaignFiveStarShare * static_cast<double>(best) &&
                            thin >= kCampaignThinShare * static_cast<double>(best);
      const std::string head_it =
          std::to_string(best) + " recensioni su " + std::to_string(dated.size()) + " sono arrivate in 3 giorni";
      const std::string head_en =
          std::to_string(best) + " of " + std::to_string(dated.size()) + " reviews arrived within 3 days";
      if (campaign) {
        add("BURST", 2, head_it + ", quasi tutte a 5 stelle e brevi o copiate",
            head_en + ", nearly all 5-star and short or copied");
      } else {
        add("BURST", 1, head_it, head_en);
      }
    }
  }

  // Reviews from other countries than the shop's.
  if (!in.shop_country.empty()) {
    int with_country = 0, foreign = 0;
    for (const auto& r : reviews) {
      if (r.country.empty()) continue;
      ++with_country;
      foreign += r.country != in.shop_country;
    }
    if (with_country >= kMinReviewsForShares && static_cast<double>(foreign) / with_country >= kForeignShare) {
      const double share = static_cast<double>(foreign) / with_country;
      add("FOREIGN", 1, Pct(share) + " delle recensioni viene da altri paesi",
          Pct(share) + " of the reviews come from other countries");
    }
  }

  std::stable_sort(out.reasons.begin(), out.reasons.end(),
                   [](const TrustReason& a, const TrustReason& b) { return a.severity > b.severity; });
  int points = 0;
  for (const auto& r : out.reasons) points += r.severity;
  const bool anything = n > 0 || in.histogram.size() == 5;
  out.level = !anything     ? TrustLevel::kUnknown
              : points == 0 ? TrustLevel::kHigh
              : points <= 2 ? TrustLevel::kMedium
                            : TrustLevel::kLow;
  // With a handful of reviews nothing above can fire (every share needs kMinReviewsForShares):
  // "alta" would claim a check that did not happen. Say so instead (the card shows the reason).
  if (out.level == TrustLevel::kHigh && n > 0 && static_cast<int>(n) < kMinReviewsForShares) {
    out.level = TrustLevel::kUnknown;
    add("FEW_REVIEWS", 0,
        "solo " + std::to_string(n) + (n == 1 ? " recensione" : " recensioni") +
            ", troppo poche per valutarne l'affidabilità",
        "only " + std::to_string(n) + (n == 1 ? " review" : " reviews") + ", too few to judge how reliable they are");
  }

  // What the texts say, weighted like the stars below.
  double wt_sum = 0, wt_pred = 0;
  for (size_t i = 0; i < n && i < in.predicted.size(); ++i) {
    if (std::isnan(in.predicted[i])) continue;
    wt_sum += out.weights[i];
    wt_pred += out.weights[i] * in.predicted[i];
  }
  if (wt_sum > 0) out.weighted_predicted_mean = wt_pred / wt_sum;

  // Adjusted rating.
  double w_sum = 0, w_stars = 0, plain = 0;
  int starred = 0;
  for (size_t i = 0; i < n; ++i) {
    if (out.weights[i] > 0) ++out.reviews_used;
    double stars;
    if (reviews[i].stars) {
      stars = *reviews[i].stars;
    } else if (i < in.predicted.size() && !std::isnan(in.predicted[i])) {
      stars = in.predicted[i];
    } else {
      continue;
    }
    ++starred;
    plain += stars;
    w_stars += out.weights[i] * stars;
    w_sum += out.weights[i];
  }
  if (starred > 0 && w_sum > 0) {
    const double shift = w_stars / w_sum - plain / starred;
    if (in.shown_rating) {
      out.adjusted_rating = std::clamp(*in.shown_rating + shift, 1.0, 5.0);
    } else {
      out.adjusted_rating = std::clamp(w_stars / w_sum, 1.0, 5.0);
    }
  } else if (in.shown_rating) {
    out.adjusted_rating = in.shown_rating;
  }
  return out;
}

}  // namespace worthit::analysis::score
