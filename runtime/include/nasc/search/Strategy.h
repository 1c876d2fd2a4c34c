//===- Strategy.h - The search strategy interface -------------------------===//
//
// A strategy proposes architectures (ask) and learns from their scores
// (tell). Scores are "higher is better" (the driver negates minimized
// objectives; an architecture that breaks a hard constraint scores -inf).
// State round-trips through JSON so a search resumes exactly where it
// stopped. Adding a strategy: one file in runtime/lib/search/ with a
// NASC_REGISTER_STRATEGY line at global scope (not in an anonymous
// namespace), and its name in Registry.cpp's NASC_BUILTIN_STRATEGIES list so
// the static library's linker keeps the file (docs/runtime-search.md).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_STRATEGY_H
#define NASC_SEARCH_STRATEGY_H

#include "nasc/runtime/Space.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nasc::search {

using runtime::Architecture;
using runtime::Json;
using runtime::Space;

class ProxyScorer;

class Strategy {
public:
  virtual ~Strategy() = default;
  /// The next architecture to evaluate, or nullopt when the strategy has
  /// nothing left (e.g. grid search covered the space).
  virtual std::optional<Architecture> ask() = 0;
  /// Up to `n` architectures to evaluate before any of their results come
  /// back (parallel workers); fewer only when the strategy has nothing
  /// left. Their results are told in ask order. The default asks n times:
  /// every strategy here proposes ahead of its tells (nsga2 breeds a
  /// generation at once; bananas and bayesian keep asked architectures as
  /// pending, the GP at its own prediction).
  virtual std::vector<Architecture> askBatch(size_t n) {
    std::vector<Architecture> out;
    while (out.size() < n)
      if (std::optional<Architecture> a = ask())
        out.push_back(std::move(*a));
      else
        break;
    return out;
  }
  /// The result of an architecture ask() returned (in ask order).
  virtual void tell(const Architecture &a, double score) = 0;
  /// The same with every objective's value oriented "higher is better"
  /// (minimized ones negated; empty when the architecture failed or broke a
  /// constraint). The driver calls this one; multi-objective strategies
  /// (nsga2) override it, the others learn from the score.
  virtual void tellObjectives(const Architecture &a, double score, const std::vector<double> &objectives) {
    (void)objectives;
    tell(a, score);
  }
  /// Multi-fidelity strategies (hyperband): the budget, in training epochs,
  /// at which the architecture just asked is to be evaluated; 0: the
  /// estimator's own.
  virtual int64_t budgetOf(const Architecture &a) const {
    (void)a;
    return 0;
  }
  /// The largest budget the strategy asks: only evaluations at it compete
  /// for the search's best (0: every evaluation does).
  virtual int64_t fullBudget() const { return 0; }
  /// The zero-cost proxy (Proxy.h) this strategy ranks candidates with:
  /// empty when it needs none. The host gives it a scorer with
  /// setProxyScorer() before the first ask.
  virtual std::string proxyNeeded() const { return {}; }
  virtual void setProxyScorer(ProxyScorer *scorer) { (void)scorer; }
  /// Everything needed to continue later, RNG state included.
  virtual Json save() const = 0;
  virtual void restore(const Json &state) = 0;
  /// After restore(): every architecture told so far with the score it was
  /// told, in order (the driver passes the store's rows). For what a
  /// strategy rebuilds from the history instead of saving it with every
  /// snapshot, which would make each snapshot grow with the run (nsga2's
  /// set of evaluated architectures, a surrogate model's training data).
  virtual void restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &scores) {
    (void)evaluated, (void)scores;
  }
  /// After restoreHistory(): the architectures it had asked beyond them
  /// when the snapshot was saved (trials still out), in ask order; the
  /// driver hands them out again without asking. For what a strategy
  /// rebuilds from what it asked (random's set of drawn architectures).
  virtual void restoreAsked(const std::vector<Architecture> &asked) { (void)asked; }
};

/// Builds a strategy for `space` from its evaluated arguments (the .nas
/// declaration's parameters with defaults applied by the caller or here).
using StrategyFactory =
    std::function<std::unique_ptr<Strategy>(const Space &space, const Json &args, uint64_t seed)>;

void registerStrategy(const std::string &impl, StrategyFactory factory);
/// Throws std::invalid_argument naming the known strategies when `impl` is unknown.
std::unique_ptr<Strategy> makeStrategy(const std::string &impl, const Space &space, const Json &args, uint64_t seed);
std::vector<std::string> strategyNames();

/// Makes sure the strategies built into nasc_runtime are registered: a
/// static library's object files that nothing references are not linked, so
/// their registrations would never run. makeStrategy and strategyNames call
/// it; Registry.cpp lists the built-ins.
void registerBuiltinStrategies();

// Helpers for save()/restore().
/// {"choice": [...], "real": [...]}
Json toJson(const Architecture &a);
Architecture architectureFromJson(const Json &j);
/// The generator's full state as text (operator<<), and back.
std::string saveRng(const runtime::Rng &rng);
void restoreRng(runtime::Rng &rng, const std::string &state);
/// JSON has no infinities: -inf (an infeasible architecture) is "-inf".
Json scoreToJson(double score);
double scoreFromJson(const Json &j);
/// An argument of a strategy's configuration: a value or a tree over
/// constants; `fallback` when absent.
Json strategyArg(const Json &args, const std::string &name, const Json &fallback);

/// Registers a strategy from its own file. The extern "C" anchor lets
/// registerBuiltinStrategies() reference the file so the linker keeps it.
#define NASC_REGISTER_STRATEGY(IMPL, FACTORY)                                                                     \
  static const bool nascStrategyRegistered_##IMPL = [] {                                                          \
    ::nasc::search::registerStrategy(#IMPL, FACTORY);                                                             \
    return true;                                                                                                   \
  }();                                                                                                             \
  extern "C" bool nascStrategyAnchor_##IMPL() { return nascStrategyRegistered_##IMPL; }

} // namespace nasc::search

#endif // NASC_SEARCH_STRATEGY_H
