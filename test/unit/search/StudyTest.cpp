//===- StudyTest.cpp - Driving a search by hand: ask, evaluate, tell ------===//
//
// The host evaluates (the Python API, an embedding program): a Study must
// give the same search as SearchDriver, take results in any order, never
// hand out an architecture twice, and leave a store that resumes.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Store.h"
#include "nasc/search/Study.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace nasc::runtime;
using namespace nasc::search;

namespace {

using nasc_test::nb201;

std::unique_ptr<Strategy> strategyOf(const DriverOptions &opt) {
  SearchSettings s = SearchDriver::settings(nb201().search, opt);
  return makeStrategy(s.strategy, nb201().space, s.strategyArgs, s.seed);
}

DriverOptions budget(uint64_t n) {
  DriverOptions opt;
  opt.budget = n;
  return opt;
}

std::vector<std::string> ids(const std::vector<Record> &records) {
  std::vector<std::string> out;
  for (const Record &r : records)
    out.push_back(r.id + (r.cached ? " (cached)" : ""));
  return out;
}

/// Asks the given architectures in order, then nothing.
class ListStrategy : public Strategy {
public:
  explicit ListStrategy(std::vector<Architecture> list) : list_(std::move(list)) {}
  std::optional<Architecture> ask() override {
    if (next_ >= list_.size())
      return std::nullopt;
    return list_[next_++];
  }
  void tell(const Architecture &a, double score) override { told.emplace_back(a, score); }
  Json save() const override { return Json{{"next", next_}}; }
  void restore(const Json &state) override { next_ = state.at("next").get<size_t>(); }
  std::vector<std::pair<Architecture, double>> told;

private:
  std::vector<Architecture> list_;
  size_t next_ = 0;
};

} // namespace

// The driver is a loop over a Study: the same loop by hand (the table as
// the host's evaluator) gives the same records, cache hits included.
TEST(Study, ByHandIsTheDriversSearch) {
  DriverOptions opt = budget(300);
  std::unique_ptr<Strategy> s1 = strategyOf(opt), s2 = strategyOf(opt);
  SearchResult driven = SearchDriver(nb201().space, nb201().search, *s1, *nb201().table, nullptr, opt).run();
  Study study(nb201().space, nb201().search, *s2, nullptr, opt);
  size_t handedOut = 0;
  while (std::optional<Trial> t = study.ask()) {
    ++handedOut;
    study.tell(*t, nb201().table->evaluate(t->arch, t->hyper));
  }
  const SearchResult &byHand = study.finish();
  EXPECT_EQ(ids(byHand.records), ids(driven.records));
  ASSERT_TRUE(byHand.best && driven.best);
  EXPECT_EQ(byHand.best->id, driven.best->id);
  EXPECT_EQ(byHand.stopReason, "budget");
  EXPECT_EQ(handedOut, driven.estimatorCalls);
  EXPECT_LT(handedOut, 300u) << "repeats are answered from the cache, not handed out";
}

// Several trials out at once: told in reverse or in order, the strategy
// and the records see them in ask order, so the search is the same.
TEST(Study, ResultsToldInAnyOrderAreRecordedInAskOrder) {
  auto search = [](bool reverse) {
    DriverOptions opt = budget(60);
    opt.batch = 4;
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Study study(nb201().space, nb201().search, *s, nullptr, opt);
    bool more = true;
    while (more) {
      std::vector<Trial> out;
      for (int i = 0; i < 4; ++i) {
        std::optional<Trial> t = study.ask();
        if (!t) {
          more = false;
          break;
        }
        out.push_back(*t);
      }
      EXPECT_EQ(study.outstanding(), out.size());
      if (reverse)
        std::reverse(out.begin(), out.end());
      for (const Trial &t : out)
        study.tell(t, nb201().table->evaluate(t.arch, t.hyper));
    }
    return ids(study.finish().records);
  };
  std::vector<std::string> inOrder = search(false);
  EXPECT_EQ(inOrder.size(), 60u);
  EXPECT_EQ(search(true), inOrder);
}

// An architecture asked again while its first trial is out is not handed
// out twice: it is recorded from the cache once the first is told.
TEST(Study, ARepeatOfAnOutstandingTrialWaitsForIt) {
  const Space &space = nb201().space;
  Rng rng(11);
  Architecture a = space.canonical(space.sample(rng)), b = space.canonical(space.sample(rng));
  ASSERT_NE(space.id(a), space.id(b));
  ListStrategy strategy({a, a, b});
  Study study(space, nb201().search, strategy, nullptr, budget(3));
  std::optional<Trial> first = study.ask(), second = study.ask();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->arch, a);
  EXPECT_EQ(second->arch, b) << "the repeat of a was handed out";
  EXPECT_EQ(second->seq, 3);
  EXPECT_FALSE(study.ask()) << "the budget is spent: 2 out, 1 waiting";
  Evaluation eb = nb201().table->evaluate(b, {});
  study.tell(*second, eb);
  EXPECT_TRUE(strategy.told.empty()) << "b was told to the strategy before a, asked first";
  study.tell(*first, nb201().table->evaluate(a, {}));
  ASSERT_EQ(strategy.told.size(), 3u);
  EXPECT_EQ(strategy.told[0].first, a);
  EXPECT_EQ(strategy.told[1].first, a);
  EXPECT_EQ(strategy.told[2].first, b);
  const SearchResult &r = study.finish();
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_FALSE(r.records[0].cached);
  EXPECT_TRUE(r.records[1].cached);
  EXPECT_EQ(r.records[1].score, r.records[0].score);
  EXPECT_EQ(r.records[2].eval.metrics.at("accuracy"), eb.metrics.at("accuracy"));
  EXPECT_EQ(r.stopReason, "budget");
}

TEST(Study, TellingATrialTwiceOrAStrangerIsAnError) {
  std::unique_ptr<Strategy> s = strategyOf(budget(5));
  Study study(nb201().space, nb201().search, *s, nullptr, budget(5));
  std::optional<Trial> t = study.ask();
  ASSERT_TRUE(t);
  Evaluation e = nb201().table->evaluate(t->arch, t->hyper);
  study.tell(*t, e);
  EXPECT_THROW(study.tell(*t, e), std::invalid_argument);
  Trial stranger = *t;
  stranger.seq = 42;
  EXPECT_THROW(study.tell(stranger, e), std::invalid_argument);
}

// A study the host stops with trials out records them as failed (the
// strategy has asked them), and a later resume continues from the store.
TEST(Study, FinishedWithTrialsOutAndResumed) {
  std::string path = nasc_test::tempDir() + "/study.db";
  DriverOptions opt = budget(40);
  std::vector<std::string> asked;
  {
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Store store(path, SearchDriver::storeMeta(nb201().space, nb201().search, opt), false);
    Study study(nb201().space, nb201().search, *s, &store, opt);
    for (int i = 0; i < 10; ++i) {
      std::optional<Trial> t = study.ask();
      ASSERT_TRUE(t);
      study.tell(*t, nb201().table->evaluate(t->arch, t->hyper), 0.5);
    }
    std::optional<Trial> left = study.ask();
    ASSERT_TRUE(left);
    const SearchResult &r = study.finish();
    EXPECT_EQ(r.stopReason, "stopped");
    ASSERT_FALSE(r.records.empty());
    EXPECT_EQ(r.records.back().seq, left->seq);
    EXPECT_EQ(r.records.back().eval.error, "not told before the study finished");
    EXPECT_FALSE(study.ask()) << "a finished study asks nothing";
  }
  opt.resume = true;
  std::unique_ptr<Strategy> s = strategyOf(opt);
  Store store(path, SearchDriver::storeMeta(nb201().space, nb201().search, opt), true);
  Study study(nb201().space, nb201().search, *s, &store, opt);
  size_t before = study.result().records.size();
  EXPECT_TRUE(study.result().resumed);
  EXPECT_GE(before, 11u);
  while (std::optional<Trial> t = study.ask()) {
    EXPECT_GT(t->seq, int64_t(before));
    study.tell(*t, nb201().table->evaluate(t->arch, t->hyper), 0.5);
  }
  const SearchResult &r = study.finish();
  EXPECT_EQ(r.records.size(), 40u);
  EXPECT_EQ(r.stopReason, "budget");
  for (size_t i = 0; i < r.records.size(); ++i)
    EXPECT_EQ(r.records[i].seq, int64_t(i) + 1);
}
