#include "analysis/score/pros_cons.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::score {
namespace {

constexpr double kPositive = 3.5;  // sentence scores sit nearer the middle than whole reviews
constexpr double kNegative = 2.5;
constexpr int kPhraseMinReviews = 3;  // a phrase must recur across reviews to be an aspect
constexpr int kMinMentions = 2;       // one review is an anecdote, two is a pattern
constexpr size_t kMaxItems = 3;
constexpr size_t kQuoteIdealBytes = 140;  // fits one card line with room for the label

std::vector<std::string> Tokens(const ScoredSentence& s) {
  std::vector<std::string> out;
  const std::string norm = s.normalized.empty() ? reviews::NormalizeReviewText(s.text) : s.normalized;
  size_t i = 0;
  while (i < norm.size()) {
    size_t j = norm.find(' ', i);
    if (j == std::string::npos) j = norm.size();
    if (j > i) out.push_back(norm.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsContentWord(const std::string& w, const AspectLexicon& lex) {
  if (w.size() < 3 || w == "__num__" || w == "__url__") return false;
  const auto c = static_cast<unsigned char>(w[0]);
  if (!(std::isalpha(c) || c >= 0xC0)) return false;
  if (w.back() == '\'') return false;
  return !lex.IsStopword(w);
}

struct Acc {
  std::set<size_t> reviews, positive_reviews, negative_reviews;
  int positive = 0, negative = 0;
  std::vector<const ScoredSentence*> sentences;
  double polarity_sum = 0;
};

// Best quote for a pro (most positive) or a con (most negative); among equally clear ones the
// shorter wins, and anything over the ideal length pays for its extra length.
const ScoredSentence* BestQuote(const Acc& a, bool positive, const std::set<std::string>& used) {
  const ScoredSentence* best = nullptr;
  double best_key = -1e9;
  for (const auto* s : a.sentences) {
    if (used.count(s->text)) continue;
    const double pol = SentencePolarity(*s);
    if (positive ? pol < kPositive : pol > kNegative) continue;
    const double clarity = positive ? pol : 6 - pol;
    const double over = s->text.size() > kQuoteIdealBytes ? (s->text.size() - kQuoteIdealBytes) / 100.0 : 0;
    const double key = clarity - over - (s->text.size() < 15 ? 0.5 : 0);
    if (key > best_key) {
      best_key = key;
      best = s;
    }
  }
  return best;
}

}  // namespace

double SentencePolarity(const ScoredSentence& s) {
  if (!s.review_stars) return s.expected;
  return 0.7 * s.expected + 0.3 * *s.review_stars;
}

std::vector<std::vector<std::string>> SentenceAspects(const std::vector<ScoredSentence>& sentences,
                                                      const AspectLexicon& lexicon) {
  std::vector<std::vector<std::string>> tokens(sentences.size());
  std::vector<std::vector<std::string>> ids(sentences.size());
  for (size_t i = 0; i < sentences.size(); ++i) {
    tokens[i] = Tokens(sentences[i]);
    ids[i] = lexicon.Match(tokens[i], sentences[i].lang);
  }
  // Recurring noun phrases: adjacent content-word pairs outside the lexicon, counted once per review.
  std::map<std::string, std::set<size_t>> phrase_reviews;
  for (size_t i = 0; i < sentences.size(); ++i) {
    const auto& t = tokens[i];
    for (size_t k = 0; k + 1 < t.size(); ++k) {
      if (!IsContentWord(t[k], lexicon) || !IsContentWord(t[k + 1], lexicon)) continue;
      if (lexicon.IsKeyword(t[k]) || lexicon.IsKeyword(t[k + 1])) continue;
      phrase_reviews[t[k] + " " + t[k + 1]].insert(sentences[i].review);
    }
  }
  std::set<std::string> phrases;
  for (const auto& [p, revs] : phrase_reviews)
    if (static_cast<int>(revs.size()) >= kPhraseMinReviews) phrases.insert(p);
  for (size_t i = 0; i < sentences.size(); ++i) {
    const auto& t = tokens[i];
    for (size_t k = 0; k + 1 < t.size(); ++k) {
      std::string p = t[k] + " " + t[k + 1];
      if (phrases.count(p) && std::find(ids[i].begin(), ids[i].end(), p) == ids[i].end())
        ids[i].push_back(std::move(p));
    }
  }
  return ids;
}

ProsCons FindProsCons(const std::vector<ScoredSentence>& sentences, int reviews_with_text, const AspectLexicon& lexicon,
                      const std::string& lang) {
  return FindProsCons(sentences, SentenceAspects(sentences, lexicon), reviews_with_text, lexicon, lang);
}

ProsCons FindProsCons(const std::vector<ScoredSentence>& sentences,
                      const std::vector<std::vector<std::string>>& aspects, int reviews_with_text,
                      const AspectLexicon& lexicon, const std::string& lang) {
  ProsCons out;
  if (reviews_with_text < kMinReviewsToJudge) return out;
  out.enough = true;

  std::map<std::string, Acc> by_aspect;
  for (size_t i = 0; i < sentences.size() && i < aspects.size(); ++i) {
    if (aspects[i].empty()) continue;
    const double pol = SentencePolarity(sentences[i]);
    for (const auto& id : aspects[i]) {
      auto& a = by_aspect[id];
      a.reviews.insert(sentences[i].review);
      a.sentences.push_back(&sentences[i]);
      a.polarity_sum += pol;
      if (pol >= kPositive) {
        ++a.positive;
        a.positive_reviews.insert(sentences[i].review);
      }
      if (pol <= kNegative) {
        ++a.negative;
        a.negative_reviews.insert(sentences[i].review);
      }
    }
  }

  if (auto it = by_aspect.find(kValueAspect); it != by_aspect.end()) {
    const Acc& a = it->second;
    out.value.aspect = kValueAspect;
    out.value.label = lexicon.Label(kValueAspect, lang);
    out.value.mentions = static_cast<int>(a.reviews.size());
    out.value.positive = a.positive;
    out.value.negative = a.negative;
    out.value.positive_reviews = static_cast<int>(a.positive_reviews.size());
    out.value.negative_reviews = static_cast<int>(a.negative_reviews.size());
    if (a.positive + a.negative > 0)
      out.value.share_positive = static_cast<double>(a.positive) / (a.positive + a.negative);
  }

  struct Candidate {
    AspectFinding finding;
    const Acc* acc;
  };
  std::vector<Candidate> pros, cons;
  for (const auto& [id, a] : by_aspect) {
    const int mentions = static_cast<int>(a.reviews.size());
    if (mentions < kMinMentions || a.positive + a.negative == 0) continue;
    AspectFinding f;
    f.aspect = id;
    // Lexicon ids are single words; recurring phrases always have a space and are their own label.
    f.label = id.find(' ') != std::string::npos ? id : lexicon.Label(id, lang);
    f.mentions = mentions;
    f.positive = a.positive;
    f.negative = a.negative;
    f.positive_reviews = static_cast<int>(a.positive_reviews.size());
    f.negative_reviews = static_cast<int>(a.negative_reviews.size());
    f.share_positive = static_cast<double>(a.positive) / (a.positive + a.negative);
    // Cons need less of a majority than pros: buyers mention problems less often than praise,
    // so a third of opinions being negative is already a real weakness.
    if (f.share_positive >= 0.67 && a.positive >= kMinMentions) {
      pros.push_back({std::move(f), &a});
    } else if (1 - f.share_positive >= 0.34 && a.negative >= 1) {
      cons.push_back({std::move(f), &a});
    }
  }
  auto rank = [](bool pro) {
    return [pro](const Candidate& cx, const Candidate& cy) {
      const auto& x = cx.finding;
      const auto& y = cy.finding;
      const int vx = pro ? x.positive : x.negative, vy = pro ? y.positive : y.negative;
      if (vx != vy) return vx > vy;
      if (x.mentions != y.mentions) return x.mentions > y.mentions;
      return x.aspect < y.aspect;  // deterministic
    };
  };
  std::sort(pros.begin(), pros.end(), rank(true));
  std::sort(cons.begin(), cons.end(), rank(false));
  // One sentence is quoted once: a sentence praising battery and price shows under the stronger
  // aspect, the other gets its next-best sentence (or is left out when it has none).
  std::set<std::string> used;
  for (bool pro : {true, false}) {
    auto& src = pro ? pros : cons;
    auto& dst = pro ? out.pros : out.cons;
    for (auto& c : src) {
      if (dst.size() >= kMaxItems) break;
      const auto* q = BestQuote(*c.acc, pro, used);
      if (!q) continue;
      c.finding.quote = q->text;
      used.insert(q->text);
      dst.push_back(std::move(c.finding));
    }
  }
  return out;
}

}  // namespace worthit::analysis::score
