//===- Evaluate.h - Constant evaluation under fixed decisions -------------===//
#ifndef NAS_EVALUATE_H
#define NAS_EVALUATE_H

#include "nas/NasDialect.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <map>
#include <optional>
#include <string>

namespace mlir::nas {

/// Decision values by decision name: for a categorical decision the index of
/// the alternative, for a range the value itself.
using DecisionValues = std::map<std::string, Attribute>;

/// Evaluates values under one set of fixed decisions, remembering what it
/// computed: reuse one for many values under the same decisions.
class Evaluator {
public:
  explicit Evaluator(const DecisionValues &decisions) : decisions(decisions) {}
  Attribute operator()(Value value);

private:
  DecisionValues decisions;
  llvm::DenseMap<Value, Attribute> memo;
};

/// Evaluates `value` by folding the ops it depends on, with the decisions in
/// `decisions` fixed and the values in `known` (block arguments, say)
/// given. Returns null when something it needs is not known.
Attribute evaluate(Value value, const DecisionValues &decisions,
                   const llvm::DenseMap<Value, Attribute> *known = nullptr);

/// The same with a memo the caller keeps: values in it are taken as they
/// are, and what is evaluated is added (to evaluate many decision vectors
/// that differ in a few decisions, erase the values those decisions reach
/// between calls).
Attribute evaluateWith(Value value, const DecisionValues &decisions, llvm::DenseMap<Value, Attribute> &memo);

/// The decision ops `value` depends on: categorical, range, and the `any of`
/// input choices whose count (`nas.count`) it reads.
void decisionsOf(Value value, llvm::SmallVectorImpl<Operation *> &out);

/// A closed range of numbers a value can take.
struct Interval {
  double lo = 0, hi = 0;
};

/// Bounds on `value` over every value of the decisions it depends on, by
/// interval arithmetic (sound, not always tight); none when an op on the
/// way has no interval rule.
std::optional<Interval> evaluateRange(Value value);

/// The same for several values at once, sharing what they have in common.
std::vector<std::optional<Interval>> evaluateRanges(ArrayRef<Value> values);

/// Decisions with the values to try for each.
using DecisionDomains = std::vector<std::pair<std::string, std::vector<Attribute>>>;

/// Calls `fn` with every combination of `domains`' values, the first
/// decision varying fastest, until `fn` returns false. Returns whether it
/// went through all of them.
bool forEachCombination(const DecisionDomains &domains,
                        llvm::function_ref<bool(const DecisionValues &)> fn);

/// The distinct decisions of `space` with their values, for enumerating its
/// architectures; none when it has input choices or float ranges, or more
/// than `limit` architectures. `ops` receives one op of each decision.
std::optional<DecisionDomains> spaceDomains(SpaceOp space, uint64_t limit,
                                            std::map<std::string, Operation *> *ops = nullptr);

/// Every value a categorical, integer range or input choice (at most 20
/// candidates; masks, ascending) decision can take, in the form
/// DecisionValues uses; none if not enumerable.
std::optional<std::vector<Attribute>> domainValues(Operation *decision);

} // namespace mlir::nas

#endif // NAS_EVALUATE_H
