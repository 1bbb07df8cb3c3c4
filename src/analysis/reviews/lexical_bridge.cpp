#include "analysis/reviews/lexical_bridge.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "analysis/reviews/text_normalizer.h"

namespace worthit::analysis::reviews {

extern const char* const kBridgeTsv;  // generated from bridge.tsv (bridge_tsv.cpp)

Result<LexicalBridge> LexicalBridge::Parse(std::string_view tsv) {
  LexicalBridge bridge;
  std::istringstream in{std::string(tsv)};
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream ls(line);
    std::string col;
    while (std::getline(ls, col, '\t')) cols.push_back(col);
    if (cols.size() != 3 || cols[0].empty() || cols[1].empty() || cols[2].empty()) {
      return Error::Invalid("BRIDGE_INVALID", "bridge.tsv line " + std::to_string(line_no) + ": want 3 TAB columns");
    }
    auto& table = bridge.by_lang_[cols[0]];
    std::string phrase = NormalizeReviewText(cols[1]);
    table.first_tokens.insert(phrase.substr(0, phrase.find(' ')));
    table.phrases[std::move(phrase)] = NormalizeReviewText(cols[2]);
  }
  return bridge;
}

const LexicalBridge& LexicalBridge::Builtin() {
  static const LexicalBridge kBridge = [] {
    auto parsed = Parse(kBridgeTsv);
    // The embedded file is checked by a unit test; a broken row must not crash the bot.
    return parsed.ok() ? std::move(*parsed) : LexicalBridge{};
  }();
  return kBridge;
}

std::string LexicalBridge::Apply(std::string_view lang, std::string_view normalized) const {
  std::string out;
  ApplyInto(lang, normalized, out);
  return out;
}

void LexicalBridge::ApplyInto(std::string_view lang, std::string_view normalized, std::string& out) const {
  out.clear();
  const auto it = by_lang_.find(lang);
  if (it == by_lang_.end()) {
    out.assign(normalized);
    return;
  }
  const Table& table = it->second;
  // Token boundaries: every single space separates two tokens (empty ones included), so the
  // phrase of tokens i..i+len-1 is normalized[begin[i], end[i+len-1]).
  constexpr size_t kMaxTokensOnStack = 512;
  size_t begin_stack[kMaxTokensOnStack], end_stack[kMaxTokensOnStack];
  std::vector<size_t> begin_heap, end_heap;
  size_t* begin = begin_stack;
  size_t* end = end_stack;
  const size_t ntokens = static_cast<size_t>(std::count(normalized.begin(), normalized.end(), ' ')) + 1;
  if (normalized.empty()) return;
  if (ntokens > kMaxTokensOnStack) {
    begin_heap.resize(ntokens);
    end_heap.resize(ntokens);
    begin = begin_heap.data();
    end = end_heap.data();
  }
  size_t n = 0;
  for (size_t pos = 0;;) {
    const size_t sp = normalized.find(' ', pos);
    begin[n] = pos;
    end[n] = sp == std::string_view::npos ? normalized.size() : sp;
    ++n;
    if (sp == std::string_view::npos || sp + 1 == normalized.size()) break;  // a trailing space adds no token
    pos = sp + 1;
  }
  out.reserve(normalized.size() + normalized.size() / 4);
  for (size_t i = 0; i < n;) {
    size_t used = 0;
    const std::string_view first = normalized.substr(begin[i], end[i] - begin[i]);
    if (table.first_tokens.find(first) != table.first_tokens.end()) {
      for (size_t len = std::min(kMaxPhrase, n - i); len >= 1 && used == 0; --len) {
        const std::string_view key = normalized.substr(begin[i], end[i + len - 1] - begin[i]);
        if (auto m = table.phrases.find(key); m != table.phrases.end()) {
          if (!out.empty()) out.push_back(' ');
          out += m->second;
          used = len;
        }
      }
    }
    if (used == 0) {
      if (!out.empty()) out.push_back(' ');
      out.append(first);
      used = 1;
    }
    i += used;
  }
}

}  // namespace worthit::analysis::reviews
