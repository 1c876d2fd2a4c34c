//===- Architecture.cpp - Architecture IDs --------------------------------===//
#include "nas/Architecture.h"
#include "nas/Activity.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::nas;

namespace {

/// The discrete decisions of a space by name (one op for each).
std::map<std::string, Operation *> decisionsByName(SpaceOp space) {
  std::map<std::string, Operation *> out;
  space.walk([&](Operation *op) {
    if (isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op) &&
        !(isa<RangeOp>(op) && cast<RangeOp>(op).getType().isF64()))
      out.try_emplace(op->getAttrOfType<StringAttr>("name").str(), op);
  });
  return out;
}

/// How alternative `i` of a categorical reads in an ID.
std::string alternativeText(CategoricalOp c, int64_t i) {
  if (auto labels = c.getLabels())
    if (!cast<StringAttr>((*labels)[i]).getValue().empty())
      return cast<StringAttr>((*labels)[i]).str();
  if (auto v = dyn_cast_or_null<IntegerAttr>(evaluate(c.getAlternatives()[i], {})))
    return v.getType().isInteger(1) ? (v.getValue().getBoolValue() ? "true" : "false") : std::to_string(v.getInt());
  if (auto f = dyn_cast_or_null<FloatAttr>(evaluate(c.getAlternatives()[i], {}))) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::format("%g", f.getValueAsDouble());
    return os.str();
  }
  if (auto s = dyn_cast_or_null<StringAttr>(evaluate(c.getAlternatives()[i], {})))
    return s.str();
  return "#" + std::to_string(i);
}

bool isInputChoice(Operation *op) { return isa<PickOp, SubsetOp>(op); }

OperandRange candidatesOf(Operation *op) {
  return isa<PickOp>(op) ? cast<PickOp>(op).getCandidates() : cast<SubsetOp>(op).getCandidates();
}

/// An input choice's value is a bit mask over its candidates; it reads as
/// the chosen candidates' positions joined by '+' ("none" for no input).
std::string maskText(uint64_t mask) {
  std::vector<std::string> picked;
  for (unsigned i = 0; i < 64; ++i)
    if (mask >> i & 1)
      picked.push_back(std::to_string(i));
  return picked.empty() ? "none" : llvm::join(picked, "+");
}

/// The mask `text` names for input choice `op`, or an error.
FailureOr<uint64_t> parseMask(Operation *op, StringRef name, StringRef text, std::string &error) {
  size_t n = candidatesOf(op).size();
  if (text == "none")
    return uint64_t(0);
  SmallVector<StringRef> items;
  text.split(items, '+');
  uint64_t mask = 0;
  for (StringRef item : items) {
    unsigned i;
    if (item.trim().getAsInteger(10, i) || i >= n) {
      error = "input choice '" + name.str() + "' has candidates 0.." + std::to_string(n - 1) + ", not '" +
              item.trim().str() + "'";
      return failure();
    }
    if (mask >> i & 1) {
      error = "input choice '" + name.str() + "' names candidate " + std::to_string(i) + " twice";
      return failure();
    }
    mask |= uint64_t(1) << i;
  }
  return mask;
}

/// Replaces input choice `op` by the candidates `mask` picks, in its users:
/// sums and concatenations take them as operands, an item its own pick, a
/// count their number.
LogicalResult fixInputChoice(Operation *op, uint64_t mask) {
  SmallVector<Value> picked;
  for (auto [i, v] : llvm::enumerate(candidatesOf(op)))
    if (mask >> i & 1)
      picked.push_back(v);
  Value list = op->getResult(0);
  for (Operation *user : llvm::make_early_inc_range(list.getUsers())) {
    if (isa<SumOp, ConcatOp>(user)) {
      SmallVector<Value> operands;
      for (Value v : user->getOperands())
        if (v == list)
          operands.append(picked);
        else
          operands.push_back(v);
      if (operands.empty())
        return user->emitError() << "this architecture picks no input for '"
                                 << op->getAttrOfType<StringAttr>("name").getValue() << "', and this "
                                 << (isa<SumOp>(user) ? "sum" : "concat") << " has nothing else";
      user->setOperands(operands);
      continue;
    }
    if (auto count = dyn_cast<CountOp>(user)) {
      OpBuilder b(count);
      count.getResult().replaceAllUsesWith(
          b.create<arith::ConstantIntOp>(count.getLoc(), static_cast<int64_t>(picked.size()), 64));
      count->erase();
      continue;
    }
    APInt index;
    if (auto item = dyn_cast<ItemOp>(user);
        item && matchPattern(item.getIndex(), m_ConstantInt(&index)) && index.getZExtValue() < picked.size()) {
      item.getResult().replaceAllUsesWith(picked[index.getZExtValue()]);
      item->erase();
      continue;
    }
    return user->emitError() << "cannot fix input choice '" << op->getAttrOfType<StringAttr>("name").getValue()
                             << "' here";
  }
  op->erase();
  return success();
}

/// Whether two value texts are the same number (`4.0` and `4`).
bool sameNumber(StringRef a, StringRef b) {
  double x, y;
  return !a.getAsDouble(x) && !b.getAsDouble(y) && x == y;
}

} // namespace

std::string mlir::nas::architectureId(SpaceOp space, const DecisionValues &decisions) {
  std::map<std::string, Operation *> byName = decisionsByName(space);
  std::vector<std::string> parts;
  // Decisions the architecture does not use read as their first value: one
  // architecture, one ID.
  for (auto &[name, value] : SpaceActivity(space).canonical(decisions)) { // std::map: sorted by name
    auto it = byName.find(name);
    if (it == byName.end())
      continue;
    parts.push_back(name + "=" + decisionValueText(it->second, value));
  }
  return llvm::join(parts, ",");
}

/// For an alternative that is not there: a `,NAME=` inside it names what
/// the ID meant as another decision, which the space does not have (a
/// decision no architecture uses is none). The runtime says the same
/// (runtime/lib/Space.cpp).
static std::string unknownNameHint(StringRef value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != ',')
      continue;
    StringRef after = value.drop_front(i + 1).ltrim();
    StringRef name = after.take_until([](char c) { return c == '='; });
    if (name.size() < after.size() && !name.empty() &&
        llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_' || c == '#' || c == '/' || c == '.'; }))
      return "; '" + name.str() + "' is not a decision of this space";
  }
  return "";
}

FailureOr<DecisionValues> mlir::nas::parseArchitectureId(SpaceOp space, StringRef id, std::string &error) {
  std::map<std::string, Operation *> byName = decisionsByName(space);
  Builder b(space.getContext());
  DecisionValues out;
  // Parts are split at commas that start a decision's `name=`: labels may
  // hold commas themselves (DARTS' reduce cell: `max_pool(3, stride=2)`).
  SmallVector<StringRef> parts;
  StringRef rest = id.trim();
  size_t start = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != ',')
      continue;
    StringRef after = rest.drop_front(i + 1).ltrim();
    auto [name, value] = after.split('=');
    if (after.contains('=') && byName.count(name.trim().str())) {
      parts.push_back(rest.slice(start, i));
      start = i + 1;
    }
  }
  parts.push_back(rest.drop_front(start));
  for (StringRef part : parts) {
    if (part.trim().empty())
      continue;
    auto [name, value] = part.trim().split('=');
    name = name.trim(), value = value.trim();
    auto it = byName.find(name.str());
    if (it == byName.end()) {
      error = "the space has no decision '" + name.str() + "'";
      return failure();
    }
    if (out.count(name.str())) {
      error = "decision '" + name.str() + "' is given twice";
      return failure();
    }
    if (auto c = dyn_cast<CategoricalOp>(it->second)) {
      int64_t found = -1;
      std::vector<std::string> known;
      for (size_t i = 0; i < c.getAlternatives().size(); ++i) {
        known.push_back(alternativeText(c, i));
        if (known.back() == value || sameNumber(known.back(), value))
          found = i;
      }
      // `#k`: the k-th alternative (from 0), whatever its label.
      unsigned long long k;
      if (found < 0 && value.starts_with("#") && !value.drop_front().getAsInteger(10, k) &&
          k < c.getAlternatives().size())
        found = int64_t(k);
      if (found < 0) {
        error = "decision '" + name.str() + "' has no alternative '" + value.str() + "' (it has " +
                llvm::join(known, ", ") + ")" + unknownNameHint(value);
        return failure();
      }
      out[name.str()] = b.getI64IntegerAttr(found);
      continue;
    }
    if (isInputChoice(it->second)) {
      FailureOr<uint64_t> mask = parseMask(it->second, name, value, error);
      if (failed(mask))
        return failure();
      out[name.str()] = b.getI64IntegerAttr(*mask);
      continue;
    }
    int64_t v;
    auto values = domainValues(it->second);
    double d;
    // A number by its value: `4.0` is `4`.
    if (value.getAsInteger(10, v) && !value.getAsDouble(d) && d == std::floor(d) && std::abs(d) < 9.0e15)
      v = static_cast<int64_t>(d);
    else if (value.getAsInteger(10, v))
      values.reset();
    if (!values ||
        llvm::none_of(*values, [&](Attribute a) { return cast<IntegerAttr>(a).getInt() == v; })) {
      error = "decision '" + name.str() + "' cannot be '" + value.str() + "'";
      return failure();
    }
    out[name.str()] = b.getI64IntegerAttr(v);
  }
  // Decisions left out read as their first value, which is right only where
  // the architecture does not use them (an edge no node picks, a block not
  // chosen): a used one must be given.
  std::vector<std::string> missing;
  for (auto &[name, op] : byName)
    if (!out.count(name)) {
      auto values = domainValues(op);
      if (!values || values->empty()) {
        error = "decision '" + name + "' is not given";
        return failure();
      }
      out[name] = values->front();
      missing.push_back(name);
    }
  if (!missing.empty()) {
    SpaceActivity activity(space);
    llvm::StringMap<int64_t> indices = activity.switchIndices(out);
    for (const std::string &name : missing)
      if (activity.active(name, indices)) {
        error = "decision '" + name + "' is not given, and this architecture uses it";
        return failure();
      }
  }
  // A pick's count may itself be a decision: check it once all are known.
  for (auto &[name, op] : byName)
    if (auto pick = dyn_cast<PickOp>(op)) {
      auto count = dyn_cast_or_null<IntegerAttr>(evaluate(pick.getCount(), out));
      uint64_t mask = cast<IntegerAttr>(out[name]).getInt();
      if (count && llvm::popcount(mask) != count.getInt()) {
        error = "input choice '" + name + "' picks " + std::to_string(count.getInt()) + " of its candidates, not " +
                std::to_string(llvm::popcount(mask));
        return failure();
      }
    }
  return out;
}

std::string mlir::nas::decisionValueText(Operation *decision, Attribute value) {
  int64_t v = cast<IntegerAttr>(value).getInt();
  if (auto c = dyn_cast<CategoricalOp>(decision))
    return alternativeText(c, v);
  if (isInputChoice(decision))
    return maskText(v);
  return std::to_string(v);
}

LogicalResult mlir::nas::fixArchitecture(SpaceOp space, const DecisionValues &decisions) {
  MLIRContext *ctx = space.getContext();
  OpBuilder b(ctx);
  // Requirements inside blocks this architecture does not use do not bind.
  {
    SpaceActivity activity(space);
    llvm::StringMap<int64_t> indices = activity.switchIndices(decisions);
    SmallVector<RequireOp> unused;
    space.walk([&](RequireOp r) {
      std::vector<ActiveCondition> conditions = activeConditions(r);
      if (!conditions.empty() && !SpaceActivity::holds(conditions, indices))
        unused.push_back(r);
    });
    for (RequireOp r : unused)
      r.erase();
  }
  SmallVector<Operation *> fixed;
  SmallVector<std::pair<Operation *, uint64_t>> inputChoices;
  space.walk([&](Operation *op) {
    if (!isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op) || op->getResult(0).getType().isF64())
      return;
    auto it = decisions.find(op->getAttrOfType<StringAttr>("name").str());
    if (it == decisions.end())
      return;
    if (isInputChoice(op)) {
      inputChoices.push_back({op, cast<IntegerAttr>(it->second).getInt()});
      return;
    }
    int64_t v = cast<IntegerAttr>(it->second).getInt();
    Value replacement;
    if (auto c = dyn_cast<CategoricalOp>(op)) {
      replacement = c.getAlternatives()[v];
    } else {
      b.setInsertionPoint(op);
      replacement = b.create<arith::ConstantIntOp>(op->getLoc(), v, 64);
    }
    op->getResult(0).replaceAllUsesWith(replacement);
    fixed.push_back(op);
  });
  for (Operation *op : fixed)
    op->erase();
  for (auto [op, mask] : inputChoices)
    if (failed(fixInputChoice(op, mask)))
      return failure();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsAndFoldGreedily(space, std::move(patterns));
  // Copies of a repetition beyond its fixed depth no longer reach anything
  // (their switch folded to the chosen copy): drop them, or they would be
  // costed as part of the network.
  for (bool erased = true; erased;) {
    erased = false;
    SmallVector<Operation *> ops;
    space.walk([&](Operation *op) { ops.push_back(op); });
    for (Operation *op : llvm::reverse(ops)) { // users before what they use
      if (!isa<ApplyOp, SumOp, ConcatOp, SwitchOp, ItemOp, arith::SelectOp>(op) || !op->use_empty() ||
          !llvm::all_of(op->getResultTypes(), [](Type t) { return isa<nas::TensorType, TensorListType>(t); }))
        continue;
      op->erase();
      erased = true;
    }
  }
  bool ok = true;
  space.walk([&](RequireOp r) {
    APInt holds;
    if (matchPattern(r.getCondition(), m_ConstantInt(&holds)) && holds.isZero()) {
      r.emitError() << "this architecture breaks requirement '" << (r.getText() ? *r.getText() : StringRef("?"))
                    << "'";
      ok = false;
    }
  });
  return success(ok);
}

std::string mlir::nas::architectureHash(StringRef id) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id)
    h = (h ^ c) * 1099511628211ull;
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::format_hex_no_prefix(h, 16);
  return os.str();
}
