//===- ModelBased.h - The loop shared by surrogate-model strategies -------===//
//
// bananas and bayesian: `initial` random architectures (no two alike), then
// rounds: a pool of candidates (mutations of the best evaluated
// architectures, and for some strategies random samples), a model fit on
// every feasible evaluation so far ranks them, and the round's `batch`
// best are asked one by one. Nothing evaluated, pending or queued is
// proposed again.
//
// Asks may run ahead of tells (batch proposals): an architecture asked and
// not yet told is pending; choose() sees the pending ones (the GP treats
// them as observed at its own prediction, the kriging believer).
//
// State: the RNG, the queue and the pending list are saved; the history of
// (architecture, score) is not (it grows with the run): the driver gives it
// back on resume (restoreHistory). Models are refit from the history with a
// seed derived from the run's seed and the history's length, so a resumed
// run proposes what an uninterrupted one does.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_MODELBASED_H
#define NASC_SEARCH_MODELBASED_H

#include "nasc/search/Proxy.h"
#include "nasc/search/Strategy.h"

#include <deque>
#include <set>

namespace nasc::search {

class ModelBasedStrategy : public Strategy {
public:
  std::optional<Architecture> ask() override;
  void tell(const Architecture &a, double score) override;
  Json save() const override;
  void restore(const Json &state) override;
  void restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &scores) override;
  /// warmup > 0: the `initial` architectures are the proxy's best of
  /// `warmup` random ones (Abdelfattah et al. 2021), not uniform draws.
  void setWarmup(ProxyWarmup w) { warmup_ = std::move(w); }
  std::string proxyNeeded() const override { return warmup_.needed(); }
  void setProxyScorer(ProxyScorer *scorer) override { warmup_.scorer = scorer; }

protected:
  ModelBasedStrategy(const Space &space, std::string name, int64_t initial, int64_t candidates, int64_t batch,
                     double randomShare, uint64_t seed);
  /// Which `count` of `candidates` to ask (indices, best first), given the
  /// feasible history (`x` architectures and their `y` scores) and the
  /// pending architectures. `seed` is the round's model seed.
  virtual std::vector<size_t> choose(const std::vector<Architecture> &candidates, size_t count,
                                     const std::vector<Architecture> &x, const std::vector<double> &y,
                                     const std::vector<Architecture> &pending, uint64_t seed) = 0;
  const Space &space_;
  runtime::Rng rng_;

private:
  std::string name_;
  int64_t initial_, candidates_, batch_;
  double randomShare_; ///< of the pool drawn at random, the rest mutations
  uint64_t seed_;
  int64_t asked_ = 0;
  std::deque<Architecture> queue_;
  std::vector<Architecture> pending_;
  std::vector<std::pair<Architecture, double>> history_;
  std::set<std::string> known_; ///< evaluated, pending or queued
  ProxyWarmup warmup_;
  bool warmed_ = false; ///< the warm-up's architectures are queued

  void propose();
  std::vector<Architecture> pool();
};

} // namespace nasc::search

#endif // NASC_SEARCH_MODELBASED_H
