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
#include <sqlite3.h>

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

namespace {

/// W workers evaluating a study's trials, each result coming back in an
/// order drawn from `rng` (a worker finishing ahead of another), told with
/// `seconds` (0.5: each is committed at once). Stops after `stopAfter`
/// tells (0: runs to the end and finishes). The seqs it handed out.
std::vector<int64_t> runWorkers(Study &study, size_t workers, Rng &rng, size_t stopAfter,
                                std::vector<int64_t> *told = nullptr) {
  std::vector<Trial> out;
  std::vector<int64_t> handed;
  size_t tells = 0;
  while (true) {
    while (out.size() < workers) {
      std::optional<Trial> t = study.ask();
      if (!t)
        break;
      handed.push_back(t->seq);
      out.push_back(*t);
    }
    if (out.empty())
      break;
    size_t pick = size_t(uniformIndex(rng, out.size()));
    Trial t = out[pick];
    out.erase(out.begin() + std::ptrdiff_t(pick));
    study.tell(t, nb201().table->evaluate(t.arch, t.hyper), 0.5);
    if (told)
      told->push_back(t.seq);
    if (stopAfter && ++tells == stopAfter)
      return handed; // "killed": no finish
  }
  study.finish();
  return handed;
}

} // namespace

// A window of W: whatever order W workers' results come in, the strategy
// asks and hears in one interleaving, so the search is the same.
TEST(Study, AWindowMakesTheSearchIndependentOfTheOrderResultsComeIn) {
  auto search = [](uint64_t orderSeed) {
    DriverOptions opt = budget(80);
    opt.window = 4;
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Study study(nb201().space, nb201().search, *s, nullptr, opt);
    Rng rng(orderSeed);
    runWorkers(study, 4, rng, 0);
    return ids(study.finish().records);
  };
  std::vector<std::string> first = search(1);
  EXPECT_EQ(first.size(), 80u);
  EXPECT_EQ(search(2), first);
  EXPECT_EQ(search(3), first);
  // Without a window the order of results shapes the search (evolution
  // breeds from what it has heard), which is what the window is for.
  auto unordered = [](uint64_t orderSeed) {
    DriverOptions opt = budget(80);
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Study study(nb201().space, nb201().search, *s, nullptr, opt);
    Rng rng(orderSeed);
    runWorkers(study, 4, rng, 0);
    return ids(study.finish().records);
  };
  EXPECT_NE(unordered(1), unordered(2));
}

// Killed with trials out and results told ahead of an earlier trial: the
// resumed study hands the outstanding trials out again (same seq), takes
// the told results from the store without evaluating them again, and ends
// with exactly the records of a run that was never stopped.
TEST(Study, KilledWithTrialsOutResumesWithoutLosingAResult) {
  DriverOptions opt = budget(60);
  opt.window = 3;
  std::vector<std::string> uninterrupted;
  {
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Study study(nb201().space, nb201().search, *s, nullptr, opt);
    Rng rng(5);
    runWorkers(study, 3, rng, 0);
    uninterrupted = ids(study.finish().records);
  }
  std::string path = nasc_test::tempDir() + "/study-killed-with-trials-out.db";
  std::vector<int64_t> toldBefore;
  size_t recordedBefore = 0;
  {
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Store store(path, SearchDriver::storeMeta(nb201().space, nb201().search, opt), false);
    Study study(nb201().space, nb201().search, *s, &store, opt);
    Rng rng(9);
    runWorkers(study, 3, rng, 25, &toldBefore);
    recordedBefore = study.result().records.size();
    ASSERT_GT(study.outstanding(), 0u);
    ASSERT_GT(std::count_if(toldBefore.begin(), toldBefore.end(),
                            [&](int64_t seq) { return seq > int64_t(recordedBefore); }),
              0)
        << "no result came ahead of an earlier trial: this kill tests less than it says";
  } // killed: destroyed without finish()
  opt.resume = true;
  std::unique_ptr<Strategy> s = strategyOf(opt);
  Store store(path, SearchDriver::storeMeta(nb201().space, nb201().search, opt), true);
  ASSERT_TRUE(store.pending());
  Study study(nb201().space, nb201().search, *s, &store, opt);
  EXPECT_EQ(study.result().records.size(), recordedBefore);
  Rng rng(13);
  std::vector<int64_t> handed = runWorkers(study, 3, rng, 0);
  for (int64_t seq : handed)
    EXPECT_EQ(std::count(toldBefore.begin(), toldBefore.end(), seq), 0)
        << "trial " << seq << " was told before the kill and evaluated again";
  ASSERT_FALSE(handed.empty());
  EXPECT_LE(handed.front(), int64_t(recordedBefore) + 3) << "the trials out at the kill come first";
  EXPECT_EQ(ids(study.finish().records), uninterrupted);
}

// The pending trials carry a checksum like every row.
TEST(Study, AnEditedPendingListIsRefused) {
  std::string path = nasc_test::tempDir() + "/study-edited-pending.db";
  DriverOptions opt = budget(20);
  opt.window = 2;
  {
    std::unique_ptr<Strategy> s = strategyOf(opt);
    Store store(path, SearchDriver::storeMeta(nb201().space, nb201().search, opt), false);
    Study study(nb201().space, nb201().search, *s, &store, opt);
    Rng rng(3);
    runWorkers(study, 2, rng, 7);
  }
  {
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE pending SET trials = replace(trials, '\"seq\"', '\"seq_\"')", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_changes(db), 1) << "no pending trials were stored";
    sqlite3_close(db);
  }
  opt.resume = true;
  Store store(path, SearchDriver::storeMeta(nb201().space, nb201().search, opt), true);
  try {
    store.pending();
    FAIL() << "an edited pending list was read";
  } catch (const StoreError &e) {
    EXPECT_NE(std::string(e.what()).find("pending trials (after row seq"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}
