//===- PostgresStore.cpp - A search's store in a PostgreSQL database ------===//
//
// For runs whose machines reach one database server rather than one disk:
// `--storage postgresql://user@host:port/db?run=NAME`. One database holds
// many runs, each keyed by its name:
//   nasc_meta(run, key, value)        format, search, fingerprint, strategy,
//                                     seed, budget, created, finished
//   nasc_rows(run, seq, ...)          the SQLite store's columns, every row
//                                     whole (no `same`)
//   nasc_snapshots(run, seq, state)   the strategy's save() after row seq
//   nasc_pending(run, seq, trials)    the trials asked beyond row seq
//   nasc_epochs(run, epoch, figures)  a one-shot search's epochs
// with the SQLite store's checksums and checks (StoreRows.cpp). A writer
// holds a session advisory lock on its run (released when its connection
// closes, a killed process's too): another writer of that run is refused,
// writers of other runs go on concurrently, each commit one transaction.
//
//===----------------------------------------------------------------------===//
#include "StoreBackend.h"

#if NASC_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include <cctype>
#include <cmath>
#include <cstdlib>

using namespace nasc::search;
using namespace nasc::search::storerows;

namespace {

/// Where a URI names the run: the `run` query parameter, which libpq does
/// not know (it refuses unknown ones), taken out; the password left out of
/// what messages show.
struct Location {
  std::string conninfo; ///< for libpq
  std::string run;
  std::string shown;    ///< for messages
};

Location locate(const std::string &uri) {
  Location l;
  std::string base = uri, query;
  if (size_t q = uri.find('?'); q != std::string::npos)
    base = uri.substr(0, q), query = uri.substr(q + 1);
  std::string kept;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t end = query.find('&', start);
    std::string part = query.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part.rfind("run=", 0) == 0)
      l.run = part.substr(4);
    else if (!part.empty())
      kept += (kept.empty() ? "" : "&") + part;
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  l.conninfo = base + (kept.empty() ? "" : "?" + kept);
  // postgresql://user:secret@host -> postgresql://user@host
  std::string shownBase = base;
  if (size_t scheme = shownBase.find("://"); scheme != std::string::npos) {
    size_t at = shownBase.find('@', scheme + 3), colon = shownBase.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      shownBase.erase(colon, at - colon);
  }
  l.shown = shownBase + "?run=" + l.run;
  if (l.run.empty())
    throw StoreError(shownBase + ": a PostgreSQL store names its run: add ?run=NAME to the URI");
  for (char c : l.run)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '/'))
      throw StoreError(l.shown + ": the run name may hold letters, digits, '_', '-', '.' and '/'");
  return l;
}

} // namespace

#if NASC_HAVE_LIBPQ

namespace {

/// A statement's result, cleared when it goes.
class Result {
public:
  explicit Result(PGresult *r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result &&o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result &) = delete;
  int rows() const { return PQntuples(r_); }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col); }
  std::string text(int row, int col) const { return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col)); }
  int64_t integer(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
  /// NULL: NaN (what a NaN score is stored as); "Infinity", "-Infinity".
  double real(int row, int col) const {
    return null(row, col) ? std::nan("") : std::strtod(PQgetvalue(r_, row, col), nullptr);
  }

private:
  PGresult *r_;
};

/// A parameter: text, or NULL.
using Param = std::optional<std::string>;

Param number(double v) {
  if (std::isnan(v))
    return std::nullopt;
  return real17(v); // "inf", "-inf" and %.17g: PostgreSQL reads them all
}

constexpr int64_t kSchemaLock = 0x6e617363736368; // "nascsch": serializes creating the tables

class PostgresStore : public StoreBackend {
public:
  PostgresStore(const Location &where, bool lockRun) : StoreBackend(where.shown), run_(where.run) {
    conn_ = PQconnectdb(where.conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string why = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw StoreError(path_ + ": cannot connect to PostgreSQL: " + firstLine(why));
    }
    exec("SET extra_float_digits = 3; SET client_min_messages = warning");
    if (lockRun && exec("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", {"nasc run " + run_}).text(0, 0) != "t")
      throw StoreError(path_ + ": run '" + run_ + "' is in use by another search (a PostgreSQL session holds its "
                       "lock): wait for it to finish, or name another run");
  }
  ~PostgresStore() override {
    if (conn_)
      PQfinish(conn_); // releases the run's lock
  }

  void createTables() {
    transaction([&] {
      exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kSchemaLock)});
      exec("CREATE TABLE IF NOT EXISTS nasc_meta(run TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
           " PRIMARY KEY(run, key));"
           "CREATE TABLE IF NOT EXISTS nasc_rows(run TEXT NOT NULL, seq BIGINT NOT NULL, id TEXT NOT NULL,"
           " hash TEXT NOT NULL, architecture TEXT NOT NULL, metrics TEXT NOT NULL, report TEXT NOT NULL,"
           " objectives TEXT NOT NULL, score DOUBLE PRECISION, feasible INTEGER NOT NULL, violated TEXT NOT NULL,"
           " error TEXT NOT NULL, cached INTEGER NOT NULL, seconds DOUBLE PRECISION NOT NULL,"
           " timestamp TEXT NOT NULL, checksum TEXT NOT NULL, PRIMARY KEY(run, seq));"
           "CREATE TABLE IF NOT EXISTS nasc_snapshots(run TEXT PRIMARY KEY, seq BIGINT NOT NULL, state TEXT NOT NULL,"
           " checksum TEXT NOT NULL);"
           "CREATE TABLE IF NOT EXISTS nasc_pending(run TEXT PRIMARY KEY, seq BIGINT NOT NULL, trials TEXT NOT NULL,"
           " checksum TEXT NOT NULL);"
           "CREATE TABLE IF NOT EXISTS nasc_epochs(run TEXT NOT NULL, epoch BIGINT NOT NULL, figures TEXT NOT NULL,"
           " checksum TEXT NOT NULL, PRIMARY KEY(run, epoch))");
    });
  }

  /// Opens (or starts) the run for writing.
  void open(const StoreMeta &meta, bool resume) {
    createTables();
    std::optional<std::string> format = metaValue("format");
    if (format) {
      if (*format != kFormat)
        throw StoreError(path_ + ": not a nasc search run of this version (format '" + *format +
                         "', this runtime writes '" + kFormat + "'): name another run");
      checkResume([&](const std::string &key) { return metaValue(key); }, meta, path_, rowCount(), resume);
      pendingResume_ = true; // nothing is written until the first append or finish
      resumeBudget_ = meta.budget;
      return;
    }
    transaction([&] {
      for (const auto &[key, value] :
           std::vector<std::pair<std::string, std::string>>{{"format", kFormat},
                                                            {"search", meta.search},
                                                            {"fingerprint", meta.fingerprint},
                                                            {"strategy", meta.strategy},
                                                            {"seed", std::to_string(meta.seed)},
                                                            {"budget", std::to_string(meta.budget)},
                                                            {"created", utcTimestamp()}})
        setMeta(key, value);
    });
    written_ = true;
  }

  void checkReadable() {
    Result t = exec("SELECT to_regclass('nasc_meta') IS NOT NULL");
    if (t.text(0, 0) != "t" || !metaValue("format"))
      throw StoreError(path_ + ": no such run in this database");
  }

  std::vector<Record> records() const override {
    std::vector<Record> out;
    Result r = exec("SELECT seq, id, hash, architecture, metrics, report, objectives, score, feasible, violated,"
                    " error, cached, seconds, timestamp, checksum FROM nasc_rows WHERE run = $1 ORDER BY seq",
                    {run_});
    for (int i = 0; i < r.rows(); ++i) {
      Columns c;
      c.seq = r.integer(i, 0);
      c.id = r.text(i, 1), c.hash = r.text(i, 2), c.architecture = r.text(i, 3), c.metrics = r.text(i, 4);
      c.report = r.text(i, 5), c.objectives = r.text(i, 6), c.score = r.real(i, 7), c.feasible = r.integer(i, 8);
      c.violated = r.text(i, 9), c.error = r.text(i, 10), c.cached = r.integer(i, 11), c.seconds = r.real(i, 12);
      c.timestamp = r.text(i, 13), c.checksum = r.text(i, 14);
      out.push_back(decodeRow(c, out, path_));
    }
    return out;
  }

  std::optional<Json> snapshot() const override { return checked("nasc_snapshots", "state", "", "the strategy snapshot"); }
  std::optional<Json> pending() const override {
    std::optional<Json> j = checked("nasc_pending", "trials", "pending", "the pending trials");
    if (j && j->is_null())
      return std::nullopt;
    return j;
  }

  void append(const std::vector<const Record *> &rows, const Json &snapshot, const Json *pending) override {
    if (rows.empty() && !pending)
      return;
    beforeWrite();
    const std::string state = snapshot.dump();
    try {
      transaction([&] {
        int64_t last = rows.empty() ? lastSeq() : rows.back()->seq;
        if (!rows.empty()) {
          Result taken = exec("SELECT count(*) FROM nasc_rows WHERE run = $1 AND seq >= $2 AND seq <= $3",
                              {run_, std::to_string(rows.front()->seq), std::to_string(last)});
          if (taken.integer(0, 0) > 0)
            throw StoreError(path_ + ": row seq " + std::to_string(rows.front()->seq) +
                             (rows.size() == 1 ? "" : " or a later one of the batch") +
                             " is already stored: the rows do not belong to the run being continued");
        }
        for (const Record *row : rows)
          insert(*row);
        upsert("nasc_snapshots", "state", last, state, checksumOf({std::to_string(last), state}));
        if (pending && !pending->is_null()) {
          std::string trials = pending->dump();
          upsert("nasc_pending", "trials", last, trials, checksumOf({"pending", std::to_string(last), trials}));
        } else {
          exec("DELETE FROM nasc_pending WHERE run = $1", {run_});
        }
        applyResume();
      });
      pendingResume_ = false;
    } catch (const StoreError &e) {
      std::string which = rows.empty() ? std::string("the pending trials")
                                       : "evaluations seq " + std::to_string(rows.front()->seq) + "-" +
                                             std::to_string(rows.back()->seq);
      throw StoreError("cannot store " + which + " in " + e.what());
    }
  }

  void appendEpoch(int64_t epoch, const Json &figures) override {
    beforeWrite();
    std::string text = figures.dump();
    transaction([&] {
      exec("INSERT INTO nasc_epochs(run, epoch, figures, checksum) VALUES($1, $2, $3, $4) ON CONFLICT (run, epoch)"
           " DO UPDATE SET figures = EXCLUDED.figures, checksum = EXCLUDED.checksum",
           {run_, std::to_string(epoch), text, checksumOf({std::to_string(epoch), text})});
      applyResume();
    });
    pendingResume_ = false;
  }

  std::vector<Json> epochs() const override {
    std::vector<Json> out;
    Result r = exec("SELECT epoch, figures, checksum FROM nasc_epochs WHERE run = $1 ORDER BY epoch", {run_});
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(decodeEpoch(r.integer(i, 0), r.text(i, 1), r.text(i, 2), out.size(), path_));
    return out;
  }

  void finish(const std::string &reason) override {
    if (finishChangesNothing(reason))
      return;
    beforeWrite();
    transaction([&] {
      applyResume();
      setMeta("finished", utcTimestamp() + " " + reason);
    });
    pendingResume_ = false;
  }

  std::optional<std::string> metaValue(const std::string &key) const override {
    Result r = exec("SELECT value FROM nasc_meta WHERE run = $1 AND key = $2", {run_, key});
    if (r.rows() == 0)
      return std::nullopt;
    return r.text(0, 0);
  }

private:
  PGconn *conn_ = nullptr;
  std::string run_;

  static std::string firstLine(std::string s) {
    if (size_t eol = s.find('\n'); eol != std::string::npos)
      s.resize(eol);
    return s;
  }

  Result exec(const std::string &sql, const std::vector<Param> &params = {}) const {
    std::vector<const char *> values;
    for (const Param &p : params)
      values.push_back(p ? p->c_str() : nullptr);
    PGresult *r = params.empty() ? PQexec(conn_, sql.c_str())
                                 : PQexecParams(conn_, sql.c_str(), int(params.size()), nullptr, values.data(),
                                                nullptr, nullptr, 0);
    Result result(r);
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw StoreError(path_ + ": " + firstLine(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_)));
    return result;
  }

  template <class F> void transaction(F &&f) {
    exec("BEGIN");
    try {
      f();
      exec("COMMIT");
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  void setMeta(const std::string &key, const std::string &value) {
    exec("INSERT INTO nasc_meta(run, key, value) VALUES($1, $2, $3) ON CONFLICT (run, key) DO UPDATE SET value ="
         " EXCLUDED.value",
         {run_, key, value});
  }

  void applyResume() {
    if (!pendingResume_)
      return;
    setMeta("budget", std::to_string(resumeBudget_));
    exec("DELETE FROM nasc_meta WHERE run = $1 AND key = 'finished'", {run_});
  }

  int64_t rowCount() const {
    return exec("SELECT count(*) FROM nasc_rows WHERE run = $1", {run_}).integer(0, 0);
  }
  int64_t lastSeq() const {
    return exec("SELECT coalesce(max(seq), 0) FROM nasc_rows WHERE run = $1", {run_}).integer(0, 0);
  }

  void insert(const Record &r) {
    std::string architecture = architectureText(r.arch), metrics = figuresText(r.eval.metrics),
                report = figuresText(r.eval.report), objectives = objectivesText(r.objectives);
    std::string timestamp = r.timestamp.empty() ? utcTimestamp() : r.timestamp;
    double score = std::isnan(r.score) ? std::nan("") : r.score;
    std::string checksum = rowChecksum(r.seq, r.id, r.hash, architecture, metrics, report, objectives, score,
                                       int64_t(r.feasible), r.violated, r.eval.error, int64_t(r.cached), r.seconds,
                                       timestamp, 0);
    exec("INSERT INTO nasc_rows(run, seq, id, hash, architecture, metrics, report, objectives, score, feasible,"
         " violated, error, cached, seconds, timestamp, checksum) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
         " $11, $12, $13, $14, $15, $16)",
         {run_, std::to_string(r.seq), r.id, r.hash, architecture, metrics, report, objectives, number(score),
          std::to_string(int(r.feasible)), r.violated, r.eval.error, std::to_string(int(r.cached)),
          number(r.seconds), timestamp, checksum});
  }

  void upsert(const char *table, const char *column, int64_t seq, const std::string &text,
              const std::string &checksum) {
    exec(std::string("INSERT INTO ") + table + "(run, seq, " + column + ", checksum) VALUES($1, $2, $3, $4)" +
             " ON CONFLICT (run) DO UPDATE SET seq = EXCLUDED.seq, " + column + " = EXCLUDED." + column +
             ", checksum = EXCLUDED.checksum",
         {run_, std::to_string(seq), text, checksum});
  }

  /// The snapshot's or the pending trials' JSON, checked as SQLite's are.
  std::optional<Json> checked(const char *table, const char *column, const char *tag, const char *what) const {
    Result r = exec(std::string("SELECT seq, ") + column + ", checksum FROM " + table + " WHERE run = $1", {run_});
    if (r.rows() == 0)
      return std::nullopt;
    int64_t seq = r.integer(0, 0);
    std::string text = r.text(0, 1);
    std::string where = path_ + ": " + what + " (after row seq " + std::to_string(seq) + ")";
    std::vector<std::string> columns{std::to_string(seq), text};
    if (*tag)
      columns.insert(columns.begin(), tag);
    if (checksumOf(columns) != r.text(0, 2))
      throw StoreError(where + ": checksum does not match: it was edited or damaged after it was written");
    if (int64_t last = lastSeq(); last != seq)
      throw StoreError(where + ": belong" + (*tag ? "" : "s") + " to row seq " + std::to_string(seq) +
                       ", but the last row is seq " + std::to_string(last));
    try {
      return Json::parse(text);
    } catch (const Json::exception &) {
      throw StoreError(where + ": not JSON");
    }
  }
};

} // namespace

std::unique_ptr<StoreBackend> nasc::search::openPostgresStore(const std::string &uri, const StoreMeta &meta,
                                                              bool resume) {
  auto s = std::make_unique<PostgresStore>(locate(uri), /*lockRun=*/true);
  s->open(meta, resume);
  return s;
}

std::unique_ptr<StoreBackend> nasc::search::readPostgresStore(const std::string &uri) {
  auto s = std::make_unique<PostgresStore>(locate(uri), /*lockRun=*/false);
  s->checkReadable();
  return s;
}

#else

std::unique_ptr<StoreBackend> nasc::search::openPostgresStore(const std::string &uri, const StoreMeta &,
                                                              bool) {
  throw StoreError(locate(uri).shown + ": this nasc was built without libpq (install libpq-dev, as "
                   "scripts/setup.sh does, and build again)");
}

std::unique_ptr<StoreBackend> nasc::search::readPostgresStore(const std::string &uri) {
  return openPostgresStore(uri, {}, false);
}

#endif
