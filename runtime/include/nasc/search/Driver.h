//===- Driver.h - Running a search ----------------------------------------===//
//
// The loop of a black-box search (a Study, Study.h, with an Estimator
// evaluating its trials): ask the strategy, canonicalize, evaluate
// (an architecture evaluated before is answered from the cache by its
// fullId and still counts toward the budget), check the hard constraints
// over metrics, score, store, tell. Scores are "higher is better": the first
// objective's value when maximized, its negation when minimized; an error
// or a broken constraint scores -inf. With several objectives the first one
// is the score (and `best`), every strategy is also told all of them
// (Strategy::tellObjectives: nsga2 selects on them), and the result holds
// the Pareto set: every feasible architecture no other evaluated one
// dominates.
//
// Resume: the store's evaluations are replayed (the cache, the best so far,
// the records) and the strategy restored from the snapshot saved with the
// last of them; the run then continues as if it had never stopped.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_DRIVER_H
#define NASC_SEARCH_DRIVER_H

#include "nasc/search/Estimator.h"
#include "nasc/search/Store.h"
#include "nasc/search/Strategy.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nasc::search {

struct DriverOptions {
  std::optional<uint64_t> budget;   ///< overrides the search's `evaluations`
  std::optional<uint64_t> seed;     ///< overrides the search's `seed`
  std::optional<double> timeLimit;  ///< seconds; overrides `time_limit`
  /// Progress output (null: none). On a terminal a one-line bar redrawn
  /// with '\r'; otherwise a plain line every `progressInterval` seconds and
  /// one at the end.
  std::ostream *progress = nullptr;
  std::optional<bool> tty;          ///< forces bar (true) or lines (false)
  double progressInterval = 10;
  bool resume = false;              ///< continue the run in the store
  /// Architectures asked at once (Strategy::askBatch), evaluated and told
  /// in order: what a pool of that many workers sees. A commit mid-batch
  /// keeps the rest as pending trials, so a resume continues identically.
  size_t batch = 1;
  /// Study: at most this many trials asked and not yet told to the
  /// strategy (0: no limit). Trial k is asked only once trials 1..k-W are
  /// told, and trial j told only once trial j+W-1 is asked: whatever order
  /// results come in, the strategy hears and asks in one fixed interleaving,
  /// so W workers evaluate the same architectures every run (dist/Parallel.h).
  size_t window = 0;
};

/// What the driver reads from a search block, options applied.
struct SearchSettings {
  uint64_t budget = 0;     ///< 0: no limit (until exhausted or the time limit)
  uint64_t seed = 0;
  double timeLimit = 0;    ///< seconds; 0: none
  std::string strategy;    ///< impl ("evolution"), empty when not set
  Json strategyArgs = Json::object(); ///< evaluated
  Json estimator;          ///< the setting as written (null when not set)
};

struct SearchResult {
  std::optional<Record> best; ///< highest score (the earliest among equals); none if all scored -inf
  std::vector<Record> records;
  /// With several objectives: the non-dominated feasible records (one per
  /// architecture, the first evaluation of it), in seq order. Empty with one.
  std::vector<Record> pareto;
  std::string stopReason;    ///< "budget", "time limit" or "exhausted"
  double seconds = 0;        ///< elapsed, stored evaluations' time included
  uint64_t estimatorCalls = 0; ///< evaluations not answered from the cache (this process)
  bool resumed = false;
};

class SearchDriver {
public:
  /// `search`: the artefact's search block (objectives, constraints,
  /// settings); `space` built from its space (and the block). `store` may be
  /// null. References must outlive run().
  SearchDriver(const Space &space, const Json &search, Strategy &strategy, Estimator &estimator,
               Store *store = nullptr, DriverOptions options = {});
  SearchResult run();

  static SearchSettings settings(const Json &search, const DriverOptions &options = {});
  /// FNV-1a of the space and the search block without the settings a resume
  /// may change (evaluations, time_limit, seed): a store is resumed only by
  /// the search that wrote it.
  static std::string fingerprint(const Space &space, const Json &search);
  /// The store's meta for this run (`strategy`: impl and arguments, as
  /// "evolution {\"population\":10,...}"; from the settings when empty).
  static StoreMeta storeMeta(const Space &space, const Json &search, const DriverOptions &options,
                             const std::string &strategy = "", const Json &strategyArgs = nullptr);

private:
  const Space &space_;
  const Json &search_;
  Strategy &strategy_;
  Estimator &estimator_;
  Store *store_;
  DriverOptions options_;
};

} // namespace nasc::search

#endif // NASC_SEARCH_DRIVER_H
