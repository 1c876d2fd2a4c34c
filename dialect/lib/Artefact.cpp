//===- Artefact.cpp - The compiled search artefact ------------------------===//
//
// Scalars and layers are written as expression trees (small: a layer's
// arguments, a decision's alternatives), feature maps as a graph in
// execution order with numeric ids. docs/artefact.md is the reference.
//
//===----------------------------------------------------------------------===//
#include "nas/Artefact.h"
#include "nas/Activity.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <set>

using namespace mlir;
using namespace mlir::nas;
// nlohmann rather than llvm::json: an llvm::json::Object is a DenseMap of
// at least 64 buckets (~4 KB), and an artefact holds one per layer argument
// and constant; writing them was most of the compile time.
using Json = nlohmann::json;

namespace nlohmann {
template <> struct adl_serializer<llvm::StringRef> {
  static void to_json(json &j, llvm::StringRef s) { j = s.str(); }
};
} // namespace nlohmann

namespace {

/// A JSON object built by moving its values in: `Json{{k, v}}` copies from
/// its initializer list, which deep-copies nested trees at every level of a
/// layer tree.
void put(Json &) {}
template <typename V, typename... Rest> void put(Json &o, const char *key, V &&value, Rest &&...rest) {
  o[key] = Json(std::forward<V>(value));
  put(o, std::forward<Rest>(rest)...);
}
template <typename... Args> Json object(Args &&...args) {
  Json o = Json::object();
  put(o, std::forward<Args>(args)...);
  return o;
}

/// Attribute strings as a JSON array.
Json strings(ArrayAttr attrs) {
  Json out = Json::array();
  for (Attribute a : attrs)
    out.push_back(cast<StringAttr>(a).str());
  return out;
}

class Exporter {
public:
  explicit Exporter(ModuleOp module) : module(module) {}

  FailureOr<Json> run(StringRef source) {
    Json ops = Json::object();
    for (OpDefOp def : module.getOps<OpDefOp>()) {
      FailureOr<Json> op = opDef(def);
      if (failed(op))
        return failure();
      ops[def.getSymName().str()] = std::move(*op);
    }
    Json spaces = Json::array();
    for (SpaceOp s : module.getOps<SpaceOp>()) {
      FailureOr<Json> space = exportSpace(s);
      if (failed(space))
        return failure();
      spaces.push_back(std::move(*space));
    }
    Json searches = Json::array();
    for (SearchOp s : module.getOps<SearchOp>()) {
      FailureOr<Json> search = exportSearch(s);
      if (failed(search))
        return failure();
      searches.push_back(std::move(*search));
    }
    return Json(Json{{"format", "nasc-artefact"},
                                    {"version", kArtefactVersion},
                                    {"source", source},
                                    {"ops", std::move(ops)},
                                    {"spaces", std::move(spaces)},
                                    {"searches", std::move(searches)}});
  }

private:
  ModuleOp module;
  /// Opdef region arguments by position, while writing defaults.
  llvm::DenseMap<Value, int64_t> argIndex;
  /// Feature-map ids of the space being written.
  llvm::DenseMap<Value, int64_t> nodeIds;
  const std::map<std::string, std::vector<std::vector<ActiveCondition>>> noConditions;

  static Json constant(Attribute a) {
    if (auto i = dyn_cast<IntegerAttr>(a)) {
      if (i.getType().isInteger(1))
        return Json{{"const", i.getValue().getBoolValue()}};
      return Json{{"const", i.getInt()}};
    }
    if (auto f = dyn_cast<FloatAttr>(a))
      return Json{{"const", f.getValueAsDouble()}};
    if (auto s = dyn_cast<StringAttr>(a))
      return Json{{"const", s.getValue()}};
    return nullptr;
  }

  static Json conditionsJson(const std::vector<ActiveCondition> &conditions) {
    Json out = Json::array();
    for (const ActiveCondition &c : conditions) {
      if (c.picks) { // an edge's op choice: used when the input choice picks the edge
        out.push_back(Json{{"decision", c.switchId}, {"includes", c.lo}});
        continue;
      }
      Json condition{{"switch", c.switchId}, {"at_least", c.lo}};
      if (c.hi)
        condition["at_most"] = *c.hi;
      out.push_back(std::move(condition));
    }
    return out;
  }

  static Json activeIf(Operation *op) { return conditionsJson(activeConditions(op)); }

  Json namedArgs(ValueRange args, ArrayAttr names, bool &ok) {
    Json out = Json::object();
    for (auto [arg, name] : llvm::zip(args, names)) {
      FailureOr<Json> v = value(arg);
      if (failed(v)) {
        ok = false;
        continue;
      }
      out[cast<StringAttr>(name).str()] = std::move(*v);
    }
    return out;
  }

  /// Subexpressions of the tree being written that are written once, in its
  /// `let`, and read as {"ref": k}.
  struct LetState {
    llvm::DenseSet<Value> shared;
    llvm::DenseMap<Value, int64_t> ref; ///< written so far: their index in defs
    Json defs = Json::array();
  };
  LetState sharing;
  /// A subexpression reached this often and at least this big (nodes, written
  /// out) is shared: small repeats read better written out.
  static constexpr int64_t kShareNodes = 8;

  static bool isScalarOp(Operation *def) {
    return def && def->getNumResults() == 1 &&
           (isa<arith::ArithDialect, math::MathDialect>(def->getDialect()) || isa<StringEqOp>(def));
  }

  /// Which arithmetic subexpressions under `root` the written-out tree would
  /// repeat, and are big enough to name. The SSA values are a DAG; a tree
  /// written out from it doubles with every value read twice (a `let` chain
  /// such as c6 = if m6 == 2 then 2 * c5 else c5), so those are the ones
  /// written once.
  llvm::DenseSet<Value> repeated(Value root) {
    llvm::DenseMap<Value, int64_t> uses, nodes;
    llvm::SmallVector<Value> order; // operands before their users
    llvm::DenseSet<Value> seen;
    std::function<void(Value)> visit = [&](Value v) {
      if (!seen.insert(v).second)
        return;
      int64_t n = 1;
      Operation *def = v.getDefiningOp();
      if (!argIndex.count(v) && isScalarOp(def))
        for (Value operand : def->getOperands()) {
          ++uses[operand];
          visit(operand);
          n = std::min<int64_t>(n + nodes[operand], int64_t(1) << 40);
        }
      nodes[v] = n;
      order.push_back(v);
    };
    visit(root);
    llvm::DenseSet<Value> out;
    for (Value v : order)
      if (uses[v] >= 2 && nodes[v] >= kShareNodes)
        out.insert(v);
    return out;
  }

  /// A scalar as an expression tree: {"let": [defs], "in": tree} when it
  /// repeats a big subexpression (docs/artefact.md, "Values"), else the tree.
  FailureOr<Json> value(Value v) {
    LetState outer = std::move(sharing); // a choice's alternatives are trees of their own
    sharing = LetState();
    sharing.shared = repeated(v);
    FailureOr<Json> body = expression(v);
    Json defs = std::move(sharing.defs);
    sharing = std::move(outer);
    if (failed(body) || defs.empty())
      return body;
    return object("let", std::move(defs), "in", std::move(*body));
  }

  /// An operand inside the tree being written: a shared one by reference.
  FailureOr<Json> operand(Value v) {
    if (!sharing.shared.count(v))
      return expression(v);
    if (auto it = sharing.ref.find(v); it != sharing.ref.end())
      return Json(Json{{"ref", it->second}});
    FailureOr<Json> def = expression(v); // its own shared operands come first
    if (failed(def))
      return failure();
    int64_t k = int64_t(sharing.defs.size());
    sharing.defs.push_back(std::move(*def));
    sharing.ref[v] = k;
    return Json(Json{{"ref", k}});
  }

  FailureOr<Json> expression(Value v) {
    auto arg = argIndex.find(v);
    if (arg != argIndex.end())
      return Json(Json{{"arg", arg->second}});
    Attribute attr;
    if (matchPattern(v, m_Constant(&attr)))
      if (Json c = constant(attr); !c.is_null())
        return c;
    Operation *def = v.getDefiningOp();
    if (!def) {
      emitError(v.getLoc()) << "cannot write this value into the artefact";
      return failure();
    }
    if (auto s = dyn_cast<StringOp>(def))
      return Json(Json{{"const", s.getValue()}});
    if (auto c = dyn_cast<CategoricalOp>(def)) {
      Json of = Json::array();
      for (Value alt : c.getAlternatives()) {
        FailureOr<Json> a = isa<LayerType>(alt.getType()) ? layer(alt) : value(alt);
        if (failed(a))
          return failure();
        of.push_back(std::move(*a));
      }
      Json out = Json::object();
      out["choose"] = c.getName();
      out["of"] = std::move(of);
      if (auto labels = c.getLabels())
        out["labels"] = strings(*labels);
      return std::move(out);
    }
    if (auto r = dyn_cast<RangeOp>(def))
      return Json(Json{{"decision", r.getName()}});
    // How many inputs an `any of` choice picks (its value is their mask).
    if (auto count = dyn_cast<CountOp>(def))
      if (auto subset = count.getList().getDefiningOp<SubsetOp>())
        return Json(Json{{"count", subset.getName()}});
    if (auto m = dyn_cast<MetricOp>(def)) {
      bool ok = true;
      Json args = namedArgs(m.getArgs(), m.getNames(), ok);
      if (!ok)
        return failure();
      return object("metric", m.getMetric(), "args", std::move(args));
    }
    if (auto e = dyn_cast<ExternOp>(def)) {
      auto decl = SymbolTable::lookupNearestSymbolFrom<ExternDefOp>(e, e.getComponentAttr());
      bool ok = true;
      Json args = namedArgs(e.getArgs(), e.getNames(), ok);
      if (!ok || !decl)
        return failure();
      return object("extern", e.getComponent(), "kind", stringifyExternKind(decl.getKind()), "impl", decl.getImpl(),
                    "args", std::move(args));
    }
    if (auto inst = dyn_cast<InstanceOp>(def); inst && inst.getSharing() == Sharing::root) {
      auto search = inst->getParentOfType<SearchOp>();
      return Json(Json{{"space", (search.getSymName() + ".space").str()}});
    }
    // Arithmetic: the op's name, its operands, and a comparison's predicate.
    if (isScalarOp(def)) {
      Json args = Json::array();
      for (Value arg : def->getOperands()) {
        FailureOr<Json> a = operand(arg);
        if (failed(a))
          return failure();
        args.push_back(std::move(*a));
      }
      Json out = Json::object();
      out["op"] = def->getName().getStringRef();
      out["args"] = std::move(args);
      if (auto cmp = dyn_cast<arith::CmpIOp>(def))
        out["predicate"] = arith::stringifyCmpIPredicate(cmp.getPredicate());
      if (auto cmp = dyn_cast<arith::CmpFOp>(def))
        out["predicate"] = arith::stringifyCmpFPredicate(cmp.getPredicate());
      return std::move(out);
    }
    def->emitError() << "cannot write '" << def->getName() << "' into the artefact";
    return failure();
  }

  /// A layer as a tree: an op with arguments, a choice, a condition, a repetition.
  FailureOr<Json> layer(Value v) {
    Operation *def = v.getDefiningOp();
    if (auto l = dyn_cast_or_null<LayerOp>(def)) {
      bool ok = true;
      Json args = namedArgs(l.getArgs(), l.getNames(), ok);
      if (!ok)
        return failure();
      return object("op", l.getOp(), "args", std::move(args));
    }
    if (isa_and_nonnull<CategoricalOp>(def))
      return value(v);
    if (auto s = dyn_cast_or_null<arith::SelectOp>(def)) {
      FailureOr<Json> c = value(s.getCondition()), t = layer(s.getTrueValue()), f = layer(s.getFalseValue());
      if (failed(c) || failed(t) || failed(f))
        return failure();
      return object("if", std::move(*c), "then", std::move(*t), "else", std::move(*f));
    }
    if (auto r = dyn_cast_or_null<RepeatOp>(def)) {
      FailureOr<Json> n = value(r.getCount()), inner = layer(r.getLayer());
      if (failed(n) || failed(inner))
        return failure();
      return object("repeat", std::move(*n), "layer", std::move(*inner));
    }
    if (auto inst = dyn_cast_or_null<InstanceOp>(def)) {
      inst.emitError() << "cannot write the space: instance of '" << inst.getTemplateName()
                       << "' is not inlined (a repetition whose count cannot be enumerated); the runtime cannot "
                          "build it";
      return failure();
    }
    emitError(v.getLoc()) << "cannot write this layer into the artefact";
    return failure();
  }

  FailureOr<Json> opDef(OpDefOp def) {
    // Defaults read the earlier parameters and the input: as {"arg": i}.
    Block &defaults = def.getDefaults().front();
    argIndex.clear();
    for (unsigned i = 0; i < defaults.getNumArguments(); ++i)
      argIndex[defaults.getArgument(i)] = i;
    Json params = Json::array(), defaultValues = Json::array();
    auto yield = cast<YieldOp>(defaults.getTerminator());
    for (unsigned i = 0; i < def.getNumParams(); ++i) {
      params.push_back(cast<StringAttr>(def.getParamNames()[i]).getValue());
      Value d = yield.getValues()[i];
      if (d == defaults.getArgument(i)) {
        defaultValues.push_back(nullptr); // no default: always given
        continue;
      }
      FailureOr<Json> v = value(d);
      if (failed(v))
        return failure();
      defaultValues.push_back(std::move(*v));
    }
    // The shape and cost rules read the effective parameters and the input
    // the same way: the runtime evaluates them to count what it builds.
    Block &body = def.getBody().front();
    argIndex.clear();
    for (unsigned i = 0; i < body.getNumArguments(); ++i)
      argIndex[body.getArgument(i)] = i;
    auto props = cast<PropertiesOp>(body.getTerminator());
    Json cost = Json::object();
    for (auto [key, v] : {std::pair<const char *, Value>{"out_channels", props.getOutChannels()},
                          {"stride", props.getStride()},
                          {"params", props.getParams()},
                          {"flops", props.getFlops()}}) {
      FailureOr<Json> tree = value(v);
      if (failed(tree))
        return failure();
      cost[key] = std::move(*tree);
    }
    argIndex.clear();
    return Json(Json{
        {"impl", def.getImpl()},
        {"params", std::move(params)},
        {"defaults", std::move(defaultValues)},
        {"cost", std::move(cost)},
        {"traits", strings(def.getOpTraits())}});
  }

  FailureOr<Json> decision(Operation *op, const SpaceActivity *activity) {
    Json d{{"name", op->getAttrOfType<StringAttr>("name").getValue()}};
    if (auto c = dyn_cast<CategoricalOp>(op)) {
      d["kind"] = "categorical";
      d["size"] = static_cast<int64_t>(c.getAlternatives().size());
      if (auto labels = c.getLabels())
        d["labels"] = strings(*labels);
      if (!isa<LayerType>(c.getType())) {
        FailureOr<Json> v = value(c.getResult());
        if (failed(v))
          return failure();
        d["values"] = std::move((*v)["of"]);
      }
    } else if (auto r = dyn_cast<RangeOp>(op)) {
      d["kind"] = r.getType().isF64() ? "float_range" : "int_range";
      for (auto [key, v] : {std::pair{"lo", r.getLo()}, {"hi", r.getHi()}, {"step", r.getStep()}}) {
        FailureOr<Json> x = value(v);
        if (failed(x))
          return failure();
        d[key] = std::move(*x);
      }
      d["log"] = r.getLog();
    } else if (auto p = dyn_cast<PickOp>(op)) {
      d["kind"] = "pick";
      FailureOr<Json> k = value(p.getCount());
      if (failed(k))
        return failure();
      d["count"] = std::move(*k);
      d["candidates"] = static_cast<int64_t>(p.getCandidates().size());
    } else if (auto s = dyn_cast<SubsetOp>(op)) {
      d["kind"] = "subset";
      d["candidates"] = static_cast<int64_t>(s.getCandidates().size());
    }
    // Used where one of its occurrences is: one condition set is
    // "active_if", several (a shared decision in two conditional places)
    // "active_if_any".
    auto &conditional = activity ? activity->conditionalDecisions() : noConditions;
    if (auto it = conditional.find(d["name"].get<std::string>()); it != conditional.end()) {
      std::set<std::string> seen;
      Json sets = Json::array();
      for (const std::vector<ActiveCondition> &set : it->second) {
        Json j = conditionsJson(set);
        if (seen.insert(j.dump()).second)
          sets.push_back(std::move(j));
      }
      if (sets.size() == 1)
        d["active_if"] = std::move(sets[0]);
      else
        d["active_if_any"] = std::move(sets);
    }
    return std::move(d);
  }

  /// A constraint: its condition, the source text, the user's message.
  FailureOr<Json> requirement(RequireOp r) {
    FailureOr<Json> c = value(r.getCondition());
    if (failed(c))
      return failure();
    Json req = Json::object();
    req["condition"] = std::move(*c);
    if (r.getText())
      req["text"] = *r.getText();
    if (r.getMessage())
      req["message"] = *r.getMessage();
    // A requirement inside a block some architectures do not use binds
    // only where it is used.
    Json conditions = activeIf(r);
    if (!conditions.empty())
      req["active_if"] = std::move(conditions);
    return req;
  }

  std::vector<int64_t> ids(ValueRange values) {
    std::vector<int64_t> out;
    for (Value v : values)
      out.push_back(nodeIds.lookup(v));
    return out;
  }

  FailureOr<Json> exportSpace(SpaceOp space) {
    Block &body = space.getBody().front();
    nodeIds.clear();
    Json inputs = Json::array(), decisions = Json::array(), nodes = Json::array(), constraints = Json::array();
    llvm::StringSet<llvm::MallocAllocator> seen;
    SpaceActivity activity(space);
    for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
      nodeIds[arg] = nodes.size();
      nodes.push_back(Json{{"id", static_cast<int64_t>(nodes.size())}, {"kind", "input"},
                                   {"name", cast<StringAttr>(space.getInputNames()[i]).getValue()}});
    }
    for (Operation &op : body) {
      if (isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op)) {
        if (seen.insert(op.getAttrOfType<StringAttr>("name").getValue()).second) {
          FailureOr<Json> d = decision(&op, &activity);
          if (failed(d))
            return failure();
          decisions.push_back(std::move(*d));
        }
      }
      if (auto shape = dyn_cast<InputShapeOp>(op)) {
        Json dims = Json::array();
        for (Value v : {shape.getChannels(), shape.getHeight(), shape.getWidth()}) {
          FailureOr<Json> d = value(v);
          if (failed(d))
            return failure();
          dims.push_back(std::move(*d));
        }
        inputs.push_back(object("node", nodeIds.lookup(shape.getInput()), "shape", std::move(dims)));
        continue;
      }
      if (auto r = dyn_cast<RequireOp>(op)) {
        FailureOr<Json> req = requirement(r);
        if (failed(req))
          return failure();
        constraints.push_back(std::move(*req));
        continue;
      }
      if (op.getNumResults() != 1 || !isa<nas::TensorType, nas::TensorListType>(op.getResult(0).getType()))
        continue;
      Json node{{"id", static_cast<int64_t>(nodes.size())}};
      if (auto apply = dyn_cast<ApplyOp>(op)) {
        FailureOr<Json> l = layer(apply.getLayer());
        if (failed(l))
          return failure();
        node["kind"] = "apply";
        node["layer"] = std::move(*l);
        node["inputs"] = ids(apply.getInputs());
      } else if (isa<SumOp, ConcatOp>(op)) {
        node["kind"] = isa<SumOp>(op) ? "sum" : "concat";
        node["inputs"] = ids(op.getOperands());
      } else if (auto p = dyn_cast<PickOp>(op)) {
        node["kind"] = "pick";
        node["decision"] = p.getName();
        node["inputs"] = ids(p.getCandidates());
      } else if (auto s = dyn_cast<SubsetOp>(op)) {
        node["kind"] = "subset";
        node["decision"] = s.getName();
        node["inputs"] = ids(s.getCandidates());
      } else if (auto item = dyn_cast<ItemOp>(op)) {
        FailureOr<Json> index = value(item.getIndex());
        if (failed(index))
          return failure();
        node["kind"] = "item";
        node["inputs"] = ids(item.getList());
        node["index"] = std::move(*index);
      } else if (auto sel = dyn_cast<arith::SelectOp>(op)) {
        FailureOr<Json> cond = value(sel.getCondition());
        if (failed(cond))
          return failure();
        node["kind"] = "select";
        node["if"] = std::move(*cond);
        node["inputs"] = ids({sel.getTrueValue(), sel.getFalseValue()});
      } else if (auto sw = dyn_cast<SwitchOp>(op)) {
        FailureOr<Json> index = value(sw.getIndex());
        if (failed(index))
          return failure();
        node["kind"] = "switch";
        node["id_name"] = sw.getId();
        node["index"] = std::move(*index);
        node["inputs"] = ids(sw.getAlternatives());
      } else {
        op.emitError() << "cannot write '" << op.getName() << "' into the artefact";
        return failure();
      }
      if (auto shape = op.getAttrOfType<DenseI64ArrayAttr>("shape"))
        node["shape"] = std::vector<int64_t>(shape.asArrayRef());
      Json conditions = activeIf(&op);
      if (!conditions.empty())
        node["active_if"] = std::move(conditions);
      nodeIds[op.getResult(0)] = nodes.size();
      nodes.push_back(std::move(node));
    }
    auto output = cast<OutputOp>(body.getTerminator());
    Json out{{"name", space.getSymName()},
                     {"network", space.getNetwork()},
                     {"inputs", std::move(inputs)},
                     {"decisions", std::move(decisions)},
                     {"nodes", std::move(nodes)},
                     {"output", nodeIds.lookup(output.getValue())},
                     {"constraints", std::move(constraints)}};
    if (auto size = space->getAttrOfType<StringAttr>("size"))
      out["size"] = size.getValue();
    if (auto params = space->getAttrOfType<DenseF64ArrayAttr>("params"))
      out["params"] = std::vector<double>(params.asArrayRef());
    if (auto flops = space->getAttrOfType<DenseF64ArrayAttr>("flops"))
      out["flops"] = std::vector<double>(flops.asArrayRef());
    out["continuous"] = space->hasAttr("continuous");
    return std::move(out);
  }

  FailureOr<Json> exportSearch(SearchOp search) {
    Json settings = Json::object();
    Json objectives = Json::array(), constraints = Json::array(), decisions = Json::array();
    for (Operation &op : search.getBody().front()) {
      if (isa<CategoricalOp, RangeOp>(op)) {
        FailureOr<Json> d = decision(&op, nullptr);
        if (failed(d))
          return failure();
        decisions.push_back(std::move(*d));
      } else if (auto s = dyn_cast<SettingOp>(op)) {
        FailureOr<Json> v = value(s.getValue());
        if (failed(v))
          return failure();
        settings[s.getKey().str()] = std::move(*v);
      } else if (auto o = dyn_cast<ObjectiveOp>(op)) {
        FailureOr<Json> v = value(o.getValue());
        if (failed(v))
          return failure();
        objectives.push_back(object("direction", stringifyDirection(o.getDirection()), "value", std::move(*v)));
      } else if (auto r = dyn_cast<RequireOp>(op)) {
        FailureOr<Json> req = requirement(r);
        if (failed(req))
          return failure();
        constraints.push_back(std::move(*req));
      }
    }
    return Json(Json{{"name", search.getSymName()},
                                    {"settings", std::move(settings)},
                                    {"objectives", std::move(objectives)},
                                    {"constraints", std::move(constraints)},
                                    {"decisions", std::move(decisions)}});
  }
};

} // namespace

FailureOr<std::string> mlir::nas::writeArtefact(ModuleOp module, StringRef source) {
  FailureOr<Json> payload = Exporter(module).run(source);
  if (failed(payload))
    return failure();
  // Compact: read by the runtime, nasa-check or jq, not by eye. Bytes that
  // are not UTF-8 (in a user's string) are replaced, not an abort.
  std::string body = payload->dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  uint32_t crc = llvm::crc32(llvm::arrayRefFromStringRef(body));
  std::string out;
  llvm::raw_string_ostream header(out);
  header << "NASA " << kArtefactVersion << " " << body.size() << " " << llvm::format_hex_no_prefix(crc, 8) << "\n";
  header << body;
  return header.str();
}
