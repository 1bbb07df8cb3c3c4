// Pros and cons from the reviews themselves. Pure.
//
// Input: the page's reviews split into sentences, each sentence scored by the review model
// (calibrated expected stars), plus the review's own stars when shown. Each sentence is matched
// against the aspect lexicon (aspects.tsv) and, for aspects outside the lexicon, against noun
// phrases (two content words) that recur in at least 3 different reviews. Per aspect: mentions
// (distinct reviews), positive and negative sentences, and the best short real quote. Up to 3
// pros (mostly positive) and 3 cons (a real share negative), strongest first. With fewer than
// kMinReviewsToJudge reviews with text, `enough` is false and the lists are empty: the card then
// says there is not enough to judge instead of inventing.
// Thread-safety: pure function. Failure modes: none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/score/aspect_lexicon.h"

namespace worthit::analysis::score {

inline constexpr int kMinReviewsToJudge = 3;

struct ScoredSentence {
  size_t review = 0;                // index of the review it comes from
  std::string text;                 // the sentence as written (quoted verbatim)
  double expected = 3;              // model's calibrated expected stars for the sentence
  std::optional<int> review_stars;  // the review's own stars, when shown
  std::string lang;                 // the review's language ("" unknown: all keywords match)
  // NormalizeReviewText(text) when the caller already has it (AnalyzeProduct: it is both the
  // model's input and the aspect tokens' source, normalised once); "" means not computed.
  std::string normalized = {};
};

struct AspectFinding {
  std::string aspect;  // aspect id, or the phrase for recurring noun phrases
  std::string label;   // in the user's language
  std::string quote;   // a real sentence from a review
  int mentions = 0;    // distinct reviews mentioning it
  int positive = 0;    // sentences
  int negative = 0;
  int positive_reviews = 0;  // distinct reviews with a positive / negative sentence about it
  int negative_reviews = 0;
  double share_positive = 0;
};

struct ProsCons {
  bool enough = false;
  std::vector<AspectFinding> pros;
  std::vector<AspectFinding> cons;
  // The price aspect's tallies whether or not it made the lists (no quote): the score's value
  // for money input (worthit_score.h). mentions == 0 when no review talks about the price.
  AspectFinding value;
};

inline constexpr const char* kValueAspect = "price";  // aspects.tsv id

ProsCons FindProsCons(const std::vector<ScoredSentence>& sentences, int reviews_with_text, const AspectLexicon& lexicon,
                      const std::string& lang);

// The aspects each sentence mentions (lexicon ids, then recurring phrases); reads only text,
// review and lang, so callers can score with the model just the sentences that mention one.
std::vector<std::vector<std::string>> SentenceAspects(const std::vector<ScoredSentence>& sentences,
                                                      const AspectLexicon& lexicon);
// Same as above with SentenceAspects precomputed; sentences without aspects are not read.
ProsCons FindProsCons(const std::vector<ScoredSentence>& sentences,
                      const std::vector<std::vector<std::string>>& aspects, int reviews_with_text,
                      const AspectLexicon& lexicon, const std::string& lang);

// Sentence polarity used above: 70% the sentence's own model score, 30% the review's stars
// (a sentence inherits some of its review's mood). >= 3.5 positive, <= 2.5 negative.
double SentencePolarity(const ScoredSentence& s);

}  // namespace worthit::analysis::score
