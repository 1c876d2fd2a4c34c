//===- Counting.cpp - Exact counts of architectures -----------------------===//
//
// The size of a space is a product of its decisions' domain sizes, except
// where decisions depend on one another:
//
//  - a switch (a repetition of decided depth, a choice among searched
//    blocks) decides which conditional decisions are used; an architecture
//    counts an unused decision once (canonical form: its first value);
//  - a requirement over decisions (`require width % heads == 0`) removes the
//    combinations that break it.
//
// Decisions linked this way (a switch's controlling decisions with the
// decisions it conditions, a requirement's decisions with one another)
// form components, counted independently and multiplied: per component,
// every combination of its controlling and constrained decisions is
// enumerated, and the free decisions it conditions contribute their domain
// sizes where used. Spaces of any size count exactly as long as no one
// component has more than 2^20 such combinations; a chain of independent
// layers, each with its own requirement or choice of blocks, is many small
// components.
//
//===----------------------------------------------------------------------===//
#include "nas/Activity.h"
#include "nas/Architecture.h"
#include "nas/NasPasses.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

#include <map>
#include <set>

using namespace mlir;
using namespace mlir::nas;

std::string SpaceSize::str() const {
  llvm::SmallString<64> digits;
  count.toString(digits, 10, /*Signed=*/false);
  return std::string(digits);
}

std::string Feasibility::str() const {
  llvm::SmallString<64> digits;
  feasible.toString(digits, 10, /*Signed=*/false);
  return std::string(digits);
}

namespace {

/// Arbitrary-precision arithmetic that widens as needed.
APInt multiply(const APInt &a, const APInt &b) {
  unsigned width = std::max(a.getActiveBits() + b.getActiveBits() + 1, 64u);
  return a.zextOrTrunc(width) * b.zextOrTrunc(width);
}
APInt add(const APInt &a, const APInt &b) {
  unsigned width = std::max(std::max(a.getActiveBits(), b.getActiveBits()) + 1, 64u);
  return a.zextOrTrunc(width) + b.zextOrTrunc(width);
}
APInt trimmed(const APInt &a) { return a.zextOrTrunc(std::max(64u, a.getActiveBits())); }

/// n choose k, exactly.
APInt choose(uint64_t n, uint64_t k) {
  APInt result(64, 1);
  for (uint64_t i = 0; i < k; ++i) {
    result = multiply(result, APInt(64, n - i));
    result = result.udiv(APInt(result.getBitWidth(), i + 1));
  }
  return result;
}

std::optional<int64_t> constantInt(Value v) {
  APInt value;
  if (matchPattern(v, m_ConstantInt(&value)))
    return value.getSExtValue();
  return std::nullopt;
}

bool readsMetric(Value v) {
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

/// Most combinations enumerated in one component, and in all of them.
constexpr uint64_t kComponentLimit = uint64_t(1) << 20;
constexpr uint64_t kTotalLimit = uint64_t(1) << 22;

struct Decision {
  APInt size;
  Operation *op;
  std::optional<std::vector<Attribute>> values; // when enumerable
};

struct Requirement {
  mutable RequireOp op; // MLIR's op handles are not const-correct
  std::vector<std::string> reads;
  std::vector<ActiveCondition> conditions;
};

/// What one count found.
struct Counted {
  APInt raw = APInt(64, 1), feasible = APInt(64, 1);
  std::set<std::pair<std::string, int64_t>> used; // (decision, value) in a feasible architecture
  std::set<std::string> usedFree;                 // free decisions used in a feasible architecture
  std::vector<RequireOp> conflicting;             // requirements of a component with none feasible
};

class Counter {
public:
  explicit Counter(SpaceOp space) : space(space), activity(space) {}

  /// Reads the decisions; errors at the op when a domain is not constant or
  /// one name has two domains.
  LogicalResult collect() {
    WalkResult walk = space.walk([&](Operation *op) -> WalkResult {
      std::optional<APInt> size;
      StringRef name;
      if (auto c = dyn_cast<CategoricalOp>(op)) {
        name = c.getName();
        size = APInt(64, c.getAlternatives().size());
      } else if (auto r = dyn_cast<RangeOp>(op)) {
        name = r.getName();
        if (r.getType().isF64()) {
          continuous = true;
          size = APInt(64, 1);
        } else {
          auto lo = constantInt(r.getLo()), hi = constantInt(r.getHi()), step = constantInt(r.getStep());
          if (lo && hi && step && *step > 0 && *lo <= *hi)
            size = APInt(64, (*hi - *lo) / *step + 1);
        }
      } else if (auto p = dyn_cast<PickOp>(op)) {
        name = p.getName();
        if (auto k = constantInt(p.getCount()))
          size = choose(p.getCandidates().size(), *k);
      } else if (auto s = dyn_cast<SubsetOp>(op)) {
        name = s.getName();
        size = APInt(64, 1).zext(s.getCandidates().size() + 2).shl(s.getCandidates().size());
      } else {
        return WalkResult::advance();
      }
      if (!size) {
        op->emitError() << "the domain of decision '" << name << "' is not a constant: instantiate the space first";
        return WalkResult::interrupt();
      }
      // Values are listed only where few enough to enumerate (a range may
      // have 10^18).
      std::optional<std::vector<Attribute>> values;
      if (size->ule(kComponentLimit))
        values = domainValues(op);
      auto [it, inserted] = decisions.try_emplace(name.str(), Decision{*size, op, std::move(values)});
      if (!inserted && it->second.size.zextOrTrunc(128) != size->zextOrTrunc(128)) {
        InFlightDiagnostic diag = op->emitError() << "decision '" << name << "' has two different domains in one space";
        diag.attachNote(it->second.op->getLoc()) << "its other domain is here";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return failure(walk.wasInterrupted());
  }

  unsigned numDecisions() const { return decisions.size(); }
  bool isContinuous() const { return continuous; }

  /// The space's requirements over decisions (not metrics); false when one
  /// reads a decision that cannot be enumerated (a float range).
  bool collectRequirements(std::vector<Requirement> &out) {
    bool ok = true;
    space.walk([&](RequireOp r) {
      if (readsMetric(r.getCondition()))
        return;
      Requirement req{r, {}, activeConditions(r)};
      SmallVector<Operation *> reads;
      decisionsOf(r.getCondition(), reads);
      for (Operation *d : reads) {
        std::string name = d->getAttrOfType<StringAttr>("name").str();
        auto it = decisions.find(name);
        if (it == decisions.end() || !it->second.values)
          ok = false;
        req.reads.push_back(name);
      }
      out.push_back(std::move(req));
    });
    return ok;
  }

  /// Counts with `requirements`; fails when a component is too large to
  /// enumerate (with an error when `report`).
  FailureOr<Counted> count(ArrayRef<Requirement> requirements, bool report) {
    // Components over decision names.
    llvm::EquivalenceClasses<std::string> classes;
    std::set<std::string> structural; // enumerated: controlling or constrained
    for (auto &[name, d] : decisions)
      classes.insert(name);
    auto unite = [&](ArrayRef<std::string> names) {
      for (size_t i = 1; i < names.size(); ++i)
        classes.unionSets(names[0], names[i]);
    };
    auto controllersOf = [&](ArrayRef<ActiveCondition> conditions) {
      std::vector<std::string> out;
      for (const ActiveCondition &c : conditions)
        for (const std::string &n : activity.controllers(c))
          out.push_back(n);
      return out;
    };
    for (auto &entry : activity.switches()) {
      ArrayRef<std::string> names = activity.controllers(entry.first());
      structural.insert(names.begin(), names.end());
      unite(names);
    }
    std::map<std::string, size_t> controls; // decisions each controller links to itself
    for (auto &[name, sets] : activity.conditionalDecisions())
      for (const std::vector<ActiveCondition> &conditions : sets) {
        std::vector<std::string> linked = controllersOf(conditions);
        for (const std::string &c : linked)
          ++controls[c];
        structural.insert(linked.begin(), linked.end()); // an input choice's mask, say
        linked.insert(linked.begin(), name);
        unite(linked);
      }
    Counted out;
    std::vector<std::pair<std::string, const Requirement *>> filed; // a decision of each, for its component
    for (const Requirement &r : requirements) {
      std::vector<std::string> linked = r.reads;
      for (const std::string &n : controllersOf(r.conditions))
        linked.push_back(n);
      if (linked.empty()) { // a constant: holds or not for every architecture
        auto holds = dyn_cast_or_null<IntegerAttr>(evaluate(r.op.getCondition(), {}));
        if (holds && holds.getInt() == 0) {
          out.feasible = APInt(64, 0);
          out.conflicting.push_back(r.op);
        }
        continue;
      }
      structural.insert(r.reads.begin(), r.reads.end());
      unite(linked);
      filed.push_back({linked[0], &r});
    }
    std::map<std::string, std::vector<const Requirement *>> byLeader;
    for (auto &[name, r] : filed)
      byLeader[classes.getLeaderValue(name)].push_back(r);

    uint64_t total = 0;
    for (auto it = classes.begin(); it != classes.end(); ++it) {
      if (!it->isLeader())
        continue;
      std::vector<std::string> enumerated, free;
      for (auto m = classes.member_begin(it); m != classes.member_end(); ++m)
        (structural.count(*m) ? enumerated : free).push_back(*m);
      if (enumerated.empty()) { // one independent decision
        for (const std::string &n : free) {
          out.raw = multiply(out.raw, decisions.at(n).size);
          out.feasible = multiply(out.feasible, decisions.at(n).size);
          out.usedFree.insert(n);
        }
        continue;
      }
      DecisionDomains domains;
      uint64_t combinations = 1;
      for (const std::string &n : enumerated) {
        const Decision &d = decisions.at(n);
        bool enumerable = d.values && !d.values->empty();
        if (!enumerable || (combinations *= d.values->size()) > kComponentLimit ||
            (total + combinations) > kTotalLimit) {
          // At a choice in the source (each decision op keeps its choice's
          // location), never at an op that happens to use it.
          if (report)
            reportTooMany(d, n, enumerated, enumerable, combinations <= kComponentLimit, controls);
          return failure();
        }
        domains.push_back({n, *d.values});
      }
      total += combinations;
      auto component = byLeader.find(it->getData());
      ArrayRef<const Requirement *> reqs;
      if (component != byLeader.end())
        reqs = component->second;
      APInt raw(64, 0), feasible(64, 0);
      forEachCombination(domains, [&](const DecisionValues &a) {
        llvm::StringMap<int64_t> indices = activity.switchIndices(a);
        for (const auto &[name, value] : a)
          if (activity.conditionalDecisions().count(name) && !activity.active(name, indices) &&
              value != domains[indexOf(domains, name)].second.front())
            return true; // not canonical: counted at the first value
        APInt weight(64, 1);
        for (const std::string &n : free)
          if (activity.active(n, indices))
            weight = multiply(weight, decisions.at(n).size);
        raw = add(raw, weight);
        Evaluator eval(a);
        for (const Requirement *r : reqs) {
          if (!SpaceActivity::holds(r->conditions, indices))
            continue; // in a block this architecture does not use
          auto holds = dyn_cast_or_null<IntegerAttr>(eval(r->op.getCondition()));
          if (holds && holds.getInt() == 0)
            return true;
        }
        feasible = add(feasible, weight);
        for (const auto &[name, value] : a)
          if (activity.active(name, indices))
            out.used.insert({name, cast<IntegerAttr>(value).getInt()});
        for (const std::string &n : free)
          if (activity.active(n, indices))
            out.usedFree.insert(n);
        return true;
      });
      out.raw = multiply(out.raw, raw);
      out.feasible = multiply(out.feasible, feasible);
      if (feasible.isZero())
        for (const Requirement *r : reqs)
          out.conflicting.push_back(r->op);
    }
    out.raw = trimmed(out.raw);
    out.feasible = trimmed(out.feasible);
    return out;
  }

  const std::map<std::string, Decision> &all() const { return decisions; }

private:
  static size_t indexOf(const DecisionDomains &domains, const std::string &name) {
    for (size_t i = 0; i < domains.size(); ++i)
      if (domains[i].first == name)
        return i;
    return 0;
  }
  /// Why decision `name` (`d`), enumerated with the others of its
  /// component (`linked`), stops the count: its own values cannot be
  /// enumerated (the error is at it), or the component has too many
  /// combinations, or all components together (`inAll`) have: the error is
  /// then at the decision that links the most others to itself (`controls`:
  /// a repetition's depth over the layers it decides), whose choice is where
  /// the space can be changed.
  void reportTooMany(const Decision &d, const std::string &name, ArrayRef<std::string> linked, bool enumerable,
                     bool inAll, const std::map<std::string, size_t> &controls) const {
    auto what = [&](const Decision &x, const std::string &n) {
      return (isa<PickOp, SubsetOp>(x.op) ? "input choice '" : "decision '") + n + "'";
    };
    std::string together = linked.size() == 1 ? "" : " together with " + describe(others(linked, name));
    if (!enumerable) {
      InFlightDiagnostic diag = d.op->emitError() << "cannot count the space: " << what(d, name);
      if (d.size.ugt(kComponentLimit))
        diag << " has " << SpaceSize{d.size, 1, false}.str()
             << (isa<PickOp, SubsetOp>(d.op) ? " combinations of inputs" : " values") << ", more than "
             << kComponentLimit << " to enumerate, and decides which "
             << (isa<PickOp, SubsetOp>(d.op) ? "inputs" : "blocks") << " are used" << together;
      else
        diag << " is a float range and decides which blocks are used" << together
             << ": its values cannot be enumerated";
      return;
    }
    std::string key = name;
    for (const std::string &n : linked) {
      auto it = controls.find(n), best = controls.find(key);
      if (it != controls.end() && (best == controls.end() || it->second > best->second))
        key = n;
    }
    const Decision &at = decisions.at(key);
    std::vector<std::string> rest = others(linked, key);
    InFlightDiagnostic diag = at.op->emitError() << "cannot count the space: " << what(at, key);
    if (!rest.empty())
      diag << " and the " << rest.size() << (rest.size() == 1 ? " decision" : " decisions")
           << " linked with it (" << describe(rest) << ") decide";
    else
      diag << " decides";
    diag << " which blocks are used, with more than " << (inAll ? kTotalLimit : kComponentLimit)
         << " combinations to enumerate" << (inAll ? " together with the space's other such decisions" : "");
  }
  static std::vector<std::string> others(ArrayRef<std::string> names, const std::string &name) {
    std::vector<std::string> out;
    for (const std::string &n : names)
      if (n != name)
        out.push_back(n);
    return out;
  }
  static std::string describe(ArrayRef<std::string> names) {
    std::vector<std::string> quoted;
    for (size_t i = 0; i < names.size() && i < 4; ++i)
      quoted.push_back("'" + names[i] + "'");
    std::string out = llvm::join(quoted, ", ");
    if (names.size() > 4)
      out += " and " + std::to_string(names.size() - 4) + " more";
    return out;
  }

  SpaceOp space;
  SpaceActivity activity;
  std::map<std::string, Decision> decisions;
  bool continuous = false;
};

} // namespace

FailureOr<SpaceSize> mlir::nas::countSpace(SpaceOp space) {
  Counter counter(space);
  if (failed(counter.collect()))
    return failure();
  FailureOr<Counted> counted = counter.count({}, /*report=*/true);
  if (failed(counted))
    return failure();
  return SpaceSize{counted->raw, counter.numDecisions(), counter.isContinuous()};
}

FailureOr<Feasibility> mlir::nas::countFeasible(SpaceOp space) {
  Counter counter(space);
  if (failed(counter.collect()))
    return failure();
  std::vector<Requirement> requirements;
  if (!counter.collectRequirements(requirements))
    return failure(); // a requirement reads a float range: not enumerable
  Feasibility result;
  if (requirements.empty())
    return result; // nothing prunes: every architecture is feasible
  FailureOr<Counted> counted = counter.count(requirements, /*report=*/false);
  if (failed(counted))
    return failure();
  result.pruning = true;
  result.feasible = counted->feasible;
  for (auto &[name, d] : counter.all()) {
    if (!d.values)
      continue;
    bool free = counted->usedFree.count(name);
    for (Attribute v : *d.values)
      if (!free && !counted->used.count({name, cast<IntegerAttr>(v).getInt()}))
        result.neverFeasible.push_back({name, decisionValueText(d.op, v)});
  }
  if (result.feasible.isZero()) {
    InFlightDiagnostic diag = space.emitError()
                              << "no architecture of space '" << space.getSymName()
                              << "' meets all its requirements: they conflict";
    for (RequireOp r : counted->conflicting)
      diag.attachNote(r.getLoc()) << "requirement '" << (r.getText() ? *r.getText() : StringRef("?")) << "'";
  }
  return result;
}
