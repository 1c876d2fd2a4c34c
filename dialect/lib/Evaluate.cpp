//===- Evaluate.cpp - Constant evaluation under fixed decisions -----------===//
#include "nas/Evaluate.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace mlir::nas;

static Attribute evaluate(Value value, const DecisionValues &decisions, llvm::DenseMap<Value, Attribute> &memo) {
  auto it = memo.find(value);
  if (it != memo.end())
    return it->second;
  Attribute result;
  Operation *def = value.getDefiningOp();
  if (!def)
    return memo[value] = nullptr;
  if (auto c = dyn_cast<CategoricalOp>(def)) {
    auto chosen = decisions.find(c.getName().str());
    if (chosen != decisions.end()) {
      if (auto index = dyn_cast<IntegerAttr>(chosen->second))
        if (index.getInt() >= 0 && index.getInt() < static_cast<int64_t>(c.getAlternatives().size()))
          result = evaluate(c.getAlternatives()[index.getInt()], decisions, memo);
    } else {
      // Not fixed, but known if every alternative gives the same value.
      for (Value alt : c.getAlternatives()) {
        Attribute a = evaluate(alt, decisions, memo);
        if (!a || (result && a != result)) {
          result = nullptr;
          break;
        }
        result = a;
      }
    }
  } else if (auto r = dyn_cast<RangeOp>(def)) {
    auto chosen = decisions.find(r.getName().str());
    if (chosen != decisions.end())
      result = chosen->second;
  } else if (matchPattern(value, m_Constant(&result))) {
    // a constant
  } else if (auto select = dyn_cast<arith::SelectOp>(def)) {
    // A condition not known here still gives a value when both sides agree.
    Attribute cond = evaluate(select.getCondition(), decisions, memo);
    if (auto c = dyn_cast_or_null<IntegerAttr>(cond)) {
      result = evaluate(c.getInt() ? select.getTrueValue() : select.getFalseValue(), decisions, memo);
    } else {
      Attribute t = evaluate(select.getTrueValue(), decisions, memo);
      if (t && t == evaluate(select.getFalseValue(), decisions, memo))
        result = t;
    }
  } else if (def->getNumResults() == 1 && def->getNumRegions() == 0 && isMemoryEffectFree(def)) {
    // Folding needs no memory effects; division is not "Pure" (it may trap) but folds.
    SmallVector<Attribute> operands;
    for (Value operand : def->getOperands())
      operands.push_back(evaluate(operand, decisions, memo));
    if (llvm::all_of(operands, [](Attribute a) { return a != nullptr; })) {
      SmallVector<OpFoldResult> folded;
      if (succeeded(def->fold(operands, folded)) && folded.size() == 1) {
        // A fold may answer with one of the operands (`x ceildiv 1` is `x`).
        if (auto attr = dyn_cast<Attribute>(folded[0]))
          result = attr;
        else if (Value same = dyn_cast<Value>(folded[0]); same && same != value)
          result = evaluate(same, decisions, memo);
      }
    }
  }
  return memo[value] = result;
}

Attribute Evaluator::operator()(Value value) { return ::evaluate(value, decisions, memo); }

Attribute mlir::nas::evaluate(Value value, const DecisionValues &decisions,
                              const llvm::DenseMap<Value, Attribute> *known) {
  llvm::DenseMap<Value, Attribute> memo;
  if (known)
    memo = *known;
  return ::evaluate(value, decisions, memo);
}

bool mlir::nas::forEachCombination(const DecisionDomains &domains,
                                   llvm::function_ref<bool(const DecisionValues &)> fn) {
  std::vector<size_t> index(domains.size(), 0);
  while (true) {
    DecisionValues assignment;
    for (size_t i = 0; i < domains.size(); ++i)
      assignment[domains[i].first] = domains[i].second[index[i]];
    if (!fn(assignment))
      return false;
    size_t i = 0;
    for (; i < domains.size(); ++i) {
      if (++index[i] < domains[i].second.size())
        break;
      index[i] = 0;
    }
    if (i == domains.size())
      return true;
  }
}

void mlir::nas::decisionsOf(Value value, llvm::SmallVectorImpl<Operation *> &out) {
  llvm::SmallPtrSet<Operation *, 16> seen;
  SmallVector<Value> work{value};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def || !seen.insert(def).second)
      continue;
    if (isa<CategoricalOp, RangeOp>(def))
      out.push_back(def);
    for (Value operand : def->getOperands())
      work.push_back(operand);
  }
}

std::optional<std::vector<Attribute>> mlir::nas::domainValues(Operation *decision) {
  Builder b(decision->getContext());
  std::vector<Attribute> values;
  if (auto c = dyn_cast<CategoricalOp>(decision)) {
    for (size_t i = 0; i < c.getAlternatives().size(); ++i)
      values.push_back(b.getI64IntegerAttr(i));
    return values;
  }
  if (auto r = dyn_cast<RangeOp>(decision)) {
    APInt lo, hi, step;
    if (!matchPattern(r.getLo(), m_ConstantInt(&lo)) || !matchPattern(r.getHi(), m_ConstantInt(&hi)) ||
        !matchPattern(r.getStep(), m_ConstantInt(&step)) || step.getSExtValue() <= 0)
      return std::nullopt;
    for (int64_t v = lo.getSExtValue(); v <= hi.getSExtValue(); v += step.getSExtValue())
      values.push_back(b.getI64IntegerAttr(v));
    return values;
  }
  return std::nullopt;
}
