//===- Evaluate.cpp - Constant evaluation under fixed decisions -----------===//
#include "nas/Evaluate.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include <cmath>
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
  } else if (auto count = dyn_cast<CountOp>(def); count && count.getList().getDefiningOp<SubsetOp>()) {
    // An `any of` decision's value is the mask of what it picks.
    auto chosen = decisions.find(count.getList().getDefiningOp<SubsetOp>().getName().str());
    if (chosen != decisions.end())
      if (auto mask = dyn_cast<IntegerAttr>(chosen->second))
        result = IntegerAttr::get(IntegerType::get(def->getContext(), 64),
                                  llvm::popcount(static_cast<uint64_t>(mask.getInt())));
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

Attribute mlir::nas::evaluateWith(Value value, const DecisionValues &decisions,
                                  llvm::DenseMap<Value, Attribute> &memo) {
  return ::evaluate(value, decisions, memo);
}

Attribute mlir::nas::evaluate(Value value, const DecisionValues &decisions,
                              const llvm::DenseMap<Value, Attribute> *known) {
  llvm::DenseMap<Value, Attribute> memo;
  if (known)
    memo = *known;
  return ::evaluate(value, decisions, memo);
}

namespace {
/// Interval rules for the ops costs and shapes are made of.
class RangeEvaluator {
public:
  std::optional<Interval> operator()(Value v) {
    auto it = memo.find(v);
    if (it != memo.end())
      return it->second;
    std::optional<Interval> r = compute(v);
    memo[v] = r;
    return r;
  }

private:
  llvm::DenseMap<Value, std::optional<Interval>> memo;
  /// Exact values where nothing needs fixing, shared by every query.
  Evaluator exact{DecisionValues{}};

  static Interval hull(Interval a, Interval b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }
  static Interval of4(double a, double b, double c, double d) {
    return {std::min({a, b, c, d}), std::max({a, b, c, d})};
  }

  std::optional<Interval> compute(Value v) {
    if (Attribute a = exact(v)) {
      if (auto i = dyn_cast<IntegerAttr>(a))
        return Interval{double(i.getInt()), double(i.getInt())};
      if (auto f = dyn_cast<FloatAttr>(a))
        return Interval{f.getValueAsDouble(), f.getValueAsDouble()};
      return std::nullopt;
    }
    Operation *def = v.getDefiningOp();
    if (!def)
      return std::nullopt;
    auto operand = [&](unsigned i) { return (*this)(def->getOperand(i)); };
    if (auto c = dyn_cast<CategoricalOp>(def)) {
      std::optional<Interval> r;
      for (Value alt : c.getAlternatives()) {
        auto x = (*this)(alt);
        if (!x)
          return std::nullopt;
        r = r ? hull(*r, *x) : *x;
      }
      return r;
    }
    if (auto r = dyn_cast<RangeOp>(def)) {
      auto lo = (*this)(r.getLo()), hi = (*this)(r.getHi());
      if (!lo || !hi)
        return std::nullopt;
      return Interval{lo->lo, hi->hi};
    }
    if (auto s = dyn_cast<arith::SelectOp>(def)) {
      auto t = (*this)(s.getTrueValue()), f = (*this)(s.getFalseValue());
      if (!t || !f)
        return std::nullopt;
      if (auto c = dyn_cast_or_null<IntegerAttr>(exact(s.getCondition())))
        return c.getInt() ? t : f;
      return hull(*t, *f);
    }
    if (def->getNumOperands() == 1) {
      auto x = operand(0);
      if (!x)
        return std::nullopt;
      if (isa<arith::SIToFPOp, arith::FPToSIOp, arith::ExtSIOp, arith::ExtUIOp>(def))
        return x;
      if (isa<math::CeilOp>(def))
        return Interval{std::ceil(x->lo), std::ceil(x->hi)};
      if (isa<math::FloorOp>(def))
        return Interval{std::floor(x->lo), std::floor(x->hi)};
      if (isa<math::RoundOp>(def))
        return Interval{std::round(x->lo), std::round(x->hi)};
      if (isa<arith::NegFOp>(def))
        return Interval{-x->hi, -x->lo};
      return std::nullopt;
    }
    if (def->getNumOperands() != 2)
      return std::nullopt;
    auto x = operand(0), y = operand(1);
    if (!x || !y)
      return std::nullopt;
    if (isa<arith::AddIOp, arith::AddFOp>(def))
      return Interval{x->lo + y->lo, x->hi + y->hi};
    if (isa<arith::SubIOp, arith::SubFOp>(def))
      return Interval{x->lo - y->hi, x->hi - y->lo};
    if (isa<arith::MulIOp, arith::MulFOp>(def))
      return of4(x->lo * y->lo, x->lo * y->hi, x->hi * y->lo, x->hi * y->hi);
    if (isa<arith::MaxSIOp, arith::MaximumFOp>(def))
      return Interval{std::max(x->lo, y->lo), std::max(x->hi, y->hi)};
    if (isa<arith::MinSIOp, arith::MinimumFOp>(def))
      return Interval{std::min(x->lo, y->lo), std::min(x->hi, y->hi)};
    bool divisorSafe = y->lo > 0 || y->hi < 0;
    if (isa<arith::DivFOp, arith::DivSIOp, arith::CeilDivSIOp, arith::FloorDivSIOp>(def) && divisorSafe) {
      Interval q = of4(x->lo / y->lo, x->lo / y->hi, x->hi / y->lo, x->hi / y->hi);
      if (isa<arith::CeilDivSIOp>(def))
        return Interval{std::ceil(q.lo), std::ceil(q.hi)};
      if (isa<arith::DivSIOp, arith::FloorDivSIOp>(def))
        return Interval{std::floor(q.lo), std::floor(q.hi)};
      return q;
    }
    if (isa<arith::RemSIOp>(def) && x->lo >= 0 && y->lo > 0)
      return Interval{0, std::min(x->hi, y->hi - 1)};
    if (isa<math::PowFOp, math::IPowIOp>(def) && x->lo > 0 && y->lo == y->hi) {
      // x^c is monotone in x > 0: rising for c >= 0, falling for c < 0.
      double a = std::pow(x->lo, y->lo), b = std::pow(x->hi, y->lo);
      return Interval{std::min(a, b), std::max(a, b)};
    }
    return std::nullopt;
  }
};
} // namespace

std::optional<Interval> mlir::nas::evaluateRange(Value value) { return RangeEvaluator()(value); }

std::vector<std::optional<Interval>> mlir::nas::evaluateRanges(ArrayRef<Value> values) {
  RangeEvaluator ranges;
  std::vector<std::optional<Interval>> out;
  for (Value v : values)
    out.push_back(ranges(v));
  return out;
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

std::optional<DecisionDomains> mlir::nas::spaceDomains(SpaceOp space, uint64_t limit,
                                                       std::map<std::string, Operation *> *ops) {
  std::map<std::string, std::vector<Attribute>> domains;
  uint64_t total = 1;
  WalkResult walk = space.walk([&](Operation *op) -> WalkResult {
    if (isa<PickOp, SubsetOp>(op))
      return WalkResult::interrupt(); // input choices are not enumerated yet
    if (!isa<CategoricalOp, RangeOp>(op))
      return WalkResult::advance();
    std::string name = op->getAttrOfType<StringAttr>("name").str();
    if (domains.count(name))
      return WalkResult::advance();
    auto values = domainValues(op);
    if (!values || values->empty() || (total *= values->size()) > limit)
      return WalkResult::interrupt();
    domains[name] = *values;
    if (ops)
      (*ops)[name] = op;
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return std::nullopt;
  return DecisionDomains(domains.begin(), domains.end());
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
    // How many an input choice picks reads that decision, not its candidates.
    if (auto count = dyn_cast<CountOp>(def)) {
      if (auto subset = count.getList().getDefiningOp<SubsetOp>(); subset && seen.insert(subset).second)
        out.push_back(subset);
      else if (auto pick = count.getList().getDefiningOp<PickOp>())
        work.push_back(pick.getCount());
      continue;
    }
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
  // Input choices: the masks of the candidates they may pick, ascending.
  if (isa<PickOp, SubsetOp>(decision)) {
    auto pick = dyn_cast<PickOp>(decision);
    size_t n = pick ? pick.getCandidates().size() : cast<SubsetOp>(decision).getCandidates().size();
    APInt k;
    if (n > 20 || (pick && !matchPattern(pick.getCount(), m_ConstantInt(&k))))
      return std::nullopt;
    for (uint64_t mask = 0; mask < (uint64_t(1) << n); ++mask)
      if (!pick || static_cast<uint64_t>(llvm::popcount(mask)) == k.getZExtValue())
        values.push_back(b.getI64IntegerAttr(static_cast<int64_t>(mask)));
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
