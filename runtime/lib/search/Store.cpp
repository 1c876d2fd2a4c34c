//===- Store.cpp - The experiment store of one search run (SQLite) --------===//
#include "nasc/search/Store.h"
#include "nasc/search/Strategy.h"

#include <sqlite3.h>

#include <cmath>
#include <ctime>
#include <sys/stat.h>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

constexpr const char *kFormat = "nasc-search-store 1";

class Stmt {
public:
  Stmt(sqlite3 *db, const std::string &sql, const std::string &path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      throw StoreError(path + ": " + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt &bind(int i, const std::string &v) {
    sqlite3_bind_text(s_, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
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

private:
  sqlite3 *db_;
  sqlite3_stmt *s_ = nullptr;
  std::string path_;
};

Json figures(const std::map<std::string, double> &m) {
  Json o = Json::object();
  for (auto &[k, v] : m)
    o[k] = scoreToJson(v);
  return o;
}

std::map<std::string, double> figuresFrom(const std::string &text) {
  std::map<std::string, double> m;
  if (text.empty())
    return m;
  Json j = Json::parse(text); // items() of a temporary would dangle
  for (auto &[k, v] : j.items())
    m[k] = scoreFromJson(v);
  return m;
}


} // namespace

void Store::exec(const std::string &sql) {
  char *err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    throw StoreError(path_ + ": " + msg);
  }
}

void Store::setMeta(const std::string &key, const std::string &value) {
  Stmt(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", path_).bind(1, key).bind(2, value).step();
}

std::optional<std::string> Store::metaValue(const std::string &key) const {
  Stmt s(db_, "SELECT value FROM meta WHERE key = ?", path_);
  s.bind(1, key);
  if (s.step())
    return s.text(0);
  return std::nullopt;
}

Store::Store(const std::string &path, const StoreMeta &meta, bool resume) : path_(path) {
  struct stat st;
  bool existed = ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path + ": " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    // Write-ahead log, synced at checkpoints: a commit survives the process
    // being killed the moment it returns (what resume needs) without an
    // fsync per evaluation, which made a 150-evaluation table search take
    // 3 s instead of 0.1 s. Only a power loss can take the last commits.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    bool hasMeta = false;
    {
      Stmt s(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", path_);
      if (!s.step()) // a file that is not SQLite fails here
        throw StoreError(path + ": cannot read it");
      hasMeta = s.integer(0) > 0;
    }
    if (existed && !hasMeta) {
      Stmt s(db_, "SELECT count(*) FROM sqlite_master", path_);
      s.step();
      if (s.integer(0) > 0)
        throw StoreError(path + ": an SQLite database, but not a nasc search store: pass a new path");
    }
    if (hasMeta) {
      if (metaValue("format").value_or("") != kFormat)
        throw StoreError(path + ": not a nasc search store of this version (format '" +
                         metaValue("format").value_or("?") + "')");
      Stmt c(db_, "SELECT count(*) FROM evaluations", path_);
      c.step();
      int64_t n = c.integer(0);
      std::string what = "search '" + metaValue("search").value_or("?") + "' (" + std::to_string(n) +
                         " evaluations, " + (metaValue("finished") ? "finished" : "unfinished") + ")";
      if (!resume)
        throw StoreError(path + " already holds " + what +
                         ": pass --resume to continue it, or a new path to start another run");
      std::string mismatch;
      if (metaValue("fingerprint").value_or("") != meta.fingerprint)
        mismatch = "a different search or space (fingerprint " + metaValue("fingerprint").value_or("?") +
                   ", this one is " + meta.fingerprint + ")";
      else if (metaValue("strategy").value_or("") != meta.strategy)
        mismatch = "strategy '" + metaValue("strategy").value_or("?") + "', not '" + meta.strategy + "'";
      else if (metaValue("seed").value_or("") != std::to_string(meta.seed))
        mismatch = "seed " + metaValue("seed").value_or("?") + ", not " + std::to_string(meta.seed);
      if (!mismatch.empty())
        throw StoreError("cannot resume " + path + ": it holds " + what + " with " + mismatch +
                         "; pass a new path to start another run");
      exec("BEGIN");
      setMeta("budget", std::to_string(meta.budget));
      exec("DELETE FROM meta WHERE key = 'finished'");
      exec("COMMIT");
      return;
    }
    exec("BEGIN");
    exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
         "CREATE TABLE evaluations("
         "  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, hash TEXT NOT NULL, architecture TEXT NOT NULL,"
         "  metrics TEXT NOT NULL, report TEXT NOT NULL, objectives TEXT NOT NULL, score REAL,"
         "  feasible INTEGER NOT NULL, violated TEXT NOT NULL, error TEXT NOT NULL, cached INTEGER NOT NULL,"
         "  seconds REAL NOT NULL, timestamp TEXT NOT NULL);"
         "CREATE INDEX evaluations_id ON evaluations(id);"
         "CREATE TABLE snapshot(one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, state TEXT NOT NULL);");
    setMeta("format", kFormat);
    setMeta("search", meta.search);
    setMeta("fingerprint", meta.fingerprint);
    setMeta("strategy", meta.strategy);
    setMeta("seed", std::to_string(meta.seed));
    setMeta("budget", std::to_string(meta.budget));
    setMeta("created", utcTimestamp());
    exec("COMMIT");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  if (db_)
    sqlite3_close(db_);
}

std::vector<Record> Store::records() const {
  std::vector<Record> out;
  Stmt s(db_,
         "SELECT seq, id, hash, architecture, metrics, report, objectives, score, feasible, violated, error, cached,"
         " seconds, timestamp FROM evaluations ORDER BY seq",
         path_);
  while (s.step()) {
    Record r;
    r.seq = s.integer(0);
    r.id = s.text(1);
    r.hash = s.text(2);
    r.arch = architectureFromJson(Json::parse(s.text(3)));
    r.eval.metrics = figuresFrom(s.text(4));
    r.eval.report = figuresFrom(s.text(5));
    for (const Json &v : Json::parse(s.text(6)))
      r.objectives.push_back(scoreFromJson(v));
    r.score = s.real(7);
    r.feasible = s.integer(8) != 0;
    r.violated = s.text(9);
    r.eval.error = s.text(10);
    r.cached = s.integer(11) != 0;
    r.seconds = s.real(12);
    r.timestamp = s.text(13);
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<Json> Store::snapshot() const {
  Stmt s(db_, "SELECT state FROM snapshot WHERE one = 1", path_);
  if (s.step())
    return Json::parse(s.text(0));
  return std::nullopt;
}

void Store::append(const Record &r, const Json &snapshot) {
  Json objectives = Json::array();
  for (double v : r.objectives)
    objectives.push_back(scoreToJson(v));
  exec("BEGIN IMMEDIATE");
  try {
    Stmt(db_,
         "INSERT INTO evaluations(seq, id, hash, architecture, metrics, report, objectives, score, feasible,"
         " violated, error, cached, seconds, timestamp) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         path_)
        .bind(1, r.seq)
        .bind(2, r.id)
        .bind(3, r.hash)
        .bind(4, toJson(r.arch).dump())
        .bind(5, figures(r.eval.metrics).dump())
        .bind(6, figures(r.eval.report).dump())
        .bind(7, objectives.dump())
        .bind(8, r.score)
        .bind(9, int64_t(r.feasible))
        .bind(10, r.violated)
        .bind(11, r.eval.error)
        .bind(12, int64_t(r.cached))
        .bind(13, r.seconds)
        .bind(14, r.timestamp.empty() ? utcTimestamp() : r.timestamp)
        .step();
    Stmt(db_, "INSERT OR REPLACE INTO snapshot(one, seq, state) VALUES(1, ?, ?)", path_)
        .bind(1, r.seq)
        .bind(2, snapshot.dump())
        .step();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Store::finish(const std::string &reason) {
  exec("BEGIN");
  setMeta("finished", utcTimestamp() + " " + reason);
  exec("COMMIT");
}

bool Store::finished() const { return metaValue("finished").has_value(); }

std::string nasc::search::utcTimestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
