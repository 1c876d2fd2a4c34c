//===- ProxyTest.cpp - zero_cost_ranking and the strategies' warm-up ------===//
//
// With test-double scorers on NAS-Bench-201 (a network proxy needs
// LibTorch; test/Runtime/search-zero-cost-ranking.test runs the real ones):
// an oracle that scores by the table's validation accuracy, and one that
// scores by parameter count.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Proxy.h"
#include "nasc/search/Store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace nasc::runtime;
using namespace nasc::search;

namespace {

using nasc_test::Nb201;
using nasc_test::nb201;

/// Scores by a table column; remembers every call.
class TableScorer : public ProxyScorer {
public:
  explicit TableScorer(std::string metric) : metric_(std::move(metric)) {}
  std::vector<double> score(const std::vector<Architecture> &candidates) override {
    calls.push_back(candidates);
    std::vector<double> s;
    for (const Architecture &a : candidates)
      s.push_back(nb201().table->evaluate(a, {}).metrics.at(metric_));
    return s;
  }
  std::vector<std::vector<Architecture>> calls;

private:
  std::string metric_;
};

double meanValid(const std::vector<Architecture> &archs) {
  double sum = 0;
  for (const Architecture &a : archs)
    sum += nb201().valid(a);
  return sum / double(archs.size());
}

TEST(Proxy, RanksShareTiesAndEnsemblesAverageThem) {
  EXPECT_EQ(ranks({3.0, 1.0, 3.0, 2.0}), (std::vector<double>{2.5, 0.0, 2.5, 1.0}));
  EXPECT_EQ(averageRanks({{1.0, 2.0, 3.0}, {30.0, 10.0, 20.0}}), (std::vector<double>{1.0, 0.5, 1.5}));
  std::vector<std::string> known{"naswot", "synflow", "jacob_cov", "params", "flops"};
  EXPECT_EQ(proxyMembers("synflow", known), (std::vector<std::string>{"synflow"}));
  EXPECT_EQ(proxyMembers("params+synflow+params", known), (std::vector<std::string>{"params", "synflow"}));
  EXPECT_EQ(proxyMembers("vote", known).size(), 3u);
  try {
    proxyMembers("synflow+fisher", known);
    FAIL() << "fisher accepted";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("no proxy 'fisher' (in 'synflow+fisher')"), std::string::npos) << e.what();
  }
}

TEST(ZeroCostRanking, AsksTheProxysTopOfEachRoundBestFirst) {
  Nb201 &nb = nb201();
  TableScorer scorer("params");
  std::unique_ptr<Strategy> s =
      makeStrategy("zero_cost_ranking", nb.space, Json{{"samples", 20}, {"top_k", 4}, {"proxy", "params"}}, 3);
  EXPECT_EQ(s->proxyNeeded(), "params");
  s->setProxyScorer(&scorer);
  DriverOptions opt;
  opt.budget = 8;
  SearchResult r = SearchDriver(nb.space, nb.search, *s, *nb.table, nullptr, opt).run();
  ASSERT_EQ(r.records.size(), 8u);
  ASSERT_EQ(scorer.calls.size(), 2u); // two rounds of 20
  std::set<std::string> ids;
  for (size_t round = 0; round < 2; ++round) {
    const std::vector<Architecture> &drawn = scorer.calls[round];
    ASSERT_EQ(drawn.size(), 20u);
    std::vector<double> params;
    for (const Architecture &a : drawn)
      params.push_back(nb.table->evaluate(a, {}).metrics.at("params"));
    std::sort(params.rbegin(), params.rend());
    for (size_t i = 0; i < 4; ++i) {
      const Record &rec = r.records[round * 4 + i];
      EXPECT_EQ(rec.eval.metrics.at("params"), params[i]) << round << " " << i;
      EXPECT_TRUE(ids.insert(rec.id).second) << "asked twice: " << rec.id;
    }
  }
  // The second round never draws one the first asked.
  for (const Architecture &a : scorer.calls[1])
    for (size_t i = 0; i < 4; ++i)
      EXPECT_NE(nb.space.id(a), r.records[i].id);
}

TEST(ZeroCostRanking, ResumesAsIfNeverStopped) {
  Nb201 &nb = nb201();
  auto run = [&](uint64_t budget, Store *store, bool resume) {
    TableScorer scorer("accuracy");
    std::unique_ptr<Strategy> s =
        makeStrategy("zero_cost_ranking", nb.space, Json{{"samples", 30}, {"top_k", 5}, {"proxy", "vote"}}, 9);
    s->setProxyScorer(&scorer);
    DriverOptions opt;
    opt.budget = budget, opt.resume = resume;
    return SearchDriver(nb.space, nb.search, *s, *nb.table, store, opt).run();
  };
  SearchResult whole = run(15, nullptr, false);
  std::string path = nasc_test::tempDir() + "/zcr.db";
  DriverOptions opt;
  {
    Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), false);
    run(7, &store, false); // mid-round
  }
  opt.resume = true;
  Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), true);
  SearchResult resumed = run(15, &store, true);
  ASSERT_EQ(resumed.records.size(), whole.records.size());
  for (size_t i = 0; i < whole.records.size(); ++i)
    EXPECT_EQ(resumed.records[i].id, whole.records[i].id) << i;
}

TEST(ZeroCostRanking, RefusesToRunWithoutAScorerAndBadArguments) {
  Nb201 &nb = nb201();
  std::unique_ptr<Strategy> s = makeStrategy("zero_cost_ranking", nb.space, Json::object(), 0);
  EXPECT_EQ(s->proxyNeeded(), "vote");
  EXPECT_THROW(s->ask(), std::logic_error);
  EXPECT_THROW(makeStrategy("zero_cost_ranking", nb.space, Json{{"samples", 5}, {"top_k", 6}}, 0),
               std::invalid_argument);
  EXPECT_THROW(makeStrategy("evolution", nb.space, Json{{"warmup", -1}}, 0), std::invalid_argument);
}

TEST(Warmup, EvolutionAndModelBasedStartFromTheProxysBest) {
  // With an oracle proxy (the table's validation accuracy), the first
  // population is the best of the scored sample, best first; without
  // warmup the strategies need no scorer and start uniformly.
  Nb201 &nb = nb201();
  for (auto [impl, initial, initialArg] : std::vector<std::tuple<std::string, size_t, const char *>>{
           {"evolution", 10, "population"}, {"bananas", 10, "initial"}, {"bayesian", 10, "initial"}}) {
    SCOPED_TRACE(impl);
    EXPECT_EQ(makeStrategy(impl, nb.space, Json::object(), 0)->proxyNeeded(), "");
    TableScorer oracle("accuracy");
    std::unique_ptr<Strategy> s =
        makeStrategy(impl, nb.space, Json{{initialArg, int(initial)}, {"warmup", 200}, {"proxy", "synflow"}}, 5);
    EXPECT_EQ(s->proxyNeeded(), "synflow");
    s->setProxyScorer(&oracle);
    std::vector<Architecture> first;
    for (size_t i = 0; i < initial; ++i) {
      first.push_back(*s->ask());
      s->tell(first.back(), nb.valid(first.back()));
    }
    ASSERT_EQ(oracle.calls.size(), 1u);
    std::vector<Architecture> drawn = oracle.calls[0];
    ASSERT_EQ(drawn.size(), 200u);
    std::stable_sort(drawn.begin(), drawn.end(),
                     [&](const Architecture &a, const Architecture &b) { return nb.valid(a) > nb.valid(b); });
    drawn.resize(initial);
    for (size_t i = 0; i < initial; ++i)
      EXPECT_EQ(nb.space.id(first[i]), nb.space.id(drawn[i])) << i;
    // Uniform draws average ~83 % validation accuracy on NB201.
    EXPECT_GT(meanValid(first), 88.0);
    s->ask(); // after the warm-up: no second scoring
    EXPECT_EQ(oracle.calls.size(), 1u);
  }
}

} // namespace
