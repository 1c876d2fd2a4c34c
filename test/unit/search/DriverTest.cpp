//===- DriverTest.cpp - Searches end to end: driver, store, resume --------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Store.h"
#include "nasc/search/TableEstimator.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace nasc::runtime;
using namespace nasc::search;


namespace {

using nasc_test::Nb201;
using nasc_test::nb201;

std::unique_ptr<Strategy> strategyFor(const Space &space, const Json &search, const DriverOptions &opt = {}) {
  SearchSettings s = SearchDriver::settings(search, opt);
  return makeStrategy(s.strategy, space, s.strategyArgs, s.seed);
}

std::vector<std::string> ids(const SearchResult &r) {
  std::vector<std::string> out;
  for (const Record &rec : r.records)
    out.push_back(rec.id);
  return out;
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::exception &e) {
    return e.what();
  }
  return "(no error)";
}

SearchResult runNb201(uint64_t budget, Store *store = nullptr, bool resume = false) {
  Nb201 &nb = nb201();
  DriverOptions opt;
  opt.budget = budget;
  opt.resume = resume;
  std::unique_ptr<Strategy> s = strategyFor(nb.space, nb.search, opt);
  return SearchDriver(nb.space, nb.search, *s, *nb.table, store, opt).run();
}

TEST(Driver, EvolutionOnTheTable) {
  SearchResult r = runNb201(150);
  ASSERT_EQ(r.records.size(), 150u);
  EXPECT_EQ(r.stopReason, "budget");
  ASSERT_TRUE(r.best);
  // The best is the highest validation accuracy seen, reported with its test accuracy.
  double bestSeen = 0;
  for (const Record &rec : r.records)
    bestSeen = std::max(bestSeen, rec.eval.metrics.at("accuracy"));
  EXPECT_EQ(r.best->eval.metrics.at("accuracy"), bestSeen);
  EXPECT_EQ(r.best->score, bestSeen);
  EXPECT_EQ(r.best->id, nb201().space.fullId(r.best->arch));
  EXPECT_GT(r.best->eval.report.at("accuracy"), 80.0);
  // Children that repeat an evaluated architecture come from the cache and
  // count toward the budget.
  size_t cached = 0;
  for (const Record &rec : r.records)
    cached += rec.cached;
  EXPECT_EQ(r.estimatorCalls + cached, 150u);
  EXPECT_GT(cached, 0u);
  // Same seed, same search.
  EXPECT_EQ(ids(runNb201(150)), ids(r));
}

TEST(Driver, ResumedRunEndsLikeAnUninterruptedOne) {
  std::string whole = nasc_test::tempDir() + "/whole.db", cut = nasc_test::tempDir() + "/cut.db";
  Nb201 &nb = nb201();
  SearchResult uninterrupted;
  {
    DriverOptions opt;
    opt.budget = 60;
    Store store(whole, SearchDriver::storeMeta(nb.space, nb.search, opt), false);
    uninterrupted = runNb201(60, &store);
  }
  {
    DriverOptions opt;
    opt.budget = 25;
    Store store(cut, SearchDriver::storeMeta(nb.space, nb.search, opt), false);
    SearchResult first = runNb201(25, &store);
    ASSERT_EQ(first.records.size(), 25u);
  } // everything destroyed: strategy, driver, store
  SearchResult resumed;
  {
    DriverOptions opt;
    opt.budget = 60;
    opt.resume = true;
    Store store(cut, SearchDriver::storeMeta(nb.space, nb.search, opt), true);
    EXPECT_EQ(store.records().size(), 25u);
    resumed = runNb201(60, &store, true);
    EXPECT_TRUE(resumed.resumed);
    EXPECT_TRUE(store.finished());
  }
  ASSERT_EQ(resumed.records.size(), 60u);
  EXPECT_EQ(ids(resumed), ids(uninterrupted));
  ASSERT_TRUE(resumed.best && uninterrupted.best);
  EXPECT_EQ(resumed.best->id, uninterrupted.best->id);
  EXPECT_EQ(resumed.best->seq, uninterrupted.best->seq);
  // And both stores hold the same 60 evaluations.
  DriverOptions opt;
  opt.resume = true;
  Store a(whole, SearchDriver::storeMeta(nb.space, nb.search, opt), true), b(cut, SearchDriver::storeMeta(nb.space, nb.search, opt), true);
  std::vector<Record> ra = a.records(), rb = b.records();
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].id, rb[i].id);
    EXPECT_EQ(ra[i].score, rb[i].score);
    EXPECT_EQ(ra[i].cached, rb[i].cached);
    EXPECT_EQ(ra[i].eval.report, rb[i].eval.report);
  }
}

/// An estimator that takes its time, so a process can be killed mid-search.
class SlowTable : public Estimator {
public:
  explicit SlowTable(Estimator &inner) : inner_(inner) {}
  Evaluation evaluate(const Architecture &a, const std::map<std::string, Json> &h) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    return inner_.evaluate(a, h);
  }

private:
  Estimator &inner_;
};

TEST(Driver, KilledProcessLosesAtMostTheEvaluationInFlight) {
  Nb201 &nb = nb201();
  std::string path = nasc_test::tempDir() + "/killed.db";
  DriverOptions opt;
  opt.budget = 60;
  StoreMeta meta = SearchDriver::storeMeta(nb.space, nb.search, opt);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child searches until killed; no gtest in here.
    try {
      Store store(path, meta, false);
      SlowTable slow(*nb.table);
      std::unique_ptr<Strategy> s = strategyFor(nb.space, nb.search, opt);
      SearchDriver(nb.space, nb.search, *s, slow, &store, opt).run();
    } catch (...) {
      _exit(2);
    }
    _exit(0);
  }
  // Kill it once a few evaluations are stored (read-only peeks).
  for (int i = 0; i < 1000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    sqlite3 *db = nullptr;
    int64_t n = 0;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt *st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT count(*) FROM evaluations", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (n >= 5)
      break;
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";
  opt.resume = true;
  Store store(path, meta, true);
  std::vector<Record> stored = store.records();
  ASSERT_GT(stored.size(), 0u);
  ASSERT_LT(stored.size(), 60u);
  for (size_t i = 0; i < stored.size(); ++i)
    EXPECT_EQ(stored[i].seq, int64_t(i) + 1);
  EXPECT_FALSE(store.finished());
  SearchResult resumed = runNb201(60, &store, true);
  EXPECT_EQ(ids(resumed), ids(runNb201(60)));
}

TEST(Driver, BatchesOfAsksResumeIdentically) {
  // Four workers' worth of asks at a time (bayesian: its pending asks shape
  // the next ones): stopped after 4 batches and resumed, the same
  // evaluations as a run that never stopped. (A budget that cuts a batch
  // short changes when the strategy hears back, so a run continued from
  // it differs: same seed and worker count means the same batches.)
  Nb201 &nb = nb201();
  auto runBatched = [&](uint64_t budget, Store *store, bool resume) {
    DriverOptions opt;
    opt.budget = budget;
    opt.resume = resume;
    opt.batch = 4;
    std::unique_ptr<Strategy> s = makeStrategy("bayesian", nb.space, Json{{"candidates", 100}}, 0);
    return SearchDriver(nb.space, nb.search, *s, *nb.table, store, opt).run();
  };
  SearchResult whole = runBatched(40, nullptr, false);
  ASSERT_EQ(whole.records.size(), 40u);
  std::string path = nasc_test::tempDir() + "/batched.db";
  DriverOptions opt;
  opt.budget = 16;
  {
    Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), false);
    ASSERT_EQ(runBatched(16, &store, false).records.size(), 16u);
  }
  opt.resume = true;
  Store store(path, SearchDriver::storeMeta(nb.space, nb.search, opt), true);
  SearchResult resumed = runBatched(40, &store, true);
  EXPECT_EQ(ids(resumed), ids(whole));
}

TEST(Store, RefusesToOverwriteAndChecksTheFingerprint) {
  Nb201 &nb = nb201();
  std::string path = nasc_test::tempDir() + "/refuse.db";
  DriverOptions opt;
  opt.budget = 5;
  StoreMeta meta = SearchDriver::storeMeta(nb.space, nb.search, opt);
  {
    Store store(path, meta, false);
    runNb201(5, &store);
  }
  std::string again = errorOf([&] { Store(path, meta, false); });
  EXPECT_NE(again.find("already holds search 'NB201Evolution' (5 evaluations, finished): pass --resume"),
            std::string::npos)
      << again;
  StoreMeta other = meta;
  other.fingerprint = "0000000000000000";
  std::string different = errorOf([&] { Store(path, other, true); });
  EXPECT_NE(different.find("a different search or space"), std::string::npos) << different;
  EXPECT_NE(different.find("pass a new path"), std::string::npos) << different;
  StoreMeta seed = meta;
  seed.seed = 7;
  EXPECT_NE(errorOf([&] { Store(path, seed, true); }).find("seed 0, not 7"), std::string::npos);
  // The fingerprint ignores what a resume may change (budget, time, seed).
  Json longer = nb.search;
  longer["settings"]["evaluations"] = Json{{"const", 5000}};
  EXPECT_EQ(SearchDriver::fingerprint(nb.space, longer), meta.fingerprint);
  Json changed = nb.search;
  changed["settings"]["strategy"]["args"]["population"] = Json{{"const", 11}};
  EXPECT_NE(SearchDriver::fingerprint(nb.space, changed), meta.fingerprint);
  // Not a store.
  std::string junk = nasc_test::writeFile("junk.db", "this is not a database, not at all, no sir");
  EXPECT_NE(errorOf([&] { Store(junk, meta, false); }), "(no error)");
  // A resume of a path with nothing there starts a new run.
  Store fresh(nasc_test::tempDir() + "/fresh.db", meta, true);
  EXPECT_TRUE(fresh.records().empty());
  EXPECT_FALSE(fresh.snapshot());
}

TEST(Store, RecordsRoundTrip) {
  Nb201 &nb = nb201();
  std::string path = nasc_test::tempDir() + "/roundtrip.db";
  StoreMeta meta = SearchDriver::storeMeta(nb.space, nb.search, {});
  Store store(path, meta, false);
  Record r;
  r.seq = 1;
  r.arch = nb.space.parseId(nb.table->rows()[3].id);
  r.id = nb.space.fullId(r.arch);
  r.hash = Space::hash(r.id);
  r.eval.metrics = {{"accuracy", 90.5}, {"params", 1e6}};
  r.eval.report = {{"accuracy", 93.25}};
  r.eval.error = "";
  r.objectives = {90.5};
  r.score = -std::numeric_limits<double>::infinity();
  r.feasible = false;
  r.violated = "latency(\"pixel3\") <= 8.0";
  r.cached = true;
  r.seconds = 0.25;
  r.timestamp = "2026-01-01T00:00:00Z";
  store.append(r, Json{{"x", 1}});
  std::vector<Record> back = store.records();
  ASSERT_EQ(back.size(), 1u);
  const Record &b = back[0];
  EXPECT_EQ(b.seq, 1);
  EXPECT_EQ(b.id, r.id);
  EXPECT_EQ(b.hash, r.hash);
  EXPECT_EQ(b.arch, r.arch);
  EXPECT_EQ(b.eval.metrics, r.eval.metrics);
  EXPECT_EQ(b.eval.report, r.eval.report);
  EXPECT_EQ(b.objectives, r.objectives);
  EXPECT_EQ(b.score, r.score);
  EXPECT_EQ(b.feasible, false);
  EXPECT_EQ(b.violated, r.violated);
  EXPECT_EQ(b.cached, true);
  EXPECT_EQ(b.seconds, 0.25);
  EXPECT_EQ(b.timestamp, r.timestamp);
  EXPECT_EQ(store.snapshot().value(), (Json{{"x", 1}}));
  EXPECT_EQ(store.metaValue("strategy").value_or(""), "evolution {\"population\":10,\"sample\":3}");
}

const char *kConstrained = R"(
import "std/ops";
import "std/search";
import "std/spaces/nb201";

search Constrained {
  space = NasBench201();
  estimator = table(file="TABLE", column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = grid();
  seed = 0;
  require latency("pixel3") <= 8.0;
  OBJECTIVES
}
)";

SearchResult gridSearch(const std::string &objectives, const std::string &name, TableEstimator **tableOut = nullptr) {
  std::string text = kConstrained;
  text.replace(text.find("TABLE"), 5, nasc_test::nb201Table());
  text.replace(text.find("OBJECTIVES"), 10, objectives);
  const Artefact &art = nasc_test::compiled(nasc_test::writeFile(name, text));
  static std::vector<std::unique_ptr<Space>> spaces; // the estimator keeps a reference
  static std::vector<std::unique_ptr<TableEstimator>> tables;
  const Json &search = art.searches().at(0);
  spaces.push_back(std::make_unique<Space>(art.space("Constrained.space"), &search));
  Space &space = *spaces.back();
  tables.push_back(TableEstimator::fromSetting(space, search["settings"]["estimator"]));
  if (tableOut)
    *tableOut = tables.back().get();
  std::unique_ptr<Strategy> s = strategyFor(space, search);
  std::ostringstream progress;
  DriverOptions opt;
  opt.progress = &progress;
  opt.progressInterval = 1e9;
  SearchResult r = SearchDriver(space, search, *s, *tables.back(), nullptr, opt).run();
  // Not a terminal: plain lines, and one at the end saying why it stopped.
  EXPECT_NE(progress.str().find("search Constrained: 15625 evaluations, best"), std::string::npos) << progress.str();
  EXPECT_NE(progress.str().find("(exhausted)"), std::string::npos);
  EXPECT_EQ(progress.str().find('\r'), std::string::npos);
  return r;
}

TEST(Driver, HardConstraintsOverMetrics) {
  TableEstimator *table = nullptr;
  SearchResult r = gridSearch("maximize accuracy;", "constrained.nas", &table);
  ASSERT_EQ(r.records.size(), 15625u); // grid: every architecture, then exhausted
  EXPECT_EQ(r.stopReason, "exhausted");
  // The best is the most accurate cell within the latency limit.
  double best = -1;
  for (const auto &row : table->rows())
    if (table->latency(row, "pixel3") <= 8.0)
      best = std::max(best, row.value);
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.best->eval.metrics.at("accuracy"), best);
  EXPECT_LE(r.best->eval.metrics.at("latency/pixel3"), 8.0);
  size_t infeasible = 0;
  for (const Record &rec : r.records)
    if (!rec.feasible) {
      ++infeasible;
      EXPECT_EQ(rec.score, -std::numeric_limits<double>::infinity());
      EXPECT_EQ(rec.violated, "latency(\"pixel3\") <= 8.0");
      EXPECT_GT(rec.eval.metrics.at("latency/pixel3"), 8.0);
    }
  EXPECT_GT(infeasible, 0u);
  EXPECT_LT(infeasible, 15625u);
}

TEST(Driver, MinimizedAndSeveralObjectives) {
  TableEstimator *table = nullptr;
  SearchResult r = gridSearch("minimize params;\n  maximize accuracy;", "minimize.nas", &table);
  double fewest = 1e18;
  for (const auto &row : table->rows())
    if (table->latency(row, "pixel3") <= 8.0)
      fewest = std::min(fewest, row.params);
  ASSERT_TRUE(r.best);
  // The first objective scores (negated: minimized); both values are kept.
  EXPECT_EQ(r.best->objectives.size(), 2u);
  EXPECT_EQ(r.best->objectives[0], fewest);
  EXPECT_EQ(r.best->score, -fewest);
  EXPECT_EQ(r.best->objectives[1], r.best->eval.metrics.at("accuracy"));
  // Grid covered the space, so the Pareto set is the exact front of the
  // feasible cells: every feasible record no other one beats on both.
  std::set<std::string> front;
  for (const Record &a : r.records) {
    if (!a.feasible)
      continue;
    bool beaten = false;
    for (const Record &b : r.records)
      beaten |= b.feasible && b.objectives[0] <= a.objectives[0] && b.objectives[1] >= a.objectives[1] &&
                (b.objectives[0] < a.objectives[0] || b.objectives[1] > a.objectives[1]);
    if (!beaten)
      front.insert(a.id);
  }
  std::set<std::string> got;
  for (const Record &p : r.pareto)
    got.insert(p.id);
  EXPECT_GT(front.size(), 3u);
  EXPECT_EQ(got, front);
  EXPECT_TRUE(std::is_sorted(r.pareto.begin(), r.pareto.end(),
                             [](const Record &a, const Record &b) { return a.seq < b.seq; }));
}

TEST(Driver, ProgressBarOnATerminal) {
  Nb201 &nb = nb201();
  std::ostringstream out;
  DriverOptions opt;
  opt.budget = 20;
  opt.progress = &out;
  opt.tty = true;
  std::unique_ptr<Strategy> s = strategyFor(nb.space, nb.search, opt);
  SearchDriver(nb.space, nb.search, *s, *nb.table, nullptr, opt).run();
  std::string text = out.str();
  EXPECT_NE(text.find("\r["), std::string::npos) << text;
  EXPECT_NE(text.find("20/20"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(Driver, TimeLimitAndErrors) {
  Nb201 &nb = nb201();
  SlowTable slow(*nb.table);
  DriverOptions opt;
  opt.budget = 1000;
  opt.timeLimit = 0.1;
  std::unique_ptr<Strategy> s = strategyFor(nb.space, nb.search, opt);
  SearchResult r = SearchDriver(nb.space, nb.search, *s, slow, nullptr, opt).run();
  EXPECT_EQ(r.stopReason, "time limit");
  EXPECT_LT(r.records.size(), 1000u);
  // An estimator that throws: the record says why, the search goes on.
  class Broken : public Estimator {
  public:
    Evaluation evaluate(const Architecture &, const std::map<std::string, Json> &) override {
      throw std::runtime_error("GPU on fire");
    }
  } broken;
  DriverOptions o2;
  o2.budget = 3;
  std::unique_ptr<Strategy> s2 = strategyFor(nb.space, nb.search, o2);
  SearchResult r2 = SearchDriver(nb.space, nb.search, *s2, broken, nullptr, o2).run();
  ASSERT_EQ(r2.records.size(), 3u);
  EXPECT_EQ(r2.records[0].eval.error, "GPU on fire");
  EXPECT_FALSE(r2.best);
}

} // namespace

TEST(Store, OneWriterPerPathAndAnEmptyFileIsNotAFreshStart) {
  Nb201 &nb = nb201();
  std::string path = nasc_test::tempDir() + "/locked.db";
  StoreMeta meta = SearchDriver::storeMeta(nb.space, nb.search, {});
  {
    Store first(path, meta, false);
    // A second store on the path, even in this process, is refused by the
    // lock before SQLite is touched.
    std::string second = errorOf([&] { Store(path, meta, true); });
    EXPECT_NE(second.find("is in use by another search (process " + std::to_string(getpid()) + ")"),
              std::string::npos)
        << second;
    EXPECT_NE(second.find(path + ".lock"), std::string::npos) << second;
  }
  // Released with the first: resuming now works.
  EXPECT_EQ(errorOf([&] { Store(path, meta, true); }), "(no error)");
  // A 0-byte store under resume is an error; without resume a new run.
  std::string empty = nasc_test::writeFile("empty.db", "");
  std::string e = errorOf([&] { Store(empty, meta, true); });
  EXPECT_NE(e.find("empty file (0 bytes), not a search store: nothing to resume"), std::string::npos) << e;
  EXPECT_EQ(errorOf([&] { Store(empty, meta, false); }), "(no error)");
}

TEST(Store, EditedRowsAreNamedByFileAndRow) {
  Nb201 &nb = nb201();
  std::string path = nasc_test::tempDir() + "/edited.db";
  DriverOptions opt;
  opt.budget = 6;
  StoreMeta meta = SearchDriver::storeMeta(nb.space, nb.search, opt);
  {
    Store store(path, meta, false);
    runNb201(6, &store);
  }
  auto edit = [&](const std::string &sql) {
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  };
  edit("UPDATE evaluation_rows SET score = score + 1 WHERE seq = 4");
  Store store(path, meta, true);
  std::string e = errorOf([&] { store.records(); });
  EXPECT_NE(e.find(path + ": row seq 4: checksum"), std::string::npos) << e;
  // The driver's resume says the same (the store file, the row).
  e = errorOf([&] { runNb201(10, &store, true); });
  EXPECT_NE(e.find(path + ": row seq 4: checksum"), std::string::npos) << e;
}

// Format 3: a row that repeats an earlier row's texts (a cache hit) names
// that row in `same` instead of writing them again; reading (records(), the
// `evaluations` view) gives every row whole. A `same` that does not name an
// earlier row is an error naming the row.
Record repeatedRecord(int64_t seq, const std::string &id, double accuracy, bool cached) {
  Record r;
  r.seq = seq;
  r.id = id;
  r.hash = Space::hash(id);
  r.arch.choice = {int64_t(id.size()), 1, 2};
  r.eval.metrics = {{"accuracy", accuracy}, {"params", 1234.0}};
  r.eval.report = {{"accuracy", accuracy + 1}};
  r.objectives = {accuracy};
  r.score = accuracy;
  r.cached = cached;
  r.timestamp = "2026-12-07T00:00:00Z";
  return r;
}

std::vector<std::vector<std::string>> query(const std::string &path, const std::string &sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3 *db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt *st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    rows.emplace_back();
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char *t = sqlite3_column_text(st, i);
      rows.back().push_back(t ? reinterpret_cast<const char *>(t) : "NULL");
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

void expectSameRecords(const std::vector<Record> &a, const std::vector<Record> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].seq, b[i].seq);
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].hash, b[i].hash);
    EXPECT_EQ(a[i].arch, b[i].arch);
    EXPECT_EQ(a[i].eval.metrics.map(), b[i].eval.metrics.map());
    EXPECT_EQ(a[i].eval.report.map(), b[i].eval.report.map());
    EXPECT_EQ(a[i].objectives, b[i].objectives);
    EXPECT_EQ(a[i].cached, b[i].cached);
  }
}

TEST(Store, RepeatedTextsAreStoredOnce) {
  std::string path = nasc_test::tempDir() + "/same.db";
  StoreMeta meta{"S", "f", "evolution", 1, 5};
  std::vector<Record> written = {repeatedRecord(1, "a=1", 90, false), repeatedRecord(2, "b=2", 80, false),
                                 repeatedRecord(3, "a=1", 90, true), repeatedRecord(4, "a=1", 90, true),
                                 repeatedRecord(5, "b=2", 81, false)};
  {
    Store store(path, meta, false);
    store.append({written[0], written[1], written[2]}, Json::object());
    store.append({written[3], written[4]}, Json::object());
  }
  // Rows 3 and 4 name row 1; row 5 has other figures than row 2: whole.
  auto raw = query(path, "SELECT seq, same, id, metrics FROM evaluation_rows ORDER BY seq");
  ASSERT_EQ(raw.size(), 5u);
  EXPECT_EQ(raw[2], (std::vector<std::string>{"3", "1", "", ""}));
  EXPECT_EQ(raw[3], (std::vector<std::string>{"4", "1", "", ""}));
  EXPECT_EQ(raw[4][1], "NULL");
  EXPECT_EQ(raw[4][2], "b=2");
  // The view shows every row whole.
  auto view = query(path, "SELECT id, metrics FROM evaluations WHERE seq = 4");
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0][0], "a=1");
  EXPECT_EQ(view[0][1], raw.empty() ? "" : query(path, "SELECT metrics FROM evaluation_rows WHERE seq = 1")[0][0]);
  {
    Store store(path, meta, true);
    expectSameRecords(store.records(), written);
  }
  // Resumed, a repeat of a row written before the resume is written whole
  // once, then named.
  {
    Store store(path, meta, true);
    store.append({repeatedRecord(6, "a=1", 90, true), repeatedRecord(7, "a=1", 90, true)}, Json::object());
    auto rows = query(path, "SELECT same FROM evaluation_rows WHERE seq >= 6 ORDER BY seq");
    EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"NULL"}, {"6"}}));
    written.push_back(repeatedRecord(6, "a=1", 90, true));
    written.push_back(repeatedRecord(7, "a=1", 90, true));
    expectSameRecords(store.records(), written);
  }
  // `same` edited: the checksum; pointing at a later row: named so even
  // with the checksum left alone (same = 0 is not part of it).
  auto edit = [&](const std::string &sql) {
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  };
  std::string copy = nasc_test::tempDir() + "/same-edited.db";
  std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
  edit("UPDATE evaluation_rows SET same = 2 WHERE seq = 3");
  std::string e = errorOf([&] { Store(path, meta, true).records(); });
  EXPECT_NE(e.find(path + ": row seq 3: checksum"), std::string::npos) << e;
  path = copy;
  edit("UPDATE evaluation_rows SET same = 0 WHERE seq = 3");
  e = errorOf([&] { Store(path, meta, true).records(); });
  EXPECT_NE(e.find(path + ": row seq 3: same: row seq 0 is not an earlier row"), std::string::npos) << e;
}

// A format-2 store (before `same`) resumes and goes on in format 2: rows
// whole in the table `evaluations`.
TEST(Store, Format2StoresResumeInTheirFormat) {
  std::string path = nasc_test::tempDir() + "/format2.db";
  StoreMeta meta{"S", "f", "evolution", 1, 5};
  std::vector<Record> written = {repeatedRecord(1, "a=1", 90, false), repeatedRecord(2, "b=2", 80, false)};
  {
    Store store(path, meta, false);
    store.append(written, Json::object());
  }
  // Without a repeat the rows and checksums are format 2's.
  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP VIEW evaluations; ALTER TABLE evaluation_rows RENAME TO evaluations;"
                         "ALTER TABLE evaluations DROP COLUMN same;"
                         "UPDATE meta SET value = 'nasc-search-store 2' WHERE key = 'format';",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  {
    Store store(path, meta, true);
    expectSameRecords(store.records(), written);
    store.append({repeatedRecord(3, "a=1", 90, true)}, Json::object());
    written.push_back(repeatedRecord(3, "a=1", 90, true));
    expectSameRecords(store.records(), written);
    EXPECT_EQ(store.metaValue("format").value_or(""), "nasc-search-store 2");
  }
  auto rows = query(path, "SELECT id FROM evaluations ORDER BY seq");
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"a=1"}, {"b=2"}, {"a=1"}}));
}
