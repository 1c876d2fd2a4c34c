//===- HyperbandTest.cpp - Hyperband and successive halving ---------------===//
//
// On a learning-curve test double: NAS-Bench-201's validation accuracy
// approached as 1 - exp(-epochs / tau), tau fixed per architecture, so the
// ranking at a low budget differs from the final one.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Store.h"
#include "nasc/search/TableEstimator.h"
#include "nasc/search/Tpe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <tuple>

using namespace nasc::runtime;
using namespace nasc::search;

namespace {

using nasc_test::Nb201;
using nasc_test::nb201;

class LearningCurve : public Estimator {
public:
  explicit LearningCurve(Nb201 &nb) : nb_(nb) {}
  bool takesBudget() const override { return true; }
  Evaluation evaluate(const Architecture &a, const std::map<std::string, Json> &h) override {
    return evaluateAt(a, h, 27);
  }
  Evaluation evaluateAt(const Architecture &a, const std::map<std::string, Json> &, int64_t budget) override {
    ++calls[budget];
    double final = nb_.table->evaluate(a, {}).metrics.at("accuracy");
    double tau = 1.0 + double(std::stoull(Space::hash(nb_.space.id(a)).substr(0, 4), nullptr, 16) % 20);
    Evaluation e;
    e.metrics["accuracy"] = final * (1.0 - std::exp(-double(budget) / tau));
    return e;
  }
  std::map<int64_t, int> calls;

private:
  Nb201 &nb_;
};

SearchResult run(const std::string &impl, uint64_t budget, Estimator &est, Store *store = nullptr,
                 bool resume = false, Json extra = Json::object(), uint64_t seed = 4) {
  Nb201 &nb = nb201();
  Json args{{"min_epochs", 1}, {"max_epochs", 27}, {"eta", 3}};
  args.update(extra);
  std::unique_ptr<Strategy> s = makeStrategy(impl, nb.space, args, seed);
  DriverOptions opt;
  opt.budget = budget;
  opt.resume = resume;
  return SearchDriver(nb.space, nb.search, *s, est, store, opt).run();
}

int64_t budgetOf(const Record &r) { return int64_t(r.eval.metrics.at("budget")); }

TEST(Hyperband, BracketsRungsAndBudgets) {
  // R = 27, r = 1, eta = 3: brackets s = 3, 2, 1, 0 of
  //   27 x 1, 9 x 3, 3 x 9, 1 x 27 | 12 x 3, 4 x 9, 1 x 27 | 6 x 9, 2 x 27 | 4 x 27
  // = 69 evaluations.
  LearningCurve lc(nb201());
  SearchResult r = run("hyperband", 69, lc);
  ASSERT_EQ(r.records.size(), 69u);
  std::map<int64_t, int> perBudget;
  for (const Record &rec : r.records)
    ++perBudget[budgetOf(rec)];
  EXPECT_EQ(perBudget, (std::map<int64_t, int>{{1, 27}, {3, 21}, {9, 13}, {27, 8}}));
  // The first bracket in order: 27 at 1 epoch, then 9 at 3, 3 at 9, 1 at 27.
  std::vector<int64_t> first;
  for (size_t i = 0; i < 40; ++i)
    first.push_back(budgetOf(r.records[i]));
  std::vector<int64_t> expected(27, 1);
  expected.insert(expected.end(), 9, 3);
  expected.insert(expected.end(), 3, 9);
  expected.push_back(27);
  EXPECT_EQ(first, expected);
  // Promotion keeps the best third of a rung: the 9 trained for 3 epochs
  // are the 9 best of the 27 after 1 epoch.
  std::vector<std::pair<double, std::string>> rung0;
  for (size_t i = 0; i < 27; ++i)
    rung0.push_back({r.records[i].score, r.records[i].id});
  std::sort(rung0.rbegin(), rung0.rend());
  std::set<std::string> top, promoted;
  for (size_t i = 0; i < 9; ++i)
    top.insert(rung0[i].second), promoted.insert(r.records[27 + i].id);
  EXPECT_EQ(promoted, top);
  // Only evaluations at the full 27 epochs compete for the best.
  ASSERT_TRUE(r.best);
  EXPECT_EQ(budgetOf(*r.best), 27);
  double bestFull = -1;
  for (const Record &rec : r.records)
    if (budgetOf(rec) == 27)
      bestFull = std::max(bestFull, rec.score);
  EXPECT_EQ(r.best->score, bestFull);
  // Each (architecture, budget) is trained once; a promoted one again, longer.
  EXPECT_EQ(lc.calls[1] + lc.calls[3] + lc.calls[9] + lc.calls[27], int(r.estimatorCalls));
}

TEST(Hyperband, SuccessiveHalvingRepeatsTheLargestBracket) {
  LearningCurve lc(nb201());
  SearchResult r = run("successive_halving", 80, lc);
  std::map<int64_t, int> perBudget;
  for (const Record &rec : r.records)
    ++perBudget[budgetOf(rec)];
  EXPECT_EQ(perBudget, (std::map<int64_t, int>{{1, 54}, {3, 18}, {9, 6}, {27, 2}}));
}

TEST(Hyperband, ResumedRunAsksTheSame) {
  // bohb: stopped in its third iteration, where the model proposes.
  for (auto [impl, total, stop] : std::vector<std::tuple<std::string, uint64_t, uint64_t>>{
           {"hyperband", 69, 31}, {"bohb", 207, 150}}) {
    SCOPED_TRACE(impl);
    Nb201 &nb = nb201();
    LearningCurve a(nb), b(nb);
    SearchResult whole = run(impl, total, a);
    std::string path = nasc_test::tempDir() + "/" + impl + ".db";
    DriverOptions opt;
    opt.budget = stop; // mid-rung
    {
      Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), false);
      run(impl, stop, b, &store);
    }
    opt.resume = true;
    Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), true);
    LearningCurve c(nb);
    SearchResult resumed = run(impl, total, c, &store, true);
    ASSERT_EQ(resumed.records.size(), total);
    for (size_t i = 0; i < total; ++i) {
      ASSERT_EQ(resumed.records[i].id, whole.records[i].id) << i;
      ASSERT_EQ(budgetOf(resumed.records[i]), budgetOf(whole.records[i])) << i;
    }
    EXPECT_EQ(resumed.best->id, whole.best->id);
  }
}

// ---- BOHB ---------------------------------------------------------------------

TEST(Bohb, WithOnlyRandomDrawsItIsHyperband) {
  LearningCurve a(nb201()), b(nb201());
  SearchResult hb = run("hyperband", 138, a);
  SearchResult bohb = run("bohb", 138, b, nullptr, false, Json{{"random_fraction", 1.0}});
  ASSERT_EQ(bohb.records.size(), hb.records.size());
  for (size_t i = 0; i < hb.records.size(); ++i) {
    ASSERT_EQ(bohb.records[i].id, hb.records[i].id) << i;
    ASSERT_EQ(budgetOf(bohb.records[i]), budgetOf(hb.records[i])) << i;
  }
}

TEST(Bohb, TheModelDrawsBetterArchitecturesThanHyperband) {
  // After the first Hyperband iteration (69 evaluations), a bracket's new
  // architectures come from the model or, one in three, at random. Those of
  // the largest bracket of iterations 2-4 (27 each, at 1 epoch) have better
  // final accuracies than Hyperband's uniform draws, over three seeds.
  Nb201 &nb = nb201();
  double hbSum = 0, bohbSum = 0;
  int count = 0;
  for (uint64_t seed : {1, 2, 3}) {
    LearningCurve a(nb), b(nb);
    SearchResult hb = run("hyperband", 276, a, nullptr, false, Json::object(), seed);
    SearchResult bohb = run("bohb", 276, b, nullptr, false, Json::object(), seed);
    for (size_t i = 69; i < 276; ++i) {
      if (budgetOf(hb.records[i]) != 1)
        continue;
      ASSERT_EQ(budgetOf(hb.records[i]), budgetOf(bohb.records[i])) << i;
      hbSum += nb.valid(nb.space.parseId(hb.records[i].id));
      bohbSum += nb.valid(nb.space.parseId(bohb.records[i].id));
      ++count;
    }
  }
  ASSERT_GT(count, 0);
  std::cout << "mean final accuracy of new architectures: hyperband " << hbSum / count << ", bohb "
            << bohbSum / count << "\n";
  EXPECT_GT(bohbSum / count, hbSum / count + 2.0);
}

TEST(Tpe, NeedsMorePointsThanDimensionsOnEachSide) {
  // NB201: 6 decisions of 5 values, N_min = 7; good = max(7, 15 % n),
  // bad = the next max(7, 85 % n): 14 evaluations are the fewest.
  TpeModel m(nb201().space, TpeModel::Options{});
  EXPECT_EQ(m.dimensions(), 6u);
  EXPECT_FALSE(m.enough(13));
  EXPECT_TRUE(m.enough(14));
  Rng rng(0);
  std::vector<std::pair<Architecture, double>> ev;
  for (int i = 0; i < 13; ++i)
    ev.push_back({nb201().space.sample(rng), double(i)});
  EXPECT_FALSE(m.fit(ev));
  EXPECT_FALSE(m.propose(rng, [](const Architecture &) { return true; }));
  ev.push_back({nb201().space.sample(rng), 13.0});
  EXPECT_TRUE(m.fit(ev));
}

TEST(Tpe, DensitiesSumToOneAndFavourTheGoodValues) {
  // Scores count the edges set to one value (position 3); the good density
  // is a distribution over all 15,625 cells, puts more mass on cells rich in
  // that value than the bad one, and the proposals carry it far more often
  // than uniform draws (1.2 edges of 6 on average).
  Nb201 &nb = nb201();
  Rng rng(7);
  auto hits = [](const Architecture &a) { return double(std::count(a.choice.begin(), a.choice.end(), 3)); };
  std::vector<std::pair<Architecture, double>> ev;
  for (int i = 0; i < 60; ++i) {
    Architecture a = nb.space.sample(rng);
    ev.push_back({a, hits(a) + 0.1 * uniformReal(rng)});
  }
  TpeModel m(nb.space, TpeModel::Options{});
  ASSERT_TRUE(m.fit(ev));
  double goodMass = 0, badMass = 0;
  Architecture all = nb.space.first();
  for (int64_t code = 0; code < 15625; ++code) {
    for (int64_t c = code, d = 0; d < 6; ++d, c /= 5)
      all.choice[size_t(d)] = c % 5;
    goodMass += m.good(all), badMass += m.bad(all);
  }
  EXPECT_NEAR(goodMass, 1.0, 1e-9);
  EXPECT_NEAR(badMass, 1.0, 1e-9);
  Architecture rich = all, poor = all;
  std::fill(rich.choice.begin(), rich.choice.end(), 3);
  std::fill(poor.choice.begin(), poor.choice.end(), 0);
  EXPECT_GT(m.good(rich) / m.bad(rich), m.good(poor) / m.bad(poor));
  double proposed = 0;
  for (int i = 0; i < 100; ++i) {
    std::optional<Architecture> a = m.propose(rng, [](const Architecture &) { return true; });
    ASSERT_TRUE(a);
    proposed += hits(*a);
  }
  EXPECT_GT(proposed / 100, 3.0);
  // What `accept` refuses is never proposed.
  for (int i = 0; i < 20; ++i) {
    std::optional<Architecture> a = m.propose(rng, [](const Architecture &x) { return x.choice[0] != 3; });
    ASSERT_TRUE(a);
    EXPECT_NE(a->choice[0], 3);
  }
}

TEST(Hyperband, RefusesAnEstimatorWithOneFidelity) {
  Nb201 &nb = nb201();
  std::unique_ptr<Strategy> s = makeStrategy("hyperband", nb.space, Json::object(), 0);
  try {
    SearchDriver(nb.space, nb.search, *s, *nb.table).run();
    FAIL() << "a table has no epochs to set";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("one fidelity"), std::string::npos) << e.what();
  }
}

} // namespace
