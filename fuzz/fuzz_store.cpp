//===- fuzz_store.cpp - libFuzzer target: the experiment store on resume --===//
//
// The input is written as search.db in the scratch folder and opened as
// `nasc search --resume` opens it: Store(path, meta, resume=true) with the
// meta the file claims (read first with SQLite, so a mutated store whose
// meta survived reaches the row checks), then every row, the snapshot, and
// one more evaluation appended and the run finished. Bad files must be a
// StoreError naming the file.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "nasc/search/Store.h"

#include <sqlite3.h>

#include <cstdlib>

using nasc::search::Store;
using nasc::search::StoreError;
using nasc::search::StoreMeta;

// What the file's meta table says, as far as it can be read.
static StoreMeta claimedMeta(const std::string &path) {
  StoreMeta meta;
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
        const char *v = reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
        if (!k || !v)
          continue;
        std::string key = k, value = v;
        if (key == "search")
          meta.search = value;
        else if (key == "fingerprint")
          meta.fingerprint = value;
        else if (key == "strategy")
          meta.strategy = value;
        else if (key == "seed")
          meta.seed = std::strtoull(value.c_str(), nullptr, 10);
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return meta;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (const char *f : {"search.db-wal", "search.db-shm", "search.db.lock"})
    nasc::fuzz::removeScratch(f);
  std::string path = nasc::fuzz::writeScratch("search.db", data, size);
  StoreMeta meta = claimedMeta(path);
  try {
    Store store(path, meta, /*resume=*/true);
    std::vector<nasc::search::Record> records = store.records();
    store.snapshot();
    store.finished();
    store.metaValue("search");
    nasc::search::Record r;
    r.seq = static_cast<int64_t>(records.size()) + 1;
    r.id = "fuzz";
    r.hash = "0";
    r.eval.metrics["accuracy"] = 0.5;
    r.objectives = {0.5};
    r.score = 0.5;
    store.append(r, nlohmann::json::object());
    store.finish("budget");
  } catch (const StoreError &) {
  }
  for (const char *f : {"search.db", "search.db-wal", "search.db-shm", "search.db.lock"})
    nasc::fuzz::removeScratch(f);
  return 0;
}
