//===- SqliteStore.cpp - A search's store in an SQLite file ---------------===//
#include "StoreBackend.h"
#include "nasc/search/RunLock.h"
#include "nasc/search/Strategy.h"

#include <sqlite3.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unordered_map>
#include <unistd.h>

using namespace nasc::search;
using namespace nasc::search::storerows;
namespace runtime = nasc::runtime;

namespace {

/// Trials asked beyond the rows (Store::pending). Stores made before it
/// get it with their first write after a resume.
constexpr const char *kPendingTable =
    "CREATE TABLE IF NOT EXISTS pending(one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL,"
    " trials TEXT NOT NULL, checksum TEXT NOT NULL);";
/// SqliteStore::texts_ holds at most this many ids.
constexpr size_t kMaxRememberedTexts = 100000;

class Stmt {
public:
  Stmt(sqlite3 *db, const std::string &sql, const std::string &path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      throw StoreError(path + ": " + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  /// Text SQLite copies; bindStatic() for text that outlives the step().
  Stmt &bind(int i, const std::string &v) {
    sqlite3_bind_text(s_, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt &bindStatic(int i, const std::string &v) {
    sqlite3_bind_text(s_, i, v.c_str(), int(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt &bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt &bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  /// true while there is a row.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW)
      return true;
    if (rc == SQLITE_DONE)
      return false;
    throw StoreError(path_ + ": " + sqlite3_errmsg(db_));
  }
  std::string text(int i) const {
    const unsigned char *t = sqlite3_column_text(s_, i);
    return t ? std::string(reinterpret_cast<const char *>(t), sqlite3_column_bytes(s_, i)) : std::string();
  }
  double real(int i) const {
    return sqlite3_column_type(s_, i) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(s_, i);
  }
  int64_t integer(int i) const { return sqlite3_column_int64(s_, i); }
  bool null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  /// Ready to run again with new bindings (one prepared statement per batch).
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

private:
  sqlite3 *db_;
  sqlite3_stmt *s_ = nullptr;
  std::string path_;
};

/// The SQLite backend: one file per run, locked by PATH.lock (flock).
class SqliteStore : public StoreBackend {
public:
  SqliteStore(const std::string &path, const StoreMeta &meta, bool resume);
  explicit SqliteStore(const std::string &path) : StoreBackend(path) {} ///< readSqliteStore fills it
  ~SqliteStore() override;
  std::vector<Record> records() const override;
  std::optional<Json> snapshot() const override;
  std::optional<Json> pending() const override;
  void append(const std::vector<const Record *> &rows, const Json &snapshot, const Json *pending) override;
  void appendEpoch(int64_t epoch, const Json &figures) override;
  std::vector<Json> epochs() const override;
  void finish(const std::string &reason) override;
  std::optional<std::string> metaValue(const std::string &key) const override;

  sqlite3 *db_ = nullptr;
  std::unique_ptr<RunLock> lock_; ///< PATH.lock, held while the store is open
  /// The JSON texts of the last row written for each id: a search that
  /// meets an architecture again (a cache hit, same figures) reuses them.
  struct Texts {
    Architecture arch;
    Figures metrics, report;
    std::vector<double> objectives;
    std::string architecture, metricsText, reportText, objectivesText;
    int64_t seq = 0; ///< the row of this store that wrote them (0: none yet)
  };
  std::unordered_map<std::string, Texts> texts_;
  Texts &textsOf(const Record &r);
  /// A format-2 store (resumed): rows in `evaluations`, whole, no `same`.
  bool legacy_ = false;
  std::string rowsTable() const { return legacy_ ? "evaluations" : "evaluation_rows"; }
  void lock();
  void open(const std::string &file);
  /// A new store, made complete as PATH.new and renamed to PATH.
  void create(const StoreMeta &meta);
  void applyResume();
  void exec(const std::string &sql);
  void setMeta(const std::string &key, const std::string &value);
};

} // namespace

void SqliteStore::exec(const std::string &sql) {
  char *err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    throw StoreError(path_ + ": " + msg);
  }
}

void SqliteStore::setMeta(const std::string &key, const std::string &value) {
  Stmt(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", path_).bind(1, key).bind(2, value).step();
}

std::optional<std::string> SqliteStore::metaValue(const std::string &key) const {
  Stmt s(db_, "SELECT value FROM meta WHERE key = ?", path_);
  s.bind(1, key);
  if (s.step())
    return s.text(0);
  return std::nullopt;
}

/// The folder a store lives in, for messages.
void SqliteStore::lock() { lock_ = std::make_unique<RunLock>(path_ + ".lock"); }

SqliteStore::SqliteStore(const std::string &path, const StoreMeta &meta, bool resume) : StoreBackend(path) {
  lock();
  struct stat st;
  bool present = ::stat(path.c_str(), &st) == 0;
  bool existed = present && st.st_size > 0;
  if (present && !existed && resume) {
    lock_.reset();
    throw StoreError(path + ": empty file (0 bytes), not a search store: nothing to resume (the run's store was "
                     "truncated or never written; pass a new --out folder to start afresh)");
  }
  try {
    if (existed) {
      open(path_);
      bool hasMeta = false;
      {
        Stmt s(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", path_);
        if (!s.step()) // a file that is not SQLite fails here
          throw StoreError(path + ": cannot read it");
        hasMeta = s.integer(0) > 0;
      }
      if (!hasMeta) {
        Stmt s(db_, "SELECT count(*) FROM sqlite_master", path_);
        s.step();
        if (s.integer(0) > 0)
          throw StoreError(path + ": an SQLite database, but not a nasc search store: pass a new path");
      }
      if (hasMeta) {
        std::string format = metaValue("format").value_or("");
        if (format != kFormat && format != kFormat2)
          throw StoreError(path + ": not a nasc search store of this version (format '" +
                           metaValue("format").value_or("?") + "', this runtime writes '" + kFormat +
                           "' and reads '" + kFormat2 + "'): pass a new --out folder");
        legacy_ = format == kFormat2;
        int64_t n = 0;
        { // finalized before the journal pragma below: an open read is a transaction
          Stmt c(db_, "SELECT count(*) FROM " + rowsTable(), path_);
          c.step();
          n = c.integer(0);
        }
        storerows::checkResume([&](const std::string &key) { return metaValue(key); }, meta, path, n, resume);
        // Nothing is written yet: the rows and the snapshot are checked
        // first (records(), the driver), and a refused resume must leave
        // the file as it was. The new budget and the cleared `finished`
        // mark go in with the first evaluation appended (or finish()).
        pendingResume_ = true;
        resumeBudget_ = meta.budget;
        exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        return;
      }
      // An SQLite file with nothing in it (no table): made anew below.
      sqlite3_close(db_);
      db_ = nullptr;
    }
    create(meta);
    written_ = true;
    // Write-ahead log, synced at checkpoints: a commit survives the process
    // being killed the moment it returns (what resume needs) without an
    // fsync per evaluation, which made a 150-evaluation table search take
    // 3 s instead of 0.1 s. Only a power loss can take the last commits.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    lock_.reset();
    throw;
  }
}

void SqliteStore::open(const std::string &file) {
  // One thread uses a store: no mutex around every SQLite call.
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(file + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
}

void SqliteStore::create(const StoreMeta &meta) {
  // Made complete under another name, then renamed into place: a process
  // killed while creating the store leaves no store (a resume starts
  // afresh, as nothing was evaluated) rather than an empty or half-made
  // file that --resume would refuse. The lock is held: no one else writes
  // PATH.new.
  std::string fresh = path_ + ".new";
  ::unlink(fresh.c_str());
  for (const char *suffix : {"-journal", "-wal", "-shm"})
    ::unlink((fresh + suffix).c_str());
  open(fresh);
  // Born in WAL mode (the mode is kept in the file): a process killed
  // between the rename and open() below leaves a store resume can open as
  // any other.
  exec("PRAGMA journal_mode=WAL");
  exec("BEGIN");
  exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
       "CREATE TABLE evaluation_rows("
       "  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, hash TEXT NOT NULL, architecture TEXT NOT NULL,"
       "  metrics TEXT NOT NULL, report TEXT NOT NULL, objectives TEXT NOT NULL, score REAL,"
       "  feasible INTEGER NOT NULL, violated TEXT NOT NULL, error TEXT NOT NULL, cached INTEGER NOT NULL,"
       "  seconds REAL NOT NULL, timestamp TEXT NOT NULL, checksum TEXT NOT NULL, same INTEGER);"
       // Every row whole, as format 2 stored it: what queries read.
       "CREATE VIEW evaluations AS SELECT r.seq AS seq, coalesce(s.id, r.id) AS id, coalesce(s.hash, r.hash) AS hash,"
       "  coalesce(s.architecture, r.architecture) AS architecture, coalesce(s.metrics, r.metrics) AS metrics,"
       "  coalesce(s.report, r.report) AS report, coalesce(s.objectives, r.objectives) AS objectives,"
       "  r.score AS score, r.feasible AS feasible, r.violated AS violated, r.error AS error, r.cached AS cached,"
       "  r.seconds AS seconds, r.timestamp AS timestamp, r.same AS same"
       "  FROM evaluation_rows r LEFT JOIN evaluation_rows s ON s.seq = r.same;"
       "CREATE TABLE snapshot(one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, state TEXT NOT NULL,"
       "  checksum TEXT NOT NULL);" +
       std::string(kPendingTable));
  setMeta("format", kFormat);
  setMeta("search", meta.search);
  setMeta("fingerprint", meta.fingerprint);
  setMeta("strategy", meta.strategy);
  setMeta("seed", std::to_string(meta.seed));
  setMeta("budget", std::to_string(meta.budget));
  setMeta("created", utcTimestamp());
  exec("COMMIT");
  sqlite3_close(db_);
  db_ = nullptr;
  if (::rename(fresh.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(fresh.c_str());
    throw StoreError(path_ + ": cannot create the store: " + std::strerror(err));
  }
  open(path_);
}

std::unique_ptr<StoreBackend> nasc::search::readSqliteStore(const std::string &path) {
  auto s = std::make_unique<SqliteStore>(path);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw StoreError(path + ": cannot read it: " + std::strerror(errno));
  if (st.st_size == 0)
    throw StoreError(path + ": empty file (0 bytes), not a search store");
  if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = s->db_ ? sqlite3_errmsg(s->db_) : "cannot open";
    throw StoreError(path + ": " + msg);
  }
  sqlite3_busy_timeout(s->db_, 5000);
  bool hasMeta = false;
  {
    Stmt q(s->db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", path);
    if (!q.step())
      throw StoreError(path + ": cannot read it");
    hasMeta = q.integer(0) > 0;
  }
  std::string format = hasMeta ? s->metaValue("format").value_or("") : "";
  if (format != kFormat && format != kFormat2)
    throw StoreError(path + ": not a nasc search store" + (format.empty() ? "" : " of this version (format '" + format + "')"));
  s->legacy_ = format == kFormat2;
  return s;
}

void SqliteStore::applyResume() {
  if (!pendingResume_)
    return;
  setMeta("budget", std::to_string(resumeBudget_));
  exec("DELETE FROM meta WHERE key = 'finished'");
}

SqliteStore::~SqliteStore() {
  if (db_)
    sqlite3_close(db_);
  lock_.reset(); // after the database is closed
}


std::vector<Record> SqliteStore::records() const {
  std::vector<Record> out;
  Stmt s(db_,
         "SELECT seq, id, hash, architecture, metrics, report, objectives, score, feasible, violated, error, cached,"
         " seconds, timestamp, checksum, " +
             std::string(legacy_ ? "NULL" : "same") + " FROM " + rowsTable() + " ORDER BY seq",
         path_);
  while (s.step()) {
    storerows::Columns c;
    c.seq = s.integer(0);
    c.id = s.text(1), c.hash = s.text(2), c.architecture = s.text(3), c.metrics = s.text(4), c.report = s.text(5);
    c.objectives = s.text(6), c.score = s.real(7), c.feasible = s.integer(8), c.violated = s.text(9);
    c.error = s.text(10), c.cached = s.integer(11), c.seconds = s.real(12), c.timestamp = s.text(13);
    c.checksum = s.text(14), c.same = s.null(15) ? std::nullopt : std::optional<int64_t>(s.integer(15));
    Record r = storerows::decodeRow(c, out, path_);
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<Json> SqliteStore::snapshot() const {
  Stmt s(db_, "SELECT seq, state, checksum FROM snapshot WHERE one = 1", path_);
  if (!s.step())
    return std::nullopt;
  int64_t seq = s.integer(0);
  std::string state = s.text(1);
  std::string where = path_ + ": the strategy snapshot (after row seq " + std::to_string(seq) + ")";
  if (checksumOf({std::to_string(seq), state}) != s.text(2))
    throw StoreError(where + ": checksum does not match: it was edited or damaged after it was written");
  Stmt last(db_, "SELECT coalesce(max(seq), 0) FROM " + rowsTable(), path_);
  last.step();
  if (last.integer(0) != seq)
    throw StoreError(where + ": belongs to row seq " + std::to_string(seq) + ", but the last row is seq " +
                     std::to_string(last.integer(0)));
  try {
    return Json::parse(state);
  } catch (const Json::exception &) {
    throw StoreError(where + ": not JSON");
  }
}

std::optional<Json> SqliteStore::pending() const {
  {
    Stmt t(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'pending'", path_);
    t.step();
    if (t.integer(0) == 0)
      return std::nullopt;
  }
  Stmt s(db_, "SELECT seq, trials, checksum FROM pending WHERE one = 1", path_);
  if (!s.step())
    return std::nullopt;
  int64_t seq = s.integer(0);
  std::string trials = s.text(1);
  std::string where = path_ + ": the pending trials (after row seq " + std::to_string(seq) + ")";
  if (checksumOf({"pending", std::to_string(seq), trials}) != s.text(2))
    throw StoreError(where + ": checksum does not match: it was edited or damaged after it was written");
  Stmt last(db_, "SELECT coalesce(max(seq), 0) FROM " + rowsTable(), path_);
  last.step();
  if (last.integer(0) != seq)
    throw StoreError(where + ": belong to row seq " + std::to_string(seq) + ", but the last row is seq " +
                     std::to_string(last.integer(0)));
  try {
    Json j = Json::parse(trials);
    if (j.is_null())
      return std::nullopt;
    return j;
  } catch (const Json::exception &) {
    throw StoreError(where + ": not JSON");
  }
}

SqliteStore::Texts &SqliteStore::textsOf(const Record &r) {
  auto it = texts_.find(r.id);
  if (it != texts_.end() && it->second.arch == r.arch && it->second.metrics == r.eval.metrics &&
      it->second.report == r.eval.report && it->second.objectives == r.objectives)
    return it->second;
  if (texts_.size() >= kMaxRememberedTexts)
    texts_.clear(); // bounded: a long search over a huge space rarely meets one again
  Texts &t = texts_[r.id];
  t.seq = 0;
  t.arch = r.arch, t.metrics = r.eval.metrics, t.report = r.eval.report, t.objectives = r.objectives;
  t.architecture = architectureText(r.arch), t.metricsText = figuresText(r.eval.metrics);
  t.reportText = figuresText(r.eval.report), t.objectivesText = objectivesText(r.objectives);
  return t;
}

void SqliteStore::append(const std::vector<const Record *> &rows, const Json &snapshot, const Json *pending) {
  if (rows.empty() && !pending)
    return;
  beforeWrite();
  const std::string state = snapshot.dump();
  int64_t first = rows.empty() ? 0 : rows.front()->seq, last = rows.empty() ? 0 : rows.back()->seq;
  auto which = [&] {
    return rows.empty()      ? std::string("the pending trials")
           : rows.size() == 1 ? "evaluation seq " + std::to_string(first)
                              : "evaluations seq " + std::to_string(first) + "-" + std::to_string(last);
  };
  try {
    exec("BEGIN IMMEDIATE");
  } catch (const StoreError &e) {
    throw StoreError("cannot store " + which() + ": " + e.what());
  }
  try {
    if (rows.empty()) {
      Stmt n(db_, "SELECT coalesce(max(seq), 0) FROM " + rowsTable(), path_);
      n.step();
      last = n.integer(0);
    }
    Stmt taken(db_, "SELECT count(*) FROM " + rowsTable() + " WHERE seq >= ? AND seq <= ?", path_);
    taken.bind(1, first).bind(2, last);
    taken.step();
    if (!rows.empty() && taken.integer(0) > 0)
      throw StoreError(path_ + ": row seq " + std::to_string(first) +
                       (rows.size() == 1 ? "" : " or a later one of the batch") +
                       " is already stored: the rows do not belong to the run being continued");
    Stmt insert(db_,
                "INSERT INTO " + rowsTable() +
                    "(seq, id, hash, architecture, metrics, report, objectives, score, feasible,"
                    " violated, error, cached, seconds, timestamp, checksum" +
                    (legacy_ ? ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             : ", same) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                path_);
    static const std::string none;
    for (const Record *row : rows) {
      const Record &r = *row;
      Texts &t = textsOf(r);
      // The texts once, then the row that wrote them (format 3).
      int64_t same = legacy_ ? 0 : t.seq;
      if (!same)
        t.seq = r.seq;
      const std::string &id = same ? none : r.id, &hash = same ? none : r.hash;
      const std::string &architecture = same ? none : t.architecture, &metrics = same ? none : t.metricsText,
                        &report = same ? none : t.reportText, &objectives = same ? none : t.objectivesText;
      std::string timestamp = r.timestamp.empty() ? utcTimestamp() : r.timestamp;
      // SQLite stores a NaN as NULL: a NaN score reads back as none, and the
      // checksum is of what reads back.
      double score = std::isnan(r.score) ? std::nan("") : r.score;
      std::string checksum = rowChecksum(r.seq, id, hash, architecture, metrics, report, objectives, score,
                                         int64_t(r.feasible), r.violated, r.eval.error, int64_t(r.cached),
                                         r.seconds, timestamp, same);
      insert.reset();
      // Every text lives until step() returns: SQLite need not copy it.
      insert.bind(1, r.seq)
          .bindStatic(2, id)
          .bindStatic(3, hash)
          .bindStatic(4, architecture)
          .bindStatic(5, metrics)
          .bindStatic(6, report)
          .bindStatic(7, objectives)
          .bind(8, r.score)
          .bind(9, int64_t(r.feasible))
          .bindStatic(10, r.violated)
          .bindStatic(11, r.eval.error)
          .bind(12, int64_t(r.cached))
          .bind(13, r.seconds)
          .bindStatic(14, timestamp)
          .bindStatic(15, checksum);
      if (same)
        insert.bind(16, same);
      insert.step();
      insert.reset(); // no binding outlives its text
    }
    Stmt(db_, "INSERT OR REPLACE INTO snapshot(one, seq, state, checksum) VALUES(1, ?, ?, ?)", path_)
        .bind(1, last)
        .bind(2, state)
        .bind(3, checksumOf({std::to_string(last), state}))
        .step();
    exec(kPendingTable);
    if (pending && !pending->is_null()) {
      const std::string trials = pending->dump();
      Stmt(db_, "INSERT OR REPLACE INTO pending(one, seq, trials, checksum) VALUES(1, ?, ?, ?)", path_)
          .bind(1, last)
          .bind(2, trials)
          .bind(3, checksumOf({"pending", std::to_string(last), trials}))
          .step();
    } else {
      exec("DELETE FROM pending");
    }
    applyResume();
    exec("COMMIT");
    pendingResume_ = false;
  } catch (const StoreError &e) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    texts_.clear(); // they may name rows rolled back
    // A row of that seq already there means another writer, or a store
    // whose rows do not match the run being resumed.
    throw StoreError("cannot store " + which() + " in " + e.what());
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    texts_.clear();
    throw;
  }
}

void SqliteStore::appendEpoch(int64_t epoch, const Json &figures) {
  beforeWrite();
  std::string text = figures.dump();
  exec("BEGIN IMMEDIATE");
  try {
    exec("CREATE TABLE IF NOT EXISTS epochs(epoch INTEGER PRIMARY KEY, figures TEXT NOT NULL,"
         " checksum TEXT NOT NULL)");
    Stmt(db_, "INSERT OR REPLACE INTO epochs(epoch, figures, checksum) VALUES(?, ?, ?)", path_)
        .bind(1, epoch)
        .bind(2, text)
        .bind(3, checksumOf({std::to_string(epoch), text}))
        .step();
    applyResume();
    exec("COMMIT");
    pendingResume_ = false;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<Json> SqliteStore::epochs() const {
  std::vector<Json> out;
  {
    Stmt t(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'epochs'", path_);
    t.step();
    if (t.integer(0) == 0)
      return out;
  }
  Stmt s(db_, "SELECT epoch, figures, checksum FROM epochs ORDER BY epoch", path_);
  while (s.step())
    out.push_back(decodeEpoch(s.integer(0), s.text(1), s.text(2), out.size(), path_));
  return out;
}

void SqliteStore::finish(const std::string &reason) {
  if (finishChangesNothing(reason))
    return;
  beforeWrite();
  exec("BEGIN");
  applyResume();
  setMeta("finished", utcTimestamp() + " " + reason);
  exec("COMMIT");
  pendingResume_ = false;
}

std::unique_ptr<StoreBackend> nasc::search::openSqliteStore(const std::string &path, const StoreMeta &meta,
                                                            bool resume) {
  return std::make_unique<SqliteStore>(path, meta, resume);
}
