//===- SpaceSize.cpp - Exact size of a search space -----------------------===//
#include "nas/Evaluate.h"
#include "nas/NasPasses.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallString.h"

#include <map>

namespace mlir::nas {
#define GEN_PASS_DEF_NASSPACESIZE
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

std::string SpaceSize::str() const {
  llvm::SmallString<64> digits;
  count.toString(digits, 10, /*Signed=*/false);
  return std::string(digits);
}

/// a * b without overflow: the width grows as needed.
static APInt multiply(const APInt &a, const APInt &b) {
  unsigned width = a.getActiveBits() + b.getActiveBits() + 1;
  width = std::max(width, 64u);
  return a.zextOrTrunc(width) * b.zextOrTrunc(width);
}

/// n choose k, exactly.
static APInt choose(uint64_t n, uint64_t k) {
  APInt result(64, 1);
  for (uint64_t i = 0; i < k; ++i) {
    result = multiply(result, APInt(64, n - i));
    result = result.udiv(APInt(result.getBitWidth(), i + 1));
  }
  return result;
}

static std::optional<int64_t> constantInt(Value v) {
  APInt value;
  if (matchPattern(v, m_ConstantInt(&value)))
    return value.getSExtValue();
  return std::nullopt;
}

FailureOr<SpaceSize> mlir::nas::countSpace(SpaceOp space) {
  struct Domain {
    APInt size;
    Operation *op;
    /// The condition sets of its occurrences (empty set: always active).
    std::vector<ArrayAttr> conditions;
    bool always = false;
  };
  std::map<std::string, Domain> domains;
  bool continuous = false;
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
    auto [it, inserted] = domains.try_emplace(name.str(), Domain{*size, op, {}, false});
    if (auto conditions = op->getAttrOfType<ArrayAttr>("nas.active_if"))
      it->second.conditions.push_back(conditions);
    else
      it->second.always = true;
    if (!inserted && it->second.size.zextOrTrunc(128) != size->zextOrTrunc(128)) {
      InFlightDiagnostic diag = op->emitError()
                                << "decision '" << name << "' has two different domains in one space";
      diag.attachNote(it->second.op->getLoc()) << "its other domain is here";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  SpaceSize result{APInt(64, 1), static_cast<unsigned>(domains.size()), continuous};
  bool conditional = llvm::any_of(domains, [](auto &entry) { return !entry.second.always; });
  if (!conditional) {
    for (auto &[name, domain] : domains)
      result.count = multiply(result.count, domain.size);
    result.count = result.count.zextOrTrunc(std::max(64u, result.count.getActiveBits()));
    return result;
  }

  // Decisions in copies of a decided repetition count only when the copy is
  // used: sum, over the values of the decisions that set the repetition
  // counts, the product of the decisions active there.
  llvm::StringMap<SwitchOp> switchOps;
  space.walk([&](SwitchOp s) { switchOps[s.getId()] = s; });
  std::map<std::string, Operation *> controlling;
  for (auto &entry : switchOps) {
    SmallVector<Operation *> decisions;
    decisionsOf(entry.second.getIndex(), decisions);
    for (Operation *d : decisions)
      controlling[d->getAttrOfType<StringAttr>("name").str()] = d;
  }
  DecisionDomains enumerated;
  uint64_t combinations = 1;
  for (auto &[name, op] : controlling) {
    auto values = domainValues(op);
    if (!values || values->empty() || (combinations *= values->size()) > (1u << 20)) {
      op->emitError() << "cannot count the space: decision '" << name
                      << "' sets a repetition count but its values cannot be enumerated";
      return failure();
    }
    enumerated.push_back({name, *values});
  }
  APInt total(64, 0);
  bool evaluated = forEachCombination(enumerated, [&](const DecisionValues &assignment) {
    llvm::StringMap<int64_t> depth;
    for (auto &entry : switchOps) {
      auto v = dyn_cast_or_null<IntegerAttr>(evaluate(entry.second.getIndex(), assignment));
      if (!v) {
        entry.second.emitError("cannot evaluate this repetition count");
        return false;
      }
      depth[entry.first()] = v.getInt();
    }
    auto holds = [&](ArrayAttr conditions) {
      for (Attribute c : conditions) {
        auto pair = cast<ArrayAttr>(c);
        auto id = cast<StringAttr>(pair[0]).getValue();
        if (depth.lookup(id) < cast<IntegerAttr>(pair[1]).getInt())
          return false;
      }
      return true;
    };
    APInt product(64, 1);
    for (auto &[name, domain] : domains) {
      if (controlling.count(name))
        continue;
      if (domain.always || llvm::any_of(domain.conditions, holds))
        product = multiply(product, domain.size);
    }
    unsigned width = std::max(total.getActiveBits(), product.getActiveBits()) + 1;
    total = total.zextOrTrunc(std::max(width, 64u)) + product.zextOrTrunc(std::max(width, 64u));
    return true;
  });
  if (!evaluated)
    return failure();
  result.count = total;
  result.count = result.count.zextOrTrunc(std::max(64u, result.count.getActiveBits()));
  return result;
}

namespace {
struct NasSpaceSizePass : public mlir::nas::impl::NasSpaceSizeBase<NasSpaceSizePass> {
  void runOnOperation() override {
    for (SpaceOp space : getOperation().getOps<SpaceOp>()) {
      FailureOr<SpaceSize> size = countSpace(space);
      if (failed(size))
        return signalPassFailure();
      Builder b(space);
      space->setAttr("size", b.getStringAttr(size->str()));
      space->setAttr("decisions", b.getI64IntegerAttr(size->decisions));
      space.emitRemark() << "space '" << space.getSymName() << "': " << size->str() << " architectures over "
                         << size->decisions << " decisions"
                         << (size->continuous ? ", times continuous hyperparameters" : "");
    }
  }
};
} // namespace
