//===- InferShapes.cpp - Shapes and channels over every alternative -------===//
//
// For each nas.space, every feature map's (channels, height, width) is built
// as i64 values from the decisions, by inlining each layer's nas.opdef
// (defaults, then body). A mixed op's shape is a nas.categorical over its
// alternatives' shapes under the same decision name, so shapes stay exact
// functions of the decisions and correlated choices stay correlated. Every
// rule (equal shapes for sum, equal sizes for concat, op requirements that
// read the input, strides that divide the spatial size) becomes an i1 value
// checked for every combination of the decisions it depends on; a failure is
// reported at the source location with the values that break it. The helper
// ops are erased at the end; feature maps whose shape is the same in every
// architecture get a `shape` attribute.
//
//===----------------------------------------------------------------------===//
#include "ExactRange.h"
#include "nas/Activity.h"
#include "nas/Evaluate.h"
#include "nas/NasPasses.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"

#include <array>
#include <map>

namespace mlir::nas {
#define GEN_PASS_DEF_NASINFERSHAPES
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

namespace {

/// Combinations of decisions one rule is checked for, at most.
constexpr size_t kMaxCombinations = 4096;

struct Shape {
  Value c, h, w;
  /// For a list of feature maps (an input choice): how many it holds, if
  /// known, and each candidate's shape (what a consumer must accept).
  Value count;
  std::vector<std::array<Value, 3>> candidates;
  bool known() const { return c && h && w; }
};

struct Rule {
  Value ok;
  /// When the rule binds (null: always): in a copy a decided repetition may
  /// cut off, or an alternative a choice may not pick, only when it is used.
  Value guard;
  Location loc;
  std::string message;
  /// Values worth naming when the rule breaks ("in_channels = 12").
  SmallVector<std::pair<std::string, Value>> show;
};

class ShapeInference {
public:
  ShapeInference(SpaceOp space, SymbolTable &symbols)
      : space(space), symbols(symbols), b(space.getContext()) {}

  ~ShapeInference() { eraseHelpers(); }

  /// Checks every rule and annotates shapes, cost bounds and whether the
  /// space has a differentiable supernet.
  LogicalResult run() {
    build();
    bool ok = checkRules(rules, /*report=*/true);
    annotate(original);
    // A differentiable supernet (DARTS) sums all alternatives everywhere:
    // every feature map must have one shape in every architecture.
    std::string reason = differentiableReason();
    space->setAttr("nas.differentiable", b.getBoolAttr(reason.empty()));
    if (!reason.empty())
      space->setAttr("nas.differentiable_reason", b.getStringAttr(reason));
    else
      space->removeAttr("nas.differentiable_reason"); // when run again on a fixed space
    // Cost bounds, and supernet memory (elements per sample, and weights):
    // the largest one path can need, what all paths need, the weights of
    // all alternatives. One interval evaluation serves them all.
    if (costKnown && totalParams && pathActivations) {
      auto r = evaluateRanges({totalParams, totalFlops, pathActivations, allActivations, supernetWeights});
      if (r[0] && r[1]) {
        space->setAttr("params", b.getDenseF64ArrayAttr({r[0]->lo, r[0]->hi}));
        space->setAttr("flops", b.getDenseF64ArrayAttr({r[1]->lo, r[1]->hi}));
      }
      // Intervals are loose where decisions correlate (a depth and the
      // widths of the copies it keeps) and ignore requirements. The exact
      // range (spaceCostRange) costs seconds on large spaces, so only
      // `nasc info` asks for it; compiling stays fast.
      if (r[2] && r[3] && r[4])
        space->setAttr("supernet_memory", b.getDenseF64ArrayAttr({r[2]->hi, r[3]->hi, r[4]->hi}));
    }
    return success(ok);
  }

  /// The cost of one architecture, exactly.
  std::optional<Cost> cost(const DecisionValues &decisions) {
    if (!costKnown || !totalParams)
      return std::nullopt;
    Evaluator eval(decisions);
    auto p = dyn_cast_or_null<FloatAttr>(eval(totalParams));
    auto f = dyn_cast_or_null<FloatAttr>(eval(totalFlops));
    if (!p || !f)
      return std::nullopt;
    return Cost{p.getValueAsDouble(), f.getValueAsDouble()};
  }

  /// The least and greatest cost over every architecture that keeps the
  /// space's requirements, exactly (see ExactRange.h); none when that would
  /// take too long or a term cannot be evaluated, or no architecture is
  /// feasible.
  std::optional<std::pair<Cost, Cost>> exactCostRange() {
    if (!costKnown || !totalParams)
      return std::nullopt;
    SmallVector<RequireOp> requirements;
    space.walk([&](RequireOp r) { requirements.push_back(r); });
    SpaceActivity activity(space);
    std::optional<Interval> p = exactRange(totalParams, requirements, activity);
    if (!p || p->lo > p->hi)
      return std::nullopt;
    std::optional<Interval> f = exactRange(totalFlops, requirements, activity);
    if (!f || f->lo > f->hi)
      return std::nullopt;
    return std::pair{Cost{p->lo, f->lo}, Cost{p->hi, f->hi}};
  }

  /// Bounds on the cost over every architecture.
  std::optional<std::pair<Cost, Cost>> costRange() {
    if (!costKnown || !totalParams)
      return std::nullopt;
    auto p = evaluateRange(totalParams), f = evaluateRange(totalFlops);
    if (!p || !f)
      return std::nullopt;
    return std::pair{Cost{p->lo, f->lo}, Cost{p->hi, f->hi}};
  }

  /// Builds every feature map's shape and the cost totals as helper ops.
  void build() {
    Block &body = space.getBody().front();
    for (Operation &op : body)
      if (isDecision(&op))
        decisions[op.getAttrOfType<StringAttr>("name").str()] = &op;
    for (Operation &op : body)
      original.push_back(&op);
    for (Operation &op : body)
      if (auto sw = dyn_cast<SwitchOp>(op))
        switchIndex[sw.getId()] = sw.getIndex();
    b.setInsertionPoint(body.getTerminator());
    computeLiveness(body);
    for (Operation *op : original) {
      b.setInsertionPoint(body.getTerminator());
      // A feature map is guarded by when it reaches the output (liveness
      // follows every switch, so it says what `nas.active_if` says); other
      // ops by their conditions.
      bool featureMap = op->getNumResults() == 1 && isa<nas::TensorType, nas::TensorListType>(op->getResult(0).getType());
      guard = featureMap ? Value() : activeCondition(op, op->getLoc());
      if (featureMap)
        if (auto it = live.find(op->getResult(0)); it != live.end())
          guard = it->second ? it->second : constantBool(false, op->getLoc());
      visit(op);
      if (isa<ApplyOp>(op) && !shapeOf(op->getResult(0)).known())
        costKnown = false;
    }
  }

  void eraseHelpers() {
    conditionGuards.clear();
    // Helpers use only earlier helpers: erasing newest first frees each.
    for (Operation *op : llvm::reverse(created))
      op->erase();
    created.clear();
  }

private:
  SpaceOp space;
  SymbolTable &symbols;
  OpBuilder b;
  llvm::DenseMap<Value, Shape> shapes;
  std::vector<Rule> rules;

  /// Why the space has no differentiable supernet ("" when it has one): the
  /// first feature map whose shape is not the same in every architecture.
  std::string differentiableReason() {
    for (Operation *op : original) {
      if (op->getNumResults() != 1 || !isa<nas::TensorType>(op->getResult(0).getType()) || op->hasAttr("shape"))
        continue;
      std::string where = "?";
      if (auto l = dyn_cast<FileLineColLoc>(op->getLoc()))
        where = (l.getFilename().getValue() + ":" + Twine(l.getLine()) + ":" + Twine(l.getColumn())).str();
      Shape s = shapeOf(op->getResult(0));
      if (!s.known())
        return "the shape of the feature map at " + where + " is not known";
      SmallVector<Operation *> ds;
      decisionsOf(s.c, ds), decisionsOf(s.h, ds), decisionsOf(s.w, ds);
      std::string names;
      for (Operation *d : ds)
        if (names.find(d->getAttrOfType<StringAttr>("name").str()) == std::string::npos)
          names += (names.empty() ? "" : ", ") + d->getAttrOfType<StringAttr>("name").str();
      return "the shape of the feature map at " + where + " depends on " +
             (names.empty() ? std::string("the architecture") : "'" + names + "'");
    }
    return "";
  }
  SmallVector<Operation *> created;
  SmallVector<Operation *> original;
  std::map<std::string, Operation *> decisions;
  /// Sums of every layer's params and flops (f64), while all are known.
  Value totalParams, totalFlops;
  /// Elements a supernet stores per sample: one path's layer outputs, every
  /// alternative's; and the weights of every alternative.
  Value pathActivations, allActivations, supernetWeights;
  bool costKnown = true;

  /// `v` where the op being visited is used, 0 where a decided repetition
  /// cuts it off.
  Value guarded(Value v, Location loc) {
    if (!guard)
      return v;
    Value zero = make<arith::ConstantFloatOp>(loc, APFloat(0.0), b.getF64Type());
    return make<arith::SelectOp>(loc, guard, v, zero);
  }

  void addCost(Value params, Value flops, Location loc) {
    auto asFloat = [&](Value v) -> Value {
      if (v.getType().isF64())
        return v;
      return make<arith::SIToFPOp>(loc, b.getF64Type(), v);
    };
    Value p = asFloat(params), f = asFloat(flops);
    if (guard) { // a copy a decided repetition may cut off costs nothing then
      Value zero = make<arith::ConstantFloatOp>(loc, APFloat(0.0), b.getF64Type());
      p = make<arith::SelectOp>(loc, guard, p, zero);
      f = make<arith::SelectOp>(loc, guard, f, zero);
    }
    totalParams = totalParams ? make<arith::AddFOp>(loc, totalParams, p) : p;
    totalFlops = totalFlops ? make<arith::AddFOp>(loc, totalFlops, f) : f;
  }

  /// How many decisions `v` reads (memoized).
  llvm::DenseMap<Value, size_t> decisionCounts;
  size_t decisionCount(Value v) {
    auto it = decisionCounts.find(v);
    if (it != decisionCounts.end())
      return it->second;
    SmallVector<Operation *> ds;
    decisionsOf(v, ds);
    return decisionCounts[v] = ds.size();
  }

  /// Whether every value is the same integer or float constant.
  static bool sameConstant(ArrayRef<Value> values) {
    Attribute first;
    for (Value v : values) {
      Attribute a;
      if (!matchPattern(v, m_Constant(&a)))
        return false;
      if (first && a != first)
        return false;
      first = a;
    }
    return bool(first);
  }

  static bool isDecision(Operation *op) { return isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op); }

  template <typename OpT, typename... Args> Value make(Location loc, Args &&...args) {
    auto op = b.create<OpT>(loc, std::forward<Args>(args)...);
    created.push_back(op);
    return op->getResult(0);
  }
  Value constant(int64_t v, Location loc) { return make<arith::ConstantIntOp>(loc, v, 64); }
  Value toFloat(Value v, Location loc) {
    return v.getType().isF64() ? v : make<arith::SIToFPOp>(loc, b.getF64Type(), v);
  }
  Value eq(Value x, Value y, Location loc) { return make<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y); }

  void rule(Value ok, Location loc, std::string message, SmallVector<std::pair<std::string, Value>> show = {}) {
    rules.push_back(Rule{ok, guard, loc, std::move(message), std::move(show)});
  }

  /// When each feature map reaches the output, for those that do not
  /// always: an alternative a switch or a select on feature maps does not
  /// pick costs nothing and breaks no rule. A null condition: never.
  llvm::DenseMap<Value, Value> live;

  Value constantBool(bool v, Location loc) { return make<arith::ConstantIntOp>(loc, v, 1); }
  /// a && c, where null is "always".
  Value both(Value a, Value c, Location loc) {
    if (!a || !c)
      return a ? a : c;
    return make<arith::AndIOp>(loc, a, c);
  }

  void computeLiveness(Block &body) {
    // Per feature map: reached (false: no use reaches the output), and the
    // condition (null: always).
    llvm::DenseMap<Value, std::pair<bool, Value>> reach;
    for (Operation &op : llvm::reverse(body)) {
      for (Value r : op.getResults()) {
        if (!isa<nas::TensorType, nas::TensorListType>(r.getType()))
          continue;
        bool reached = false;
        Value cond;
        for (OpOperand &use : r.getUses()) {
          Operation *user = use.getOwner();
          Value c;
          if (!isa<OutputOp>(user)) {
            if (user->getNumResults() != 1)
              continue;
            auto it = reach.find(user->getResult(0));
            if (it == reach.end() || !it->second.first)
              continue;
            c = it->second.second;
            Location loc = user->getLoc();
            // A choice among alternatives ("choice#N", "if#N") passes on input k when
            // its index is k. A decided repetition's input k is copy k, which
            // the next copy reads too: it is needed when index >= k, so the
            // input before the copies always is (saying "== k" would make
            // every later block's liveness an OR over all earlier depths).
            if (auto sw = dyn_cast<SwitchOp>(user); sw && use.getOperandNumber() >= 1) {
              int64_t k = use.getOperandNumber() - 1;
              if (!sw.getId().starts_with("repeat#"))
                c = both(c, eq(sw.getIndex(), constant(k, loc), loc), loc);
              else if (k > 0)
                c = both(c, make<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, sw.getIndex(), constant(k, loc)),
                         loc);
            }
            if (auto sel = dyn_cast<arith::SelectOp>(user); sel && use.getOperandNumber() >= 1) {
              Value pick = sel.getCondition();
              if (use.getOperandNumber() == 2)
                pick = make<arith::XOrIOp>(loc, pick, constantBool(true, loc));
              c = both(c, pick, loc);
            }
          }
          if (!reached)
            cond = c;
          else if (cond && c)
            cond = make<arith::OrIOp>(user->getLoc(), cond, c);
          else
            cond = nullptr;
          reached = true;
        }
        reach[r] = {reached, cond};
        if (!reached || cond)
          live[r] = cond;
      }
    }
  }

  /// The switches of the space by id: their indices say which copies live.
  llvm::StringMap<Value> switchIndex;
  /// Whether the op being visited is used (null: always).
  Value guard;

  /// Guards already built, by the `nas.active_if` attribute (uniqued): the
  /// ops of one branch share one.
  llvm::DenseMap<Attribute, Value> conditionGuards;

  Value activeCondition(Operation *op, Location loc) {
    Attribute key = op->getAttr(kActiveIfAttr);
    if (!key)
      return nullptr;
    auto [it, inserted] = conditionGuards.try_emplace(key, Value());
    if (!inserted)
      return it->second;
    Value all;
    for (const ActiveCondition &c : activeConditions(op)) {
      if (c.picks)
        continue; // an edge's op choice: its rules bind for every pick (stricter)
      Value index = switchIndex.lookup(c.switchId);
      if (!index)
        return nullptr;
      Value reached = make<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, index, constant(c.lo, loc));
      all = all ? make<arith::AndIOp>(loc, all, reached) : reached;
      if (c.hi) // a choice's alternative: the index is exactly k
        all = make<arith::AndIOp>(loc, all,
                                  make<arith::CmpIOp>(loc, arith::CmpIPredicate::sle, index, constant(*c.hi, loc)));
    }
    conditionGuards[key] = all;
    return all;
  }

  /// Clones `ops` of an opdef region with `map`, turning its nas.require ops
  /// into rules about the op at `loc`.
  /// Clones of an opdef region what `needed` depends on, and the
  /// requirements that read the input (in_channels, in_h, in_w: the last
  /// three block arguments), which become rules about the op at `loc`.
  /// Requirements on the parameters alone were checked by the front end for
  /// every alternative; cloning them at every use only costs time.
  void cloneRegion(Block &block, IRMapping &map, Location loc, StringRef opName, ArrayRef<std::string> names,
                   ArrayRef<Value> needed) {
    unsigned n = block.getNumArguments();
    llvm::SmallPtrSet<Value, 16> fromInput;
    for (unsigned i = n - 3; i < n; ++i)
      fromInput.insert(block.getArgument(i));
    for (Operation &op : block.without_terminator())
      if (llvm::any_of(op.getOperands(), [&](Value v) { return fromInput.count(v); }))
        for (Value r : op.getResults())
          fromInput.insert(r);
    SmallVector<RequireOp> requirements;
    SmallVector<Value> roots(needed.begin(), needed.end());
    for (Operation &op : block.without_terminator())
      if (auto req = dyn_cast<RequireOp>(op); req && fromInput.count(req.getCondition())) {
        requirements.push_back(req);
        roots.push_back(req.getCondition());
      }
    // The ops those values depend on, cloned in block order.
    llvm::SmallPtrSet<Operation *, 32> wanted;
    while (!roots.empty()) {
      Operation *def = roots.pop_back_val().getDefiningOp();
      if (!def || def->getBlock() != &block || !wanted.insert(def).second)
        continue;
      for (Value operand : def->getOperands())
        roots.push_back(operand);
    }
    for (Operation &op : block.without_terminator())
      if (wanted.count(&op))
        created.push_back(b.clone(op, map));
    for (RequireOp req : requirements) {
      std::string text = req.getText() ? req.getText()->str() : "a requirement";
      std::string message = "'" + opName.str() + "' requires " + text;
      if (req.getMessage())
        message += " (" + req.getMessage()->str() + ")";
      SmallVector<std::pair<std::string, Value>> show;
      for (size_t i = 0; i < names.size() && i < n; ++i)
        if (text.find(names[i]) != std::string::npos && block.getArgument(i).getType().isInteger(64))
          show.push_back({names[i], map.lookupOrDefault(block.getArgument(i))});
      rule(map.lookupOrDefault(req.getCondition()), loc, message, show);
    }
  }

  /// The output shape of op `def` applied with `layer`'s arguments to `in`.
  Shape applyOpDef(OpDefOp def, LayerOp layer, const Shape &in, Location loc) {
    pendingParams = pendingFlops = nullptr; // set only when the op is fully known
    unsigned n = def.getNumParams();
    std::vector<std::string> names;
    for (Attribute a : def.getParamNames())
      names.push_back(cast<StringAttr>(a).str());
    for (const char *implicit : {"in_channels", "in_h", "in_w"})
      names.push_back(implicit);
    SmallVector<Value> effective(n);
    for (auto [arg, name] : llvm::zip(layer.getArgs(), layer.getNames()))
      for (unsigned i = 0; i < n; ++i)
        if (names[i] == cast<StringAttr>(name).getValue())
          effective[i] = arg;
    Block &defaults = def.getDefaults().front();
    auto yield = cast<YieldOp>(defaults.getTerminator());
    for (unsigned i = 0; i < n; ++i) {
      if (effective[i])
        continue;
      // A default reads the effective values of the parameters before it.
      IRMapping map;
      for (unsigned j = 0; j < i; ++j)
        map.map(defaults.getArgument(j), effective[j]);
      map.map(defaults.getArgument(n), in.c);
      map.map(defaults.getArgument(n + 1), in.h);
      map.map(defaults.getArgument(n + 2), in.w);
      cloneRegion(defaults, map, loc, def.getSymName(), names, {yield.getValues()[i]});
      effective[i] = map.lookupOrDefault(yield.getValues()[i]);
      if (effective[i] == defaults.getArgument(i)) // no default and not given: the checker stops this
        return Shape();
    }
    Block &body = def.getBody().front();
    IRMapping map;
    for (unsigned i = 0; i < n; ++i)
      map.map(body.getArgument(i), effective[i]);
    map.map(body.getArgument(n), in.c);
    map.map(body.getArgument(n + 1), in.h);
    map.map(body.getArgument(n + 2), in.w);
    auto props = cast<PropertiesOp>(body.getTerminator());
    cloneRegion(body, map, loc, def.getSymName(), names, SmallVector<Value>(props->getOperands()));
    pendingParams = map.lookupOrDefault(props.getParams());
    pendingFlops = map.lookupOrDefault(props.getFlops());
    Value c = map.lookupOrDefault(props.getOutChannels());
    Value stride = map.lookupOrDefault(props.getStride());
    Value one = constant(1, loc);
    rule(make<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, stride, one), loc,
         "'" + def.getSymName().str() + "' has a stride below 1", {{"stride", stride}});
    // Ops pad 'same' (std/ops): the output is ceil(size / stride), never
    // zero nor fractional, so odd sizes are fine; branches that disagree
    // are caught where they meet (sum, concat).
    rule(make<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, c, one), loc,
         "'" + def.getSymName().str() + "' produces no channels", {{"out_channels", c}});
    Value safeStride = make<arith::MaxSIOp>(loc, stride, one);
    return Shape{c, make<arith::CeilDivSIOp>(loc, in.h, safeStride), make<arith::CeilDivSIOp>(loc, in.w, safeStride),
                 nullptr};
  }

  /// The cost of the op applyOpDef last inlined.
  Value pendingParams, pendingFlops;

  /// Results of applying an opdef, by (opdef, input shape, arguments).
  struct Applied {
    Shape out;
    Value params, flops;
  };
  std::map<std::vector<const void *>, Applied> applied;
  /// One constant op per value, so equal shapes are equal values.
  llvm::DenseMap<int64_t, Value> constants;
  Evaluator unfixedShapes{DecisionValues{}};

  /// `s` with each size that is a constant in every architecture replaced
  /// by the shared constant of that value.
  Shape canonical(Shape s, Location loc) {
    for (Value *v : {&s.c, &s.h, &s.w}) {
      if (!*v)
        continue;
      if (auto k = dyn_cast_or_null<IntegerAttr>(unfixedShapes(*v))) {
        Value &shared = constants[k.getInt()];
        if (!shared) {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&space.getBody().front());
          shared = make<arith::ConstantIntOp>(loc, k.getInt(), 64);
        }
        *v = shared;
      }
    }
    return s;
  }

  /// The output shape of applying `layer` (an op, a choice among layers, a
  /// select) to `inputs`; unknown for what is not flattened. Its cost goes
  /// to `params`/`flops` when given.
  /// Besides its cost, a layer reports what a supernet holds for it: the
  /// weights of every alternative and the outputs of every alternative.
  struct Supernet {
    Value weights, activations;
  };

  Value elements(const Shape &s, Location loc) {
    return toFloat(make<arith::MulIOp>(loc, s.c, make<arith::MulIOp>(loc, s.h, s.w)), loc);
  }

  Shape layerShape(Value layer, ArrayRef<Shape> inputs, Location loc, Value *params = nullptr,
                   Value *flops = nullptr, Supernet *supernet = nullptr) {
    Operation *def = layer.getDefiningOp();
    if (!def || inputs.empty() || llvm::any_of(inputs, [](const Shape &s) { return !s.known(); }))
      return Shape();
    if (auto l = dyn_cast<LayerOp>(def)) {
      auto opdef = symbols.lookup<OpDefOp>(l.getOp());
      if (!opdef || inputs.size() != 1)
        return Shape();
      // One op with the same arguments on the same input shape gives the
      // same result wherever it stands (DARTS: hundreds of uses, a few dozen
      // combinations). Only outside copies a decided depth may cut off,
      // whose rules differ by their guard.
      Shape in = canonical(inputs[0], loc);
      std::vector<const void *> key{opdef.getOperation(), in.c.getAsOpaquePointer(), in.h.getAsOpaquePointer(),
                              in.w.getAsOpaquePointer()};
      for (Value arg : l.getArgs())
        key.push_back(arg.getAsOpaquePointer());
      for (Attribute name : l.getNames())
        key.push_back(name.getAsOpaquePointer());
      Applied result;
      auto hit = guard ? applied.end() : applied.find(key);
      if (hit != applied.end()) {
        result = hit->second;
      } else {
        result.out = applyOpDef(opdef, l, in, loc);
        result.params = pendingParams, result.flops = pendingFlops;
        if (result.out.known())
          result.out = canonical(result.out, loc);
        if (!guard)
          applied[key] = result;
      }
      if (params)
        *params = result.params, *flops = result.flops;
      if (supernet && result.out.known() && result.params)
        *supernet = Supernet{toFloat(result.params, loc), elements(result.out, loc)};
      return result.out;
    }
    if (auto c = dyn_cast<CategoricalOp>(def)) {
      SmallVector<Value> cs, hs, ws, ps, fs;
      Value allWeights, allActivations;
      for (Value alt : c.getAlternatives()) {
        Value p, f;
        Supernet sub;
        Shape s = layerShape(alt, inputs, alt.getLoc(), &p, &f, &sub);
        if (!s.known() || !p || !f || !sub.weights)
          return Shape();
        cs.push_back(s.c), hs.push_back(s.h), ws.push_back(s.w);
        ps.push_back(toFloat(p, loc)), fs.push_back(toFloat(f, loc));
        // Every alternative's weights and outputs live in the supernet.
        allWeights = allWeights ? make<arith::AddFOp>(loc, allWeights, sub.weights) : sub.weights;
        allActivations = allActivations ? make<arith::AddFOp>(loc, allActivations, sub.activations) : sub.activations;
      }
      if (supernet)
        *supernet = Supernet{allWeights, allActivations};
      // Alternatives that agree need no pick: a shape or cost that reads no
      // decision it does not depend on keeps exact cost ranges cheap.
      auto pick = [&](ValueRange values) -> Value {
        if (llvm::all_equal(values) || sameConstant(SmallVector<Value>(values)))
          return values.front();
        return make<CategoricalOp>(loc, values.front().getType(), c.getNameAttr(), values, ArrayAttr());
      };
      if (params)
        *params = pick(ps), *flops = pick(fs);
      return Shape{pick(cs), pick(hs), pick(ws), nullptr};
    }
    if (auto s = dyn_cast<arith::SelectOp>(def)) {
      Value tp, tf, fp, ff;
      Supernet ts, fsn;
      Shape t = layerShape(s.getTrueValue(), inputs, loc, &tp, &tf, &ts);
      Shape f = layerShape(s.getFalseValue(), inputs, loc, &fp, &ff, &fsn);
      if (!t.known() || !f.known() || !tp || !fp || !ts.weights || !fsn.weights)
        return Shape();
      auto sel = [&](Value x, Value y) -> Value {
        if (x == y || sameConstant({x, y}))
          return x;
        return make<arith::SelectOp>(loc, s.getCondition(), x, y);
      };
      if (supernet)
        *supernet = Supernet{sel(ts.weights, fsn.weights), sel(ts.activations, fsn.activations)};
      if (params)
        *params = sel(toFloat(tp, loc), toFloat(fp, loc)), *flops = sel(toFloat(tf, loc), toFloat(ff, loc));
      return Shape{sel(t.c, f.c), sel(t.h, f.h), sel(t.w, f.w), nullptr};
    }
    return Shape();
  }

  /// The shape of a feature map (a list's element for input choices).
  Shape shapeOf(Value v) {
    auto it = shapes.find(v);
    return it == shapes.end() ? Shape() : it->second;
  }

  /// The shapes a combiner meets through `inputs`: each tensor, and every
  /// candidate of each input choice. False if one is unknown.
  bool combinerInputs(ValueRange inputs, SmallVectorImpl<Shape> &items) {
    for (Value v : inputs) {
      Shape s = shapeOf(v);
      if (!s.known())
        return false;
      if (isa<TensorListType>(v.getType())) {
        for (auto &c : s.candidates)
          items.push_back(Shape{c[0], c[1], c[2], nullptr, {}});
      } else {
        items.push_back(s);
      }
    }
    return !items.empty();
  }

  /// All of `items` have `first`'s channels, height and width.
  void sameShape(ArrayRef<Shape> items, Location loc, StringRef what, bool channels = true) {
    if (items.empty())
      return;
    const Shape &first = items.front();
    for (size_t i = 1; i < items.size(); ++i) {
      const Shape &s = items[i];
      if (channels)
        rule(eq(first.c, s.c, loc), loc, what.str() + ": input " + std::to_string(i + 1) + " has other channels than input 1",
             {{"channels of input 1", first.c}, {"channels of input " + std::to_string(i + 1), s.c}});
      rule(make<arith::AndIOp>(loc, eq(first.h, s.h, loc), eq(first.w, s.w, loc)), loc,
           what.str() + ": input " + std::to_string(i + 1) + " has another spatial size than input 1",
           {{"height of input 1", first.h}, {"height of input " + std::to_string(i + 1), s.h}});
    }
  }

  void visit(Operation *op) {
    Location loc = op->getLoc();
    if (auto in = dyn_cast<InputShapeOp>(op)) {
      shapes[in.getInput()] = Shape{in.getChannels(), in.getHeight(), in.getWidth(), nullptr, {}};
      return;
    }
    if (auto apply = dyn_cast<ApplyOp>(op)) {
      SmallVector<Shape> inputs;
      for (Value v : apply.getInputs())
        inputs.push_back(shapeOf(v));
      Value params, flops;
      Supernet supernet;
      Shape out = layerShape(apply.getLayer(), inputs, loc, &params, &flops, &supernet);
      if (out.known())
        shapes[apply.getResult()] = out;
      if (params && flops && supernet.weights) {
        addCost(params, flops, loc);
        // One path's outputs (guarded like costs) and every alternative's.
        Value path = guarded(elements(out, loc), loc);
        pathActivations = pathActivations ? make<arith::AddFOp>(loc, pathActivations, path) : path;
        Value all = guarded(supernet.activations, loc), w = guarded(supernet.weights, loc);
        allActivations = allActivations ? make<arith::AddFOp>(loc, allActivations, all) : all;
        supernetWeights = supernetWeights ? make<arith::AddFOp>(loc, supernetWeights, w) : w;
      } else {
        costKnown = false;
      }
      return;
    }
    if (isa<PickOp, SubsetOp>(op)) {
      ValueRange candidates = isa<PickOp>(op) ? cast<PickOp>(op).getCandidates() : cast<SubsetOp>(op).getCandidates();
      SmallVector<Shape> items;
      for (Value v : candidates) {
        items.push_back(shapeOf(v));
        if (!items.back().known())
          return;
      }
      // What the candidates must agree on depends on the consumer (a sum
      // needs equal shapes, a concat equal sizes): checked there.
      Shape list = items.front();
      list.count = isa<PickOp>(op) ? cast<PickOp>(op).getCount() : Value();
      for (const Shape &s : items)
        list.candidates.push_back({s.c, s.h, s.w});
      shapes[op->getResult(0)] = list;
      return;
    }
    if (auto item = dyn_cast<ItemOp>(op)) {
      Shape s = shapeOf(item.getList());
      if (s.known())
        shapes[item.getResult()] = Shape{s.c, s.h, s.w, nullptr, {}};
      return;
    }
    if (auto sum = dyn_cast<SumOp>(op)) {
      SmallVector<Shape> items;
      if (!combinerInputs(sum.getInputs(), items))
        return;
      sameShape(items, loc, "sum");
      // The rules make every input's shape equal where the sum is used; the
      // one reading the fewest decisions keeps later costs from depending on
      // how earlier layers were chosen (a skip's input reads the whole chain).
      auto simplest = [&](auto dim) {
        Value best;
        size_t fewest = SIZE_MAX;
        for (const Shape &item : items) {
          size_t n = decisionCount(dim(item));
          if (n < fewest)
            best = dim(item), fewest = n;
        }
        return best;
      };
      shapes[sum.getResult()] = Shape{simplest([](const Shape &x) { return x.c; }),
                                      simplest([](const Shape &x) { return x.h; }),
                                      simplest([](const Shape &x) { return x.w; }), nullptr, {}};
      return;
    }
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      SmallVector<Shape> items;
      if (!combinerInputs(concat.getInputs(), items))
        return;
      sameShape(items, loc, "concat", /*channels=*/false);
      // Channels add up; through an input choice only when every candidate
      // has the same channels and the count is known.
      Value c = constant(0, loc);
      for (Value v : concat.getInputs()) {
        Shape s = shapeOf(v);
        Value channels = s.c;
        if (isa<TensorListType>(v.getType())) {
          bool uniform = llvm::all_of(s.candidates, [&](auto &cand) { return cand[0] == s.c; });
          if (!s.count || !uniform)
            return;
          channels = make<arith::MulIOp>(loc, channels, s.count);
        }
        c = make<arith::AddIOp>(loc, c, channels);
      }
      shapes[concat.getResult()] = Shape{c, items[0].h, items[0].w, nullptr};
      return;
    }
    if (auto sel = dyn_cast<arith::SelectOp>(op); sel && isa<nas::TensorType>(sel.getType())) {
      Shape t = shapeOf(sel.getTrueValue()), f = shapeOf(sel.getFalseValue());
      if (!t.known() || !f.known())
        return;
      auto pick = [&](Value x, Value y) -> Value {
        if (x == y || sameConstant({x, y}))
          return x;
        return make<arith::SelectOp>(loc, sel.getCondition(), x, y);
      };
      shapes[sel.getResult()] = Shape{pick(t.c, f.c), pick(t.h, f.h), pick(t.w, f.w), nullptr, {}};
      return;
    }
    if (auto sw = dyn_cast<SwitchOp>(op)) {
      SmallVector<Shape> items;
      for (Value v : sw.getAlternatives()) {
        items.push_back(shapeOf(v));
        if (!items.back().known())
          return;
      }
      Shape out = items.back();
      for (int64_t k = static_cast<int64_t>(items.size()) - 2; k >= 0; --k) {
        Value is = eq(sw.getIndex(), constant(k, loc), loc);
        auto sel = [&](Value x, Value y) { return make<arith::SelectOp>(loc, is, x, y); };
        out = Shape{sel(items[k].c, out.c), sel(items[k].h, out.h), sel(items[k].w, out.w), nullptr};
      }
      shapes[sw.getResult()] = out;
      return;
    }
  }

  /// How a decision value reads in a message: its label, its value, or
  /// which alternative it is.
  std::string describe(const std::string &name, Attribute value) {
    auto it = decisions.find(name);
    if (it != decisions.end())
      if (auto c = dyn_cast<CategoricalOp>(it->second))
        if (auto index = dyn_cast<IntegerAttr>(value)) {
          int64_t i = index.getInt();
          if (i < 0 || i >= static_cast<int64_t>(c.getAlternatives().size()))
            return "?";
          if (auto labels = c.getLabels())
            if (!cast<StringAttr>((*labels)[i]).getValue().empty())
              return cast<StringAttr>((*labels)[i]).str();
          Attribute v = evaluate(c.getAlternatives()[i], {});
          if (auto n = dyn_cast_or_null<IntegerAttr>(v))
            return n.getType().isInteger(1) ? (n.getInt() ? "true" : "false") : std::to_string(n.getInt());
          if (auto f = dyn_cast_or_null<FloatAttr>(v)) {
            std::string s;
            llvm::raw_string_ostream os(s);
            os << f.getValueAsDouble();
            return os.str();
          }
          if (auto str = dyn_cast_or_null<StringAttr>(v))
            return "\"" + str.str() + "\"";
          return "alternative " + std::to_string(i + 1);
        }
    if (auto i = dyn_cast<IntegerAttr>(value))
      return std::to_string(i.getInt());
    return "?";
  }

  /// Checks `list`; a broken rule is an error when `report`, else its
  /// message goes to `broken`.
  bool checkRules(const std::vector<Rule> &list, bool report, std::vector<std::string> *broken = nullptr) {
    bool ok = true;
    // One evaluator with nothing fixed serves every rule: shapes deep in a
    // network depend on all layers before them, and are computed once.
    Evaluator unfixed({});
    for (const Rule &r : list) {
      // Most rules hold whatever is chosen (every alternative keeps the
      // shape): settled without enumerating anything.
      if (auto always = dyn_cast_or_null<IntegerAttr>(unfixed(r.ok)); always && always.getInt() != 0)
        continue;
      std::optional<DecisionDomains> domains = domainsOf(r.ok, {});
      if (!domains)
        continue;
      forEachCombination(*domains, [&](const DecisionValues &found) {
        auto holds = dyn_cast_or_null<IntegerAttr>(evaluate(r.ok, found));
        // Broken: does the rule bind there? The guard's own decisions are
        // looked at only now (walking them for every rule is costly).
        DecisionValues assignment = found;
        if (holds && holds.getInt() == 0 && r.guard && !binds(r.guard, assignment))
          return true;
        if (holds && holds.getInt() == 0) {
          std::string message = r.message;
          std::vector<std::string> shown;
          for (auto &[what, value] : r.show)
            if (auto v = dyn_cast_or_null<IntegerAttr>(evaluate(value, assignment)))
              shown.push_back(what + " = " + std::to_string(v.getInt()));
          if (!shown.empty())
            message += ", but " + llvm::join(shown, ", ");
          std::vector<std::string> when;
          for (auto &[name, value] : assignment)
            when.push_back(name + " = " + describe(name, value));
          if (!when.empty())
            message += " (when " + llvm::join(when, ", ") + ")";
          if (report)
            emitError(r.loc) << message;
          else if (broken)
            broken->push_back(message);
          ok = false;
          return false; // one report a rule
        }
        return true;
      });
    }
    return ok;
  }

  /// The domains of the decisions `v` depends on that `fixed` leaves open,
  /// one entry per name (helper categoricals share names); none when there
  /// are more than kMaxCombinations combinations.
  std::optional<DecisionDomains> domainsOf(Value v, const DecisionValues &fixed) {
    SmallVector<Operation *> ds;
    decisionsOf(v, ds);
    std::map<std::string, std::vector<Attribute>> domains;
    size_t total = 1;
    for (Operation *d : ds) {
      std::string name = d->getAttrOfType<StringAttr>("name").str();
      if (fixed.count(name) || domains.count(name))
        continue;
      auto values = domainValues(decisions.count(name) ? decisions[name] : d);
      if (!values || values->empty() || (total *= values->size()) > kMaxCombinations)
        return std::nullopt;
      domains[name] = *values;
    }
    return DecisionDomains(domains.begin(), domains.end());
  }

  /// Whether `guard` holds for some completion of `assignment` (which it
  /// extends with the decisions that make it hold). Unknown counts as holding.
  bool binds(Value guard, DecisionValues &assignment) {
    if (auto g = dyn_cast_or_null<IntegerAttr>(evaluate(guard, assignment)))
      return g.getInt() != 0;
    std::optional<DecisionDomains> domains = domainsOf(guard, assignment);
    if (!domains)
      return true;
    bool holds = false;
    forEachCombination(*domains, [&](const DecisionValues &more) {
      DecisionValues all = assignment;
      all.insert(more.begin(), more.end());
      auto g = dyn_cast_or_null<IntegerAttr>(evaluate(guard, all));
      if (!g || g.getInt() != 0) {
        holds = true;
        assignment = std::move(all);
        return false;
      }
      return true;
    });
    return holds;
  }

  /// `shape = [c, h, w]` on feature maps whose shape is one in every
  /// architecture.
  void annotate(ArrayRef<Operation *> ops) {
    Evaluator unfixed({});
    for (Operation *op : ops)
      for (Value result : op->getResults()) {
        Shape s = shapeOf(result);
        if (!s.known() || !isa<nas::TensorType>(result.getType()))
          continue;
        auto c = dyn_cast_or_null<IntegerAttr>(unfixed(s.c));
        auto h = dyn_cast_or_null<IntegerAttr>(unfixed(s.h));
        auto w = dyn_cast_or_null<IntegerAttr>(unfixed(s.w));
        if (c && h && w)
          op->setAttr("shape", b.getDenseI64ArrayAttr({c.getInt(), h.getInt(), w.getInt()}));
      }
  }
};

} // namespace

struct SpaceCostModel::Impl {
  Impl(SpaceOp space) : symbols(space->getParentOfType<ModuleOp>()), inference(space, symbols) {
    inference.build();
  }
  SymbolTable symbols;
  ShapeInference inference;
};

SpaceCostModel::SpaceCostModel(SpaceOp space) : impl(std::make_unique<Impl>(space)) {}
SpaceCostModel::~SpaceCostModel() = default;

FailureOr<Cost> SpaceCostModel::cost(const DecisionValues &decisions) {
  if (auto cost = impl->inference.cost(decisions))
    return *cost;
  return failure();
}

FailureOr<Cost> mlir::nas::architectureCost(SpaceOp space, const DecisionValues &decisions) {
  return SpaceCostModel(space).cost(decisions);
}

FailureOr<std::pair<Cost, Cost>> mlir::nas::spaceCostRange(SpaceOp space, bool *exact) {
  SymbolTable symbols(space->getParentOfType<ModuleOp>());
  ShapeInference inference(space, symbols);
  inference.build();
  if (exact)
    *exact = false;
  if (auto range = inference.exactCostRange()) {
    if (exact)
      *exact = true;
    return *range;
  }
  if (auto range = inference.costRange())
    return *range;
  return failure();
}

namespace {

struct NasInferShapesPass : public mlir::nas::impl::NasInferShapesBase<NasInferShapesPass> {
  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    for (SpaceOp space : getOperation().getOps<SpaceOp>())
      if (failed(ShapeInference(space, symbols).run()))
        signalPassFailure();
  }
};

} // namespace
