//===- NasOps.cpp - Verifiers and custom syntax of nas ops ----------------===//
#include "nas/NasDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::nas;

/// The constant integer behind `value`, if it is one.
static std::optional<int64_t> constantInt(Value value) {
  APInt v;
  if (matchPattern(value, m_ConstantInt(&v)))
    return v.getSExtValue();
  return std::nullopt;
}

/// The constant float behind `value`, if it is one.
static std::optional<double> constantFloat(Value value) {
  FloatAttr f;
  if (matchPattern(value, m_Constant(&f)))
    return f.getValueAsDouble();
  if (auto i = constantInt(value))
    return static_cast<double>(*i);
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

/// Both regions of an opdef take the parameters and the three input sizes.
static LogicalResult verifyOpDefRegion(OpDefOp op, Region &region, StringRef what) {
  Block &block = region.front();
  unsigned expected = op.getNumParams() + 3;
  if (block.getNumArguments() != expected)
    return op.emitOpError() << "'" << what << "' region takes " << expected
                            << " arguments (the parameters, then in_channels, in_h, in_w), got "
                            << block.getNumArguments();
  for (unsigned i = op.getNumParams(); i < expected; ++i)
    if (!block.getArgument(i).getType().isInteger(64))
      return op.emitOpError() << "'" << what << "' region: in_channels, in_h and in_w must be i64";
  return success();
}

LogicalResult OpDefOp::verify() {
  if (getDefaults().empty() || getBody().empty())
    return emitOpError("needs a defaults and a body region");
  if (failed(verifyOpDefRegion(*this, getDefaults(), "defaults")) ||
      failed(verifyOpDefRegion(*this, getBody(), "body")))
    return failure();
  for (unsigned i = 0; i < getNumParams(); ++i)
    if (getDefaults().getArgument(i).getType() != getBody().getArgument(i).getType())
      return emitOpError() << "parameter '" << cast<StringAttr>(getParamNames()[i]).getValue()
                           << "' has different types in the two regions";
  auto yield = dyn_cast<YieldOp>(getDefaults().front().getTerminator());
  if (!yield || yield.getValues().size() != getNumParams())
    return emitOpError() << "'defaults' must end in nas.yield with one value per parameter ("
                         << getNumParams() << ")";
  for (auto [value, arg] : llvm::zip(yield.getValues(), getBody().getArguments()))
    if (value.getType() != arg.getType())
      return emitOpError() << "default of type " << value.getType() << " for a parameter of type "
                           << arg.getType();
  if (!isa<PropertiesOp>(getBody().front().getTerminator()))
    return emitOpError("'body' must end in nas.properties");
  return success();
}

LogicalResult TemplateOp::verify() {
  Block &block = getBody().front();
  unsigned expected = getNumParams() + getNumInputs();
  if (block.getNumArguments() != expected)
    return emitOpError() << "takes " << getNumParams() << " parameters and " << getNumInputs()
                         << " inputs, but its body has " << block.getNumArguments() << " arguments";
  for (unsigned i = getNumParams(); i < expected; ++i)
    if (!isa<TensorType>(block.getArgument(i).getType()))
      return emitOpError() << "input '" << cast<StringAttr>(getInputNames()[i - getNumParams()]).getValue()
                           << "' must be a !nas.tensor";
  if (auto defaults = getParamDefaults())
    if (defaults->size() != getNumParams())
      return emitOpError() << "has " << defaults->size() << " parameter defaults for " << getNumParams()
                           << " parameters";
  return success();
}

/// Block arguments print under the names the source gave them.
static void nameArguments(Region &region, ArrayAttr first, ArrayRef<StringRef> rest,
                          OpAsmSetValueNameFn setName) {
  if (region.empty())
    return;
  Block &block = region.front();
  unsigned i = 0;
  for (Attribute name : first)
    if (i < block.getNumArguments())
      setName(block.getArgument(i++), cast<StringAttr>(name).getValue());
  for (StringRef name : rest)
    if (i < block.getNumArguments())
      setName(block.getArgument(i++), name);
}

void OpDefOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  nameArguments(region, getParamNames(), {"in_channels", "in_h", "in_w"}, setName);
}

void TemplateOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  SmallVector<StringRef> inputs;
  for (Attribute name : getInputNames())
    inputs.push_back(cast<StringAttr>(name).getValue());
  nameArguments(region, getParamNames(), inputs, setName);
}

void SpaceOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  nameArguments(region, getInputNames(), {}, setName);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// `names` must name distinct parameters among `params`, one per argument.
static LogicalResult verifyNamedArgs(Operation *op, ValueRange args, ArrayAttr names) {
  if (args.size() != names.size())
    return op->emitOpError() << "has " << args.size() << " arguments but " << names.size() << " names";
  llvm::SmallDenseSet<StringRef> seen;
  for (Attribute name : names)
    if (!seen.insert(cast<StringAttr>(name).getValue()).second)
      return op->emitOpError() << "names parameter '" << cast<StringAttr>(name).getValue() << "' twice";
  return success();
}

static LogicalResult verifyNamesAmong(Operation *op, ArrayAttr names, ArrayAttr params, StringRef callee) {
  for (Attribute name : names)
    if (!llvm::is_contained(params, name))
      return op->emitOpError() << "'" << callee << "' has no parameter '" << cast<StringAttr>(name).getValue()
                               << "'";
  return success();
}

LogicalResult LayerOp::verify() { return verifyNamedArgs(*this, getArgs(), getNames()); }

LogicalResult LayerOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto def = symbols.lookupNearestSymbolFrom<OpDefOp>(*this, getOpAttr());
  if (!def)
    return emitOpError() << "refers to '" << getOp() << "', which is not a nas.opdef";
  return verifyNamesAmong(*this, getNames(), def.getParamNames(), getOp());
}

LogicalResult InstanceOp::verify() {
  if (getSharing() == Sharing::root && !(*this)->getParentOfType<SearchOp>())
    return emitOpError("a root instance is the space of a nas.search and stands only there");
  if (getSharing() == Sharing::shared && !getKey())
    return emitOpError("a shared instance needs a key");
  if (getSharing() != Sharing::shared && getKey())
    return emitOpError("only shared instances have a key");
  return verifyNamedArgs(*this, getArgs(), getNames());
}

LogicalResult InstanceOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto def = symbols.lookupNearestSymbolFrom<TemplateOp>(*this, getTemplateNameAttr());
  if (!def)
    return emitOpError() << "refers to '" << getTemplateName() << "', which is not a nas.template";
  return verifyNamesAmong(*this, getNames(), def.getParamNames(), getTemplateName());
}

LogicalResult MetricOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto def = symbols.lookupNearestSymbolFrom<MetricDefOp>(*this, getMetricAttr());
  if (!def)
    return emitOpError() << "refers to '" << getMetric() << "', which is not a nas.metricdef";
  return verifyNamesAmong(*this, getNames(), def.getParamNames(), getMetric());
}

LogicalResult ExternOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto def = symbols.lookupNearestSymbolFrom<ExternDefOp>(*this, getComponentAttr());
  if (!def)
    return emitOpError() << "refers to '" << getComponent() << "', which is not a nas.externdef";
  return verifyNamesAmong(*this, getNames(), def.getParamNames(), getComponent());
}

LogicalResult RepeatOp::verify() {
  if (auto count = constantInt(getCount()); count && *count < 0)
    return emitOpError() << "repeats " << *count << " times";
  return success();
}

LogicalResult SwitchOp::verify() {
  if (getAlternatives().empty())
    return emitOpError("needs at least one alternative");
  if (auto index = constantInt(getIndex()); index && (*index < 0 || *index >= (int64_t)getAlternatives().size()))
    return emitOpError() << "index " << *index << " is out of range for " << getAlternatives().size()
                         << " alternatives";
  return success();
}

OpFoldResult SwitchOp::fold(FoldAdaptor adaptor) {
  // A fixed architecture: the switch is the copy it selects.
  if (auto index = dyn_cast_or_null<IntegerAttr>(adaptor.getIndex()))
    if (index.getInt() >= 0 && index.getInt() < static_cast<int64_t>(getAlternatives().size()))
      return getAlternatives()[index.getInt()];
  return {};
}

namespace {
/// The weights an application of a layer allocates (see ApplyOp::getEffects).
struct WeightsResource : public SideEffects::Resource::Base<WeightsResource> {
  StringRef getName() final { return "nas.weights"; }
};
} // namespace

/// Whether applying `layer` computes a deterministic function without
/// weights, so two equal applications are one: an op that is
/// `parameter_free` and not `stochastic`, or a choice, repetition or
/// selection of such layers only.
static bool isWeightFreeLayer(Value layer, unsigned depth = 0) {
  if (depth > 64)
    return false;
  Operation *def = layer.getDefiningOp();
  if (auto l = dyn_cast_or_null<LayerOp>(def)) {
    auto opdef = SymbolTable::lookupNearestSymbolFrom<OpDefOp>(l, l.getOpAttr());
    if (!opdef)
      return false;
    ArrayAttr traits = opdef.getOpTraits();
    auto has = [&](StringRef t) { return llvm::is_contained(traits, StringAttr::get(l.getContext(), t)); };
    return has("parameter_free") && !has("stochastic");
  }
  if (auto r = dyn_cast_or_null<RepeatOp>(def))
    return isWeightFreeLayer(r.getLayer(), depth + 1);
  if (auto c = dyn_cast_or_null<CategoricalOp>(def))
    return llvm::all_of(c.getAlternatives(), [&](Value v) { return isWeightFreeLayer(v, depth + 1); });
  if (auto s = dyn_cast_or_null<arith::SelectOp>(def))
    return isWeightFreeLayer(s.getTrueValue(), depth + 1) && isWeightFreeLayer(s.getFalseValue(), depth + 1);
  return false; // an instance, a template's layer parameter: may hold weights
}

void ApplyOp::getEffects(SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  // Each application of a layer with weights (or randomness) is its own
  // layer: it allocates them, which keeps CSE from merging it with an equal
  // one. Dead applications are still removed (an allocation of a result).
  if (!isWeightFreeLayer(getLayer()))
    effects.emplace_back(MemoryEffects::Allocate::get(), getOperation()->getOpResult(0), WeightsResource::get());
}

static LogicalResult verifyCombiner(Operation *op, ValueRange inputs) {
  if (inputs.empty())
    return op->emitOpError("needs at least one input");
  return success();
}

LogicalResult SumOp::verify() { return verifyCombiner(*this, getInputs()); }
LogicalResult ConcatOp::verify() { return verifyCombiner(*this, getInputs()); }

OpFoldResult CountOp::fold(FoldAdaptor) {
  // `k of [...]` picks k; what `any of` picks is a decision.
  if (auto pick = getList().getDefiningOp<PickOp>())
    return pick.getCount();
  return {};
}

OpFoldResult StringOp::fold(FoldAdaptor) { return getValueAttr(); }

OpFoldResult StringEqOp::fold(FoldAdaptor adaptor) {
  auto lhs = dyn_cast_or_null<StringAttr>(adaptor.getLhs());
  auto rhs = dyn_cast_or_null<StringAttr>(adaptor.getRhs());
  if (!lhs || !rhs)
    return {};
  return BoolAttr::get(getContext(), lhs == rhs);
}

//===----------------------------------------------------------------------===//
// Decisions
//===----------------------------------------------------------------------===//

// nas.categorical "name" [%a, %b] (labels [...])? attr-dict : type
ParseResult CategoricalOp::parse(OpAsmParser &parser, OperationState &result) {
  StringAttr name;
  SmallVector<OpAsmParser::UnresolvedOperand> alternatives;
  Type type;
  if (parser.parseAttribute(name, "name", result.attributes) ||
      parser.parseOperandList(alternatives, OpAsmParser::Delimiter::Square))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("labels"))) {
    ArrayAttr labels;
    if (parser.parseAttribute(labels, "labels", result.attributes))
      return failure();
  }
  if (parser.parseOptionalAttrDict(result.attributes) || parser.parseColonType(type) ||
      parser.resolveOperands(alternatives, type, result.operands))
    return failure();
  result.addTypes(type);
  return success();
}

void CategoricalOp::print(OpAsmPrinter &p) {
  p << ' ';
  p.printAttribute(getNameAttr());
  p << " [";
  p << getAlternatives();
  p << ']';
  if (auto labels = getLabels()) {
    p << " labels ";
    p.printAttribute(*labels);
  }
  p.printOptionalAttrDict((*this)->getAttrs(), {"name", "labels"});
  p << " : " << getType();
}

LogicalResult CategoricalOp::verify() {
  if (getAlternatives().empty())
    return emitOpError() << "decision '" << getName() << "' has no alternatives";
  for (Value alternative : getAlternatives())
    if (alternative.getType() != getType())
      return emitOpError() << "decision '" << getName() << "' has an alternative of type " << alternative.getType()
                           << " but its value is " << getType();
  if (auto labels = getLabels())
    if (labels->size() != getAlternatives().size())
      return emitOpError() << "has " << labels->size() << " labels for " << getAlternatives().size()
                           << " alternatives";
  return success();
}

/// A requirement known to hold says nothing more.
LogicalResult RequireOp::canonicalize(RequireOp op, PatternRewriter &rewriter) {
  APInt holds;
  if (!matchPattern(op.getCondition(), m_ConstantInt(&holds)) || holds.isZero())
    return failure();
  rewriter.eraseOp(op);
  return success();
}

/// A choice with one alternative is no decision: it is that alternative.
OpFoldResult CategoricalOp::fold(FoldAdaptor) {
  if (getAlternatives().size() == 1)
    return getAlternatives()[0];
  return {};
}

LogicalResult RangeOp::verify() {
  // Float ranges are continuous: their step is not used.
  if (auto step = constantInt(getStep()); step && *step <= 0 && getType().isInteger(64))
    return emitOpError() << "decision '" << getName() << "' has a non-positive step";
  auto lo = constantFloat(getLo()), hi = constantFloat(getHi());
  if (lo && hi && *lo > *hi)
    return emitOpError() << "decision '" << getName() << "' has an empty range";
  if (getLog() && lo && *lo <= 0)
    return emitOpError() << "decision '" << getName() << "' is on a log scale but starts at " << *lo;
  return success();
}

LogicalResult PickOp::verify() {
  if (auto k = constantInt(getCount())) {
    if (*k < 1)
      return emitOpError() << "decision '" << getName() << "' picks " << *k << " inputs";
    if (static_cast<size_t>(*k) > getCandidates().size())
      return emitOpError() << "decision '" << getName() << "' picks " << *k << " of only "
                           << getCandidates().size() << " candidates";
  }
  return success();
}

LogicalResult SubsetOp::verify() {
  if (getCandidates().empty())
    return emitOpError() << "decision '" << getName() << "' has no candidates";
  return success();
}

#define GET_OP_CLASSES
#include "nas/NasOps.cpp.inc"
