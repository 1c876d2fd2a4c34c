//===- Activity.h - Which decisions an architecture uses ------------------===//
//
// nas-instantiate marks what only some architectures use: the copies of a
// repetition of decided depth, and the alternatives of a choice among
// searched blocks (templates with decisions of their own); nas-pick-conditions
// marks the operation choices on edges an input choice may leave out (DARTS).
// Each such op carries
// `nas.active_if = [[switch id, lo], [switch id, lo, hi], [pick, "picks", i]]`:
// it is used when every named switch's index is at least lo (and at most
// hi) and every named input choice picks its candidate i.
// A decision counts only where it is used; an architecture's canonical form
// sets every unused decision to its first value, so two decision vectors
// that differ only there are one architecture with one ID.
//
//===----------------------------------------------------------------------===//
#ifndef NAS_ACTIVITY_H
#define NAS_ACTIVITY_H

#include "nas/Evaluate.h"

#include "llvm/ADT/StringMap.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mlir::nas {

/// The attribute naming when an op is used.
constexpr llvm::StringLiteral kActiveIfAttr = "nas.active_if";

/// One condition of `nas.active_if`: switch `switchId`'s index in [lo, hi],
/// or (`picks`) input choice `switchId`'s mask includes candidate `lo`.
struct ActiveCondition {
  std::string switchId;
  int64_t lo = 0;
  std::optional<int64_t> hi; // none: no upper bound (a repetition's copy)
  bool picks = false;
  bool holds(int64_t index) const {
    if (picks)
      return lo >= 0 && lo < 64 && (uint64_t(index) >> lo & 1);
    return index >= lo && (!hi || index <= *hi);
  }
};

/// The conditions `op` carries; empty when it is always used.
std::vector<ActiveCondition> activeConditions(Operation *op);

/// `nas.active_if`'s form of one condition.
Attribute activeConditionAttr(Builder &b, StringRef switchId, int64_t lo, std::optional<int64_t> hi = std::nullopt);
/// `nas.active_if`'s form of "input choice `pick` picks candidate `i`".
Attribute pickConditionAttr(Builder &b, StringRef pick, int64_t i);

/// The switches of a space and the conditions on its decisions.
class SpaceActivity {
public:
  explicit SpaceActivity(SpaceOp space);

  /// Whether any decision is used only in some architectures.
  bool conditional() const { return isConditional; }

  /// Switch indices under `decisions`, by switch id, and the masks of the
  /// input choices conditions read, by name (a switch whose index cannot be
  /// evaluated is missing: conditions on it do not hold).
  llvm::StringMap<int64_t> switchIndices(const DecisionValues &decisions) const;

  /// Whether every condition holds under `indices`.
  static bool holds(ArrayRef<ActiveCondition> conditions, const llvm::StringMap<int64_t> &indices);

  /// Whether decision `name` is used under `indices`: some occurrence of it
  /// is unconditional or has its conditions hold.
  bool active(StringRef name, const llvm::StringMap<int64_t> &indices) const;

  /// `decisions` with every unused decision at its first value.
  DecisionValues canonical(const DecisionValues &decisions) const;

  /// Whether `decisions` is canonical (every unused decision at its first
  /// value): enumerating only these visits each architecture once.
  bool isCanonical(const DecisionValues &decisions) const;

  /// The names of the decisions switch `id`'s index reads.
  ArrayRef<std::string> controllers(StringRef id) const;
  /// The names of the decisions condition `c` reads.
  std::vector<std::string> controllers(const ActiveCondition &c) const;

  /// Every switch id, and every conditional decision with the condition
  /// sets of its occurrences.
  const llvm::StringMap<Value> &switches() const { return switchIndex; }
  const std::map<std::string, std::vector<std::vector<ActiveCondition>>> &conditionalDecisions() const {
    return occurrences;
  }

private:
  llvm::StringMap<Value> switchIndex;
  llvm::StringMap<std::vector<std::string>> switchControllers;
  /// Input choices some condition reads.
  std::set<std::string> conditionPicks;
  /// Conditional decisions: the condition set of each occurrence.
  std::map<std::string, std::vector<std::vector<ActiveCondition>>> occurrences;
  /// First value of every conditional decision.
  std::map<std::string, Attribute> firstValue;
  bool isConditional = false;
};

} // namespace mlir::nas

#endif // NAS_ACTIVITY_H
