//===- Instantiate.cpp - Templates inlined into one flat space ------------===//
#include "nas/Activity.h"
#include "nas/Evaluate.h"
#include "nas/NasPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringMap.h"

#include <set>

namespace mlir::nas {
#define GEN_PASS_DEF_NASINSTANTIATE
#include "nas/NasPasses.h.inc"
} // namespace mlir::nas

using namespace mlir;
using namespace mlir::nas;

namespace {

/// The attribute a cloned instance carries: the decision-name prefix of the
/// body it was cloned into.
constexpr llvm::StringLiteral kScope = "nas.scope";
/// An independent instance's identity within its body: "2" for the third
/// independent instance of its template there, "2.1" for the second copy of
/// a repetition of it. Names derive from the source, not from pass order.
constexpr llvm::StringLiteral kOrdinal = "nas.ordinal";
/// On what only some architectures use (Activity.h): the ops of a copy a
/// decided repetition may cut off ([switch id, k]: index at least k) and of
/// an alternative of a choice among layers ([switch id, k, k]: index k).
constexpr llvm::StringLiteral kActiveIf = kActiveIfAttr;
/// Bound on inline/fold rounds (each round inlines one nesting level).
constexpr int kMaxRounds = 64;
/// Bounds on unrolling a repetition of decided count.
constexpr int64_t kMaxCopies = 256;
constexpr size_t kMaxCountAssignments = 4096;

bool isDecision(Operation *op) { return isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op); }

void renameDecision(Operation *op, StringRef prefix) {
  if (prefix.empty() || !isDecision(op))
    return;
  auto name = op->getAttrOfType<StringAttr>("name");
  op->setAttr("name", StringAttr::get(op->getContext(), prefix + name.getValue()));
}

/// Whether an op carries `nas.active_if` when only some architectures use it.
bool isConditional(Operation *op) { return isDecision(op) || isa<RequireOp, InstanceOp>(op); }

/// The conditions on each op in `ops`, in order, each once.
SmallVector<Attribute> conditionsOf(ArrayRef<Operation *> ops) {
  SmallVector<Attribute> out;
  for (Operation *op : ops)
    if (op)
      if (auto conditions = op->getAttrOfType<ArrayAttr>(kActiveIf))
        for (Attribute c : conditions)
          if (!llvm::is_contained(out, c))
            out.push_back(c);
  return out;
}

/// Sets `conditions` on `op` (none: leaves it unconditional).
void setConditions(Operation *op, ArrayRef<Attribute> conditions) {
  if (!conditions.empty())
    op->setAttr(kActiveIf, ArrayAttr::get(op->getContext(), conditions));
}

/// A template parameter default as an op.
Value materialize(OpBuilder &b, Location loc, Attribute value) {
  if (auto s = dyn_cast<StringAttr>(value))
    return b.create<StringOp>(loc, s);
  if (auto boolean = dyn_cast<BoolAttr>(value))
    return b.create<arith::ConstantIntOp>(loc, boolean.getValue(), 1);
  if (auto typed = dyn_cast<TypedAttr>(value))
    return b.create<arith::ConstantOp>(loc, typed);
  return nullptr;
}

class Instantiator {
public:
  Instantiator(ModuleOp module) : module(module), symbols(module) {}

  LogicalResult run() {
    SmallVector<std::pair<std::string, TemplateOp>> defaultRoots;
    for (TemplateOp t : module.getOps<TemplateOp>())
      if (t.getKind() == TemplateKind::network && allDefaults(t))
        defaultRoots.push_back({(t.getSymName() + ".space").str(), t});
    SmallVector<std::pair<SearchOp, InstanceOp>> searchRoots;
    for (SearchOp s : module.getOps<SearchOp>())
      for (SettingOp setting : s.getBody().getOps<SettingOp>())
        if (setting.getKey() == "space")
          if (auto inst = setting.getValue().getDefiningOp<InstanceOp>())
            searchRoots.push_back({s, inst});

    for (auto &[name, t] : defaultRoots)
      if (failed(instantiate(name, t, nullptr)))
        return failure();
    for (auto &[search, inst] : searchRoots) {
      auto t = symbols.lookup<TemplateOp>(inst.getTemplateName());
      if (!t)
        return inst.emitOpError("refers to no template");
      if (failed(instantiate((search.getSymName() + ".space").str(), t, inst)))
        return failure();
    }
    return success();
  }

private:
  ModuleOp module;
  SymbolTable symbols;

  static bool allDefaults(TemplateOp t) {
    if (t.getNumParams() == 0)
      return true;
    auto defaults = t.getParamDefaults();
    return defaults && llvm::none_of(*defaults, [](Attribute a) { return isa<UnitAttr>(a); });
  }

  /// Clones the ops `value` depends on (in a search body) before `b`'s point.
  Value cloneSlice(Value value, IRMapping &map, OpBuilder &b) {
    if (Value mapped = map.lookupOrNull(value))
      return mapped;
    Operation *def = value.getDefiningOp();
    if (!def)
      return nullptr;
    for (Value operand : def->getOperands())
      if (!cloneSlice(operand, map, b))
        return nullptr;
    b.clone(*def, map);
    return map.lookup(value);
  }

  LogicalResult instantiate(const std::string &name, TemplateOp network, InstanceOp root) {
    switches = 0; // switch ids are per space
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = root ? root.getLoc() : network.getLoc();
    auto space = b.create<SpaceOp>(loc, b.getStringAttr(name), FlatSymbolRefAttr::get(network.getSymNameAttr()),
                                   network.getInputNames());
    Block *block = new Block();
    space.getBody().push_back(block);
    b.setInsertionPointToEnd(block);

    Block &body = network.getBody().front();
    IRMapping map;
    for (unsigned i = 0; i < network.getNumInputs(); ++i)
      map.map(body.getArgument(network.getNumParams() + i),
              block->addArgument(nas::TensorType::get(module.getContext()), loc));
    for (unsigned i = 0; i < network.getNumParams(); ++i) {
      Value value = root ? argument(root, network, i) : Value();
      if (value) {
        // The argument's computation (search choices included) moves in.
        IRMapping slice;
        value = cloneSlice(value, slice, b);
      } else if (auto defaults = network.getParamDefaults()) {
        value = materialize(b, loc, (*defaults)[i]);
      }
      if (!value)
        return network.emitOpError() << "parameter '" << cast<StringAttr>(network.getParamNames()[i]).getValue()
                                     << "' has no value for space '" << name << "'";
      map.map(body.getArgument(i), value);
    }
    Value out = cloneBody(b, body, map, "");
    b.create<OutputOp>(body.getTerminator()->getLoc(), out);
    // The network's own parameters, for per-owner equivalence.
    llvm::SmallVector<NamedAttribute> rootParams;
    for (unsigned i = 0; i < network.getNumParams(); ++i) {
      if (Attribute a = evaluate(map.lookup(body.getArgument(i)), {}))
        rootParams.push_back(b.getNamedAttr(cast<StringAttr>(network.getParamNames()[i]), a));
    }
    space->setAttr("nas.root_params", b.getDictionaryAttr(rootParams));
    return flatten(space);
  }

  static Value argument(InstanceOp inst, TemplateOp t, unsigned param) {
    for (auto [arg, argName] : llvm::zip(inst.getArgs(), inst.getNames()))
      if (argName == t.getParamNames()[param])
        return arg;
    return nullptr;
  }

  /// Clones a template body (without its terminator) at `b`, renaming its
  /// decisions under `prefix`; returns the output value.
  Value cloneBody(OpBuilder &b, Block &body, IRMapping &map, StringRef prefix, ArrayAttr activeIf = {}) {
    llvm::StringMap<unsigned> independents; // per template, in body order
    for (Operation &op : body.without_terminator()) {
      Operation *copy = b.clone(op, map);
      renameDecision(copy, prefix);
      if (auto inst = dyn_cast<InstanceOp>(copy)) {
        copy->setAttr(kScope, b.getStringAttr(prefix));
        if (inst.getSharing() == Sharing::independent)
          copy->setAttr(kOrdinal, b.getStringAttr(std::to_string(independents[inst.getTemplateName()]++)));
      }
      // What counts, or binds, only where the copy or alternative is used
      // carries its condition: decisions, requirements, and the instances
      // that pass it on. Layers and applications stay plain (shape
      // inference follows the switches; tagging them would keep CSE from
      // merging equal layers across branches).
      if (activeIf && isConditional(copy))
        copy->setAttr(kActiveIf, activeIf);
    }
    auto output = cast<OutputOp>(body.getTerminator());
    return map.lookup(output.getValue());
  }

  /// The decision-name prefix of an instance's own decisions: a function of
  /// its attributes only, so the same instance always names alike.
  static std::string prefixOf(InstanceOp inst, TemplateOp t) {
    std::string scope;
    if (auto s = inst->getAttrOfType<StringAttr>(kScope))
      scope = s.getValue().str();
    std::string prefix = scope;
    switch (inst.getSharing()) {
    case Sharing::root:
      break;
    case Sharing::shared:
      prefix += inst.getKey()->str() + "/";
      break;
    case Sharing::independent: {
      auto ordinal = inst->getAttrOfType<StringAttr>(kOrdinal);
      prefix += t.getSymName().str() + "#" + (ordinal ? ordinal.str() : std::string("0")) + "/";
      break;
    }
    }
    return prefix;
  }

  /// Replaces `apply(instance)` by the template's body.
  LogicalResult inlineInstance(ApplyOp apply, InstanceOp inst) {
    auto t = symbols.lookup<TemplateOp>(inst.getTemplateName());
    if (!t)
      return inst.emitOpError("refers to no template");
    if (apply.getInputs().size() != t.getNumInputs())
      return apply.emitOpError() << "applies '" << t.getSymName() << "' to " << apply.getInputs().size()
                                 << " inputs; it takes " << t.getNumInputs();
    std::string prefix = prefixOf(inst, t);
    recordOwner(apply, prefix, t, inst);
    OpBuilder b(apply);
    Block &body = t.getBody().front();
    IRMapping map;
    for (unsigned i = 0; i < t.getNumParams(); ++i) {
      Value value = argument(inst, t, i);
      if (!value) {
        auto defaults = t.getParamDefaults();
        value = defaults ? materialize(b, inst.getLoc(), (*defaults)[i]) : Value();
      }
      if (!value)
        return inst.emitOpError() << "gives no value for parameter '"
                                  << cast<StringAttr>(t.getParamNames()[i]).getValue() << "'";
      map.map(body.getArgument(i), value);
    }
    for (unsigned i = 0; i < t.getNumInputs(); ++i)
      map.map(body.getArgument(t.getNumParams() + i), apply.getInputs()[i]);
    SmallVector<Attribute> conditions = conditionsOf({apply, inst});
    Value out = cloneBody(b, body, map, prefix, conditions.empty() ? ArrayAttr() : b.getArrayAttr(conditions));
    apply.getResult().replaceAllUsesWith(out);
    apply.erase();
    return success();
  }

  /// `apply(repeat(n, L))(x)` with a constant n: n applications of L, each
  /// with its own copy of an instance L (so independent copies are distinct).
  LogicalResult unrollRepeat(ApplyOp apply, RepeatOp repeat, int64_t count) {
    if (apply.getInputs().size() != 1)
      return apply.emitOpError("repeats a layer with several inputs");
    if (count < 0)
      return repeat.emitOpError() << "has a negative count (" << count << ")";
    OpBuilder b(apply);
    Value x = apply.getInputs()[0];
    auto inst = repeat.getLayer().getDefiningOp<InstanceOp>();
    for (int64_t i = 0; i < count; ++i) {
      Value layer = repeat.getLayer();
      if (inst && inst.getSharing() != Sharing::shared) {
        Operation *copy = b.clone(*inst);
        setCopyOrdinal(copy, i);
        layer = copy->getResult(0);
      }
      x = b.create<ApplyOp>(apply.getLoc(), layer, ValueRange{x});
    }
    apply.getResult().replaceAllUsesWith(x);
    apply.erase();
    return success();
  }

  /// Every value `count` takes over the decisions it depends on, or none.
  static std::optional<std::vector<int64_t>> countValues(Value count) {
    SmallVector<Operation *> decisions;
    decisionsOf(count, decisions);
    DecisionDomains domains;
    size_t total = 1;
    for (Operation *d : decisions) {
      auto values = domainValues(d);
      if (!values || values->empty())
        return std::nullopt;
      total *= values->size();
      if (total > kMaxCountAssignments)
        return std::nullopt;
      domains.push_back({d->getAttrOfType<StringAttr>("name").str(), *values});
    }
    std::vector<int64_t> out;
    bool complete = forEachCombination(domains, [&](const DecisionValues &assignment) {
      auto v = dyn_cast_or_null<IntegerAttr>(evaluate(count, assignment));
      if (v)
        out.push_back(v.getInt());
      return v != nullptr;
    });
    if (!complete)
      return std::nullopt;
    return out;
  }

  /// `apply(repeat(n, L))(x)` with a decided n: copies up to the largest n,
  /// the output chosen by `nas.switch n`; copy k's decisions are active only
  /// when n >= k.
  LogicalResult unrollDecidedRepeat(ApplyOp apply, RepeatOp repeat, ArrayRef<int64_t> counts) {
    if (apply.getInputs().size() != 1)
      return apply.emitOpError("repeats a layer with several inputs");
    int64_t most = *std::max_element(counts.begin(), counts.end());
    if (*std::min_element(counts.begin(), counts.end()) < 0)
      return repeat.emitOpError("has a negative count for some decisions");
    OpBuilder b(apply);
    std::string id = "repeat#" + std::to_string(switches++);
    auto inst = repeat.getLayer().getDefiningOp<InstanceOp>();
    SmallVector<Attribute> outer = conditionsOf({apply, inst});
    SmallVector<Value> outputs{apply.getInputs()[0]};
    for (int64_t k = 1; k <= most; ++k) {
      SmallVector<Attribute> conditions = outer;
      conditions.push_back(activeConditionAttr(b, id, k));
      Value layer = repeat.getLayer();
      if (inst) {
        Operation *copy = b.clone(*inst);
        if (inst.getSharing() == Sharing::independent)
          setCopyOrdinal(copy, k - 1);
        setConditions(copy, conditions);
        layer = copy->getResult(0);
      }
      outputs.push_back(b.create<ApplyOp>(apply.getLoc(), layer, ValueRange{outputs.back()}));
    }
    Value out = b.create<SwitchOp>(apply.getLoc(), repeat.getCount(), outputs, id);
    apply.getResult().replaceAllUsesWith(out);
    apply.erase();
    return success();
  }

  unsigned switches = 0;

  /// Whether `apply(choice)(x)` can become one application per alternative:
  /// some alternative is a template instance (else it is a mixed op the
  /// runtime builds itself).
  static bool isChoiceOfInstances(CategoricalOp choice) {
    return llvm::any_of(choice.getAlternatives(), [](Value alt) { return alt.getDefiningOp<InstanceOp>(); });
  }

  /// Whether layer `v` is an instance, or a condition over layers with an
  /// instance in a branch.
  static bool selectsInstance(Value v) {
    if (v.getDefiningOp<InstanceOp>())
      return true;
    if (auto sel = v.getDefiningOp<arith::SelectOp>())
      return selectsInstance(sel.getTrueValue()) || selectsInstance(sel.getFalseValue());
    return false;
  }

  /// Whether a branch of a condition over layers reads a decision (a
  /// layer's argument): applied once per branch, the decision then counts
  /// only where its branch is taken (markDataFlowConditions).
  static bool branchReadsDecision(arith::SelectOp sel) {
    SmallVector<Operation *> decisions;
    decisionsOf(sel.getTrueValue(), decisions);
    decisionsOf(sel.getFalseValue(), decisions);
    return !decisions.empty();
  }

  /// Alternative `layer` applied to `inputs` as branch `k` of switch `id`:
  /// an instance (or a decision among layers) gets its own copy, used only
  /// when the switch picks k, so the copy's decisions count only there.
  Value applyBranch(OpBuilder &b, Location loc, Value layer, ValueRange inputs, ArrayRef<Attribute> outer,
                    StringRef id, int64_t k) {
    SmallVector<Attribute> conditions(outer.begin(), outer.end());
    conditions.push_back(activeConditionAttr(b, id, k, k));
    Operation *def = layer.getDefiningOp();
    if (isa_and_nonnull<InstanceOp, CategoricalOp>(def)) {
      Operation *copy = b.clone(*def); // one copy per application
      SmallVector<Attribute> own = conditionsOf({copy});
      for (Attribute c : own)
        if (!llvm::is_contained(conditions, c))
          conditions.push_back(c);
      setConditions(copy, conditions);
      layer = copy->getResult(0);
    }
    return b.create<ApplyOp>(loc, layer, inputs);
  }

  /// `apply(if c then A else B)(x)` with an instance in a branch: one
  /// application per branch, the output chosen by `nas.switch` on
  /// `c ? 0 : 1`; each branch's instances inline in the next round, their
  /// decisions counting only when their branch is taken.
  void inlineCondition(ApplyOp apply, arith::SelectOp sel) {
    OpBuilder b(apply);
    Location loc = apply.getLoc();
    SmallVector<Attribute> outer = conditionsOf({apply, sel});
    std::string id = "if#" + std::to_string(switches++);
    Value t = applyBranch(b, loc, sel.getTrueValue(), apply.getInputs(), outer, id, 0);
    Value f = applyBranch(b, loc, sel.getFalseValue(), apply.getInputs(), outer, id, 1);
    Value zero = b.create<arith::ConstantIntOp>(loc, 0, 64), one = b.create<arith::ConstantIntOp>(loc, 1, 64);
    Value index = b.create<arith::SelectOp>(loc, sel.getCondition(), zero, one);
    auto out = b.create<SwitchOp>(loc, index, ValueRange{t, f}, id);
    apply.getResult().replaceAllUsesWith(out.getResult());
    apply.erase();
  }

  /// `apply(choice [L0, L1, ...])(x)`: each alternative applied to x, the
  /// output chosen by `nas.switch` on the choice's index (a categorical of
  /// the same name: the same decision). Instances among the alternatives are
  /// inlined in the next round like any other; what alternative k brings is
  /// used only when the choice is k.
  void inlineChoice(ApplyOp apply, CategoricalOp choice) {
    OpBuilder b(apply);
    Location loc = apply.getLoc();
    SmallVector<Attribute> outer = conditionsOf({apply, choice});
    std::string id = "choice#" + std::to_string(switches++);
    SmallVector<Value> indices, outputs;
    for (auto [k, alt] : llvm::enumerate(choice.getAlternatives())) {
      indices.push_back(b.create<arith::ConstantIntOp>(loc, k, 64));
      outputs.push_back(applyBranch(b, loc, alt, apply.getInputs(), outer, id, k));
    }
    // The decision keeps its choice's location (not the application's): a
    // diagnostic about it points at the `choice` in the source.
    auto index = b.create<CategoricalOp>(choice.getLoc(), b.getI64Type(), choice.getNameAttr(), indices,
                                         choice.getLabelsAttr());
    setConditions(index, conditionsOf({choice}));
    auto out = b.create<SwitchOp>(loc, index, outputs, id);
    apply.getResult().replaceAllUsesWith(out.getResult());
    apply.erase();
  }
  /// `if c then t else f` over feature maps (`arith.select`) becomes
  /// `nas.switch (c ? 0 : 1) [t, f]`, as a condition over blocks does, so
  /// what only one branch uses can be conditioned on it.
  void tensorSelectsToSwitches(SpaceOp space) {
    SmallVector<arith::SelectOp> selects;
    space.walk([&](arith::SelectOp sel) {
      if (isa<nas::TensorType>(sel.getType()))
        selects.push_back(sel);
    });
    // One index per condition: `if`s on one condition are one switch index.
    llvm::DenseMap<Value, Value> indexOf;
    for (arith::SelectOp sel : selects) {
      OpBuilder b(sel);
      Location loc = sel.getLoc();
      std::string id = "if#" + std::to_string(switches++);
      Value &index = indexOf[sel.getCondition()];
      if (!index) {
        Value zero = b.create<arith::ConstantIntOp>(loc, 0, 64), one = b.create<arith::ConstantIntOp>(loc, 1, 64);
        index = b.create<arith::SelectOp>(loc, sel.getCondition(), zero, one);
      }
      auto sw = b.create<SwitchOp>(loc, index, ValueRange{sel.getTrueValue(), sel.getFalseValue()}, id);
      for (NamedAttribute a : sel->getDiscardableAttrs())
        sw->setAttr(a.getName(), a.getValue());
      sel.getResult().replaceAllUsesWith(sw.getResult());
      sel.erase();
    }
  }

  /// `if b then (if a then x else z) else (if a then y else z)` is
  /// `if a then (if b then x else y) else z`: an `if` whose branches are
  /// both `if`s on one condition is rewritten with that condition outside,
  /// and an `if` whose branches are one value is that value, so the order
  /// the `if`s were written in does not change which decisions are used.
  void liftCommonConditions(SpaceOp space) {
    // Only switches no condition names yet (those of `if`s over feature
    // maps) may be replaced.
    std::set<std::string> named;
    space.walk([&](Operation *op) {
      for (const ActiveCondition &c : activeConditions(op))
        named.insert(c.switchId);
    });
    auto isIf = [&](SwitchOp sw) {
      return sw && sw.getId().starts_with("if#") && sw.getAlternatives().size() == 2 && !named.count(sw.getId().str());
    };
    for (bool changed = true; changed;) {
      changed = false;
      SmallVector<SwitchOp> ifs;
      space.walk([&](SwitchOp sw) {
        if (isIf(sw))
          ifs.push_back(sw);
      });
      for (SwitchOp outer : ifs) {
        Value alts[2] = {outer.getAlternatives()[0], outer.getAlternatives()[1]};
        if (alts[0] == alts[1]) {
          outer.getResult().replaceAllUsesWith(alts[0]);
          outer.erase();
          changed = true;
          break;
        }
        auto a = alts[0].getDefiningOp<SwitchOp>(), b = alts[1].getDefiningOp<SwitchOp>();
        if (!isIf(a) || !isIf(b) || a.getIndex() != b.getIndex())
          continue;
        OpBuilder builder(outer);
        Location loc = outer.getLoc();
        SmallVector<Value> branches;
        for (unsigned k = 0; k < 2; ++k) {
          Value x = a.getAlternatives()[k], y = b.getAlternatives()[k];
          if (x == y) {
            branches.push_back(x);
            continue;
          }
          auto inner = builder.create<SwitchOp>(loc, outer.getIndex(), ValueRange{x, y},
                                                "if#" + std::to_string(switches++));
          inner->setDiscardableAttrs(outer->getDiscardableAttrDictionary());
          branches.push_back(inner);
        }
        auto lifted = builder.create<SwitchOp>(loc, a.getIndex(), branches, "if#" + std::to_string(switches++));
        lifted->setDiscardableAttrs(outer->getDiscardableAttrDictionary());
        outer.getResult().replaceAllUsesWith(lifted.getResult());
        outer.erase();
        for (SwitchOp old : {a, b})
          if (old && old->use_empty())
            old.erase();
        changed = true;
        break;
      }
    }
  }

  /// A conjunction of switch conditions: switch id -> index in [lo, hi].
  using Conjunction = std::map<std::string, std::pair<int64_t, int64_t>>;
  /// A disjunction of them: when a value is needed.
  using Disjunction = std::vector<Conjunction>;
  static constexpr size_t kMaxConjunctions = 64;

  /// Index `id` in [lo, hi] added to `c`; false when `c` cannot hold then.
  static bool conjoin(Conjunction &c, const std::string &id, int64_t lo, int64_t hi) {
    auto [it, inserted] = c.emplace(id, std::make_pair(lo, hi));
    if (!inserted) {
      it->second.first = std::max(it->second.first, lo);
      it->second.second = std::min(it->second.second, hi);
    }
    return it->second.first <= it->second.second;
  }

  /// Whether `a` implies `b`.
  static bool implies(const Conjunction &a, const Conjunction &b) {
    for (auto &[id, range] : b) {
      auto it = a.find(id);
      if (it == a.end() || it->second.first < range.first || it->second.second > range.second)
        return false;
    }
    return true;
  }

  /// `d` in a short form: conditions covering a switch's every index
  /// dropped, implied conjunctions dropped, and conjunctions that differ in
  /// one switch's adjacent ranges merged (copies k..n of a repetition are
  /// "at least k"; both branches of an `if` are no condition).
  static void simplify(Disjunction &d, const llvm::StringMap<int64_t> &top) {
    auto dropFull = [&](Conjunction &c) {
      for (auto it = c.begin(); it != c.end();)
        it = it->second.first <= 0 && it->second.second >= top.lookup(it->first) ? c.erase(it) : std::next(it);
    };
    for (Conjunction &c : d)
      dropFull(c);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < d.size() && !changed; ++i)
        for (size_t j = 0; j < d.size() && !changed; ++j) {
          if (i == j)
            continue;
          if (implies(d[i], d[j])) {
            d.erase(d.begin() + i);
            changed = true;
            break;
          }
          if (d[i].size() != d[j].size())
            continue;
          const std::string *differs = nullptr;
          bool mergeable = true;
          for (auto &[id, range] : d[i]) {
            auto it = d[j].find(id);
            if (it == d[j].end()) {
              mergeable = false;
              break;
            }
            if (it->second == range)
              continue;
            if (differs || range.second + 1 < it->second.first || it->second.second + 1 < range.first) {
              mergeable = false;
              break;
            }
            differs = &id;
          }
          if (!mergeable || !differs)
            continue;
          auto &a = d[i][*differs];
          const auto &b = d[j][*differs];
          a = {std::min(a.first, b.first), std::max(a.second, b.second)};
          dropFull(d[i]);
          d.erase(d.begin() + j);
          changed = true;
        }
    }
  }

  /// Whether `a` implies `b` for every value of the decisions their
  /// switches' indices read (`indexOf`: a switch id's index), tried one by
  /// one when there are at most 4,096 combinations; false otherwise. Two
  /// repetitions of one depth, `repeat(min(n, 1), first)` and
  /// `repeat(max(n - 1, 0), rest)`, are different switches, yet "the second
  /// repeats" implies "the first does".
  static bool impliesByValues(const Conjunction &a, const Conjunction &b, const llvm::StringMap<Value> &indexOf) {
    SmallVector<Operation *> reads;
    for (const Conjunction *c : {&a, &b})
      for (auto &[id, range] : *c) {
        Value index = indexOf.lookup(id);
        if (!index)
          return false;
        decisionsOf(index, reads);
      }
    DecisionDomains domains;
    std::set<std::string> named;
    uint64_t n = 1;
    for (Operation *d : reads) {
      auto name = d->getAttrOfType<StringAttr>("name");
      if (!name || !named.insert(name.str()).second)
        continue;
      std::optional<std::vector<Attribute>> values = domainValues(d);
      if (!values || values->empty() || (n *= values->size()) > 4096)
        return false;
      domains.push_back({name.str(), std::move(*values)});
    }
    return forEachCombination(domains, [&](const DecisionValues &values) {
      llvm::DenseMap<Value, Attribute> memo;
      auto holds = [&](const Conjunction &c) -> std::optional<bool> {
        for (auto &[id, range] : c) {
          auto index = dyn_cast_or_null<IntegerAttr>(evaluateWith(indexOf.lookup(id), values, memo));
          if (!index)
            return std::nullopt;
          int64_t k = index.getInt();
          if (k < range.first || k > range.second)
            return false;
        }
        return true;
      };
      std::optional<bool> ha = holds(a), hb = holds(b);
      return ha && hb && (!*ha || *hb);
    });
  }

  /// `d` without the conditions that hold for every value of the decisions
  /// they read, and as the one conjunction every other of it implies, when
  /// there is one (by those values): a decision two repetitions of one
  /// depth read is used when the first repeats.
  static void keepWeakest(Disjunction &d, const llvm::StringMap<Value> &indexOf) {
    // Conditions every value meets first (a block of 3..5 layers always
    // repeats its first layer).
    for (Conjunction &c : d)
      for (auto it = c.begin(); it != c.end();)
        it = impliesByValues({}, Conjunction{*it}, indexOf) ? c.erase(it) : std::next(it);
    for (size_t j = 0; j < d.size(); ++j) {
      bool weakest = true;
      for (size_t i = 0; i < d.size() && weakest; ++i)
        weakest = i == j || impliesByValues(d[i], d[j], indexOf);
      if (weakest) {
        d = {d[j]};
        return;
      }
    }
  }

  /// Sets `op`'s conditions to `c` and its input-choice conditions: those
  /// it had first, in their order, then the others in switch order.
  static void setConjunction(Operation *op, const Conjunction &c, const llvm::StringMap<int64_t> &top,
                             const llvm::StringMap<int64_t> &order) {
    Builder b(op->getContext());
    auto attr = [&](const std::string &id, const std::pair<int64_t, int64_t> &range) {
      return activeConditionAttr(b, id, range.first,
                                 range.second >= top.lookup(id) ? std::nullopt
                                                                : std::optional<int64_t>(range.second));
    };
    SmallVector<Attribute> conditions;
    std::set<std::string> done;
    for (const ActiveCondition &a : activeConditions(op)) {
      if (a.picks) {
        conditions.push_back(pickConditionAttr(b, a.switchId, a.lo));
      } else if (auto it = c.find(a.switchId); it != c.end() && done.insert(a.switchId).second) {
        conditions.push_back(attr(it->first, it->second));
      }
    }
    std::vector<std::pair<int64_t, std::string>> rest;
    for (auto &[id, range] : c)
      if (!done.count(id))
        rest.push_back({order.lookup(id), id});
    llvm::sort(rest);
    for (auto &[o, id] : rest)
      conditions.push_back(attr(id, c.at(id)));
    op->setAttr(kActiveIf, b.getArrayAttr(conditions));
  }

  /// Conditions decisions on the data flow: a decision is used where some
  /// use of it reaches the output (or a requirement that binds), and a use
  /// reaches it through a switch's alternative k only when the switch's
  /// index is k. When every path of a decision passes such alternatives,
  /// the decision is conditional (`nas.active_if`), whatever order the
  /// `if`s were written in.
  void markDataFlowConditions(SpaceOp space) {
    Block &block = space.getBody().front();
    // Switches on one index value (two `if`s on one condition) are one
    // condition: named by the first.
    llvm::StringMap<int64_t> top, order;
    llvm::StringMap<std::string> same;
    llvm::StringMap<Value> indexOf;
    std::map<std::pair<void *, size_t>, std::string> byIndex;
    space.walk([&](SwitchOp sw) {
      size_t n = sw.getAlternatives().size();
      auto [it, first] = byIndex.emplace(std::make_pair(sw.getIndex().getAsOpaquePointer(), n), sw.getId().str());
      same[sw.getId()] = it->second;
      if (!first)
        return;
      top[sw.getId()] = static_cast<int64_t>(n) - 1;
      indexOf[sw.getId()] = sw.getIndex();
      order[sw.getId()] = static_cast<int64_t>(order.size());
    });
    if (top.empty())
      return;
    llvm::DenseMap<Operation *, Disjunction> needed;
    auto own = [&](Operation *op) {
      Conjunction c;
      for (const ActiveCondition &a : activeConditions(op))
        if (!a.picks && same.count(a.switchId)) {
          std::string id = same.lookup(a.switchId);
          conjoin(c, id, a.lo, a.hi.value_or(top.lookup(id)));
        }
      return c;
    };
    for (Operation &op : llvm::reverse(block)) {
      Disjunction need;
      if (isa<RequireOp>(op))
        continue; // binds where the decisions it reads are used (below)
      if (op.getNumResults() == 0)
        need.push_back(own(&op));
      else if (auto it = needed.find(&op); it != needed.end())
        need = std::move(it->second);
      if (need.empty())
        continue;
      simplify(need, top);
      if (need.size() > kMaxConjunctions)
        need = {Conjunction()};
      if (isDecision(&op)) {
        keepWeakest(need, indexOf);
        // Exactly one way to be used, and a condition to it: conditional.
        if (need.size() == 1 && !need[0].empty()) {
          Conjunction c = own(&op);
          bool possible = true;
          for (auto &[id, range] : need[0])
            possible &= conjoin(c, id, range.first, range.second);
          if (possible)
            setConjunction(&op, c, top, order);
        }
      }
      auto sw = dyn_cast<SwitchOp>(&op);
      for (OpOperand &operand : op.getOpOperands()) {
        Operation *def = operand.get().getDefiningOp();
        if (!def || def->getBlock() != &block)
          continue;
        Disjunction &into = needed[def];
        unsigned k = operand.getOperandNumber();
        for (const Conjunction &c : need) {
          Conjunction copy = c;
          if (sw && k >= 1 && !conjoin(copy, same.lookup(sw.getId()), k - 1, k - 1))
            continue;
          into.push_back(std::move(copy));
        }
        if (into.size() > kMaxConjunctions) {
          simplify(into, top);
          if (into.size() > kMaxConjunctions)
            into = {Conjunction()};
        }
      }
    }
    // A requirement whose decisions are all conditional binds only where
    // they are used: under what each of their conditions implies (per
    // switch, the hull of their ranges), as one inside an `if`'s block.
    space.walk([&](RequireOp r) {
      SmallVector<Operation *> decisions;
      decisionsOf(r.getCondition(), decisions);
      if (decisions.empty())
        return;
      std::optional<Conjunction> common;
      for (Operation *d : decisions) {
        Conjunction c = own(d);
        if (c.empty())
          return; // used unconditionally: the requirement binds as it stands
        if (!common) {
          common = c;
          continue;
        }
        for (auto it = common->begin(); it != common->end();) {
          auto other = c.find(it->first);
          if (other == c.end()) {
            it = common->erase(it);
            continue;
          }
          it->second = {std::min(it->second.first, other->second.first),
                        std::max(it->second.second, other->second.second)};
          ++it;
        }
      }
      if (!common || common->empty())
        return;
      Conjunction c = own(r);
      for (auto &[id, range] : *common)
        if (!conjoin(c, id, range.first, range.second))
          return;
      setConjunction(r, c, top, order);
    });
  }

  /// Conditions on switches that folded away (their index was a constant:
  /// `if big then A else B` with `big` a parameter): what the folded switch
  /// did not select is gone, so what is left was selected; they hold.
  static void dropFoldedConditions(SpaceOp space) {
    std::set<std::string> switches;
    space.walk([&](SwitchOp sw) { switches.insert(sw.getId().str()); });
    space.walk([&](Operation *op) {
      auto list = op->getAttrOfType<ArrayAttr>(kActiveIf);
      if (!list)
        return;
      std::vector<ActiveCondition> conditions = activeConditions(op);
      if (conditions.size() != list.size())
        return;
      SmallVector<Attribute> kept;
      for (auto [c, attr] : llvm::zip(conditions, list))
        if (c.picks || switches.count(c.switchId))
          kept.push_back(attr);
      if (kept.size() == list.size())
        return;
      if (kept.empty())
        op->removeAttr(kActiveIf);
      else
        op->setAttr(kActiveIf, ArrayAttr::get(op->getContext(), kept));
    });
  }

  /// The parameters of an instance that no decision changes, by name.
  static DictionaryAttr constantParams(Builder &b, TemplateOp t, InstanceOp inst) {
    llvm::SmallVector<NamedAttribute> params;
    for (unsigned i = 0; i < t.getNumParams(); ++i) {
      Value v = inst ? argument(inst, t, i) : Value();
      // Folded now or not yet (EfficientNet's width = beta ** phi), as
      // long as no decision is needed.
      Attribute a = v ? evaluate(v, {}) : Attribute();
      if (a)
        params.push_back(b.getNamedAttr(cast<StringAttr>(t.getParamNames()[i]), a));
    }
    return b.getDictionaryAttr(params);
  }

  /// Records on the space which template each decision owner (prefix) is
  /// an instance of, with its constant parameters: equivalence works per
  /// owner, on the template's body (nas.owners: prefix -> [template, params]).
  static void recordOwner(Operation *inside, StringRef prefix, TemplateOp t, InstanceOp inst) {
    if (prefix.empty())
      return;
    auto space = inside->getParentOfType<SpaceOp>();
    Builder b(space);
    llvm::SmallVector<NamedAttribute> owners;
    if (auto old = space->getAttrOfType<DictionaryAttr>("nas.owners"))
      owners.append(old.begin(), old.end());
    std::string key = prefix.drop_back().str(); // without the trailing '/'
    if (llvm::any_of(owners, [&](NamedAttribute a) { return a.getName() == key; }))
      return;
    owners.push_back(b.getNamedAttr(key, b.getArrayAttr({FlatSymbolRefAttr::get(t.getSymNameAttr()),
                                                          constantParams(b, t, inst)})));
    space->setAttr("nas.owners", b.getDictionaryAttr(owners));
  }

  /// Copy k of a repetition of an independent instance is "<ordinal>.k".
  static void setCopyOrdinal(Operation *copy, int64_t k) {
    auto ordinal = copy->getAttrOfType<StringAttr>(kOrdinal);
    std::string base = ordinal ? ordinal.str() : "0";
    copy->setAttr(kOrdinal, StringAttr::get(copy->getContext(), base + "." + std::to_string(k)));
  }

  LogicalResult flatten(SpaceOp space) {
    MLIRContext *ctx = module.getContext();
    RewritePatternSet patterns(ctx);
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    FrozenRewritePatternSet frozen(std::move(patterns));

    for (int round = 0; round < kMaxRounds; ++round) {
      bool changed = false;
      SmallVector<ApplyOp> applies;
      space.walk([&](ApplyOp apply) { applies.push_back(apply); });
      for (ApplyOp apply : applies) {
        if (auto repeat = apply.getLayer().getDefiningOp<RepeatOp>()) {
          APInt count;
          if (matchPattern(repeat.getCount(), m_ConstantInt(&count))) {
            if (failed(unrollRepeat(apply, repeat, count.getSExtValue())))
              return failure();
            changed = true;
          } else if (auto counts = countValues(repeat.getCount());
                     counts && !counts->empty() && *std::max_element(counts->begin(), counts->end()) <= kMaxCopies) {
            if (failed(unrollDecidedRepeat(apply, repeat, *counts)))
              return failure();
            changed = true;
          }
        } else if (auto inst = apply.getLayer().getDefiningOp<InstanceOp>()) {
          if (failed(inlineInstance(apply, inst)))
            return failure();
          changed = true;
        } else if (auto choice = apply.getLayer().getDefiningOp<CategoricalOp>();
                   choice && isChoiceOfInstances(choice)) {
          inlineChoice(apply, choice);
          changed = true;
        } else if (auto sel = apply.getLayer().getDefiningOp<arith::SelectOp>();
                   sel && (selectsInstance(sel.getResult()) || branchReadsDecision(sel))) {
          inlineCondition(apply, sel);
          changed = true;
        }
      }
      (void)applyPatternsAndFoldGreedily(space, frozen);
      if (!changed)
        break;
    }
    tensorSelectsToSwitches(space);
    liftCommonConditions(space);
    markDataFlowConditions(space);
    dropFoldedConditions(space);
    // What could not be flattened stays a layer; say so.
    space.walk([&](InstanceOp inst) {
      inst.emitRemark() << "instance of '" << inst.getTemplateName()
                        << "' is not inlined: it is repeated a number of times that cannot be enumerated (at most "
                        << kMaxCopies << " copies, over at most " << kMaxCountAssignments
                        << " combinations of decisions); its own decisions are not counted";
    });
    return success();
  }
};

struct NasInstantiatePass : public mlir::nas::impl::NasInstantiateBase<NasInstantiatePass> {
  void runOnOperation() override {
    if (failed(Instantiator(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
