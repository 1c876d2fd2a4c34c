//===- SpaceSize.cpp - The nas-space-size pass (counting: Counting.cpp) ---===//
#include "nas/Evaluate.h"
#include "nas/NasPasses.h"


namespace mlir::nas {
#define GEN_PASS_DEF_NASSPACESIZE
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

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
