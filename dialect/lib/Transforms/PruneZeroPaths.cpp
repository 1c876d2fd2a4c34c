//===- PruneZeroPaths.cpp - Sums without paths that are always zero --------===//
#include "nas/NasPasses.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::nas {
#define GEN_PASS_DEF_NASPRUNEZEROPATHS
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

namespace {

bool hasTrait(OpDefOp def, StringRef trait) {
  return llvm::any_of(def.getOpTraits(), [&](Attribute a) { return cast<StringAttr>(a).getValue() == trait; });
}

struct NasPruneZeroPathsPass : public mlir::nas::impl::NasPruneZeroPathsBase<NasPruneZeroPathsPass> {
  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    llvm::DenseSet<Location> reported;
    for (SpaceOp space : getOperation().getOps<SpaceOp>()) {
      // Feature maps that are zero whatever the decisions (body order is a
      // topological order).
      llvm::DenseSet<Value> zero;
      for (Operation &op : space.getBody().front()) {
        auto apply = dyn_cast<ApplyOp>(op);
        auto layer = apply ? apply.getLayer().getDefiningOp<LayerOp>() : LayerOp();
        auto def = layer ? symbols.lookup<OpDefOp>(layer.getOp()) : OpDefOp();
        if (!def)
          continue;
        bool passesZero = (hasTrait(def, "identity") || hasTrait(def, "pooling")) && !apply.getInputs().empty() &&
                          llvm::all_of(apply.getInputs(), [&](Value v) { return zero.contains(v); });
        if (hasTrait(def, "zero") || passesZero)
          zero.insert(apply.getResult());
      }
      bool pruned = false;
      space.walk([&](SumOp sum) {
        SmallVector<Value> kept;
        for (Value v : sum.getInputs())
          if (!zero.contains(v))
            kept.push_back(v);
        if (kept.empty() || kept.size() == sum.getInputs().size())
          return; // all zero (the sum is zero: kept) or nothing to drop
        for (Value v : sum.getInputs())
          if (zero.contains(v) && reported.insert(v.getLoc()).second)
            emitWarning(v.getLoc()) << "this path is zero in every architecture; removed from the sum";
        sum->setOperands(kept);
        pruned = true;
      });
      if (!pruned)
        continue;
      // What only fed the removed paths no longer reaches anything.
      for (bool erased = true; erased;) {
        erased = false;
        SmallVector<Operation *> ops;
        for (Operation &op : space.getBody().front())
          ops.push_back(&op);
        for (Operation *op : llvm::reverse(ops))
          if (isa<ApplyOp, LayerOp>(op) && op->use_empty()) {
            op->erase();
            erased = true;
          }
      }
    }
  }
};

} // namespace
