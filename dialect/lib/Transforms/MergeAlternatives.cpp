//===- MergeAlternatives.cpp - One network counted once --------------------===//
#include "nas/NasPasses.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/DenseSet.h"

#include <map>

namespace mlir::nas {
#define GEN_PASS_DEF_NASMERGEALTERNATIVES
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

namespace {

/// One value, equal constants, or two layers of the same op with the same
/// arguments (the pass runs before CSE would make them one value).
bool same(Value a, Value b) {
  if (a == b)
    return true;
  Attribute x, y;
  if (matchPattern(a, m_Constant(&x)) && matchPattern(b, m_Constant(&y)))
    return x == y;
  auto la = a.getDefiningOp<LayerOp>(), lb = b.getDefiningOp<LayerOp>();
  return la && lb &&
         OperationEquivalence::isEquivalentTo(la, lb, OperationEquivalence::exactValueMatch, nullptr,
                                              OperationEquivalence::IgnoreLocations);
}

std::string describe(CategoricalOp c, unsigned i) {
  if (auto labels = c.getLabels())
    if (!cast<StringAttr>((*labels)[i]).getValue().empty())
      return "'" + cast<StringAttr>((*labels)[i]).str() + "'";
  Attribute a;
  if (matchPattern(c.getAlternatives()[i], m_Constant(&a))) {
    std::string s;
    llvm::raw_string_ostream os(s);
    if (auto n = dyn_cast<IntegerAttr>(a))
      os << n.getValue();
    else
      os << a;
    return os.str();
  }
  return "alternative " + std::to_string(i + 1);
}

struct NasMergeAlternativesPass : public mlir::nas::impl::NasMergeAlternativesBase<NasMergeAlternativesPass> {
  using NasMergeAlternativesBase::NasMergeAlternativesBase;

  void runOnOperation() override {
    llvm::DenseSet<Location> reported; // one warning per choice in the source
    // Templates as written (before instantiation, so every space and the
    // unique counting, which reads templates, see the same alternatives),
    // and spaces already lowered (nas-opt on lowered IR).
    SmallVector<Operation *> scopes;
    for (Operation &op : getOperation().getBody()->getOperations())
      if (isa<TemplateOp, SpaceOp>(op))
        scopes.push_back(&op);
    for (Operation *scope : scopes) {
      std::map<std::string, SmallVector<CategoricalOp>> byName;
      scope->walk([&](CategoricalOp c) { byName[c.getName().str()].push_back(c); });
      for (auto &[name, ops] : byName) {
        size_t n = ops.front().getAlternatives().size();
        if (llvm::any_of(ops, [&](CategoricalOp c) { return c.getAlternatives().size() != n; }))
          continue;
        // into[j]: the earlier alternative j is the same as in every op.
        SmallVector<unsigned> into(n);
        std::string merges;
        for (unsigned j = 0; j < n; ++j) {
          into[j] = j;
          for (unsigned i = 0; i < j && into[j] == j; ++i)
            if (into[i] == i && llvm::all_of(ops, [&](CategoricalOp c) {
                  return same(c.getAlternatives()[i], c.getAlternatives()[j]);
                })) {
              into[j] = i;
              merges += (merges.empty() ? "" : ", ") + describe(ops.front(), i) + " (alternatives " +
                        std::to_string(i + 1) + " and " + std::to_string(j + 1) + ")";
            }
        }
        if (merges.empty())
          continue;
        if (warn && reported.insert(ops.front().getLoc()).second)
          ops.front().emitWarning() << "choice '" << name << "' offers the same alternative more than once: "
                                    << merges << "; merged, the space counts each network once";
        for (CategoricalOp c : ops) {
          SmallVector<Value> kept;
          SmallVector<Attribute> labels;
          for (unsigned j = 0; j < n; ++j)
            if (into[j] == j) {
              kept.push_back(c.getAlternatives()[j]);
              if (auto l = c.getLabels())
                labels.push_back((*l)[j]);
            }
          OpBuilder b(c);
          auto merged = b.create<CategoricalOp>(c.getLoc(), c.getType(), c.getNameAttr(), kept,
                                                c.getLabels() ? b.getArrayAttr(labels) : ArrayAttr());
          for (NamedAttribute a : c->getDiscardableAttrs())
            merged->setAttr(a.getName(), a.getValue());
          c.getResult().replaceAllUsesWith(merged.getResult());
          c.erase();
        }
      }
    }
  }
};

} // namespace
