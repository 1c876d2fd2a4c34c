//===- nb201_pareto.cpp - NSGA-II against the exact NAS-Bench-201 fronts --===//
//
// For each search of bench/nb201_pareto.nas (validation accuracy up; the
// table's parameters, or one of 7 devices' latency, down) runs NSGA-II
// alone and with its surrogate screen (surrogate="gp"), and
// random search, through the search driver, `--seeds` seeds each, and prints
// the hypervolume of the Pareto set each run returns after 100, 300 and
// 1000 evaluations as a fraction of the exact front's (from all 15,625
// rows of the table):
//   - "valid": in the space the search optimizes (validation accuracy,
//     cost);
//   - "test": the same returned set re-scored with test accuracy, against
//     the exact (test accuracy, cost) front: what a user gets.
// Hypervolume: each objective scaled to [0, 1] over the exact front's
// range (1 = the front's best), the reference point at -0.1 in both
// (pymoo's 1.1 x nadir). Prefixes of one 1000-evaluation run give the
// smaller budgets (the driver is sequential, so a run with a smaller
// budget asks exactly that prefix).
//
//   bench/nb201_pareto.sh [BUILD_DIR] [--seeds N] [--budgets 100,300,1000] [--only params]
//
//===----------------------------------------------------------------------===//
#include "BenchUtil.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Pareto.h"
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
using search::Objectives;

namespace {

/// Hypervolume relative to an exact front: points (accuracy, cost) with
/// accuracy maximized and cost minimized.
class FrontScale {
public:
  explicit FrontScale(const std::vector<std::pair<double, double>> &all) {
    std::vector<Objectives> p;
    for (auto [acc, cost] : all)
      p.push_back({acc, -cost});
    search::ParetoSet set;
    for (size_t i = 0; i < p.size(); ++i)
      set.add(p[i], i);
    front_ = set.points();
    accLo_ = costLo_ = 1e300;
    accHi_ = costHi_ = -1e300;
    for (const Objectives &q : front_) {
      accLo_ = std::min(accLo_, q[0]), accHi_ = std::max(accHi_, q[0]);
      costLo_ = std::min(costLo_, -q[1]), costHi_ = std::max(costHi_, -q[1]);
    }
    exact_ = volume(front_);
  }
  size_t size() const { return front_.size(); }
  /// The fraction of the exact front's hypervolume `points` dominate.
  double fraction(const std::vector<std::pair<double, double>> &points) const {
    std::vector<Objectives> p;
    for (auto [acc, cost] : points)
      p.push_back({acc, -cost});
    return volume(p) / exact_;
  }

private:
  std::vector<Objectives> front_;
  double accLo_, accHi_, costLo_, costHi_, exact_ = 0;
  double volume(const std::vector<Objectives> &p) const {
    std::vector<Objectives> scaled;
    for (const Objectives &q : p)
      scaled.push_back({(q[0] - accLo_) / (accHi_ - accLo_), (costHi_ + q[1]) / (costHi_ - costLo_)});
    return search::hypervolume(scaled, {-0.1, -0.1});
  }
};

/// The cost objective's metric name in the table estimator's metrics.
std::string costMetric(const Json &objective) {
  const Json &v = objective.at("value");
  std::string m = v.at("metric").get<std::string>();
  if (m == "params")
    return m;
  Json args = v.value("args", Json::object()); // named: items() of a temporary dangles
  for (auto &[k, a] : args.items())
    return m + "/" + (a.is_object() ? a.value("const", std::string()) : a.get<std::string>());
  return m;
}

} // namespace

int main(int argc, char **argv) {
  std::string artefactPath, base = ".", only;
  size_t seeds = 20;
  std::vector<size_t> budgets{100, 300, 1000};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--base" && i + 1 < argc)
      base = argv[++i];
    else if (a == "--seeds" && i + 1 < argc)
      seeds = std::stoul(argv[++i]);
    else if (a == "--budgets" && i + 1 < argc)
      budgets = parseList(argv[++i]);
    else if (a == "--only" && i + 1 < argc)
      only = argv[++i];
    else if (artefactPath.empty() && a[0] != '-')
      artefactPath = a;
    else {
      std::cerr << "usage: nb201_pareto ARTEFACT [--base DIR] [--seeds N] [--budgets 100,300,1000] [--only COST]\n";
      return 2;
    }
  }
  if (artefactPath.empty()) {
    std::cerr << "usage: nb201_pareto ARTEFACT [--base DIR] [--seeds N] [--budgets 100,300,1000] [--only COST]\n";
    return 2;
  }
  std::sort(budgets.begin(), budgets.end());
  try {
    runtime::Artefact art = runtime::loadArtefact(artefactPath);
    std::printf("NAS-Bench-201 CIFAR-10 Pareto fronts: hypervolume of the returned set / the exact front's,\n"
                "mean +- std over %zu seeds; 'valid' in the searched objectives, 'test' re-scored with test "
                "accuracy\n\n",
                seeds);
    std::printf("%-14s %6s %-8s %6s %16s %16s %8s\n", "cost", "front", "strategy", "evals", "valid", "test",
                "seconds");
    for (const Json &search : art.searches()) {
      std::string cost = costMetric(search.at("objectives").at(1));
      if (!only.empty() && cost != only && cost != "latency/" + only)
        continue;
      runtime::Space space(art.space(search["settings"]["space"]["space"].get<std::string>()), &search);
      auto table = search::TableEstimator::fromSetting(space, search["settings"]["estimator"], base);
      std::vector<std::pair<double, double>> valid, test;
      for (const auto &row : table->rows()) {
        double c = cost == "params" ? row.params : table->latency(row, cost.substr(8));
        valid.push_back({row.value, c});
        test.push_back({row.report, c});
      }
      FrontScale validFront(valid), testFront(test);
      search::SearchSettings set = search::SearchDriver::settings(search);
      for (const std::string row : {std::string("nsga2"), std::string("nsga2+gp"), std::string("random")}) {
        std::string impl = row == "random" ? row : "nsga2";
        Json args = impl == "nsga2" ? set.strategyArgs : Json::object();
        if (row == "nsga2+gp")
          args["surrogate"] = "gp";
        std::vector<std::vector<double>> fv(budgets.size()), ft(budgets.size());
        auto start = std::chrono::steady_clock::now();
        for (size_t seed = 0; seed < seeds; ++seed) {
          search::DriverOptions o;
          o.budget = budgets.back();
          o.seed = seed;
          auto strategy = search::makeStrategy(impl, space, args, seed);
          search::SearchResult r = search::SearchDriver(space, search, *strategy, *table, nullptr, o).run();
          // The Pareto set of each prefix.
          search::ParetoSet prefix;
          size_t b = 0;
          for (size_t i = 0; i < r.records.size(); ++i) {
            const search::Record &rec = r.records[i];
            if (!rec.cached && rec.score > -INFINITY)
              prefix.add({rec.objectives[0], -rec.objectives[1]}, i);
            if (i + 1 == budgets[b]) {
              std::vector<std::pair<double, double>> pv, pt;
              for (size_t t : prefix.tags()) {
                const search::Record &m = r.records[t];
                pv.push_back({m.objectives[0], m.objectives[1]});
                pt.push_back({m.eval.report.at("accuracy"), m.objectives[1]});
              }
              fv[b].push_back(validFront.fraction(pv));
              ft[b].push_back(testFront.fraction(pt));
              if (++b == budgets.size())
                break;
            }
          }
        }
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (size_t b = 0; b < budgets.size(); ++b) {
          Stats v = stats(fv[b]), t = stats(ft[b]);
          std::printf("%-14s %6zu %-8s %6zu %9.4f +- %4.3f %9.4f +- %4.3f %8.2f\n", cost.c_str(), validFront.size(),
                      row.c_str(), budgets[b], v.mean, v.std, t.mean, t.std, b + 1 == budgets.size() ? secs : 0.0);
        }
      }
    }
    std::printf("\nfront: architectures on the exact (validation accuracy, cost) front; nsga2 with the "
                "searches' settings\n(bench/nb201_pareto.nas); nsga2+gp the same with surrogate=\"gp\" "
                "(NSGANetV2's screening);\nrandom search without repeats; seconds: all seeds' runs of %zu "
                "evaluations\n",
                budgets.back());
  } catch (const std::exception &e) {
    std::cerr << "nb201_pareto: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
