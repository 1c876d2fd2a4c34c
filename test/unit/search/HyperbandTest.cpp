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

#include <gtest/gtest.h>

#include <cmath>
#include <map>

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
                 bool resume = false) {
  Nb201 &nb = nb201();
  std::unique_ptr<Strategy> s =
      makeStrategy(impl, nb.space, Json{{"min_epochs", 1}, {"max_epochs", 27}, {"eta", 3}}, 4);
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
  Nb201 &nb = nb201();
  LearningCurve a(nb), b(nb);
  SearchResult whole = run("hyperband", 69, a);
  std::string path = nasc_test::tempDir() + "/hyperband.db";
  DriverOptions opt;
  opt.budget = 31; // mid-rung (the second rung of the first bracket)
  {
    Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), false);
    run("hyperband", 31, b, &store);
  }
  opt.resume = true;
  Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), true);
  LearningCurve c(nb);
  SearchResult resumed = run("hyperband", 69, c, &store, true);
  ASSERT_EQ(resumed.records.size(), 69u);
  for (size_t i = 0; i < 69; ++i) {
    ASSERT_EQ(resumed.records[i].id, whole.records[i].id) << i;
    ASSERT_EQ(budgetOf(resumed.records[i]), budgetOf(whole.records[i])) << i;
  }
  EXPECT_EQ(resumed.best->id, whole.best->id);
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
