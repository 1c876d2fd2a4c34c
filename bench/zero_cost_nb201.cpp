//===- zero_cost_nb201.cpp - Zero-cost proxies against NAS-Bench-201 -------===//
//
//   zero_cost_nb201 NB201.nasa [--archs N] [--batch B] [--data DIR] [--table CSV]
//
// Scores N distinct random NAS-Bench-201 architectures (the benchmark's own
// network: 16 channels, 5 cells a stage) untrained on one batch of real
// CIFAR-10 images with every proxy the runtime has, and prints each proxy's
// Spearman rank correlation with the table's `cifar10valid_test_acc` (the
// column proxy papers correlate with), next to the published figures.
//
//===----------------------------------------------------------------------===//
#include "nasc/data/Loader.h"
#include "nasc/nn/Train.h"
#include "nasc/nn/ZeroCost.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/TableEstimator.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <set>

using namespace nasc;

namespace {

std::vector<double> ranks(const std::vector<double> &v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) { // ties share their mean rank
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
      ++j;
    for (size_t k = i; k <= j; ++k)
      r[order[k]] = (double(i) + double(j)) / 2;
    i = j + 1;
  }
  return r;
}

double spearman(const std::vector<double> &x, const std::vector<double> &y) {
  std::vector<double> a = ranks(x), b = ranks(y);
  double ma = std::accumulate(a.begin(), a.end(), 0.0) / a.size(), mb = std::accumulate(b.begin(), b.end(), 0.0) / b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  return sab / std::sqrt(saa * sbb);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: zero_cost_nb201 NB201.nasa [--archs N] [--batch B] [--data DIR] [--table CSV]\n";
    return 2;
  }
  int64_t archs = 50, batchSize = 64;
  std::string dataDir = "../shared/data/cifar10-subset", table = "../shared/data/nb201/nb201_cifar10.csv";
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--archs")
      archs = std::stoll(argv[i + 1]);
    else if (a == "--batch")
      batchSize = std::stoll(argv[i + 1]);
    else if (a == "--data")
      dataDir = argv[i + 1];
    else if (a == "--table")
      table = argv[i + 1];
  }
  try {
    nn::useAllCores();
    runtime::Artefact art = runtime::loadArtefact(argv[1]);
    const auto &search = art.searches().at(0);
    runtime::Space space(art.space(search["settings"]["space"]["space"].get<std::string>()), &search);
    search::TableEstimator truth(space, table, "cifar10valid_test_acc");
    data::Dataset ds = data::loadCifar10(dataDir, true);
    data::Loader loader(ds, batchSize, true, 0, {}, data::channelStats(ds));
    data::Batch batch = loader.batch(0);

    runtime::Rng rng(0);
    std::set<std::string> seen;
    std::map<std::string, std::vector<double>> scores;
    std::vector<double> accuracy;
    auto start = std::chrono::steady_clock::now();
    while (int64_t(accuracy.size()) < archs) {
      runtime::Architecture a = space.sample(rng);
      if (!seen.insert(space.id(a)).second)
        continue;
      torch::manual_seed(0);
      auto net = nn::Network::child(art.ops(), space, a);
      for (const std::string &p : nn::zeroCostProxies())
        scores[p].push_back(nn::zeroCostScore(*net, p, batch.images, batch.labels));
      accuracy.push_back(truth.evaluate(a, {}).metrics.at("accuracy"));
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("NAS-Bench-201 CIFAR-10: %lld random architectures, one batch of %lld real images, untrained; "
                "%.2f s per architecture for all proxies\n\n",
                (long long)archs, (long long)batchSize, secs / double(archs));
    std::map<std::string, std::string> published{{"naswot", "0.74-0.78 (Mellor et al. 2021)"},
                                                 {"synflow", "0.74 (Abdelfattah et al. 2021)"},
                                                 {"snip", "0.58 (Abdelfattah et al. 2021)"},
                                                 {"grad_norm", "0.58 (Abdelfattah et al. 2021)"},
                                                 {"jacob_cov", "0.73 (Abdelfattah et al. 2021)"}};
    std::printf("%-10s %24s   %s\n", "proxy", "Spearman vs accuracy", "published (all 15,625, batch 64-128)");
    for (const std::string &p : nn::zeroCostProxies())
      std::printf("%-10s %24.3f   %s\n", p.c_str(), spearman(scores[p], accuracy), published[p].c_str());
  } catch (const std::exception &e) {
    std::cerr << "zero_cost_nb201: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
