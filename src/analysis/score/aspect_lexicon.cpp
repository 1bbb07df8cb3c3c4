#include "analysis/score/aspect_lexicon.h"

#include <sstream>

#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::score {

extern const char* const kAspectsTsv;  // generated from aspects.tsv (aspects_tsv.cpp)

namespace {

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool StartsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

}  // namespace

Result<AspectLexicon> AspectLexicon::Parse(std::string_view tsv) {
  AspectLexicon lex;
  std::istringstream in{std::string(tsv)};
  std::string line;
  int line_no = 0;
  std::map<std::string, size_t> index;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto cols = SplitOn(line, '\t');
    if (cols.size() != 4 || cols[0].empty() || cols[1].empty()) {
      return Error::Invalid("LEXICON_INVALID", "aspects.tsv line " + std::to_string(line_no) + ": want 4 TAB columns");
    }
    const auto keywords = SplitOn(cols[3], ',');
    if (cols[0] == "_stop") {
      for (const auto& k : keywords)
        if (auto w = Trim(k); !w.empty()) lex.stopwords_.insert(reviews::Utf8Lower(w));
      continue;
    }
    auto [it, inserted] = index.emplace(cols[0], lex.aspects_.size());
    if (inserted) lex.aspects_.push_back({cols[0], {}, {}});
    auto& aspect = lex.aspects_[it->second];
    aspect.labels[cols[1]] = cols[2];
    for (const auto& k : keywords) {
      std::string w = Trim(k);
      if (w.empty()) continue;
      Keyword kw;
      kw.lang = cols[1];
      lex.languages_.insert(cols[1]);
      if (w.back() == '*') {
        kw.prefix = true;
        w.pop_back();
      }
      // Keywords go through the same normalisation as review text, so "qualità/prezzo" becomes
      // the phrase "qualità / prezzo" and matches the review tokens exactly.
      const std::string norm = reviews::NormalizeReviewText(w);
      kw.words = SplitOn(norm, ' ');
      if (!kw.words.empty()) aspect.keywords.push_back(std::move(kw));
    }
  }
  lex.BuildIndex();
  return lex;
}

void AspectLexicon::BuildIndex() {
  for (size_t a = 0; a < aspects_.size(); ++a) {
    for (size_t k = 0; k < aspects_[a].keywords.size(); ++k) {
      const auto& kw = aspects_[a].keywords[k];
      if (kw.words.size() == 1 && kw.prefix) {
        single_prefix_.emplace_back(a, k);
        prefix_by_first_byte_[static_cast<unsigned char>(kw.words[0].empty() ? '\0' : kw.words[0][0])].emplace_back(a,
                                                                                                                    k);
      } else {
        by_first_word_[kw.words[0]].emplace_back(a, k);
        if (kw.words.size() == 1) single_exact_.insert(kw.words[0]);
      }
    }
  }
}

const AspectLexicon& AspectLexicon::Builtin() {
  static const AspectLexicon kLexicon = [] {
    auto parsed = Parse(kAspectsTsv);
    // The embedded file is checked by a unit test; a broken build must not crash the bot.
    return parsed.ok() ? std::move(*parsed) : AspectLexicon{};
  }();
  return kLexicon;
}

std::string AspectLexicon::Label(const std::string& id, const std::string& lang) const {
  for (const auto& a : aspects_) {
    if (a.id != id) continue;
    if (auto it = a.labels.find(lang); it != a.labels.end()) return it->second;
    if (auto it = a.labels.find("en"); it != a.labels.end()) return it->second;
  }
  return id;
}

bool AspectLexicon::IsKeyword(const std::string& word) const {
  if (single_exact_.count(word)) return true;
  if (word.empty()) {
    for (const auto& [a, k] : single_prefix_)
      if (aspects_[a].keywords[k].words[0].empty()) return true;
    return false;
  }
  for (const auto& [a, k] : prefix_by_first_byte_[static_cast<unsigned char>(word[0])])
    if (StartsWith(word, aspects_[a].keywords[k].words[0])) return true;
  // An empty prefix (not in the shipped lexicon) matches every word.
  for (const auto& [a, k] : prefix_by_first_byte_[0])
    if (aspects_[a].keywords[k].words[0].empty()) return true;
  return false;
}

std::vector<std::string> AspectLexicon::Match(const std::vector<std::string>& tokens, const std::string& lang) const {
  const bool any_lang = lang.empty() || !languages_.count(lang);
  std::vector<bool> found(aspects_.size(), false);
  auto matches_at = [&](const Keyword& kw, size_t i) {
    if (!any_lang && kw.lang != lang) return false;
    if (i + kw.words.size() > tokens.size()) return false;
    for (size_t j = 0; j < kw.words.size(); ++j) {
      const bool last = j + 1 == kw.words.size();
      if (!((last && kw.prefix) ? StartsWith(tokens[i + j], kw.words[j]) : tokens[i + j] == kw.words[j])) return false;
    }
    return true;
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (auto it = by_first_word_.find(tokens[i]); it != by_first_word_.end()) {
      for (const auto& [a, k] : it->second)
        if (!found[a] && matches_at(aspects_[a].keywords[k], i)) found[a] = true;
    }
    if (!tokens[i].empty()) {
      for (const auto& [a, k] : prefix_by_first_byte_[static_cast<unsigned char>(tokens[i][0])])
        if (!found[a] && matches_at(aspects_[a].keywords[k], i)) found[a] = true;
    }
    for (const auto& [a, k] : prefix_by_first_byte_[0])  // empty prefixes (match any token)
      if (!found[a] && matches_at(aspects_[a].keywords[k], i)) found[a] = true;
  }
  std::vector<std::string> out;
  for (size_t a = 0; a < aspects_.size(); ++a)
    if (found[a]) out.push_back(aspects_[a].id);
  return out;
}

}  // namespace worthit::analysis::score
