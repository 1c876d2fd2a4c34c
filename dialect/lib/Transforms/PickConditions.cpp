//===- PickConditions.cpp - Edge operations used only when picked ---------===//
#include "nas/Activity.h"
#include "nas/NasPasses.h"

#include "mlir/IR/Builders.h"

namespace mlir::nas {
#define GEN_PASS_DEF_NASPICKCONDITIONS
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

namespace {

/// The (input choice name, candidate position) every application of
/// `choice` feeds, when all feed the same one and nothing else.
std::optional<std::pair<std::string, int64_t>> pickedEdge(CategoricalOp choice) {
  std::optional<std::pair<std::string, int64_t>> edge;
  if (choice->use_empty())
    return std::nullopt;
  for (OpOperand &use : choice->getUses()) {
    auto apply = dyn_cast<ApplyOp>(use.getOwner());
    if (!apply || apply.getLayer() != choice.getResult() || apply->use_empty())
      return std::nullopt;
    for (OpOperand &feed : apply->getUses()) {
      auto pick = dyn_cast<PickOp>(feed.getOwner());
      if (!pick || feed.getOperandNumber() < pick.getCandidates().getBeginOperandIndex())
        return std::nullopt;
      std::pair<std::string, int64_t> here{pick.getName().str(),
                                           feed.getOperandNumber() - pick.getCandidates().getBeginOperandIndex()};
      if (edge && *edge != here)
        return std::nullopt;
      edge = here;
    }
  }
  return edge;
}

void addCondition(Operation *op, Attribute condition) {
  SmallVector<Attribute> conditions;
  if (auto old = op->getAttrOfType<ArrayAttr>(kActiveIfAttr))
    conditions.append(old.begin(), old.end());
  if (!llvm::is_contained(conditions, condition))
    conditions.push_back(condition);
  op->setAttr(kActiveIfAttr, ArrayAttr::get(op->getContext(), conditions));
}

struct NasPickConditionsPass : public mlir::nas::impl::NasPickConditionsBase<NasPickConditionsPass> {
  void runOnOperation() override {
    getOperation().walk([&](CategoricalOp choice) {
      if (!isa<LayerType>(choice.getType()) || !choice->getParentOfType<SpaceOp>())
        return;
      std::optional<std::pair<std::string, int64_t>> edge = pickedEdge(choice);
      if (!edge)
        return;
      Builder b(choice);
      Attribute condition = pickConditionAttr(b, edge->first, edge->second);
      addCondition(choice, condition);
    });
  }
};

} // namespace
