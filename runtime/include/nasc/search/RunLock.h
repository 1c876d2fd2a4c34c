//===- RunLock.h - One search per run folder --------------------------------===//
//
// A run folder is written by one search at a time: a lock file beside its
// store (OUT/search.db.lock), held with flock() while the search runs and
// released by the kernel when the process dies, so a killed run leaves
// nothing to clean up. The SQLite store takes it itself; a search whose
// store is in PostgreSQL takes it for its folder (artefact, weights) too.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_RUNLOCK_H
#define NASC_SEARCH_RUNLOCK_H

#include <string>

namespace nasc::search {

class RunLock {
public:
  /// Locks `lockPath` (created if missing; this process's id written in
  /// it). StoreError "run folder F is in use by another search (process
  /// P) holding PATH: ..." when another process holds it.
  explicit RunLock(const std::string &lockPath);
  ~RunLock();
  RunLock(const RunLock &) = delete;
  RunLock &operator=(const RunLock &) = delete;
  /// Lets go now (the destructor does otherwise).
  void release();

private:
  int fd_ = -1;
};

} // namespace nasc::search

#endif // NASC_SEARCH_RUNLOCK_H
