//===- nb201_search.cpp - Random search and evolution on NAS-Bench-201 ----===//
//
// Runs the runtime's random search and regularized evolution through the
// search driver on the NAS-Bench-201 table (CIFAR-10), many seeds each, and
// prints the mean +- std of the reported test accuracy of the architecture
// each run returns (the best by validation accuracy), next to
//   - the exact expectation for random search without replacement, from the
//     table (order statistics, below),
//   - the published figures (Dong & Yang, ICLR 2020).
//
//   nasc compile examples/nb201_evolution.nas --emit=artefact -o nb201.nasa
//   nb201_search nb201.nasa [--base DIR] [--seeds N] [--first-seed S] [--budgets 100,300]
//
// `--base`: the directory the search's table path is relative to (the
// project root; default "."). bench/nb201_search.sh does all of it.
//
// Exact expectation. Sort the N architectures by validation accuracy,
// best first; rank k. Among n distinct architectures drawn uniformly, the
// best is rank k with probability C(N-k, n-1) / C(N, n) (the other n-1 come
// from the N-k below it). Ties: the driver keeps the first of equal scores
// it sees, and the draw order is uniform, so within a group of equal
// validation accuracy each member is returned with equal probability: the
// expectation uses the group's mean test accuracy (and mean square, for the
// std) for every rank of the group, which is exact.
//
//===----------------------------------------------------------------------===//
#include "BenchUtil.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/TableEstimator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

using namespace nasc;
using runtime::Json;
using nasc_bench::parseList;
using nasc_bench::Stats;
using nasc_bench::stats;

namespace {

/// The exact mean and std of the reported accuracy random search without
/// replacement returns after n evaluations.
Stats exactRandom(const std::vector<search::TableEstimator::Row> &rows, size_t n) {
  std::vector<const search::TableEstimator::Row *> r;
  for (const auto &row : rows)
    r.push_back(&row);
  std::stable_sort(r.begin(), r.end(), [](auto *a, auto *b) { return a->value > b->value; });
  size_t N = r.size();
  // Tie groups: mean test accuracy and mean square per group.
  std::vector<double> m1(N), m2(N);
  for (size_t i = 0; i < N;) {
    size_t j = i;
    double s1 = 0, s2 = 0;
    while (j < N && r[j]->value == r[i]->value)
      s1 += r[j]->report, s2 += r[j]->report * r[j]->report, ++j;
    for (size_t k = i; k < j; ++k)
      m1[k] = s1 / double(j - i), m2[k] = s2 / double(j - i);
    i = j;
  }
  // P(rank 1) = n / N; P(k+1) / P(k) = (N - k - n + 1) / (N - k).
  double p = double(n) / double(N), e1 = 0, e2 = 0, total = 0;
  for (size_t k = 1; k <= N - n + 1; ++k) {
    e1 += p * m1[k - 1];
    e2 += p * m2[k - 1];
    total += p;
    p *= double(N - k - n + 1) / double(N - k);
  }
  Stats s;
  s.mean = e1 / total; // total is 1 up to rounding
  s.std = std::sqrt(std::max(0.0, e2 / total - s.mean * s.mean));
  return s;
}

} // namespace

int main(int argc, char **argv) {
  std::string artefactPath, base = ".", only;
  size_t seeds = 100, firstSeed = 0;
  std::vector<size_t> budgets{100, 300};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--base" && i + 1 < argc)
      base = argv[++i];
    else if (a == "--seeds" && i + 1 < argc)
      seeds = std::stoul(argv[++i]);
    else if (a == "--first-seed" && i + 1 < argc)
      firstSeed = std::stoul(argv[++i]);
    else if (a == "--budgets" && i + 1 < argc)
      budgets = parseList(argv[++i]);
    else if (a == "--only" && i + 1 < argc)
      only = argv[++i];
    else if (artefactPath.empty() && a[0] != '-')
      artefactPath = a;
    else {
      std::cerr << "usage: nb201_search ARTEFACT [--base DIR] [--seeds N] [--first-seed S] [--budgets 100,300] [--only IMPL,...]\n";
      return 2;
    }
  }
  if (artefactPath.empty()) {
    std::cerr << "usage: nb201_search ARTEFACT [--base DIR] [--seeds N] [--first-seed S] [--budgets 100,300] [--only IMPL,...]\n";
    return 2;
  }
  try {
    runtime::Artefact art = runtime::loadArtefact(artefactPath);
    const Json *searchPtr = nullptr;
    for (const Json &s : art.searches())
      if (s.at("settings").contains("estimator") && s["settings"]["estimator"].value("impl", "") == "table")
        searchPtr = &s;
    if (!searchPtr)
      throw std::runtime_error(artefactPath + ": no search with a table estimator");
    const Json &search = *searchPtr;
    runtime::Space space(art.space(search["settings"]["space"]["space"].get<std::string>()), &search);
    auto t0 = std::chrono::steady_clock::now();
    auto table = search::TableEstimator::fromSetting(space, search["settings"]["estimator"], base);
    double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto &rows = table->rows();
    const auto *opt = &rows[0];
    for (const auto &r : rows)
      if (r.value > opt->value)
        opt = &r;
    search::SearchSettings set = search::SearchDriver::settings(search);

    std::printf("NAS-Bench-201 CIFAR-10: %zu architectures (%s), table %s loaded in %.2f s\n", rows.size(),
                space.name().c_str(), table->file().c_str(), loadSeconds);
    std::printf("search sees %s, reports %s; %zu seeds per row; mean +- std (population std) of the reported\n"
                "test accuracy of the architecture each run returns (best validation accuracy seen)\n\n",
                search["settings"]["estimator"]["args"]["column"].value("const", "?").c_str(),
                search["settings"]["estimator"]["args"]["report"].value("const", "?").c_str(), seeds);
    std::printf("%-36s %6s %16s %16s %9s %8s\n", "strategy", "evals", "test acc", "exact (random)", "distinct",
                "seconds");
    struct Config {
      std::string label, impl;
      Json args;
    };
    std::vector<Config> configs{
        {"random search (no repeats)", "random", Json::object()},
        {"REA P=" + set.strategyArgs.value("population", Json(50)).dump() + " S=" +
             set.strategyArgs.value("sample", Json(25)).dump() + " (the example's)",
         set.strategy, set.strategyArgs},
        {"REA P=50 S=25 (std/search defaults)", "evolution", Json{{"population", 50}, {"sample", 25}}},
        {"REINFORCE lr=0.01 (std/search)", "reinforce", Json::object()},
        {"PPO lr=0.5 batch=8 (std/search)", "ppo", Json::object()},
        {"local search, 10 initial", "local_search", Json::object()},
        {"BANANAS (std/search defaults)", "bananas", Json::object()},

        {"BO, GP + EI (std/search defaults)", "bayesian", Json::object()},
    };
    for (size_t n : budgets) {
      Stats exact = exactRandom(rows, n);
      for (const Config &c : configs) {
        if (!only.empty() && ("," + only + ",").find("," + c.impl + ",") == std::string::npos)
          continue;
        std::vector<double> tests;
        double distinct = 0;
        auto start = std::chrono::steady_clock::now();
        for (size_t seed = firstSeed; seed < firstSeed + seeds; ++seed) {
          search::DriverOptions o;
          o.budget = n;
          o.seed = seed;
          auto strategy = search::makeStrategy(c.impl, space, c.args, seed);
          search::SearchResult r = search::SearchDriver(space, search, *strategy, *table, nullptr, o).run();
          if (!r.best)
            throw std::runtime_error("a run found nothing");
          tests.push_back(r.best->eval.report.at("accuracy"));
          distinct += double(r.estimatorCalls);
        }
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        Stats s = stats(tests);
        char exactText[32] = "";
        if (c.impl == "random")
          std::snprintf(exactText, sizeof exactText, "%.2f +- %.2f", exact.mean, exact.std);
        std::printf("%-36s %6zu %8.2f +- %4.2f %16s %9.1f %8.2f\n", c.label.c_str(), n, s.mean, s.std, exactText,
                    distinct / double(seeds), secs);
      }
    }
    std::printf("\npublished (NAS-Bench-201, 12,000 s simulated budget, 500 runs): random 93.70 +- 0.36, "
                "REA 93.92 +- 0.30, REINFORCE 93.85 +- 0.37; optimum %.2f (valid %.4f)\n",
                opt->report, opt->value);
    std::printf("'distinct': architectures evaluated per run (evolution's repeats are answered from the cache\n"
                "and still count toward the budget)\n");
  } catch (const std::exception &e) {
    std::cerr << "nb201_search: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
