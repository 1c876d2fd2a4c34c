//===- Split.cpp - Seeded, stratified train/valid splits and subsets ------===//
#include "Random.h"

#include "nasc/data/Dataset.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nasc::data {
namespace {

// picked[i] for exactly round(N * fraction) samples, each class giving its
// share (floor, then one more for the classes with the largest remainders).
std::vector<char> stratifiedPick(const Dataset &ds, double fraction, uint64_t seed) {
  checkDataset(ds);
  const int64_t n = ds.size();
  torch::Tensor labels = ds.labels.contiguous();
  const int64_t *lab = labels.data_ptr<int64_t>();
  std::vector<std::vector<int64_t>> byClass(ds.classes);
  for (int64_t i = 0; i < n; ++i) {
    if (lab[i] < 0 || lab[i] >= ds.classes)
      throw DataError("dataset '" + ds.name + "': label " + std::to_string(lab[i]) + " at sample " +
                      std::to_string(i) + " out of range (classes " + std::to_string(ds.classes) + ")");
    byClass[lab[i]].push_back(i);
  }
  const int64_t total = std::llround(n * fraction);
  std::vector<int64_t> quota(ds.classes);
  std::vector<double> rem(ds.classes);
  int64_t given = 0;
  for (int64_t c = 0; c < ds.classes; ++c) {
    double exact = byClass[c].size() * fraction;
    quota[c] = static_cast<int64_t>(std::floor(exact));
    rem[c] = exact - quota[c];
    given += quota[c];
  }
  std::vector<int64_t> order(ds.classes);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return rem[a] > rem[b]; });
  for (int64_t k = 0; given < total && k < ds.classes; ++k) {
    int64_t c = order[k];
    if (quota[c] < static_cast<int64_t>(byClass[c].size())) {
      ++quota[c];
      ++given;
    }
  }
  std::vector<char> picked(n, 0);
  for (int64_t c = 0; c < ds.classes; ++c) {
    // One stream per class: a class's pick does not depend on the others.
    std::mt19937_64 rng(detail::deriveSeed(seed, 0x73706c6974ULL /* "split" */, static_cast<uint64_t>(c)));
    detail::shuffle(byClass[c], rng);
    for (int64_t k = 0; k < quota[c]; ++k)
      picked[byClass[c][k]] = 1;
  }
  return picked;
}

Dataset take(const Dataset &ds, const std::vector<char> &picked, char want) {
  std::vector<int64_t> idx;
  for (size_t i = 0; i < picked.size(); ++i)
    if (picked[i] == want)
      idx.push_back(static_cast<int64_t>(i));
  return select(ds, torch::tensor(idx, torch::kInt64));
}

} // namespace

std::pair<Dataset, Dataset> splitTrainValid(const Dataset &ds, double valid_fraction, uint64_t seed) {
  if (!(valid_fraction >= 0.0 && valid_fraction < 1.0))
    throw DataError("valid_fraction must be in [0, 1), got " + std::to_string(valid_fraction));
  std::vector<char> picked = stratifiedPick(ds, valid_fraction, seed);
  return {take(ds, picked, 0), take(ds, picked, 1)};
}

Dataset subset(const Dataset &ds, double fraction, uint64_t seed) {
  if (!(fraction > 0.0 && fraction <= 1.0))
    throw DataError("subset fraction must be in (0, 1], got " + std::to_string(fraction));
  if (fraction == 1.0) {
    checkDataset(ds);
    return ds;
  }
  return take(ds, stratifiedPick(ds, fraction, seed), 1);
}

} // namespace nasc::data
