//===- Artefact.cpp - The compiled search artefact ------------------------===//
//
// Scalars and layers are written as expression trees (small: a layer's
// arguments, a decision's alternatives), feature maps as a graph in
// execution order with numeric ids. docs/artefact.md is the reference.
//
//===----------------------------------------------------------------------===//
#include "nas/Artefact.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::nas;
namespace json = llvm::json;

namespace {

/// A JSON object built by moving its values in: `json::Object{{k, v}}`
/// copies from its initializer list, which deep-copies nested trees at every
/// level of a layer tree.
void put(json::Object &) {}
template <typename V, typename... Rest>
void put(json::Object &o, llvm::StringRef key, V &&value, Rest &&...rest) {
  o[key] = json::Value(std::forward<V>(value));
  put(o, std::forward<Rest>(rest)...);
}
template <typename... Args> json::Value object(Args &&...args) {
  json::Object o;
  put(o, std::forward<Args>(args)...);
  return json::Value(std::move(o));
}

class Exporter {
public:
  explicit Exporter(ModuleOp module) : module(module) {}

  FailureOr<json::Value> run(StringRef source) {
    json::Object ops;
    for (OpDefOp def : module.getOps<OpDefOp>()) {
      FailureOr<json::Value> op = opDef(def);
      if (failed(op))
        return failure();
      ops[def.getSymName()] = std::move(*op);
    }
    json::Array spaces;
    for (SpaceOp s : module.getOps<SpaceOp>()) {
      FailureOr<json::Value> space = exportSpace(s);
      if (failed(space))
        return failure();
      spaces.push_back(std::move(*space));
    }
    json::Array searches;
    for (SearchOp s : module.getOps<SearchOp>()) {
      FailureOr<json::Value> search = exportSearch(s);
      if (failed(search))
        return failure();
      searches.push_back(std::move(*search));
    }
    return json::Value(json::Object{{"format", "nasc-artefact"},
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

  static json::Value constant(Attribute a) {
    if (auto i = dyn_cast<IntegerAttr>(a)) {
      if (i.getType().isInteger(1))
        return json::Object{{"const", i.getValue().getBoolValue()}};
      return json::Object{{"const", i.getInt()}};
    }
    if (auto f = dyn_cast<FloatAttr>(a))
      return json::Object{{"const", f.getValueAsDouble()}};
    if (auto s = dyn_cast<StringAttr>(a))
      return json::Object{{"const", s.getValue()}};
    return nullptr;
  }

  static json::Array activeIf(Operation *op) {
    json::Array out;
    if (auto conditions = op->getAttrOfType<ArrayAttr>("nas.active_if"))
      for (Attribute c : conditions) {
        auto pair = cast<ArrayAttr>(c);
        out.push_back(json::Object{{"switch", cast<StringAttr>(pair[0]).getValue()},
                                   {"at_least", cast<IntegerAttr>(pair[1]).getInt()}});
      }
    return out;
  }

  json::Object namedArgs(ValueRange args, ArrayAttr names, bool &ok) {
    json::Object out;
    for (auto [arg, name] : llvm::zip(args, names)) {
      FailureOr<json::Value> v = value(arg);
      if (failed(v)) {
        ok = false;
        continue;
      }
      out[cast<StringAttr>(name).getValue()] = std::move(*v);
    }
    return out;
  }

  /// A scalar as an expression tree.
  FailureOr<json::Value> value(Value v) {
    auto arg = argIndex.find(v);
    if (arg != argIndex.end())
      return json::Value(json::Object{{"arg", arg->second}});
    Attribute attr;
    if (matchPattern(v, m_Constant(&attr)))
      if (json::Value c = constant(attr); c.kind() != json::Value::Null)
        return c;
    Operation *def = v.getDefiningOp();
    if (!def) {
      emitError(v.getLoc()) << "cannot write this value into the artefact";
      return failure();
    }
    if (auto s = dyn_cast<StringOp>(def))
      return json::Value(json::Object{{"const", s.getValue()}});
    if (auto c = dyn_cast<CategoricalOp>(def)) {
      json::Array of;
      of.reserve(c.getAlternatives().size());
      for (Value alt : c.getAlternatives()) {
        FailureOr<json::Value> a = isa<LayerType>(alt.getType()) ? layer(alt) : value(alt);
        if (failed(a))
          return failure();
        of.push_back(std::move(*a));
      }
      json::Object out;
      out["choose"] = c.getName();
      out["of"] = std::move(of);
      if (auto labels = c.getLabels())
        out["labels"] = json::Array(llvm::map_range(*labels, [](Attribute l) { return cast<StringAttr>(l).str(); }));
      return json::Value(std::move(out));
    }
    if (auto r = dyn_cast<RangeOp>(def))
      return json::Value(json::Object{{"decision", r.getName()}});
    if (auto m = dyn_cast<MetricOp>(def)) {
      bool ok = true;
      json::Object args = namedArgs(m.getArgs(), m.getNames(), ok);
      if (!ok)
        return failure();
      return object("metric", m.getMetric(), "args", std::move(args));
    }
    if (auto e = dyn_cast<ExternOp>(def)) {
      auto decl = SymbolTable::lookupNearestSymbolFrom<ExternDefOp>(e, e.getComponentAttr());
      bool ok = true;
      json::Object args = namedArgs(e.getArgs(), e.getNames(), ok);
      if (!ok || !decl)
        return failure();
      return object("extern", e.getComponent(), "kind", stringifyExternKind(decl.getKind()), "impl", decl.getImpl(),
                    "args", std::move(args));
    }
    if (auto inst = dyn_cast<InstanceOp>(def); inst && inst.getSharing() == Sharing::root) {
      auto search = inst->getParentOfType<SearchOp>();
      return json::Value(json::Object{{"space", (search.getSymName() + ".space").str()}});
    }
    // Arithmetic: the op's name, its operands, and a comparison's predicate.
    if (def->getNumResults() == 1 && (isa<arith::ArithDialect, math::MathDialect>(def->getDialect()) ||
                                      isa<StringEqOp>(def))) {
      json::Array args;
      for (Value operand : def->getOperands()) {
        FailureOr<json::Value> a = value(operand);
        if (failed(a))
          return failure();
        args.push_back(std::move(*a));
      }
      json::Object out;
      out["op"] = def->getName().getStringRef();
      out["args"] = std::move(args);
      if (auto cmp = dyn_cast<arith::CmpIOp>(def))
        out["predicate"] = arith::stringifyCmpIPredicate(cmp.getPredicate());
      if (auto cmp = dyn_cast<arith::CmpFOp>(def))
        out["predicate"] = arith::stringifyCmpFPredicate(cmp.getPredicate());
      return json::Value(std::move(out));
    }
    def->emitError() << "cannot write '" << def->getName() << "' into the artefact";
    return failure();
  }

  /// A layer as a tree: an op with arguments, a choice, a condition, a repetition.
  FailureOr<json::Value> layer(Value v) {
    Operation *def = v.getDefiningOp();
    if (auto l = dyn_cast_or_null<LayerOp>(def)) {
      bool ok = true;
      json::Object args = namedArgs(l.getArgs(), l.getNames(), ok);
      if (!ok)
        return failure();
      return object("op", l.getOp(), "args", std::move(args));
    }
    if (isa_and_nonnull<CategoricalOp>(def))
      return value(v);
    if (auto s = dyn_cast_or_null<arith::SelectOp>(def)) {
      FailureOr<json::Value> c = value(s.getCondition()), t = layer(s.getTrueValue()), f = layer(s.getFalseValue());
      if (failed(c) || failed(t) || failed(f))
        return failure();
      return object("if", std::move(*c), "then", std::move(*t), "else", std::move(*f));
    }
    if (auto r = dyn_cast_or_null<RepeatOp>(def)) {
      FailureOr<json::Value> n = value(r.getCount()), inner = layer(r.getLayer());
      if (failed(n) || failed(inner))
        return failure();
      return object("repeat", std::move(*n), "layer", std::move(*inner));
    }
    if (auto inst = dyn_cast_or_null<InstanceOp>(def)) {
      inst.emitError() << "cannot write the space: instance of '" << inst.getTemplateName()
                       << "' is not inlined (one alternative of a decision); the runtime cannot build it yet";
      return failure();
    }
    emitError(v.getLoc()) << "cannot write this layer into the artefact";
    return failure();
  }

  FailureOr<json::Value> opDef(OpDefOp def) {
    // Defaults read the earlier parameters and the input: as {"arg": i}.
    Block &defaults = def.getDefaults().front();
    argIndex.clear();
    for (unsigned i = 0; i < defaults.getNumArguments(); ++i)
      argIndex[defaults.getArgument(i)] = i;
    json::Array params, defaultValues;
    auto yield = cast<YieldOp>(defaults.getTerminator());
    for (unsigned i = 0; i < def.getNumParams(); ++i) {
      params.push_back(cast<StringAttr>(def.getParamNames()[i]).getValue());
      Value d = yield.getValues()[i];
      if (d == defaults.getArgument(i)) {
        defaultValues.push_back(nullptr); // no default: always given
        continue;
      }
      FailureOr<json::Value> v = value(d);
      if (failed(v))
        return failure();
      defaultValues.push_back(std::move(*v));
    }
    argIndex.clear();
    return json::Value(json::Object{
        {"impl", def.getImpl()},
        {"params", std::move(params)},
        {"defaults", std::move(defaultValues)},
        {"traits", json::Array(llvm::map_range(def.getOpTraits(), [](Attribute t) { return cast<StringAttr>(t).str(); }))}});
  }

  FailureOr<json::Value> decision(Operation *op) {
    json::Object d{{"name", op->getAttrOfType<StringAttr>("name").getValue()}};
    if (auto c = dyn_cast<CategoricalOp>(op)) {
      d["kind"] = "categorical";
      d["size"] = static_cast<int64_t>(c.getAlternatives().size());
      if (auto labels = c.getLabels())
        d["labels"] = json::Array(llvm::map_range(*labels, [](Attribute l) { return cast<StringAttr>(l).str(); }));
      if (!isa<LayerType>(c.getType())) {
        FailureOr<json::Value> v = value(c.getResult());
        if (failed(v))
          return failure();
        d["values"] = std::move((*v->getAsObject())["of"]);
      }
    } else if (auto r = dyn_cast<RangeOp>(op)) {
      d["kind"] = r.getType().isF64() ? "float_range" : "int_range";
      for (auto [key, v] : {std::pair{"lo", r.getLo()}, {"hi", r.getHi()}, {"step", r.getStep()}}) {
        FailureOr<json::Value> x = value(v);
        if (failed(x))
          return failure();
        d[key] = std::move(*x);
      }
      d["log"] = r.getLog();
    } else if (auto p = dyn_cast<PickOp>(op)) {
      d["kind"] = "pick";
      FailureOr<json::Value> k = value(p.getCount());
      if (failed(k))
        return failure();
      d["count"] = std::move(*k);
      d["candidates"] = static_cast<int64_t>(p.getCandidates().size());
    } else if (auto s = dyn_cast<SubsetOp>(op)) {
      d["kind"] = "subset";
      d["candidates"] = static_cast<int64_t>(s.getCandidates().size());
    }
    json::Array conditions = activeIf(op);
    if (!conditions.empty())
      d["active_if"] = std::move(conditions);
    return json::Value(std::move(d));
  }

  std::vector<int64_t> ids(ValueRange values) {
    std::vector<int64_t> out;
    for (Value v : values)
      out.push_back(nodeIds.lookup(v));
    return out;
  }

  FailureOr<json::Value> exportSpace(SpaceOp space) {
    Block &body = space.getBody().front();
    nodeIds.clear();
    json::Array inputs, decisions, nodes, constraints;
    // json::Value's move is not noexcept: a growing vector would deep-copy
    // every node tree it holds. Room for all of them up front.
    nodes.reserve(body.getNumArguments() + body.getOperations().size());
    decisions.reserve(body.getOperations().size());
    llvm::StringSet<llvm::MallocAllocator> seen;
    for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
      nodeIds[arg] = nodes.size();
      nodes.push_back(json::Object{{"id", static_cast<int64_t>(nodes.size())}, {"kind", "input"},
                                   {"name", cast<StringAttr>(space.getInputNames()[i]).getValue()}});
    }
    for (Operation &op : body) {
      if (isa<CategoricalOp, RangeOp, PickOp, SubsetOp>(op)) {
        if (seen.insert(op.getAttrOfType<StringAttr>("name").getValue()).second) {
          FailureOr<json::Value> d = decision(&op);
          if (failed(d))
            return failure();
          decisions.push_back(std::move(*d));
        }
      }
      if (auto shape = dyn_cast<InputShapeOp>(op)) {
        json::Array dims;
        for (Value v : {shape.getChannels(), shape.getHeight(), shape.getWidth()}) {
          FailureOr<json::Value> d = value(v);
          if (failed(d))
            return failure();
          dims.push_back(std::move(*d));
        }
        inputs.push_back(object("node", nodeIds.lookup(shape.getInput()), "shape", std::move(dims)));
        continue;
      }
      if (auto r = dyn_cast<RequireOp>(op)) {
        FailureOr<json::Value> c = value(r.getCondition());
        if (failed(c))
          return failure();
        json::Object req;
        req["condition"] = std::move(*c);
        if (r.getText())
          req["text"] = *r.getText();
        if (r.getMessage())
          req["message"] = *r.getMessage();
        constraints.push_back(std::move(req));
        continue;
      }
      if (op.getNumResults() != 1 || !isa<nas::TensorType, nas::TensorListType>(op.getResult(0).getType()))
        continue;
      json::Object node{{"id", static_cast<int64_t>(nodes.size())}};
      if (auto apply = dyn_cast<ApplyOp>(op)) {
        FailureOr<json::Value> l = layer(apply.getLayer());
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
        FailureOr<json::Value> index = value(item.getIndex());
        if (failed(index))
          return failure();
        node["kind"] = "item";
        node["inputs"] = ids(item.getList());
        node["index"] = std::move(*index);
      } else if (auto sel = dyn_cast<arith::SelectOp>(op)) {
        FailureOr<json::Value> cond = value(sel.getCondition());
        if (failed(cond))
          return failure();
        node["kind"] = "select";
        node["if"] = std::move(*cond);
        node["inputs"] = ids({sel.getTrueValue(), sel.getFalseValue()});
      } else if (auto sw = dyn_cast<SwitchOp>(op)) {
        FailureOr<json::Value> index = value(sw.getIndex());
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
        node["shape"] = json::Array(shape.asArrayRef());
      json::Array conditions = activeIf(&op);
      if (!conditions.empty())
        node["active_if"] = std::move(conditions);
      nodeIds[op.getResult(0)] = nodes.size();
      nodes.push_back(std::move(node));
    }
    auto output = cast<OutputOp>(body.getTerminator());
    json::Object out{{"name", space.getSymName()},
                     {"network", space.getNetwork()},
                     {"inputs", std::move(inputs)},
                     {"decisions", std::move(decisions)},
                     {"nodes", std::move(nodes)},
                     {"output", nodeIds.lookup(output.getValue())},
                     {"constraints", std::move(constraints)}};
    if (auto size = space->getAttrOfType<StringAttr>("size"))
      out["size"] = size.getValue();
    if (auto params = space->getAttrOfType<DenseF64ArrayAttr>("params"))
      out["params"] = json::Array(params.asArrayRef());
    if (auto flops = space->getAttrOfType<DenseF64ArrayAttr>("flops"))
      out["flops"] = json::Array(flops.asArrayRef());
    out["continuous"] = space->hasAttr("continuous");
    return json::Value(std::move(out));
  }

  FailureOr<json::Value> exportSearch(SearchOp search) {
    json::Object settings;
    json::Array objectives, constraints, decisions;
    for (Operation &op : search.getBody().front()) {
      if (isa<CategoricalOp, RangeOp>(op)) {
        FailureOr<json::Value> d = decision(&op);
        if (failed(d))
          return failure();
        decisions.push_back(std::move(*d));
      } else if (auto s = dyn_cast<SettingOp>(op)) {
        FailureOr<json::Value> v = value(s.getValue());
        if (failed(v))
          return failure();
        settings[s.getKey()] = std::move(*v);
      } else if (auto o = dyn_cast<ObjectiveOp>(op)) {
        FailureOr<json::Value> v = value(o.getValue());
        if (failed(v))
          return failure();
        objectives.push_back(object("direction", stringifyDirection(o.getDirection()), "value", std::move(*v)));
      } else if (auto r = dyn_cast<RequireOp>(op)) {
        FailureOr<json::Value> c = value(r.getCondition());
        if (failed(c))
          return failure();
        json::Object req;
        req["condition"] = std::move(*c);
        if (r.getText())
          req["text"] = *r.getText();
        constraints.push_back(std::move(req));
      }
    }
    return json::Value(json::Object{{"name", search.getSymName()},
                                    {"settings", std::move(settings)},
                                    {"objectives", std::move(objectives)},
                                    {"constraints", std::move(constraints)},
                                    {"decisions", std::move(decisions)}});
  }
};

} // namespace

FailureOr<json::Value> mlir::nas::exportArtefact(ModuleOp module, StringRef source) {
  return Exporter(module).run(source);
}

std::string mlir::nas::serializeArtefact(const json::Value &payload) {
  std::string body;
  llvm::raw_string_ostream os(body);
  // Compact: read by the runtime, nasa-check or jq, not by eye.
  os << llvm::formatv("{0}", payload) << "\n";
  os.flush();
  uint32_t crc = llvm::crc32(llvm::arrayRefFromStringRef(body));
  std::string out;
  llvm::raw_string_ostream header(out);
  header << "NASA " << kArtefactVersion << " " << body.size() << " " << llvm::format_hex_no_prefix(crc, 8) << "\n";
  header << body;
  return header.str();
}
