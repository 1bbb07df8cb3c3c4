#include "analysis/score/analysis.h"

#include <cmath>
#include <limits>

#include "analysis/reviews/text_normalizer.h"
#include "analysis/score/aspect_lexicon.h"
#include "analysis/score/locale_format.h"

namespace worthit::analysis::score {
namespace {

// The language reviews on a marketplace are usually written in, for the calibration map.
std::string SiteLanguage(const std::string& country) {
  if (country == "IT") return "it";
  if (country == "DE" || country == "AT") return "de";
  if (country == "FR") return "fr";
  if (country == "ES" || country == "MX") return "es";
  if (country == "GB" || country == "US" || country == "CA" || country == "AU" || country == "IN") return "en";
  return "";
}

std::string JoinLabels(const std::vector<AspectFinding>& items, size_t max, const std::string& lang) {
  std::string out;
  const size_t n = std::min(max, items.size());
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += (i + 1 == n) ? (lang == "en" ? " and " : " e ") : ", ";
    out += items[i].label;
  }
  return out;
}

// The verdict names the value for money only when it moved the score by this much (half of it
// for praise, which can move it less): a few grumbles about the price are not "too expensive".
constexpr double kValueVerdictPoints = 0.3;
// Trust weight (review_trust.cpp: 0.6 per doubt, 0.2 for a copy) under which a review's sentences
// do not feed pros and cons: one doubt (0.6) keeps it, two (0.36) or a copy do not.
constexpr double kMinWeightForAspects = 0.4;

}  // namespace

std::optional<double> RatingOnFive(const Product& product) {
  if (!product.rating) return std::nullopt;
  const auto& r = *product.rating;
  if (!(r.scale > 0) || !(r.value > 0) || r.value > r.scale) return std::nullopt;
  return r.value / r.scale * 5;
}

std::string VerdictSentence(const Analysis& a, const std::string& lang) {
  const bool en = lang == "en";
  if (a.score.too_few) {
    // A number or a band here would be mostly the prior: say what there is and what to do.
    const int64_t n = a.score.evidence;
    std::string s = en ? "Too few reviews to judge: only " + std::to_string(n) + (n == 1 ? " rating" : " ratings")
                       : "Troppo poche recensioni per giudicare: solo " + std::to_string(n) +
                             (n == 1 ? " valutazione" : " valutazioni");
    if (a.rating_shown) s += (en ? ", averaging " : ", in media ") + FormatDecimal(*a.rating_shown, 1, lang) + "/5";
    s += en ? "; wait for more opinions or compare it with similar products."
            : "; meglio aspettarne altre o confrontarlo con prodotti simili.";
    return s;
  }
  if (!a.score.has_score) {
    return en ? "Too little to judge: the page shows neither a rating nor reviews to read."
              : "Troppo pochi dati per un giudizio: la pagina non mostra né valutazioni né recensioni da leggere.";
  }
  std::string s;
  switch (a.score.band) {
    case Band::kGreat: s = en ? "Recommended" : "Consigliato"; break;
    case Band::kGood: s = en ? "A good choice" : "Una buona scelta"; break;
    case Band::kAverage: s = en ? "An average product" : "Un prodotto nella media"; break;
    case Band::kPoor: s = en ? "Better look elsewhere" : "Meglio guardare altrove"; break;
  }
  // Phrased without articles ("piace per batteria e comfort, meno per audio") so that any
  // aspect label, including recurring phrases from the reviews, reads correctly.
  const auto& pc = a.pros_cons;
  // When the value clause below speaks of the price, the cons name the next weakness instead.
  const bool value_said = a.score.value_points <= -kValueVerdictPoints;
  std::vector<AspectFinding> cons_named;
  for (const auto& f : pc.cons)
    if (!(value_said && f.aspect == kValueAspect)) cons_named.push_back(f);
  const bool pros = pc.enough && !pc.pros.empty();
  const bool cons = pc.enough && !cons_named.empty();
  if (pros) s += (en ? ": liked for its " : ": piace per ") + JoinLabels(pc.pros, 2, lang);
  if (cons) {
    if (pros)
      s += en ? ", less for its " : ", meno per ";
    else
      s += en ? ": liked less for its " : ": piace meno per ";
    s += JoinLabels(cons_named, 1, lang);
  }
  // What the reviewers say of the price (value for money) comes before the store's history:
  // it is about the product, the history only about this moment.
  const int texts = a.trust.reviews_with_text;
  if (value_said) {
    s += (en ? "; it costs too much for what it gives, say " : "; costa troppo per quello che offre: lo dicono ") +
         std::to_string(pc.value.negative_reviews) + (en ? " of " : " recensioni su ") + std::to_string(texts) +
         (en ? " reviews" : "");
  } else if (a.score.value_points >= kValueVerdictPoints / 2) {
    s += en ? "; reviewers find it good value for money" : "; chi l'ha comprato lo trova conveniente";
  }
  if (a.score.price_points >= 0.2) {
    s +=
        en ? "; the price is a good one compared with what it usually costs" : "; il prezzo è buono rispetto al solito";
  } else if (a.score.price_points < 0) {
    s += en ? "; it costs more than usual right now" : "; ora costa più del solito";
  }
  if (a.trust.level == TrustLevel::kLow) {
    s += en ? "; take the reviews with caution" : "; prendi le recensioni con cautela";
  }
  s += ".";
  return s;
}

Analysis AnalyzeProduct(const ProductPage& page, const reviews::ReviewModel& model, const PriceHistory* history,
                        const std::string& lang_in) {
  Analysis a;
  a.lang = lang_in == "en" ? "en" : "it";
  const auto& product = page.product;
  a.rating_shown = RatingOnFive(product);
  const std::string shop_country = ShopCountry(page.site);
  const std::string site_lang = SiteLanguage(shop_country);

  const size_t n = std::min(page.reviews.size(), kMaxReviews);
  std::vector<Review> reviews(page.reviews.begin(), page.reviews.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> predicted(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<ScoredSentence> sentences;
  double pos = 0, neg = 0;
  int counted = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = reviews[i];
    const std::string rlang = r.lang.empty() ? site_lang : r.lang;
    // The title is part of what the reviewer wrote ("Pessimo!"), the model reads both.
    const std::string full = r.title.empty() ? r.text : r.title + ". " + r.text;
    const bool has_text = full.find_first_not_of(" \t\r\n.") != std::string::npos;
    if (has_text) {
      const auto p = model.Predict(full, rlang);
      predicted[i] = p.calibrated;
      if (!r.stars) {
        pos += p.probs[3] + p.probs[4];
        neg += p.probs[0] + p.probs[1];
        ++counted;
      }
      auto parts = reviews::SplitSentences(r.text);
      if (parts.size() > kMaxSentencesPerReview) parts.resize(kMaxSentencesPerReview);
      for (auto& part : parts) {
        std::string norm = reviews::NormalizeReviewText(part);
        sentences.push_back({i, std::move(part), 3.0, r.stars, rlang, std::move(norm)});
      }
    }
    if (r.stars) {
      pos += *r.stars >= 4;
      neg += *r.stars <= 2;
      ++counted;
    }
  }
  if (counted > 0) {
    a.sentiment.positive = pos / counted;
    a.sentiment.negative = neg / counted;
  }
  a.sentiment.reviews = counted;

  TrustInput ti;
  ti.shown_rating = a.rating_shown;
  ti.rating_count = product.rating ? product.rating->count : 0;
  ti.histogram = product.histogram;
  ti.reviews = &reviews;
  ti.predicted = predicted;
  ti.shop_country = shop_country;
  a.trust = AssessTrust(ti);
  a.sentiment.predicted_mean = a.trust.predicted_mean;
  a.rating_adjusted = a.trust.adjusted_rating;
  a.reviews_used = a.trust.reviews_used;

  // Only sentences that mention an aspect go through the model (the others cannot become a
  // pro or a con); on typical pages that is about half of them.
  const auto& lexicon = AspectLexicon::Builtin();
  // Pros and cons come from the reviews that look honest: a near-copy of another review (weight
  // 0.2) says nothing new and would make a copied blurb a "recurring phrase"; a review doubtful
  // on two counts (short and in a burst, unverified and generic: weight <= 0.36) is left out too.
  std::vector<ScoredSentence> kept;
  kept.reserve(sentences.size());
  for (auto& sc : sentences)
    if (sc.review >= a.trust.weights.size() || a.trust.weights[sc.review] >= kMinWeightForAspects)
      kept.push_back(std::move(sc));
  sentences = std::move(kept);
  const auto aspects = SentenceAspects(sentences, lexicon);
  for (size_t k = 0; k < sentences.size(); ++k) {
    if (!aspects[k].empty())
      sentences[k].expected = model.PredictNormalized(sentences[k].normalized, sentences[k].lang).calibrated;
  }
  a.pros_cons = FindProsCons(sentences, aspects, a.trust.reviews_with_text, lexicon, a.lang);

  ScoreInput si;
  si.rating = a.rating_shown;
  si.rating_count = ti.rating_count;
  // A page that shows a rating value but no count still rests on at least its visible reviews.
  if (si.rating && si.rating_count == 0) si.rating_count = static_cast<int64_t>(n);
  si.adjusted_rating = a.rating_adjusted;
  si.trust = a.trust.level;
  // The texts weighted by trust, like the adjusted rating: a burst of copied 5-star blurbs must
  // not carry "what the texts say" any more than it carries the stars.
  si.text_mean = a.trust.weighted_predicted_mean ? a.trust.weighted_predicted_mean : a.trust.predicted_mean;
  si.reviews_with_text = a.trust.reviews_with_text;
  si.value_mentions = a.pros_cons.value.mentions;
  si.value_positive = a.pros_cons.value.positive_reviews;
  si.value_negative = a.pros_cons.value.negative_reviews;
  if (product.price) {
    const double p = ParseDecimal(*product.price);
    if (!std::isnan(p)) si.price = p;
  }
  if (history) {
    a.price_history = *history;
    const double lo = ParseDecimal(history->lowest), ty = ParseDecimal(history->typical);
    if (!std::isnan(lo)) si.lowest_price = lo;
    if (!std::isnan(ty)) si.typical_price = ty;
    si.price_observations = history->observations;
  }
  a.score = ComputeScore(si);
  a.verdict = VerdictSentence(a, a.lang);
  return a;
}

}  // namespace worthit::analysis::score
