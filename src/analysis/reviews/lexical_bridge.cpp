#include "analysis/reviews/lexical_bridge.h"

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
    bridge.by_lang_[cols[0]][NormalizeReviewText(cols[1])] = NormalizeReviewText(cols[2]);
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
  const auto it = by_lang_.find(std::string(lang));
  if (it == by_lang_.end()) return std::string(normalized);
  const auto& table = it->second;
  std::vector<std::string_view> tokens;
  std::string_view rest = normalized;
  while (!rest.empty()) {
    const auto sp = rest.find(' ');
    tokens.push_back(rest.substr(0, sp));
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  std::string out;
  out.reserve(normalized.size() + normalized.size() / 4);
  std::string key;
  for (size_t i = 0; i < tokens.size();) {
    size_t used = 0;
    for (size_t len = std::min(kMaxPhrase, tokens.size() - i); len >= 1 && used == 0; --len) {
      key.assign(tokens[i]);
      for (size_t k = 1; k < len; ++k) {
        key.push_back(' ');
        key.append(tokens[i + k]);
      }
      if (auto m = table.find(key); m != table.end()) {
        if (!out.empty()) out.push_back(' ');
        out += m->second;
        used = len;
      }
    }
    if (used == 0) {
      if (!out.empty()) out.push_back(' ');
      out.append(tokens[i]);
      used = 1;
    }
    i += used;
  }
  return out;
}

}  // namespace worthit::analysis::reviews
