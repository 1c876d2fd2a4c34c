//===- Architecture.cpp - Architecture IDs --------------------------------===//
#include "nas/Architecture.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace mlir::nas;

namespace {

/// The discrete decisions of a space by name (one op for each).
std::map<std::string, Operation *> decisionsByName(SpaceOp space) {
  std::map<std::string, Operation *> out;
  space.walk([&](Operation *op) {
    if (isa<CategoricalOp, RangeOp>(op) && !(isa<RangeOp>(op) && cast<RangeOp>(op).getType().isF64()))
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
    return std::to_string(v.getInt());
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

} // namespace

std::string mlir::nas::architectureId(SpaceOp space, const DecisionValues &decisions) {
  std::map<std::string, Operation *> byName = decisionsByName(space);
  std::vector<std::string> parts;
  for (auto &[name, value] : decisions) { // std::map: sorted by name
    auto it = byName.find(name);
    if (it == byName.end())
      continue;
    auto v = cast<IntegerAttr>(value).getInt();
    std::string text = isa<CategoricalOp>(it->second) ? alternativeText(cast<CategoricalOp>(it->second), v)
                                                      : std::to_string(v);
    parts.push_back(name + "=" + text);
  }
  return llvm::join(parts, ",");
}

FailureOr<DecisionValues> mlir::nas::parseArchitectureId(SpaceOp space, StringRef id, std::string &error) {
  std::map<std::string, Operation *> byName = decisionsByName(space);
  Builder b(space.getContext());
  DecisionValues out;
  SmallVector<StringRef> parts;
  id.trim().split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
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
        if (known.back() == value)
          found = i;
      }
      if (found < 0) {
        error = "decision '" + name.str() + "' has no alternative '" + value.str() + "' (it has " +
                llvm::join(known, ", ") + ")";
        return failure();
      }
      out[name.str()] = b.getI64IntegerAttr(found);
      continue;
    }
    int64_t v;
    auto values = domainValues(it->second);
    if (value.getAsInteger(10, v) || !values ||
        llvm::none_of(*values, [&](Attribute a) { return cast<IntegerAttr>(a).getInt() == v; })) {
      error = "decision '" + name.str() + "' cannot be '" + value.str() + "'";
      return failure();
    }
    out[name.str()] = b.getI64IntegerAttr(v);
  }
  for (auto &[name, op] : byName)
    if (!out.count(name)) {
      error = "decision '" + name + "' is not given";
      return failure();
    }
  return out;
}

std::string mlir::nas::decisionValueText(Operation *decision, Attribute value) {
  int64_t v = cast<IntegerAttr>(value).getInt();
  if (auto c = dyn_cast<CategoricalOp>(decision))
    return alternativeText(c, v);
  return std::to_string(v);
}

LogicalResult mlir::nas::fixArchitecture(SpaceOp space, const DecisionValues &decisions) {
  MLIRContext *ctx = space.getContext();
  OpBuilder b(ctx);
  SmallVector<Operation *> fixed;
  WalkResult walk = space.walk([&](Operation *op) -> WalkResult {
    if (isa<PickOp, SubsetOp>(op)) {
      op->emitError("input choices cannot be fixed by an architecture ID yet");
      return WalkResult::interrupt();
    }
    if (!isa<CategoricalOp, RangeOp>(op) || op->getResult(0).getType().isF64())
      return WalkResult::advance();
    auto it = decisions.find(op->getAttrOfType<StringAttr>("name").str());
    if (it == decisions.end())
      return WalkResult::advance();
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
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  for (Operation *op : fixed)
    op->erase();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsAndFoldGreedily(space, std::move(patterns));
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
