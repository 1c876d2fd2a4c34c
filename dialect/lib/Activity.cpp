//===- Activity.cpp - Which decisions an architecture uses ----------------===//
#include "nas/Activity.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::nas;

std::vector<ActiveCondition> mlir::nas::activeConditions(Operation *op) {
  std::vector<ActiveCondition> out;
  if (auto conditions = op->getAttrOfType<ArrayAttr>(kActiveIfAttr))
    for (Attribute c : conditions) {
      auto parts = cast<ArrayAttr>(c);
      ActiveCondition condition{cast<StringAttr>(parts[0]).str(), 0, {}};
      if (isa<StringAttr>(parts[1])) { // [pick, "picks", i]
        condition.picks = true;
        condition.lo = cast<IntegerAttr>(parts[2]).getInt();
      } else {
        condition.lo = cast<IntegerAttr>(parts[1]).getInt();
        if (parts.size() > 2)
          condition.hi = cast<IntegerAttr>(parts[2]).getInt();
      }
      out.push_back(std::move(condition));
    }
  return out;
}

Attribute mlir::nas::activeConditionAttr(Builder &b, StringRef switchId, int64_t lo, std::optional<int64_t> hi) {
  SmallVector<Attribute> parts{b.getStringAttr(switchId), b.getI64IntegerAttr(lo)};
  if (hi)
    parts.push_back(b.getI64IntegerAttr(*hi));
  return b.getArrayAttr(parts);
}

Attribute mlir::nas::pickConditionAttr(Builder &b, StringRef pick, int64_t i) {
  return b.getArrayAttr({b.getStringAttr(pick), b.getStringAttr("picks"), b.getI64IntegerAttr(i)});
}

/// The value an unused decision takes in canonical form: its first.
static Attribute firstValueOf(Operation *op) {
  Builder b(op->getContext());
  if (auto values = domainValues(op); values && !values->empty())
    return values->front();
  if (auto pick = dyn_cast<PickOp>(op)) {
    APInt k;
    if (matchPattern(pick.getCount(), m_ConstantInt(&k)) && k.getZExtValue() < 63)
      return b.getI64IntegerAttr((int64_t(1) << k.getZExtValue()) - 1); // the lowest mask of k inputs
    return nullptr;
  }
  if (isa<SubsetOp>(op))
    return b.getI64IntegerAttr(0);
  return nullptr; // a float range: continuous, not part of the discrete form
}

SpaceActivity::SpaceActivity(SpaceOp space) {
  std::map<std::string, bool> always;
  space.walk([&](Operation *op) {
    if (auto sw = dyn_cast<SwitchOp>(op)) {
      switchIndex[sw.getId()] = sw.getIndex();
      SmallVector<Operation *> decisions;
      decisionsOf(sw.getIndex(), decisions);
      auto &names = switchControllers[sw.getId()];
      for (Operation *d : decisions)
        names.push_back(d->getAttrOfType<StringAttr>("name").str());
      return;
    }
    if (!isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op))
      return;
    std::string name = op->getAttrOfType<StringAttr>("name").str();
    std::vector<ActiveCondition> conditions = activeConditions(op);
    if (conditions.empty()) {
      always[name] = true;
      return;
    }
    for (const ActiveCondition &c : conditions)
      if (c.picks)
        conditionPicks.insert(c.switchId);
    occurrences[name].push_back(std::move(conditions));
    if (!firstValue.count(name))
      if (Attribute first = firstValueOf(op))
        firstValue[name] = first;
  });
  for (auto it = occurrences.begin(); it != occurrences.end();)
    it = always.count(it->first) ? occurrences.erase(it) : std::next(it);
  isConditional = !occurrences.empty();
}

llvm::StringMap<int64_t> SpaceActivity::switchIndices(const DecisionValues &decisions) const {
  llvm::StringMap<int64_t> out;
  Evaluator eval(decisions);
  for (auto &entry : switchIndex)
    if (auto index = dyn_cast_or_null<IntegerAttr>(eval(entry.second)))
      out[entry.first()] = index.getInt();
  for (const std::string &pick : conditionPicks)
    if (auto it = decisions.find(pick); it != decisions.end())
      if (auto mask = dyn_cast<IntegerAttr>(it->second))
        out[pick] = mask.getInt();
  return out;
}

bool SpaceActivity::holds(ArrayRef<ActiveCondition> conditions, const llvm::StringMap<int64_t> &indices) {
  for (const ActiveCondition &c : conditions) {
    auto it = indices.find(c.switchId);
    if (it == indices.end() || !c.holds(it->second))
      return false;
  }
  return true;
}

bool SpaceActivity::active(StringRef name, const llvm::StringMap<int64_t> &indices) const {
  auto it = occurrences.find(name.str());
  if (it == occurrences.end())
    return true;
  return llvm::any_of(it->second, [&](const std::vector<ActiveCondition> &c) { return holds(c, indices); });
}

DecisionValues SpaceActivity::canonical(const DecisionValues &decisions) const {
  if (!isConditional)
    return decisions;
  llvm::StringMap<int64_t> indices = switchIndices(decisions);
  DecisionValues out = decisions;
  for (auto &[name, value] : out)
    if (!active(name, indices))
      if (auto it = firstValue.find(name); it != firstValue.end())
        value = it->second;
  return out;
}

bool SpaceActivity::isCanonical(const DecisionValues &decisions) const {
  if (!isConditional)
    return true;
  llvm::StringMap<int64_t> indices = switchIndices(decisions);
  for (auto &[name, value] : decisions)
    if (!active(name, indices))
      if (auto it = firstValue.find(name); it != firstValue.end() && it->second != value)
        return false;
  return true;
}

std::vector<std::string> SpaceActivity::controllers(const ActiveCondition &c) const {
  if (c.picks)
    return {c.switchId};
  ArrayRef<std::string> names = controllers(c.switchId);
  return std::vector<std::string>(names.begin(), names.end());
}

ArrayRef<std::string> SpaceActivity::controllers(StringRef id) const {
  auto it = switchControllers.find(id);
  return it == switchControllers.end() ? ArrayRef<std::string>() : ArrayRef<std::string>(it->second);
}
