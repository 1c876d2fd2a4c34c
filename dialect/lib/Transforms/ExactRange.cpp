//===- ExactRange.cpp - Least and greatest value of a sum over a space ----===//
//
// Min-sum (and max-sum) variable elimination: each term (and requirement)
// is a table over the few decisions it reads; eliminating a decision
// replaces the tables that read it by one over their other decisions,
// holding the least (greatest) sum over the eliminated decision's values.
// Chains of coupled blocks (each block's width read by the next) cost a
// table per link, not the product of the chain.
//
//===----------------------------------------------------------------------===//
#include "ExactRange.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

using namespace mlir;
using namespace mlir::nas;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A table over decisions `vars` (the first varies fastest): the least and
/// greatest partial sum for each of their combinations.
struct Factor {
  std::vector<int> vars;
  std::vector<double> lo, hi;
};

class Eliminator {
public:
  Eliminator(const SpaceActivity &activity, uint64_t tableLimit, uint64_t budget)
      : activity(activity), tableLimit(tableLimit), budget(budget) {}

  std::vector<std::string> names;
  std::vector<std::vector<Attribute>> domains;
  std::map<std::string, int> index;
  std::vector<Factor> factors;
  double constLo = 0, constHi = 0;

  /// The indices of decisions `ops`, registering new ones; false when one
  /// has no finite domain.
  bool addDecisions(ArrayRef<Operation *> ops, std::vector<int> &out) {
    for (Operation *op : ops) {
      std::string name = op->getAttrOfType<StringAttr>("name").str();
      auto it = index.find(name);
      if (it == index.end()) {
        std::optional<std::vector<Attribute>> values = domainValues(op);
        if (!values || values->empty())
          return false;
        it = index.emplace(name, int(names.size())).first;
        names.push_back(name);
        domains.push_back(std::move(*values));
      }
      out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return true;
  }

  /// Tabulates a term (`value`) or a requirement (`require`) over `vars`;
  /// `rest` fixes the other decisions it reads, which do not change it.
  /// `known`: values of the term's parts that read none of `vars`, the
  /// same in every entry (evaluated once); `varying`: the parts that do,
  /// forgotten between entries.
  bool tabulate(Value value, RequireOp require, const std::vector<int> &vars, const DecisionValues &rest = {},
                llvm::DenseMap<Value, Attribute> *known = nullptr, ArrayRef<Value> varying = {}) {
    uint64_t size = tableSize(vars);
    if (size > tableLimit || (work += size) > budget)
      return false;
    Factor f{vars, std::vector<double>(size), std::vector<double>(size)};
    std::vector<size_t> at(vars.size(), 0);
    DecisionValues d = rest;
    for (uint64_t k = 0; k < size; ++k) {
      for (size_t j = 0; j < vars.size(); ++j)
        d[names[vars[j]]] = domains[vars[j]][at[j]];
      if (require) {
        auto holds = dyn_cast_or_null<IntegerAttr>(evaluate(require.getCondition(), d));
        if (!holds)
          return false;
        bool broken = holds.getValue().isZero() &&
                      SpaceActivity::holds(activeConditions(require), activity.switchIndices(d));
        f.lo[k] = broken ? kInf : 0;
        f.hi[k] = broken ? -kInf : 0;
      } else {
        Attribute a;
        if (known) {
          for (Value v : varying)
            known->erase(v);
          a = evaluateWith(value, d, *known);
        } else {
          a = evaluate(value, d);
        }
        double v;
        if (auto x = dyn_cast_or_null<FloatAttr>(a))
          v = x.getValueAsDouble();
        else if (auto n = dyn_cast_or_null<IntegerAttr>(a))
          v = double(n.getInt());
        else
          return false;
        f.lo[k] = f.hi[k] = v;
      }
      for (size_t j = 0; j < vars.size() && ++at[j] == domains[vars[j]].size(); ++j)
        at[j] = 0;
    }
    if (vars.empty()) {
      constLo += f.lo[0];
      constHi += f.hi[0];
    } else {
      factors.push_back(std::move(f));
    }
    return true;
  }

  /// Whether eliminating over tables reading `varSets` keeps every table
  /// within the limit (the same order run() takes, on the variable sets
  /// alone: cheap, so a space that cannot be had exactly is given up on
  /// before any table is filled).
  bool feasible(std::vector<std::vector<int>> varSets) const {
    std::set<int> left;
    for (const auto &vs : varSets)
      left.insert(vs.begin(), vs.end());
    while (!left.empty()) {
      int best = -1;
      std::vector<int> bestVars;
      uint64_t bestSize = UINT64_MAX;
      for (int x : left) {
        std::set<int> around;
        for (const auto &vs : varSets)
          if (std::binary_search(vs.begin(), vs.end(), x))
            around.insert(vs.begin(), vs.end());
        around.erase(x);
        std::vector<int> vars(around.begin(), around.end());
        uint64_t size = tableSize(vars);
        if (size < bestSize)
          best = x, bestSize = size, bestVars = std::move(vars);
      }
      if (bestSize > tableLimit)
        return false;
      std::vector<std::vector<int>> rest;
      for (auto &vs : varSets)
        if (!std::binary_search(vs.begin(), vs.end(), best))
          rest.push_back(std::move(vs));
      rest.push_back(std::move(bestVars));
      varSets = std::move(rest);
      left.erase(best);
    }
    return true;
  }

  /// Eliminates every decision; the least and greatest total.
  std::optional<Interval> run() {
    std::set<int> left;
    for (const Factor &f : factors)
      left.insert(f.vars.begin(), f.vars.end());
    while (!left.empty()) {
      // The decision whose elimination makes the smallest table.
      int best = -1;
      uint64_t bestSize = UINT64_MAX;
      for (int x : left) {
        uint64_t size = tableSize(neighbours(x));
        if (size < bestSize)
          best = x, bestSize = size;
      }
      if (bestSize > tableLimit || !eliminate(best))
        return std::nullopt;
      left.erase(best);
    }
    double lo = constLo, hi = constHi;
    for (const Factor &f : factors)
      lo += f.lo[0], hi += f.hi[0];
    return Interval{lo, hi};
  }

private:
  const SpaceActivity &activity;
  uint64_t tableLimit, budget, work = 0;

  uint64_t tableSize(const std::vector<int> &vars) const {
    uint64_t n = 1;
    for (int v : vars)
      if ((n *= domains[v].size()) > tableLimit)
        return tableLimit + 1;
    return n;
  }

  /// The decisions sharing a table with `x`, without it.
  std::vector<int> neighbours(int x) const {
    std::set<int> out;
    for (const Factor &f : factors)
      if (std::binary_search(f.vars.begin(), f.vars.end(), x))
        out.insert(f.vars.begin(), f.vars.end());
    out.erase(x);
    return {out.begin(), out.end()};
  }

  bool eliminate(int x) {
    std::vector<int> vars = neighbours(x);
    std::vector<Factor> with, rest;
    for (Factor &f : factors)
      (std::binary_search(f.vars.begin(), f.vars.end(), x) ? with : rest).push_back(std::move(f));
    uint64_t size = tableSize(vars);
    if ((work += size * domains[x].size() * with.size()) > budget)
      return false;
    // Where each table's entry sits, from the current value of each decision.
    std::vector<size_t> value(names.size(), 0);
    auto entry = [&](const Factor &f) {
      size_t k = 0, stride = 1;
      for (int v : f.vars) {
        k += value[v] * stride;
        stride *= domains[v].size();
      }
      return k;
    };
    Factor out{vars, std::vector<double>(size), std::vector<double>(size)};
    std::vector<size_t> at(vars.size(), 0);
    for (uint64_t k = 0; k < size; ++k) {
      for (size_t j = 0; j < vars.size(); ++j)
        value[vars[j]] = at[j];
      double lo = kInf, hi = -kInf;
      for (size_t xv = 0; xv < domains[x].size(); ++xv) {
        value[x] = xv;
        double sl = 0, sh = 0;
        for (const Factor &f : with) {
          size_t e = entry(f);
          sl += f.lo[e];
          sh += f.hi[e];
        }
        lo = std::min(lo, sl);
        hi = std::max(hi, sh);
      }
      out.lo[k] = lo;
      out.hi[k] = hi;
      for (size_t j = 0; j < vars.size() && ++at[j] == domains[vars[j]].size(); ++j)
        at[j] = 0;
    }
    rest.push_back(std::move(out));
    factors = std::move(rest);
    return true;
  }
};

/// The decisions `v` really depends on: like decisionsOf, but an `if`
/// whose condition takes one value over its decisions' whole domains reads
/// only the branch it takes (a repetition count min(n, 1) with n in 1..3).
/// The others may be given any value of their domain.
class EffectiveDecisions {
public:
  const std::vector<Operation *> &of(Value v) { return walk(v, /*fold=*/true, 0); }

  /// Every decision `v` reads (decisionsOf, memoized across terms: terms
  /// share the long chains of shapes they are computed from).
  const std::vector<Operation *> &reads(Value v) { return walk(v, /*fold=*/false, 0); }

private:
  /// Both walks: `fold` takes only the branch of an `if` whose condition is
  /// constant over its decisions' domains.
  const std::vector<Operation *> &walk(Value v, bool fold, int depth) {
    auto &table = fold ? memo : readMemo;
    if (auto it = table.find(v); it != table.end())
      return it->second;
    std::vector<Operation *> out;
    Operation *def = v.getDefiningOp();
    auto sel = def ? dyn_cast<arith::SelectOp>(def) : arith::SelectOp();
    const std::optional<Table> *exact = fold && depth <= 2000 ? &functionOf(v, depth) : nullptr;
    if (exact && *exact) {
      out = (*exact)->vars; // what it is a function of
    } else if (depth > 2000 || (def && isa<CountOp>(def))) { // very deep, or a pick's count: what decisionsOf says
      SmallVector<Operation *> ds;
      decisionsOf(v, ds);
      out.assign(ds.begin(), ds.end());
    } else if (fold && sel && constantCondition(sel.getCondition())) {
      out = walk(*constantCondition(sel.getCondition()) ? sel.getTrueValue() : sel.getFalseValue(), fold, depth + 1);
    } else if (def) {
      if (isa<CategoricalOp, RangeOp>(def))
        out.push_back(def);
      for (Value operand : def->getOperands()) {
        const std::vector<Operation *> &sub = walk(operand, fold, depth + 1);
        out.insert(out.end(), sub.begin(), sub.end());
      }
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    return (fold ? memo : readMemo)[v] = std::move(out);
  }

  llvm::DenseMap<Value, std::vector<Operation *>> memo, readMemo;
  /// A number as a table over the decisions it depends on (the first
  /// varies fastest): exact, composed from its operands' tables.
  struct Table {
    std::vector<Operation *> vars; ///< sorted
    std::vector<size_t> sizes;     ///< each var's domain size
    std::vector<Attribute> values;
  };
  /// By Value (node-based: entries stay put while others are added).
  std::unordered_map<void *, std::optional<Table>> tables;
  static constexpr uint64_t kMaxTable = 4096;

  /// `v` as a function of the decisions it really depends on: its operands'
  /// tables composed over their decisions together, then every decision it
  /// does not change (for any value of the others) dropped. None when a
  /// table would pass 4,096 entries or a part is not a number or string. MnasNet's
  /// and NASNet's choices compute a layer's output size in each alternative
  /// (a 'same'-padded size written with the kernel; channels through each
  /// alternative's shape rule): read syntactically it depends on every
  /// earlier choice, as a function on a few widths.
  const std::optional<Table> &functionOf(Value v, int depth) {
    if (auto it = tables.find(v.getAsOpaquePointer()); it != tables.end())
      return it->second;
    std::optional<Table> result;
    Operation *def = v.getDefiningOp();
    Type type = v.getType();
    bool number = type.isInteger(1) || type.isInteger(64) || type.isF64() || isa<StringType>(type);
    if (number && def && depth <= 2000 && def->getNumRegions() == 0 && !isa<PickOp, SubsetOp, CountOp>(def))
      result = compose(v, def, depth);
    return tables[v.getAsOpaquePointer()] = std::move(result);
  }

  std::optional<Table> compose(Value v, Operation *def, int depth) {
    Table t;
    if (isa<CategoricalOp, RangeOp>(def)) {
      std::optional<std::vector<Attribute>> values = domainValues(def);
      if (!values || values->empty() || values->size() > kMaxTable)
        return std::nullopt;
      std::string name = def->getAttrOfType<StringAttr>("name").str();
      t.vars = {def};
      t.sizes = {values->size()};
      for (Attribute a : *values) {
        Attribute r = evaluate(v, {{name, a}});
        if (!r)
          return std::nullopt;
        t.values.push_back(r);
      }
      return t;
    }
    std::vector<const Table *> operands;
    for (Value operand : def->getOperands()) {
      const std::optional<Table> &o = functionOf(operand, depth + 1);
      if (!o)
        return std::nullopt;
      operands.push_back(&*o);
      t.vars.insert(t.vars.end(), o->vars.begin(), o->vars.end());
    }
    std::sort(t.vars.begin(), t.vars.end());
    t.vars.erase(std::unique(t.vars.begin(), t.vars.end()), t.vars.end());
    uint64_t size = 1;
    for (Operation *d : t.vars) {
      size_t n = 0;
      for (const Table *o : operands)
        for (size_t j = 0; j < o->vars.size(); ++j)
          if (o->vars[j] == d)
            n = o->sizes[j];
      t.sizes.push_back(n);
      if ((size *= n) > kMaxTable)
        return std::nullopt;
    }
    // Where each operand's vars sit among t.vars.
    std::vector<std::vector<size_t>> pos(operands.size());
    for (size_t i = 0; i < operands.size(); ++i)
      for (Operation *d : operands[i]->vars)
        pos[i].push_back(size_t(std::lower_bound(t.vars.begin(), t.vars.end(), d) - t.vars.begin()));
    std::vector<size_t> at(t.vars.size(), 0);
    for (uint64_t k = 0; k < size; ++k) {
      llvm::DenseMap<Value, Attribute> known;
      for (size_t i = 0; i < operands.size(); ++i) {
        size_t e = 0, stride = 1;
        for (size_t j = 0; j < pos[i].size(); ++j) {
          e += at[pos[i][j]] * stride;
          stride *= operands[i]->sizes[j];
        }
        known[def->getOperand(i)] = operands[i]->values[e];
      }
      Attribute r = evaluate(v, {}, &known);
      if (!r)
        return std::nullopt;
      t.values.push_back(r);
      for (size_t j = 0; j < at.size() && ++at[j] == t.sizes[j]; ++j)
        at[j] = 0;
    }
    // Drop the decisions it does not change.
    for (size_t j = t.vars.size(); j-- > 0;) {
      size_t stride = 1;
      for (size_t i = 0; i < j; ++i)
        stride *= t.sizes[i];
      bool changes = false;
      for (uint64_t k = 0; k < t.values.size() && !changes; ++k)
        if ((k / stride) % t.sizes[j] != 0)
          changes = t.values[k] != t.values[k - ((k / stride) % t.sizes[j]) * stride];
      if (changes)
        continue;
      Table smaller;
      for (size_t i = 0; i < t.vars.size(); ++i)
        if (i != j) {
          smaller.vars.push_back(t.vars[i]);
          smaller.sizes.push_back(t.sizes[i]);
        }
      for (uint64_t k = 0; k < t.values.size(); ++k)
        if ((k / stride) % t.sizes[j] == 0)
          smaller.values.push_back(t.values[k]);
      t = std::move(smaller);
    }
    return t;
  }
  llvm::DenseMap<Value, std::optional<bool>> conditions;

  /// The condition's value when it is the same over every combination of
  /// the (few) decisions it depends on.
  std::optional<bool> constantCondition(Value cond) {
    if (auto it = conditions.find(cond); it != conditions.end())
      return it->second;
    std::optional<bool> result;
    SmallVector<Operation *> reads;
    decisionsOf(cond, reads);
    DecisionDomains domains;
    uint64_t n = 1;
    for (Operation *d : reads) {
      std::optional<std::vector<Attribute>> values = domainValues(d);
      if (!values || values->empty() || (n *= values->size()) > 64) {
        n = 0;
        break;
      }
      domains.push_back({d->getAttrOfType<StringAttr>("name").str(), std::move(*values)});
    }
    if (n) {
      std::optional<bool> seen;
      bool same = forEachCombination(domains, [&](const DecisionValues &d) {
        auto c = dyn_cast_or_null<IntegerAttr>(evaluate(cond, d));
        if (!c || (seen && *seen != !c.getValue().isZero()))
          return false;
        seen = !c.getValue().isZero();
        return true;
      });
      if (same)
        result = seen;
    }
    return conditions[cond] = result;
  }
};

void collectTerms(Value v, std::vector<Value> &out) {
  if (auto add = v.getDefiningOp<arith::AddFOp>()) {
    collectTerms(add.getLhs(), out);
    collectTerms(add.getRhs(), out);
    return;
  }
  out.push_back(v);
}

} // namespace

std::optional<Interval> mlir::nas::exactRange(Value total, ArrayRef<RequireOp> requirements,
                                              const SpaceActivity &activity, uint64_t tableLimit, uint64_t budget) {
  Eliminator solver(activity, tableLimit, budget);
  // Decisions by name, for the ones a requirement's condition of use reads.
  std::map<std::string, Operation *> byName;
  if (Operation *space = total.getParentRegion() ? total.getParentRegion()->getParentOp() : nullptr)
    space->walk([&](Operation *op) {
      if (isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op))
        byName.try_emplace(op->getAttrOfType<StringAttr>("name").str(), op);
    });
  std::vector<Value> terms;
  collectTerms(total, terms);
  EffectiveDecisions effective;
  // Every term's table is sized before any is filled: a space with one
  // table too large is given up on before the (costly) evaluations.
  struct Planned {
    Value term;
    std::vector<int> vars;
    DecisionValues rest;
  };
  std::vector<Planned> plan;
  uint64_t entries = 0;
  for (Value t : terms) {
    const std::vector<Operation *> &ds = effective.of(t);
    Planned p{t, {}, {}};
    for (Operation *d : effective.reads(t))
      if (!std::binary_search(ds.begin(), ds.end(), d)) {
        std::optional<std::vector<Attribute>> values = domainValues(d);
        if (!values || values->empty())
          return std::nullopt;
        p.rest[d->getAttrOfType<StringAttr>("name").str()] = values->front();
      }
    if (!solver.addDecisions(ds, p.vars))
      return std::nullopt;
    uint64_t size = 1;
    for (int v : p.vars)
      if ((size *= solver.domains[v].size()) > tableLimit)
        return std::nullopt;
    if ((entries += size) > tableLimit * 16)
      return std::nullopt;
    plan.push_back(std::move(p));
  }
  // Requirements: tables too (0, or ruled out where one breaks).
  std::vector<std::pair<RequireOp, std::vector<int>>> rules;
  for (RequireOp r : requirements) {
    SmallVector<Operation *> ds;
    decisionsOf(r.getCondition(), ds);
    // Where it binds is part of what it reads.
    for (const ActiveCondition &c : activeConditions(r))
      for (const std::string &name : activity.controllers(c)) {
        auto it = byName.find(name);
        if (it == byName.end())
          return std::nullopt;
        ds.push_back(it->second);
      }
    std::vector<int> vars;
    if (!solver.addDecisions(ds, vars))
      return std::nullopt;
    rules.push_back({r, std::move(vars)});
  }
  {
    std::vector<std::vector<int>> varSets;
    for (const Planned &p : plan)
      if (!p.vars.empty())
        varSets.push_back(p.vars);
    for (auto &[r, vars] : rules)
      if (!vars.empty())
        varSets.push_back(vars);
    if (!solver.feasible(std::move(varSets)))
      return std::nullopt;
  }
  for (const Planned &p : plan) {
    // The parts of the term that read none of its table's decisions (the
    // long chain of shapes before a layer) are evaluated once.
    const std::vector<Operation *> &tableDecisions = effective.of(p.term);
    llvm::DenseMap<Value, Attribute> known, shared;
    SmallVector<Value> varying;
    llvm::DenseSet<Value> seen;
    SmallVector<Value> work{p.term};
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (!seen.insert(v).second)
        continue;
      const std::vector<Operation *> &r = effective.reads(v);
      bool invariant = llvm::none_of(
          r, [&](Operation *d) { return std::binary_search(tableDecisions.begin(), tableDecisions.end(), d); });
      if (invariant && v != p.term) {
        if (Attribute a = evaluateWith(v, p.rest, shared))
          known[v] = a;
        continue;
      }
      varying.push_back(v);
      if (Operation *def = v.getDefiningOp())
        for (Value operand : def->getOperands())
          work.push_back(operand);
    }
    if (!solver.tabulate(p.term, RequireOp(), p.vars, p.rest, &known, varying))
      return std::nullopt;
  }
  for (auto &[r, vars] : rules)
    if (!solver.tabulate(Value(), r, vars))
      return std::nullopt;
  return solver.run();
}
