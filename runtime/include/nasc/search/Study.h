//===- Study.h - A search driven step by step: ask, evaluate, tell --------===//
//
// The search loop without the evaluation: a Study asks the strategy, keeps
// the cache, the store, the best, the Pareto set and the progress line, and
// hands out each architecture that needs evaluating as a Trial; whoever
// evaluates it tells the Study the Evaluation. SearchDriver::run() is a loop
// over a Study with an Estimator; the Python API's study.ask()/tell() and an
// embedding program drive one directly with their own training code.
//
// Trials may be told in any order (several evaluated at once); the strategy
// hears them, and the store records them, in the order they were asked.
// The store keeps the trials still out and the results told ahead of an
// earlier trial with the strategy's snapshot: a resumed study hands the
// first out again and does not evaluate the second again. An
// architecture evaluated before (or asked again while its first trial is
// still out) is answered from the cache and never handed out twice; one
// that breaks a requirement over decisions is recorded without evaluating.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_STUDY_H
#define NASC_SEARCH_STUDY_H

#include "nasc/search/Driver.h"

#include <functional>
#include <memory>

namespace nasc::search {

/// One architecture to evaluate: asked, not yet told.
struct Trial {
  int64_t seq = 0;     ///< the record it becomes (1-based, in ask order)
  Architecture arch;   ///< canonical
  std::string id;      ///< Space::fullId(arch)
  std::string hash;    ///< Space::hash(id)
  /// Epochs a multi-fidelity strategy asks for (Strategy::budgetOf); 0: the
  /// evaluator's own.
  int64_t budget = 0;
  /// The values of the search block's own decisions (e.g. "lr").
  std::map<std::string, Json> hyper;
};

class Study {
public:
  /// How objectives and constraints read a metric with arguments
  /// (latency(device="pixel3")): SearchDriver passes its estimator's
  /// metric(); null reads the evaluation's metrics by name.
  using MetricFn = std::function<double(const std::string &, const Json &, const Evaluation &)>;

  /// As SearchDriver: `search` is the artefact's search block, `space`
  /// built from it; a store that holds rows is replayed (options.resume
  /// having opened it so) and the strategy restored from its snapshot.
  /// StoreError when a stored row does not belong to this search.
  Study(const Space &space, const Json &search, Strategy &strategy, Store *store = nullptr,
        DriverOptions options = {}, MetricFn metric = nullptr);
  ~Study();
  Study(const Study &) = delete;
  Study &operator=(const Study &) = delete;

  /// The next architecture to evaluate, or nullopt when the search stops
  /// (stopReason(): budget, time limit, exhausted) or finish() was called.
  /// With a window (DriverOptions::window) also nullopt, stopReason()
  /// empty, while the next ask waits for an outstanding trial's result.
  std::optional<Trial> ask();
  /// The evaluation of a trial ask() returned (Evaluation::error set when it
  /// failed). `seconds`: how long evaluating took; negative: since it was
  /// asked. std::invalid_argument for a trial that is not out.
  void tell(const Trial &trial, Evaluation evaluation, double seconds = -1);
  /// Stores what is left, marks the store finished and returns the result.
  /// Trials still out are recorded as failed ("not told before the study
  /// finished"), so the store matches the strategy. Later asks return
  /// nullopt; finish() again returns the same result.
  const SearchResult &finish();
  /// The result moved out (after finish(): no copy of every record).
  SearchResult release();

  /// What has been recorded so far (records, best, Pareto set: filled in
  /// by finish()).
  const SearchResult &result() const;
  /// Trials asked and not yet told.
  size_t outstanding() const;
  /// Why ask() returned nullopt ("" while it has not).
  const std::string &stopReason() const;
  const SearchSettings &settings() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace nasc::search

#endif // NASC_SEARCH_STUDY_H
