//===- Feasible.cpp - Architectures that meet the space's requirements ----===//
//
// A requirement over decisions (`require width % heads == 0`) is not a check
// at run time: the combinations that break it are not architectures. For
// spaces small enough to enumerate, this counts the feasible architectures
// exactly, finds the alternatives no feasible architecture uses, and proves a
// space empty when the requirements conflict. Requirements over metrics are
// hard limits judged after evaluation and are not part of this.
//
//===----------------------------------------------------------------------===//
#include "nas/Architecture.h"
#include "nas/Evaluate.h"
#include "nas/NasPasses.h"

#include <map>
#include <set>

using namespace mlir;
using namespace mlir::nas;

static bool readsMetric(Value v) {
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !seen.insert(def).second)
      continue;
    if (isa<MetricOp>(def))
      return true;
    for (Value operand : def->getOperands())
      work.push_back(operand);
  }
  return false;
}

FailureOr<Feasibility> mlir::nas::countFeasible(SpaceOp space, uint64_t limit) {
  SmallVector<RequireOp> requirements;
  space.walk([&](RequireOp r) {
    if (!readsMetric(r.getCondition()))
      requirements.push_back(r);
  });
  Feasibility result;
  if (requirements.empty())
    return result; // nothing prunes: every architecture is feasible
  std::map<std::string, Operation *> ops;
  std::optional<DecisionDomains> domains = spaceDomains(space, limit, &ops);
  if (!domains)
    return failure();
  result.pruning = true;
  std::set<std::pair<std::string, int64_t>> used; // (decision, value) in some feasible architecture
  forEachCombination(*domains, [&](const DecisionValues &a) {
    Evaluator eval(a);
    for (RequireOp r : requirements) {
      auto holds = dyn_cast_or_null<IntegerAttr>(eval(r.getCondition()));
      if (holds && holds.getInt() == 0)
        return true;
    }
    ++result.feasible;
    for (auto &[name, value] : a)
      used.insert({name, cast<IntegerAttr>(value).getInt()});
    return true;
  });
  for (auto &[name, values] : *domains)
    for (Attribute v : values)
      if (!used.count({name, cast<IntegerAttr>(v).getInt()}))
        result.neverFeasible.push_back({name, decisionValueText(ops[name], v)});
  if (result.feasible == 0) {
    InFlightDiagnostic diag = space.emitError()
                              << "no architecture of space '" << space.getSymName()
                              << "' meets all its requirements: they conflict";
    for (RequireOp r : requirements)
      diag.attachNote(r.getLoc()) << "requirement '" << (r.getText() ? *r.getText() : StringRef("?")) << "'";
  }
  return result;
}
