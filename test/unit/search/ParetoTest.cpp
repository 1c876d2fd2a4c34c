//===- ParetoTest.cpp - Dominance, sorting, hypervolume, NSGA-II ----------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Pareto.h"
#include "nasc/search/Store.h"
#include "nasc/search/TableEstimator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

using namespace nasc::runtime;
using namespace nasc::search;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Pareto, DominanceAndFronts) {
  EXPECT_TRUE(dominates({2, 2}, {1, 2}));
  EXPECT_FALSE(dominates({2, 2}, {2, 2}));
  EXPECT_FALSE(dominates({3, 1}, {1, 3}));
  EXPECT_TRUE(dominates({0, 0}, {-kInf, -kInf})); // feasible beats infeasible
  EXPECT_FALSE(dominates({-kInf, -kInf}, {-kInf, -kInf}));
  //        0       1       2       3       4       5            6
  std::vector<Objectives> p{{1, 5}, {2, 4}, {1, 4}, {3, 1}, {0, 0}, {-kInf, -kInf}, {2, 4}};
  std::vector<std::vector<size_t>> fronts = nonDominatedSort(p);
  ASSERT_EQ(fronts.size(), 4u);
  EXPECT_EQ(fronts[0], (std::vector<size_t>{0, 1, 3, 6}));
  EXPECT_EQ(fronts[1], (std::vector<size_t>{2}));
  EXPECT_EQ(fronts[2], (std::vector<size_t>{4}));
  EXPECT_EQ(fronts[3], (std::vector<size_t>{5}));
}

TEST(Pareto, CrowdingDistance) {
  // A front along x + y = 10: extremes infinite, inner points the
  // normalized gaps between their neighbours, summed over both objectives.
  std::vector<Objectives> p{{0, 10}, {2, 8}, {5, 5}, {10, 0}};
  std::vector<double> d = crowdingDistance(p, {0, 1, 2, 3});
  EXPECT_EQ(d[0], kInf);
  EXPECT_EQ(d[3], kInf);
  EXPECT_DOUBLE_EQ(d[1], 2 * (5.0 - 0.0) / 10.0);
  EXPECT_DOUBLE_EQ(d[2], 2 * (10.0 - 2.0) / 10.0);
  // Infeasible points: no distance from an objective that is not finite.
  std::vector<Objectives> q{{-kInf, -kInf}, {-kInf, -kInf}, {-kInf, -kInf}};
  EXPECT_EQ(crowdingDistance(q, {0, 1, 2}), (std::vector<double>{0, 0, 0}));
}

/// Hypervolume by counting the unit cells of an integer grid that some
/// point dominates (exact for integer coordinates).
double countCells(const std::vector<Objectives> &p, const Objectives &ref, int hi) {
  size_t m = ref.size();
  double count = 0;
  std::vector<int> c(m, 0);
  while (true) {
    bool covered = false;
    for (const Objectives &q : p) {
      bool all = true;
      for (size_t k = 0; k < m; ++k)
        all &= q[k] >= ref[k] + c[k] + 1;
      covered |= all;
    }
    count += covered;
    size_t k = 0;
    while (k < m && ++c[k] == hi)
      c[k++] = 0;
    if (k == m)
      return count;
  }
}

TEST(Pareto, HypervolumeIsExact) {
  Rng rng(3);
  for (size_t m : {1u, 2u, 3u, 4u})
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<Objectives> p;
      for (int i = 0; i < 12; ++i) {
        Objectives q;
        for (size_t k = 0; k < m; ++k)
          q.push_back(double(uniformIndex(rng, 7)) - 1); // some at or below the reference
        p.push_back(q);
      }
      Objectives ref(m, 0.0);
      EXPECT_DOUBLE_EQ(hypervolume(p, ref), countCells(p, ref, 6)) << "m=" << m << " trial " << trial;
    }
  EXPECT_EQ(hypervolume({{-kInf, -kInf}}, {0, 0}), 0);
}

TEST(Pareto, IncrementalSetIsTheFirstFront) {
  Rng rng(11);
  std::vector<Objectives> p;
  ParetoSet set;
  for (size_t i = 0; i < 400; ++i) {
    p.push_back({double(uniformIndex(rng, 50)), double(uniformIndex(rng, 50)), double(uniformIndex(rng, 50))});
    set.add(p.back(), i);
  }
  std::vector<size_t> tags = set.tags();
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(tags, nonDominatedSort(p)[0]);
  for (size_t i = 0; i < tags.size(); ++i)
    EXPECT_EQ(set.points()[i], p[set.tags()[i]]);
}

/// examples/pareto.nas (accuracy up, params down on the NB201 table).
struct ParetoSearch {
  const Artefact &art = nasc_test::compiled(nasc_test::sourceDir() + "/examples/pareto.nas");
  Json search = art.searches().at(0);
  Space space{art.space("NB201Pareto.space"), &search};
  std::unique_ptr<TableEstimator> table =
      TableEstimator::fromSetting(space, search["settings"]["estimator"], nasc_test::sourceDir());
};
ParetoSearch &paretoSearch() {
  static ParetoSearch p;
  return p;
}

SearchResult run(const std::string &impl, const Json &args, uint64_t seed, uint64_t budget, Store *store = nullptr,
                 bool resume = false) {
  ParetoSearch &ps = paretoSearch();
  std::unique_ptr<Strategy> s = makeStrategy(impl, ps.space, args, seed);
  DriverOptions opt;
  opt.budget = budget;
  opt.seed = seed;
  opt.resume = resume;
  return SearchDriver(ps.space, ps.search, *s, *ps.table, store, opt).run();
}

/// The hypervolume of a result's Pareto set (accuracy, -params), from the
/// reference (80 %, -1.6 M params).
double hypervolumeOf(const SearchResult &r) {
  std::vector<Objectives> p;
  for (const Record &rec : r.pareto)
    p.push_back({rec.objectives[0], -rec.objectives[1] / 1e6});
  return hypervolume(p, {80.0, -1.6});
}

TEST(Nsga2, SelectionKeepsTheBestFrontsAndTheirSpread) {
  // Population 4: after 8 tells (generation 0 and its children) the
  // parents are the first fronts, the last one cut by crowding distance.
  ParetoSearch &ps = paretoSearch();
  std::unique_ptr<Strategy> s = makeStrategy("nsga2", ps.space, Json{{"population", 4}}, 1);
  std::vector<Objectives> told{{1, 9}, {2, 2}, {5, 5}, {9, 1}, {3, 3}, {0, 0}, {4, 4}, {-kInf, -kInf}};
  std::vector<std::string> ids;
  for (size_t i = 0; i < told.size(); ++i) {
    std::optional<Architecture> a = s->ask();
    ASSERT_TRUE(a);
    ids.push_back(ps.space.fullId(*a));
    s->tellObjectives(*a, told[i][0], std::isinf(told[i][0]) ? Objectives{} : told[i]);
  }
  // Fronts: {1,9},{5,5},{9,1} | {4,4} | {3,3} | {2,2} | ... The first three
  // and then {4,4}.
  Json state = s->save();
  std::set<std::string> parents;
  for (const Json &m : state.at("parents"))
    parents.insert(ps.space.fullId(architectureFromJson(m.at("arch"))));
  EXPECT_EQ(parents, (std::set<std::string>{ids[0], ids[2], ids[3], ids[6]}));
  EXPECT_EQ(state.at("generation"), 2);
  // With a front larger than the room left, the extremes survive.
  std::unique_ptr<Strategy> t = makeStrategy("nsga2", ps.space, Json{{"population", 3}}, 1);
  std::vector<Objectives> line{{0, 10}, {1, 9}, {2, 8}, {10, 0}, {4, 6}, {5, 5}};
  ids.clear();
  for (const Objectives &o : line) {
    std::optional<Architecture> a = t->ask();
    ids.push_back(ps.space.fullId(*a));
    t->tellObjectives(*a, o[0], o);
  }
  parents.clear();
  Json after = t->save(); // a named copy: a range-for over a temporary's member dangles
  for (const Json &m : after.at("parents"))
    parents.insert(ps.space.fullId(architectureFromJson(m.at("arch"))));
  EXPECT_TRUE(parents.count(ids[0]) && parents.count(ids[3])) << "the extremes of the front";
  EXPECT_TRUE(parents.count(ids[4]) || parents.count(ids[5])) << "then the least crowded inner point";
}

TEST(Nsga2, ChildrenComeFromTheParents) {
  // Past generation 0, every child is a crossover + mutation of parents:
  // it agrees with some parent on all but a few decisions.
  ParetoSearch &ps = paretoSearch();
  std::unique_ptr<Strategy> s = makeStrategy("nsga2", ps.space, Json{{"population", 10}, {"mutation_rate", 0.0}}, 4);
  Rng rng(5);
  for (int i = 0; i < 10; ++i) {
    Architecture a = *s->ask();
    s->tellObjectives(a, 0, {double(uniformIndex(rng, 100)), double(uniformIndex(rng, 100))});
  }
  std::vector<Architecture> parents;
  Json state = s->save();
  for (const Json &m : state.at("parents"))
    parents.push_back(architectureFromJson(m.at("arch")));
  for (int i = 0; i < 10; ++i) {
    Architecture child = *s->ask();
    // Uniform crossover of two parents, then one decision changed: each
    // gene but one equals one of two parents' genes.
    bool explained = false;
    for (const Architecture &x : parents)
      for (const Architecture &y : parents) {
        int off = 0;
        for (size_t k = 0; k < child.choice.size(); ++k)
          off += child.choice[k] != x.choice[k] && child.choice[k] != y.choice[k];
        explained |= off <= 1;
      }
    EXPECT_TRUE(explained) << ps.space.id(child);
  }
}

TEST(Nsga2, BeatsRandomSearchOnTheTableFront) {
  // The mechanism at work: over the same budget NSGA-II's set dominates
  // more of (accuracy, params) than random search's (5 seeds each).
  double nsga = 0, random = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    nsga += hypervolumeOf(run("nsga2", Json{{"population", 40}}, seed, 500));
    random += hypervolumeOf(run("random", Json::object(), seed, 500));
  }
  EXPECT_GT(nsga, random * 1.005) << "nsga2 " << nsga / 5 << " random " << random / 5;
}

/// An nsga2 run of `budget` killed after `cut` evaluations (mid-generation)
/// and resumed asks what the uninterrupted run asked, and ends with its
/// Pareto set.
void expectResumeAsksTheSame(const Json &args, uint64_t cut, uint64_t budget, const std::string &name) {
  std::string whole = nasc_test::tempDir() + "/" + name + "-whole.db",
              part = nasc_test::tempDir() + "/" + name + "-cut.db";
  ParetoSearch &ps = paretoSearch();
  auto meta = [&](uint64_t b) {
    DriverOptions opt;
    opt.budget = b;
    return SearchDriver::storeMeta(ps.space, ps.search, opt);
  };
  SearchResult uninterrupted;
  {
    Store store(whole, meta(budget), false);
    uninterrupted = run("nsga2", args, 0, budget, &store);
  }
  {
    Store store(part, meta(cut), false);
    run("nsga2", args, 0, cut, &store);
  }
  Store store(part, meta(budget), true);
  SearchResult resumed = run("nsga2", args, 0, budget, &store, true);
  ASSERT_EQ(resumed.records.size(), budget);
  for (size_t i = 0; i < budget; ++i)
    ASSERT_EQ(resumed.records[i].id, uninterrupted.records[i].id) << i;
  ASSERT_EQ(resumed.pareto.size(), uninterrupted.pareto.size());
  for (size_t i = 0; i < resumed.pareto.size(); ++i)
    EXPECT_EQ(resumed.pareto[i].id, uninterrupted.pareto[i].id);
}

TEST(Nsga2, ResumedRunKeepsTheSamePareto) { expectResumeAsksTheSame(Json{{"population", 40}}, 130, 300, "plain"); }

// surrogate="gp" (NSGANetV2's screen): of 20x as many children, those a
// Gaussian process per objective expects to add hypervolume are asked; over
// the same budget and seeds its set dominates more than plain NSGA-II's.
TEST(Nsga2, SurrogateScreenBeatsPlainNsga2) {
  double plain = 0, screened = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    plain += hypervolumeOf(run("nsga2", Json{{"population", 20}}, seed, 200));
    screened += hypervolumeOf(run("nsga2", Json{{"population", 20}, {"surrogate", "gp"}}, seed, 200));
  }
  EXPECT_GT(screened, plain * 1.005) << "screened " << screened / 5 << " plain " << plain / 5;
}

TEST(Nsga2, SurrogateRunResumesToTheSameAsks) {
  expectResumeAsksTheSame(Json{{"population", 20}, {"surrogate", "gp"}, {"candidates", 5}}, 70, 120, "gp");
}

TEST(Space, CrossoverMixesTheParentsGenes) {
  ParetoSearch &ps = paretoSearch();
  Rng rng(9);
  size_t fromBoth = 0;
  for (int i = 0; i < 50; ++i) {
    Architecture a = ps.space.sample(rng), b = ps.space.sample(rng);
    Architecture c = ps.space.crossover(a, b, rng);
    bool anyA = false, anyB = false;
    for (size_t k = 0; k < c.choice.size(); ++k) {
      ASSERT_TRUE(c.choice[k] == a.choice[k] || c.choice[k] == b.choice[k]);
      anyA |= c.choice[k] == a.choice[k] && a.choice[k] != b.choice[k];
      anyB |= c.choice[k] == b.choice[k] && a.choice[k] != b.choice[k];
    }
    fromBoth += anyA && anyB;
    EXPECT_EQ(c, ps.space.canonical(c));
  }
  EXPECT_GT(fromBoth, 25u);
}

} // namespace
