//===- zero_cost_nb201.cpp - Zero-cost proxies against NAS-Bench-201 -------===//
//
//   zero_cost_nb201 NB201.nasa [--archs N] [--batch B] [--data DIR] [--table CSV] [--csv OUT]
//
// Scores N distinct random NAS-Bench-201 architectures (the benchmark's own
// network: 16 channels, 5 cells a stage) untrained on one batch of real
// CIFAR-10 images with every proxy the runtime has, and prints each proxy's
// Spearman rank correlation with the table's `cifar10valid_test_acc` (the
// column proxy papers correlate with), next to the published figures; the
// same for two strong baselines that need no network (the parameter count,
// the table's, and FLOPs, the compiler's), and for ensembles: the average
// of the members' ranks ("vote" of all proxies, and of the best pairs and
// triples with the baselines). Each proxy's throughput (architectures per
// second, network construction included) on this machine.
//
// The best pair or triple picked on a sample flatters itself, so it is also
// picked on the even-numbered architectures and scored on the odd-numbered
// ones (held out). --csv OUT writes every architecture's scores.
//
// The sample is fixed: the first N distinct architectures Space::sample
// draws from a generator seeded 0 (uniform over the 15,625 cells), so two
// runs with the same N score the same networks.
//
//===----------------------------------------------------------------------===//
#include "nasc/data/Loader.h"
#include "nasc/nn/Train.h"
#include "nasc/nn/ZeroCost.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Plan.h"
#include "nasc/search/Proxy.h"
#include "nasc/search/TableEstimator.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

using namespace nasc;
using nasc::search::ranks;

namespace {

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
    std::cerr << "usage: zero_cost_nb201 NB201.nasa [--archs N] [--batch B] [--data DIR] [--table CSV] [--csv OUT]\n";
    return 2;
  }
  int64_t archs = 1000, batchSize = 64;
  std::string dataDir = "../shared/data/cifar10-subset", table = "../shared/data/nb201/nb201_cifar10.csv", csvOut;
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
    else if (a == "--csv")
      csvOut = argv[i + 1];
    else {
      std::cerr << "zero_cost_nb201: unknown option " << a << "\n";
      return 2;
    }
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
    std::map<std::string, double> proxySeconds;
    std::vector<double> accuracy;
    std::vector<std::string> ids;
    double buildSeconds = 0;
    auto start = std::chrono::steady_clock::now();
    while (int64_t(accuracy.size()) < archs) {
      runtime::Architecture a = space.sample(rng);
      if (!seen.insert(space.id(a)).second)
        continue;
      torch::manual_seed(0);
      auto t0 = std::chrono::steady_clock::now();
      auto net = nn::Network::child(art.ops(), space, a);
      buildSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (const std::string &p : nn::zeroCostProxies()) {
        auto t1 = std::chrono::steady_clock::now();
        scores[p].push_back(nn::zeroCostScore(*net, p, batch.images, batch.labels));
        proxySeconds[p] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      }
      search::Evaluation e = truth.evaluate(a, {});
      ids.push_back(space.id(a));
      accuracy.push_back(e.metrics.at("accuracy"));
      scores["params"].push_back(e.metrics.at("params"));
      scores["flops"].push_back(runtime::plan(art.ops(), space, a).flops);
      if (accuracy.size() % 100 == 0)
        std::fprintf(stderr, "zero_cost_nb201: %zu of %lld architectures, %.0f s\n", accuracy.size(),
                     (long long)archs,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
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
    published["params"] = "0.73 (Abdelfattah et al. 2021, #params)";
    published["flops"] = "0.69 (Abdelfattah et al. 2021)";
    std::printf("%-28s %10s %10s   %s\n", "score", "Spearman", "archs/s", "published (all 15,625, batch 64-128)");
    std::vector<std::string> all = nn::zeroCostProxies();
    for (const std::string &p : all)
      std::printf("%-28s %10.3f %10.1f   %s\n", p.c_str(), spearman(scores[p], accuracy),
                  double(archs) / (proxySeconds[p] + buildSeconds), published[p].c_str());
    for (const char *p : {"params", "flops"})
      std::printf("%-28s %10.3f %10s   %s\n", p, spearman(scores[p], accuracy), "-", published[p].c_str());
    // Ensembles: the mean of the members' ranks.
    // `parity` -1 takes every architecture, 0 the even-numbered, 1 the odd.
    auto vote = [&](const std::vector<std::string> &members, int parity = -1) {
      std::vector<double> truthPart;
      std::vector<std::vector<double>> parts(members.size());
      for (size_t i = 0; i < accuracy.size(); ++i)
        if (parity < 0 || int(i % 2) == parity) {
          truthPart.push_back(accuracy[i]);
          for (size_t m = 0; m < members.size(); ++m)
            parts[m].push_back(scores[members[m]][i]);
        }
      return spearman(search::averageRanks(parts), truthPart); // as zero_cost_ranking's vote
    };
    std::vector<std::string> pool = all;
    pool.push_back("params");
    pool.push_back("flops");
    std::printf("%-28s %10.3f %10s   %s\n", "vote (all proxies)", vote(all), "-",
                "above 0.85 (best published ensembles)");
    // Every pair and triple of proxies and baselines, best first (the
    // pick is made on this sample: read it as what an ensemble can reach).
    std::vector<std::pair<double, std::string>> combos;
    for (size_t i = 0; i < pool.size(); ++i)
      for (size_t j = i + 1; j < pool.size(); ++j) {
        combos.push_back({vote({pool[i], pool[j]}), pool[i] + "+" + pool[j]});
        for (size_t k = j + 1; k < pool.size(); ++k)
          combos.push_back({vote({pool[i], pool[j], pool[k]}), pool[i] + "+" + pool[j] + "+" + pool[k]});
      }
    std::sort(combos.rbegin(), combos.rend());
    for (size_t c = 0; c < std::min<size_t>(5, combos.size()); ++c)
      std::printf("%-28s %10.3f %10s   %s\n", ("vote " + combos[c].second).c_str(), combos[c].first, "-",
                  c == 0 ? "(the best on this sample)" : "");
    // Held out: pick on the even half, score on the odd half.
    std::pair<double, std::vector<std::string>> pick{-2, {}};
    for (size_t i = 0; i < pool.size(); ++i)
      for (size_t j = i + 1; j < pool.size(); ++j) {
        std::vector<std::string> two{pool[i], pool[j]};
        pick = std::max(pick, {vote(two, 0), two});
        for (size_t k = j + 1; k < pool.size(); ++k) {
          std::vector<std::string> three{pool[i], pool[j], pool[k]};
          pick = std::max(pick, {vote(three, 0), three});
        }
      }
    std::string name;
    for (const std::string &m : pick.second)
      name += (name.empty() ? "" : "+") + m;
    std::printf("%-28s %10.3f %10s   picked on the even half (%.3f there), scored on the odd half\n",
                ("vote " + name).c_str(), vote(pick.second, 1), "-", pick.first);
    if (!csvOut.empty()) {
      std::FILE *f = std::fopen(csvOut.c_str(), "w");
      if (!f)
        throw std::runtime_error("cannot write " + csvOut);
      std::fprintf(f, "arch,accuracy");
      for (const std::string &m : pool)
        std::fprintf(f, ",%s", m.c_str());
      std::fprintf(f, "\n");
      for (size_t i = 0; i < accuracy.size(); ++i) {
        std::fprintf(f, "\"%s\",%.17g", ids[i].c_str(), accuracy[i]);
        for (const std::string &m : pool)
          std::fprintf(f, ",%.17g", scores[m][i]);
        std::fprintf(f, "\n");
      }
      std::fclose(f);
    }
  } catch (const std::exception &e) {
    std::cerr << "zero_cost_nb201: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
