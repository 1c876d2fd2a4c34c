//===- Store.h - The experiment store of one search run -------------------===//
//
// A run's evaluations, in an SQLite file (the default: one machine) or a
// PostgreSQL database (`postgresql://...?run=NAME`: a server several
// machines reach; docs/scaling.md). The SQLite file holds one run:
//   meta(key, value)            search, fingerprint, strategy, seed, budget,
//                               format, created, finished
//   evaluation_rows(seq, ...)   one row per evaluation, in order; a row
//                               that repeats an earlier row's texts (a
//                               cache hit) names it in `same` instead
//   evaluations                 a view: every row whole
//   snapshot(one=1, seq, state) the strategy's save() after the last tell
//   pending(one=1, seq, trials) what the strategy asked that is no row
//                               yet (trials out, results told out of
//                               order), as of that snapshot
//   epochs(epoch, figures)      what a one-shot search measured each epoch
//                               (made with its first row)
// Evaluations and the snapshot that follows the last of them are written
// in one transaction (WAL, synchronous=NORMAL): the snapshot always matches
// the rows. The driver commits an evaluation that took time at once (a
// killed process loses at most the evaluation in flight) and groups cheap
// ones (SearchDriver: kCommitInterval). Rows and
// the snapshot carry a checksum of their contents; one process at a time
// holds the store (a lock file beside it; in PostgreSQL an advisory lock
// on the run). PostgresStore.cpp has the database's tables.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_STORE_H
#define NASC_SEARCH_STORE_H

#include "nasc/search/Estimator.h"

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nasc::search {

class StoreBackend;

/// What one evaluation of a search produced (the driver's record, stored).
struct Record {
  int64_t seq = 0;       ///< 1-based position in the run
  std::string id;        ///< canonical fullId (Space::fullId of the canonical form)
  std::string hash;      ///< Space::hash(id)
  Architecture arch;     ///< canonical
  Evaluation eval;       ///< metrics, report, error
  std::vector<double> objectives; ///< each objective's value, as written (not negated)
  double score = 0;      ///< what the strategy was told (-inf: error or infeasible)
  bool feasible = true;  ///< met the hard constraints over metrics
  std::string violated;  ///< the first constraint it broke
  bool cached = false;   ///< answered from an earlier evaluation of the same id
  double seconds = 0;    ///< time the evaluation took (0 when cached)
  std::string timestamp; ///< UTC, ISO 8601
};

/// Now, UTC, ISO 8601 (what records and the meta table store).
std::string utcTimestamp();

class StoreError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct StoreMeta {
  std::string search;      ///< the search block's name
  std::string fingerprint; ///< of the space and the search block (SearchDriver::fingerprint)
  std::string strategy;    ///< impl
  uint64_t seed = 0;
  uint64_t budget = 0;     ///< evaluations asked for (0: none given)
};

class Store {
public:
  /// Opens or creates `path`, holding an exclusive lock on `path`.lock
  /// (flock) until destroyed: a second Store on the same path, in this
  /// process or another, is refused (StoreError naming the folder). Without
  /// `resume`, a file that already holds a run is refused (pass --resume
  /// or a new path). With `resume`, the stored run's fingerprint, strategy
  /// and seed must equal `meta`'s (its budget is updated with the first
  /// write: opening writes nothing); a missing file starts a new run, an
  /// empty (0-byte) one is an error. A new store appears complete or not
  /// at all (made as PATH.new, then renamed).
  ///
  /// `path` may instead be a PostgreSQL URI, postgresql://[user@]host
  /// [:port]/db?run=NAME (any libpq parameter may follow): the run NAME in
  /// that database, held by a session advisory lock (released when the
  /// process dies), the same checks and the same rows.
  Store(const std::string &path, const StoreMeta &meta, bool resume);
  /// A store opened only to read it (`nasc report`): no lock (the run may
  /// be going on), nothing written; records(), epochs(), snapshot() and
  /// metaValue() check what they read as always. StoreError when the file
  /// (or run) is missing, not SQLite or not a nasc search store.
  static std::unique_ptr<Store> openForReading(const std::string &path);
  ~Store();
  Store(const Store &) = delete;
  Store &operator=(const Store &) = delete;

  const std::string &path() const;
  /// The stored run's evaluations, in order (empty for a new run). Each
  /// row is checked: seq contiguous from 1, its checksum, every column's
  /// type (JSON where JSON is stored, a number or -inf as the score);
  /// StoreError "PATH: row seq N: what is wrong" otherwise. Whether IDs
  /// belong to the space is the driver's check (it has the space).
  std::vector<Record> records() const;
  /// The strategy state saved with the last evaluation, if any (checked:
  /// its checksum, and that it belongs to the last row).
  std::optional<Json> snapshot() const;
  /// What the strategy had asked beyond the rows when the snapshot was
  /// saved (Study: trials out, results told ahead of an earlier trial), as
  /// the driver wrote it; none when nothing was. Checked as the snapshot.
  std::optional<Json> pending() const;
  /// Appends one evaluation and replaces the snapshot, in one transaction.
  void append(const Record &r, const Json &snapshot);
  /// Appends consecutive evaluations and the snapshot after the last, in
  /// one transaction (the driver groups cheap evaluations).
  void append(const std::vector<Record> &rows, const Json &snapshot);
  /// As above, and replaces what is pending with `pending` (null: nothing
  /// is). With `pending` given, `rows` may be empty: the snapshot and the
  /// pending trials are replaced alone.
  void append(const std::vector<const Record *> &rows, const Json &snapshot, const Json *pending = nullptr);
  /// Records what epoch `epoch` (0-based) of a one-shot search measured
  /// (losses, accuracies, the derived architecture, entropies): replaces a
  /// row of that epoch, which a search resumed from an earlier checkpoint
  /// measures again.
  void appendEpoch(int64_t epoch, const Json &figures);
  /// The epoch rows, in order, each checked (checksum, JSON): StoreError
  /// "PATH: epoch N: what is wrong" otherwise.
  std::vector<Json> epochs() const;
  /// Marks the run finished (with why it stopped).
  void finish(const std::string &reason);
  /// Runs `f` once, just before this process first changes the store: at
  /// once for a store it created; for a resumed one, before the first
  /// append() or the finish() that changes it (never, when a resume is
  /// refused or has nothing to add). What goes with the rows in the run
  /// folder (nasc-run: the compiled artefact) is replaced then, so that a
  /// refused run leaves the folder as it was. If `f` throws, the store is
  /// not changed.
  void onFirstWrite(std::function<void()> f);
  bool finished() const;
  std::optional<std::string> metaValue(const std::string &key) const;

  /// Whether `path` is a PostgreSQL URI (postgresql:// or postgres://).
  static bool isPostgres(const std::string &path);

private:
  explicit Store(std::unique_ptr<StoreBackend> backend);
  std::unique_ptr<StoreBackend> backend_;
};

} // namespace nasc::search

#endif // NASC_SEARCH_STORE_H
