#include "analysis/reviews/fasttext_fold.h"

#include <fasttext/densematrix.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace worthit::analysis::reviews {

Result<double> FoldWordsCompanion(FoldableFastText& main, FoldableFastText& companion, const std::string& train_path,
                                  double main_weight, double scale, int bucket_factor) {
  const auto dm = main.getDictionary();
  // m: the main model, w: the words-only companion.
  const auto dw = companion.getDictionary();
  const auto am = main.getInputMatrix();
  const auto aw = companion.getInputMatrix();
  const auto bm = main.getOutputMatrix();
  const auto bw = companion.getOutputMatrix();
  const int64_t nwm = dm->nwords(), nww = dw->nwords();
  const int64_t buckets = am->rows() - nwm;
  if (aw->rows() - nww != buckets || bm->rows() != bw->rows() || dm->nlabels() != dw->nlabels()) {
    return Error::Permanent("TRAIN_FAILED", "fold: the two models do not share buckets and labels");
  }
  // The companion's id of each of main's labels (the two may order them differently).
  std::vector<int32_t> companion_label(static_cast<size_t>(dm->nlabels()), -1);
  for (int32_t l = 0; l < dm->nlabels(); ++l) {
    for (int32_t k = 0; k < dw->nlabels(); ++k)
      if (dw->getLabel(k) == dm->getLabel(l)) companion_label[static_cast<size_t>(l)] = k;
    if (companion_label[static_cast<size_t>(l)] < 0)
      return Error::Permanent("TRAIN_FAILED", "fold: label " + dm->getLabel(l) + " missing in the companion");
  }
  // The training lines, as fastText reads them (a newline ends each).
  std::vector<std::string> lines;
  {
    std::ifstream in(train_path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line + '\n');
  }
  std::vector<int32_t> rows_m, rows_w, labels;
  if (scale <= 0) {
    // Mean over the training lines of (main's rows) / (companion's rows): counted with the
    // original buckets (the count does not depend on them).
    double sum = 0;
    size_t counted = 0;
    for (const auto& line : lines) {
      std::istringstream a(line), b(line);
      dm->getLine(a, rows_m, labels);
      dw->getLine(b, rows_w, labels);
      if (rows_w.empty()) continue;
      sum += static_cast<double>(rows_m.size()) / static_cast<double>(rows_w.size());
      ++counted;
    }
    if (counted == 0) return Error::Permanent("TRAIN_FAILED", "fold: no training line");
    scale = sum / static_cast<double>(counted);
  }
  const int64_t folded_buckets = buckets * std::max(1, bucket_factor);
  if (folded_buckets > std::numeric_limits<int32_t>::max() - nwm) {
    return Error::Invalid("TRAIN_FAILED", "fold: too many buckets");
  }
  // Both dictionaries share their Args with their model: from here on they hash into the folded
  // bucket count.
  main.SetBucket(static_cast<int>(folded_buckets));
  main.RehashSubwords();
  companion.SetBucket(static_cast<int>(folded_buckets));
  // What each folded bucket serves: a vocabulary word's character n-gram (main's), a word n-gram
  // of a training line (both models'), both, or nothing.
  enum : uint8_t { kSubword = 1, kBigram = 2 };
  std::vector<uint8_t> role(static_cast<size_t>(folded_buckets), 0);
  {
    std::vector<int32_t> ids;
    std::vector<std::string> substrings;
    for (int32_t i = 0; i < nwm; ++i) {
      dm->getSubwords(dm->getWord(i), ids, substrings);
      for (const int32_t id : ids)
        if (id >= nwm) role[static_cast<size_t>(id - nwm)] |= kSubword;
    }
    for (const auto& line : lines) {
      std::istringstream in(line);
      dw->getLine(in, rows_w, labels);
      for (const int32_t id : rows_w)
        if (id >= nww) role[static_cast<size_t>(id - nww)] |= kBigram;
    }
  }
  const int64_t dim_m = am->cols(), dim_w = aw->cols(), dim = dim_m + dim_w;
  auto input = std::make_shared<fasttext::DenseMatrix>(nwm + folded_buckets, dim);
  input->zero();
  const auto scaled = static_cast<float>(scale);
  auto copy_row = [&](int64_t to, int64_t from_m, int64_t from_w) {
    if (from_m >= 0)
      for (int64_t j = 0; j < dim_m; ++j) input->at(to, j) = am->at(from_m, j);
    if (from_w >= 0)
      for (int64_t j = 0; j < dim_w; ++j) input->at(to, dim_m + j) = scaled * aw->at(from_w, j);
  };
  for (int32_t i = 0; i < nwm; ++i) copy_row(i, i, dw->getId(dm->getWord(i)));
  for (int64_t b = 0; b < folded_buckets; ++b) {
    const uint8_t r = role[static_cast<size_t>(b)];
    if (r == 0) continue;
    copy_row(nwm + b, nwm + b % buckets, r == kBigram ? nww + b % buckets : -1);
  }
  auto output = std::make_shared<fasttext::DenseMatrix>(bm->rows(), dim);
  output->zero();
  for (int32_t l = 0; l < dm->nlabels(); ++l) {
    const int32_t lw = companion_label[static_cast<size_t>(l)];
    for (int64_t j = 0; j < dim_m; ++j) output->at(l, j) = static_cast<float>(main_weight) * bm->at(l, j);
    for (int64_t j = 0; j < dim_w; ++j) output->at(l, dim_m + j) = static_cast<float>(1 - main_weight) * bw->at(lw, j);
  }
  main.setMatrices(input, output);
  return scale;
}

}  // namespace worthit::analysis::reviews
