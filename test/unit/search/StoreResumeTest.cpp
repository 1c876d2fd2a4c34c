//===- StoreResumeTest.cpp - What opening a store writes, and when --------===//
//
// A resume that is refused (a damaged row, a foreign snapshot) must leave
// the store byte for byte as it was, and a process killed while creating a
// store must not leave a file that --resume refuses (bench/kill_resume.py
// kills searches at random moments).
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Store.h"
#include "nasc/search/Strategy.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace nasc::runtime;
using namespace nasc::search;

namespace {

using nasc_test::Nb201;
using nasc_test::nb201;

StoreMeta metaWithBudget(uint64_t budget) {
  DriverOptions opt;
  opt.budget = budget;
  return SearchDriver::storeMeta(nb201().space, nb201().search, opt);
}

Record recordOf(uint64_t seq, Rng &rng) {
  Record r;
  r.seq = int64_t(seq);
  r.arch = nb201().space.canonical(nb201().space.sample(rng));
  r.id = nb201().space.fullId(r.arch);
  r.hash = Space::hash(r.id);
  r.eval.metrics = {{"accuracy", 80.0 + double(seq)}};
  r.objectives = {80.0 + double(seq)};
  r.score = 80.0 + double(seq);
  return r;
}

std::string bytesOf(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST(StoreResume, OpeningForResumeWritesNothingUntilTheFirstWrite) {
  std::string path = nasc_test::tempDir() + "/lazy.db";
  Rng rng(3);
  {
    Store store(path, metaWithBudget(3), false);
    for (uint64_t i = 1; i <= 3; ++i)
      store.append(recordOf(i, rng), Json{{"after", i}});
    store.finish("budget");
  }
  std::string before = bytesOf(path);
  ASSERT_FALSE(before.empty());
  { // Opened with another budget and closed: what a refused resume does.
    Store store(path, metaWithBudget(9), true);
    EXPECT_EQ(store.records().size(), 3u);
    EXPECT_TRUE(store.finished());
    EXPECT_EQ(store.metaValue("budget").value_or(""), "3");
  }
  EXPECT_EQ(bytesOf(path), before) << "opening for --resume changed the store";
  { // Resumed with nothing to add (same budget): left as it was.
    Store store(path, metaWithBudget(3), true);
    store.finish("budget");
  }
  EXPECT_EQ(bytesOf(path), before) << "a finished run resumed with nothing to add was rewritten";
  { // The first evaluation appended brings the new budget and clears the mark.
    Store store(path, metaWithBudget(5), true);
    store.append(recordOf(4, rng), Json{{"after", 4}});
    EXPECT_FALSE(store.finished());
    EXPECT_EQ(store.metaValue("budget").value_or(""), "5");
    store.finish("budget");
    EXPECT_TRUE(store.finished());
  }
  { // A smaller budget with nothing to add: finish() records it.
    Store store(path, metaWithBudget(2), true);
    store.finish("budget");
    EXPECT_EQ(store.metaValue("budget").value_or(""), "2");
  }
}

TEST(StoreResume, ANewStoreAppearsWholeOrNotAtAll) {
  std::string dir = nasc_test::tempDir() + "/whole";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/search.db";
  // What a process killed while creating the store leaves: the half-made
  // store under its temporary name (here: junk), no store.
  std::ofstream(path + ".new") << "half a store";
  std::ofstream(path + ".new-journal") << "its journal";
  {
    Store store(path, metaWithBudget(2), /*resume=*/true); // nothing to resume: a new run
    EXPECT_TRUE(store.records().empty());
    EXPECT_EQ(store.metaValue("format").value_or(""), "nasc-search-store 3");
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".new"));
  EXPECT_FALSE(std::filesystem::exists(path + ".new-journal"));
  // An SQLite file with no tables in it (what the old code left when killed
  // between creating the file and committing its tables) is made anew too.
  std::string bare = dir + "/bare.db";
  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open(bare.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ASSERT_GT(std::filesystem::file_size(bare), 0u);
  {
    Store store(bare, metaWithBudget(2), /*resume=*/true);
    EXPECT_TRUE(store.records().empty());
    EXPECT_EQ(store.metaValue("format").value_or(""), "nasc-search-store 3");
  }
}

// A process killed after the new store was renamed into place but before
// it was switched to write-ahead logging leaves a whole store in rollback
// journal mode (kill-resume hit it at 0.58 s): resuming it must work.
TEST(StoreResume, AStoreLeftInRollbackJournalModeResumes) {
  std::string path = nasc_test::tempDir() + "/rollback.db";
  Rng rng(7);
  {
    Store store(path, metaWithBudget(3), false);
    store.append(recordOf(1, rng), Json{{"after", 1}});
  }
  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char *err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);
  {
    Store store(path, metaWithBudget(3), /*resume=*/true);
    EXPECT_EQ(store.records().size(), 1u);
    store.append(recordOf(2, rng), Json{{"after", 2}});
    store.finish("budget");
  }
  Store store(path, metaWithBudget(3), /*resume=*/true);
  EXPECT_EQ(store.records().size(), 2u);
  EXPECT_TRUE(store.finished());
}

// What goes with the rows in the run folder (nasc-run: the artefact) is
// replaced when the store first changes: at once for a new store, at the
// first write of a resumed one, never for a resume that writes nothing.
TEST(StoreResume, FirstWriteHookRunsOnlyWhenTheStoreChanges) {
  std::string path = nasc_test::tempDir() + "/hook.db";
  Rng rng(5);
  int calls = 0;
  {
    Store store(path, metaWithBudget(2), false);
    store.onFirstWrite([&] { ++calls; });
    EXPECT_EQ(calls, 1) << "a new store was written when created";
    store.append(recordOf(1, rng), Json{{"after", 1}});
    store.append(recordOf(2, rng), Json{{"after", 2}});
    store.finish("budget");
    EXPECT_EQ(calls, 1);
  }
  std::string before = bytesOf(path);
  { // Refused after opening (a damaged row, say): nothing written, no call.
    Store store(path, metaWithBudget(4), true);
    store.onFirstWrite([&] { ++calls; });
  }
  { // Nothing to add: no call.
    Store store(path, metaWithBudget(2), true);
    store.onFirstWrite([&] { ++calls; });
    store.finish("budget");
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bytesOf(path), before);
  { // The hook throws: nothing is written, and it runs again before the next write.
    Store store(path, metaWithBudget(4), true);
    bool fail = true;
    store.onFirstWrite([&] {
      ++calls;
      if (fail)
        throw std::runtime_error("cannot install");
    });
    EXPECT_THROW(store.append(recordOf(3, rng), Json{{"after", 3}}), std::runtime_error);
    EXPECT_EQ(bytesOf(path), before);
    fail = false;
    store.append(recordOf(3, rng), Json{{"after", 3}});
    store.append(recordOf(4, rng), Json{{"after", 4}});
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(store.records().size(), 4u);
  }
}

namespace {

TEST(Figures, CopiesShareUntilOneChanges) {
  nasc::search::Figures a{{"accuracy", 90.0}, {"params", 1e6}};
  nasc::search::Figures b = a;
  EXPECT_EQ(&a.map(), &b.map()); // shared
  b["accuracy"] = 91.0;          // b gets its own map; a keeps its value
  EXPECT_NE(&a.map(), &b.map());
  EXPECT_EQ(a.at("accuracy"), 90.0);
  EXPECT_EQ(b.at("accuracy"), 91.0);
  EXPECT_NE(a, b);
  nasc::search::Figures c = b;
  c.erase("params");
  EXPECT_EQ(b.count("params"), 1u);
  EXPECT_EQ(c.count("params"), 0u);
  nasc::search::Figures empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.find("x"), empty.end());
  empty["x"] = 1;
  EXPECT_EQ(empty.size(), 1u);
  const std::map<std::string, double> &m = a; // reads as a map
  EXPECT_EQ(m.size(), 2u);
}

} // namespace
