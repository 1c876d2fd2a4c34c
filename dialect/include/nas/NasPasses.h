//===- NasPasses.h - Passes over the nas dialect --------------------------===//
#ifndef NAS_NASPASSES_H
#define NAS_NASPASSES_H

#include "nas/Evaluate.h"
#include "nas/NasDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/APInt.h"

#include <memory>
#include <optional>

namespace mlir::nas {

#define GEN_PASS_DECL
#include "nas/NasPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "nas/NasPasses.h.inc"

/// The exact size of a space: its architectures, each decision counted where
/// the architecture uses it (Counting.cpp). `continuous` is set when a float
/// range makes it infinite (the count is then that of the discrete
/// decisions).
struct SpaceSize {
  llvm::APInt count;
  unsigned decisions = 0;
  bool continuous = false;
  /// Decimal digits of `count`.
  std::string str() const;
};

/// Counts the architectures of `space`. Fails (with an error at the op) when
/// a domain is not a constant, or when decisions that depend on one another
/// have too many combinations to enumerate.
FailureOr<SpaceSize> countSpace(SpaceOp space);

/// Learnable parameters and multiply-accumulates of a network.
struct Cost {
  double params = 0, flops = 0;
};

/// Costs of architectures of one space: the ops' own formulas
/// (nas.properties) at the shapes they meet, built once (helper ops live in
/// the space until the model is destroyed), then evaluated per architecture.
class SpaceCostModel {
public:
  explicit SpaceCostModel(SpaceOp space);
  ~SpaceCostModel();
  /// Fails if a shape or a formula is not known for this architecture.
  FailureOr<Cost> cost(const DecisionValues &decisions);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// The cost of one architecture (builds a SpaceCostModel).
FailureOr<Cost> architectureCost(SpaceOp space, const DecisionValues &decisions);

/// The cost range over every architecture of `space` that keeps its
/// requirements: exact where variable elimination over the cost terms can
/// have it (ExactRange.h; `exact` says so), else interval arithmetic (sound,
/// not always tight: what nas-infer-shapes attaches as `params`/`flops`).
FailureOr<std::pair<Cost, Cost>> spaceCostRange(SpaceOp space, bool *exact = nullptr);

/// What the requirements over decisions leave of a space.
struct Feasibility {
  /// Whether any requirement prunes (false: every architecture is feasible).
  bool pruning = false;
  llvm::APInt feasible = llvm::APInt(64, 0);
  /// Decimal digits of `feasible`.
  std::string str() const;
  /// Decision values no feasible architecture takes: (name, value as text).
  std::vector<std::pair<std::string, std::string>> neverFeasible;
};

/// Counts the architectures that meet the space's requirements over
/// decisions, exactly (components of constrained decisions enumerated, the
/// rest multiplied: Counting.cpp). Fails (without a diagnostic) when a
/// requirement reads a float range or a component is too large to
/// enumerate. When the requirements conflict, reports an error naming them
/// and returns `feasible` 0.
FailureOr<Feasibility> countFeasible(SpaceOp space);

/// When two architectures compute the same function (docs/dialect.md).
enum class Equivalence {
  /// NAS-Bench-201's rule: zero terms still count in a sum, a sum is its
  /// sorted terms joined (15,625 cells give 6,466).
  Benchmark,
  /// Zero terms dropped, sums flattened, a sum of one term is that term
  /// (15,625 cells give 4,930).
  Algebraic,
};

/// The canonical form of the architecture `decisions` picks (decision values
/// as Evaluate.h takes them: categorical index, range value). Equal forms
/// compute the same function. Fails on constructs not handled yet (input
/// choices).
FailureOr<std::string> canonicalForm(SpaceOp space, const DecisionValues &decisions, Equivalence rule,
                                     std::string *whyNot = nullptr);

/// The number of distinct canonical forms over every architecture: by
/// enumeration for spaces of at most `limit` architectures, else by owner
/// (the network and each owner enumerated alone, at most `limit` each, and
/// multiplied; Equivalence.cpp says when that is exact). Fails when neither
/// applies (input choices, float decisions, owners whose use depends on
/// another owner's decisions); then `whyNot`, if given, says which reason
/// applies and names the decision or owner.
FailureOr<APInt> countUnique(SpaceOp space, Equivalence rule, uint64_t limit, std::string *whyNot = nullptr);

} // namespace mlir::nas

#endif // NAS_NASPASSES_H
