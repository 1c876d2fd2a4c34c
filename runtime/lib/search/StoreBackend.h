//===- StoreBackend.h - What holds a search's store (internal) ------------===//
//
// Store (Store.h) is a facade over a backend: SQLite for a file (the
// default, one machine), PostgreSQL for a postgresql:// URI (a server
// several machines reach). Both keep the same rows, checked the same way:
// the row texts, checksums and checks are here (StoreRows.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_STOREBACKEND_H
#define NASC_SEARCH_STOREBACKEND_H

#include "nasc/search/Store.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nasc::search {

class StoreBackend {
public:
  explicit StoreBackend(std::string path) : path_(std::move(path)) {}
  virtual ~StoreBackend() = default;
  StoreBackend(const StoreBackend &) = delete;
  StoreBackend &operator=(const StoreBackend &) = delete;

  const std::string &path() const { return path_; }
  virtual std::vector<Record> records() const = 0;
  virtual std::optional<Json> snapshot() const = 0;
  virtual std::optional<Json> pending() const = 0;
  virtual void append(const std::vector<const Record *> &rows, const Json &snapshot, const Json *pending) = 0;
  virtual void appendEpoch(int64_t epoch, const Json &figures) = 0;
  virtual std::vector<Json> epochs() const = 0;
  virtual void finish(const std::string &reason) = 0;
  virtual std::optional<std::string> metaValue(const std::string &key) const = 0;
  bool finished() const { return metaValue("finished").has_value(); }
  void onFirstWrite(std::function<void()> f);

protected:
  /// Runs the first-write callback (Store::onFirstWrite) once.
  void beforeWrite();
  /// finish(reason) of a finished run resumed with nothing to add (same
  /// budget, same reason to stop): true, and the store is left as it was.
  bool finishChangesNothing(const std::string &reason);
  std::string path_;
  /// Resumed: the new budget and the cleared `finished` mark are written
  /// with the first append() or finish(), not when the store is opened (a
  /// resume refused for a damaged row must leave the store untouched).
  bool pendingResume_ = false;
  uint64_t resumeBudget_ = 0;
  bool written_ = false; ///< this process changed (or created) the store
  std::function<void()> firstWrite_;
};

std::unique_ptr<StoreBackend> openSqliteStore(const std::string &path, const StoreMeta &meta, bool resume);
std::unique_ptr<StoreBackend> readSqliteStore(const std::string &path);
std::unique_ptr<StoreBackend> openPostgresStore(const std::string &uri, const StoreMeta &meta, bool resume);
std::unique_ptr<StoreBackend> readPostgresStore(const std::string &uri);

/// The rows both backends write and read.
namespace storerows {

// 2: every row and the snapshot carry a checksum of their contents.
// 3: rows live in `evaluation_rows`; a row that repeats an earlier row's
// texts (a cache hit) names it in `same` instead of writing them again,
// and the view `evaluations` shows every row whole, as format 2 stored it.
constexpr const char *kFormat = "nasc-search-store 3";
/// A store of the previous format resumes, and goes on in its format.
constexpr const char *kFormat2 = "nasc-search-store 2";

std::string real17(double v);
/// FNV-1a 64 of columns as stored, separated (what every checksum is).
std::string checksumOf(const std::vector<std::string> &columns);
std::string figuresText(const std::map<std::string, double> &m);
std::string objectivesText(const std::vector<double> &objectives);
std::string architectureText(const runtime::Architecture &a);
std::string rowChecksum(int64_t seq, const std::string &id, const std::string &hash, const std::string &architecture,
                        const std::string &metrics, const std::string &report, const std::string &objectives,
                        double score, int64_t feasible, const std::string &violated, const std::string &error,
                        int64_t cached, double seconds, const std::string &timestamp, int64_t same);

/// One stored row as read (texts empty and `same` set: the texts of row
/// `same`).
struct Columns {
  int64_t seq = 0;
  std::string id, hash, architecture, metrics, report, objectives;
  double score = 0; ///< NaN: stored as none
  int64_t feasible = 1;
  std::string violated, error;
  int64_t cached = 0;
  double seconds = 0;
  std::string timestamp, checksum;
  std::optional<int64_t> same; ///< none: the row stores its own texts
};
/// The record of `c`, checked (seq contiguous after `earlier`, checksum,
/// every column's type); StoreError "PATH: row seq N: what is wrong".
Record decodeRow(const Columns &c, const std::vector<Record> &earlier, const std::string &path);

/// Epoch row `epoch` (the `expected`-th), checked: StoreError "PATH: epoch
/// N: what is wrong" for a gap, a checksum that does not match, no JSON.
Json decodeEpoch(int64_t epoch, const std::string &text, const std::string &checksum, size_t expected,
                 const std::string &path);

/// A stored run opened again: refused without `resume` ("PATH already
/// holds ..."), or with another fingerprint, strategy or seed.
void checkResume(const std::function<std::optional<std::string>(const std::string &)> &meta, const StoreMeta &want,
                 const std::string &path, int64_t rows, bool resume);

} // namespace storerows

} // namespace nasc::search

#endif // NASC_SEARCH_STOREBACKEND_H
