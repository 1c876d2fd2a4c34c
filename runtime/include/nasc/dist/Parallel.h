//===- Parallel.h - A search's evaluations on MPI worker ranks ------------===//
//
// Rank 0 runs the strategy (a search::Study with the store); every other
// rank is a worker that evaluates the trials rank 0 sends it with its own
// estimator (built from the same artefact) and sends the evaluation back.
//
// Protocol (JSON messages, Mpi.h):
//   worker -> 0  kHello   {"fingerprint": F} once its estimator is ready,
//                         or {"error": E} when it cannot evaluate at all
//   0 -> worker  kWelcome {"artefact": PATH}: rank 0's artefact (a worker
//                         given the same temporary leaves it to rank 0)
//   0 -> worker  kTrial   {"seq", "id", "budget", "hyper"}
//   worker -> 0  kResult  {"seq", "evaluation", "seconds"} or
//                         {"seq", "fatal": E} (FatalEstimatorError)
//   0 -> worker  kStop    {}: the worker returns
//
// Results are told to the Study as they arrive (the store keeps one that
// comes ahead of an earlier trial: a killed run loses no finished
// evaluation). Ordered (the default) runs the Study with a window of W
// workers (DriverOptions::window): the strategy asks trial k having heard
// exactly trials 1..k-W, whatever finishes first, so with a fixed seed the
// same strategy and worker count evaluate the same architectures in the
// same order; a worker whose result came ahead of an earlier trial's may
// wait for it. Unordered (--asynchronous, no window): an idle worker gets
// the next trial at once, and what the strategy has heard at each ask
// depends on timing.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DIST_PARALLEL_H
#define NASC_DIST_PARALLEL_H

#include "nasc/dist/Mpi.h"
#include "nasc/search/Estimator.h"
#include "nasc/search/Study.h"

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace nasc::dist {

enum Tag : int { kHello = 1, kWelcome = 2, kTrial = 3, kResult = 4, kStop = 5 };

/// What the workers did in one run (rank 0's view).
struct PoolFigures {
  int workers = 0;
  uint64_t evaluated = 0;  ///< trials the workers evaluated
  double busySeconds = 0;  ///< their evaluations' time, summed
  double wallSeconds = 0;  ///< from the first trial sent to the last result
  /// busySeconds / (workers x wallSeconds): how much of the workers' time
  /// went into evaluating (the rest: messages, waiting for the coordinator,
  /// and, ordered, waiting behind an earlier trial).
  double utilization() const { return workers && wallSeconds > 0 ? busySeconds / (workers * wallSeconds) : 0; }
};

/// Rank 0's side: the workers of the world, stopped when it is destroyed
/// (a refused store, an error: every worker returns, none is left waiting).
class WorkerPool {
public:
  explicit WorkerPool(Mpi &mpi);
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  /// Waits for every worker's hello and welcomes them. std::runtime_error
  /// naming the rank when one could not set up or compiled another search
  /// (`fingerprint`: SearchDriver::fingerprint of rank 0's); `artefact`:
  /// rank 0's artefact file.
  void start(const std::string &fingerprint, const std::string &artefact);
  int workers() const { return int(ranks_.size()); }
  /// Runs `study` to the end on the workers and finishes it (ordered: a
  /// study made with DriverOptions::window = workers()). A worker's
  /// FatalEstimatorError stops the run (rethrown, naming the rank) without
  /// finishing the study: the store keeps what was committed, and a resume
  /// evaluates the trials that were out again.
  PoolFigures run(search::Study &study);
  /// Sends kStop to every worker (once).
  void stop();

private:
  Mpi &mpi_;
  std::vector<int> ranks_;
  bool stopped_ = false;
};

/// A worker's side. `setup` builds the estimator (and returns the search's
/// fingerprint); its exception is sent to rank 0 as the hello's error.
/// Evaluates trials until kStop. `welcome` is called with rank 0's
/// artefact path (a worker given the same temporary leaves it alone).
struct WorkerSetup {
  search::Estimator *estimator = nullptr;
  const search::Space *space = nullptr;
  std::string fingerprint;
};
void serveEvaluations(Mpi &mpi, const std::function<WorkerSetup()> &setup,
                      const std::function<void(const std::string &artefact)> &welcome);

} // namespace nasc::dist

#endif // NASC_DIST_PARALLEL_H
