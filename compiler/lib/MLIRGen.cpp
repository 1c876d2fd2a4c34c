//===- MLIRGen.cpp - .nas AST to the nas dialect --------------------------===//
//
// Each declaration becomes one op: `op` -> nas.opdef, templates ->
// nas.template, metrics/externs -> nas.metricdef/nas.externdef, searches ->
// nas.search. Inside a body, names are generated on first use (bodies are
// order-independent, SSA needs definitions first); lists never reach the IR:
// they are static in the language, so the generator keeps them as lists of
// values and expands them where used (choice alternatives, sum/concat).
// Global consts are generated again where they are used; CSE folds repeats.
//
//===----------------------------------------------------------------------===//
#include "nasc/MLIRGen.h"
#include "nasc/Diagnostics.h"

#include "nas/NasDialect.h"
#include "nas/Evaluate.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>

using namespace nasc;
namespace nas = mlir::nas;

namespace {

/// What an expression generates: one SSA value, or a static list of them.
struct GenValue {
  mlir::Value value;
  std::vector<GenValue> list;
  bool isList = false;
  std::string label; // how a layer alternative reads in architecture IDs
  /// A list chosen by `if`: the condition and both lists, so a choice over
  /// it keeps each branch's labels (see genChoice).
  std::shared_ptr<std::tuple<mlir::Value, GenValue, GenValue>> branches;
  /// Lists of different lengths chosen by `if`: only a choice's domain
  /// takes them (genDomain); any other use is this error, at the `if`.
  std::shared_ptr<std::pair<mlir::Location, std::string>> ragged;

  static GenValue of(mlir::Value v, std::string label = "") {
    GenValue g;
    g.value = v;
    g.label = std::move(label);
    return g;
  }
  static GenValue ofList(std::vector<GenValue> elements) {
    GenValue g;
    g.isList = true;
    g.list = std::move(elements);
    return g;
  }
  bool ok() const { return isList || value; }
};

/// The names of one body being generated.
struct Scope {
  std::map<std::string, const NamedStmt *> locals;
  std::map<std::string, GenValue> values; // generated so far (params, inputs, locals)
  std::set<std::string> inProgress;
};

class Generator {
public:
  Generator(mlir::MLIRContext &context) : context(context), builder(&context) {}

  mlir::OwningOpRef<mlir::ModuleOp> run(const std::vector<Module *> &modules) {
    module = mlir::ModuleOp::create(builder.getUnknownLoc());
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls)
        if (!llvm::isa<ImportDecl>(d.get()) && !llvm::isa<ConstDecl>(d.get()))
          globals[d->name] = d.get();
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls)
        if (const ConstDecl *c = llvm::dyn_cast<ConstDecl>(d.get()))
          globals[c->name] = c;
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls) {
        builder.setInsertionPointToEnd(module->getBody());
        genDecl(*d);
      }
    if (failed)
      return nullptr;
    if (mlir::failed(mlir::verify(*module))) {
      emitError(context, Loc{}) << "internal error: the generated IR does not verify";
      return nullptr;
    }
    return std::move(module);
  }

private:
  mlir::MLIRContext &context;
  mlir::OpBuilder builder;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  llvm::StringMap<const Decl *> globals;
  Scope *scope = nullptr;
  bool failed = false;

  mlir::Location loc(Loc l) { return toLocation(context, l); }

  GenValue fail(Loc l, const std::string &message) {
    emitError(context, l) << message;
    failed = true;
    return GenValue();
  }

  const Decl *global(llvm::StringRef name) {
    auto it = globals.find(name);
    return it == globals.end() ? nullptr : it->second;
  }

  // ---- types -------------------------------------------------------------

  mlir::Type typeOf(const TypeRef &t) {
    if (t.kind == TypeRef::Kind::Tensor || t.name == "tensor")
      return nas::TensorType::get(&context);
    if (t.kind == TypeRef::Kind::List)
      return nullptr;
    if (t.name == "int")
      return builder.getI64Type();
    if (t.name == "float" || t.name == "duration")
      return builder.getF64Type();
    if (t.name == "bool")
      return builder.getI1Type();
    if (t.name == "string")
      return nas::StringType::get(&context);
    if (t.name == "op")
      return nas::LayerType::get(&context);
    return nullptr;
  }

  mlir::ArrayAttr names(const std::vector<std::string> &list) {
    llvm::SmallVector<llvm::StringRef> refs(list.begin(), list.end());
    return builder.getStrArrayAttr(refs);
  }

  /// Converts ints to floats where a float is wanted (the checker allowed it).
  mlir::Value coerce(mlir::Value v, mlir::Type want, mlir::Location l) {
    if (!v || !want || v.getType() == want)
      return v;
    if (v.getType().isInteger(64) && want.isF64())
      return builder.create<mlir::arith::SIToFPOp>(l, want, v);
    return v;
  }

  // ---- declarations ----------------------------------------------------

  void genDecl(const Decl &d) {
    if (auto *op = llvm::dyn_cast<OpDecl>(&d))
      genOp(*op);
    else if (auto *t = llvm::dyn_cast<TemplateDecl>(&d))
      genTemplate(*t);
    else if (auto *m = llvm::dyn_cast<MetricDecl>(&d))
      genMetric(*m);
    else if (auto *e = llvm::dyn_cast<ExternDecl>(&d))
      genExtern(*e);
    else if (auto *s = llvm::dyn_cast<SearchDecl>(&d))
      genSearch(*s);
  }

  void genMetric(const MetricDecl &m) {
    std::vector<std::string> params;
    for (const Param &p : m.params)
      params.push_back(p.name);
    mlir::StringAttr direction;
    if (m.direction != MetricDecl::Direction::None)
      direction = builder.getStringAttr(m.direction == MetricDecl::Direction::Maximize ? "maximize" : "minimize");
    mlir::Type type = typeOf(m.type);
    builder.create<nas::MetricDefOp>(loc(m.getLoc()), m.name, names(params), direction,
                                     type ? type : mlir::Type(builder.getF64Type()));
  }

  void genExtern(const ExternDecl &e) {
    std::vector<std::string> params;
    for (const Param &p : e.params)
      params.push_back(p.name);
    nas::ExternKind kind = static_cast<nas::ExternKind>(static_cast<int>(e.externKind));
    builder.create<nas::ExternDefOp>(loc(e.getLoc()), kind, e.name, e.impl, names(params));
  }

  /// Block arguments: the parameters, then in_channels, in_h, in_w.
  mlir::Block *opRegionBlock(mlir::Region &region, const OpDecl &op, Scope &s) {
    mlir::Block *block = new mlir::Block();
    region.push_back(block);
    for (const Param &p : op.params) {
      mlir::Type t = typeOf(p.type);
      if (!t) {
        fail(p.loc, "parameters of type '" + p.type.name + "[]' are not supported by the nas dialect yet");
        t = builder.getI64Type();
      }
      s.values[p.name] = GenValue::of(block->addArgument(t, loc(p.loc)));
    }
    for (const char *implicit : {"in_channels", "in_h", "in_w"})
      s.values[implicit] = GenValue::of(block->addArgument(builder.getI64Type(), loc(op.getLoc())));
    return block;
  }

  void genOp(const OpDecl &op) {
    std::vector<std::string> params, traits;
    for (const Param &p : op.params)
      params.push_back(p.name);
    for (const OpTrait &t : op.traits)
      traits.push_back(t.name);
    auto def = builder.create<nas::OpDefOp>(loc(op.getLoc()), op.name, op.impl, names(params), names(traits));
    mlir::OpBuilder::InsertionGuard guard(builder);

    // defaults: evaluated one parameter at a time by the consumer, with the
    // effective values of the parameters before it in the block arguments.
    {
      Scope s;
      Scope *saved = scope;
      scope = &s;
      mlir::Block *block = opRegionBlock(def.getDefaults(), op, s);
      builder.setInsertionPointToEnd(block);
      llvm::SmallVector<mlir::Value> yields;
      for (size_t i = 0; i < op.params.size(); ++i) {
        const Param &p = op.params[i];
        mlir::Value v = block->getArgument(i);
        if (p.defaultValue) {
          GenValue d = genExpr(*p.defaultValue);
          if (d.ok() && !d.isList)
            v = coerce(d.value, block->getArgument(i).getType(), loc(p.loc));
        }
        yields.push_back(v);
      }
      builder.create<nas::YieldOp>(loc(op.getLoc()), yields);
      scope = saved;
    }

    // body: requirements and properties over the effective parameters.
    Scope s;
    Scope *saved = scope;
    scope = &s;
    mlir::Block *block = opRegionBlock(def.getBody(), op, s);
    builder.setInsertionPointToEnd(block);
    for (const auto &r : op.requires_)
      genRequire(*r);
    auto property = [&](llvm::StringRef key, mlir::Value fallback) -> mlir::Value {
      for (const OpProperty &p : op.properties)
        if (p.key == key) {
          GenValue v = genExpr(*p.value);
          if (v.ok() && !v.isList)
            return v.value;
        }
      return fallback;
    };
    mlir::Location l = loc(op.getLoc());
    mlir::Value one = intConst(1, l), zero = intConst(0, l);
    mlir::Value outChannels = property("out_channels", s.values["in_channels"].value);
    mlir::Value stride = property("stride", one);
    mlir::Value params_ = property("params", zero);
    mlir::Value flops = property("flops", zero);
    builder.create<nas::PropertiesOp>(l, outChannels, stride, params_, flops);
    scope = saved;
  }

  void genTemplate(const TemplateDecl &t) {
    std::vector<std::string> params, inputs;
    for (const Param &p : t.params)
      params.push_back(p.name);
    for (const StmtPtr &s : t.body)
      if (auto *in = llvm::dyn_cast<InputStmt>(s.get()))
        inputs.push_back(in->name);
    // Parameter defaults are constants, possibly computed from earlier
    // parameters' defaults: recorded so a network can be instantiated as it
    // stands.
    llvm::SmallVector<mlir::Attribute> defaults;
    bool anyDefault = false;
    std::vector<std::pair<const Param *, mlir::Attribute>> earlier;
    for (const Param &p : t.params) {
      mlir::Attribute a = p.defaultValue ? constantAttr(*p.defaultValue) : nullptr;
      if (!a && p.defaultValue)
        a = foldDefault(p, earlier);
      earlier.emplace_back(&p, a);
      anyDefault |= a != nullptr;
      defaults.push_back(a ? a : builder.getUnitAttr());
    }
    nas::TemplateKind kind = static_cast<nas::TemplateKind>(static_cast<int>(t.templateKind));
    auto op = builder.create<nas::TemplateOp>(loc(t.getLoc()), kind, t.name, names(params), names(inputs),
                                              anyDefault ? builder.getArrayAttr(defaults) : mlir::ArrayAttr());
    mlir::OpBuilder::InsertionGuard guard(builder);
    mlir::Block *block = new mlir::Block();
    op.getBody().push_back(block);
    Scope s;
    Scope *saved = scope;
    scope = &s;
    for (const Param &p : t.params) {
      mlir::Type type = typeOf(p.type);
      if (!type) {
        fail(p.loc, "template parameters of list type are not supported by the nas dialect yet");
        type = builder.getI64Type();
      }
      s.values[p.name] = GenValue::of(block->addArgument(type, loc(p.loc)));
    }
    for (const StmtPtr &st : t.body)
      if (auto *in = llvm::dyn_cast<InputStmt>(st.get()))
        s.values[in->name] = GenValue::of(block->addArgument(nas::TensorType::get(&context), loc(in->getLoc())));
    for (const StmtPtr &st : t.body)
      if (auto *n = llvm::dyn_cast<NamedStmt>(st.get()))
        s.locals[n->name] = n;
    builder.setInsertionPointToEnd(block);
    // Declared input shapes seed shape inference.
    for (const StmtPtr &st : t.body)
      if (auto *in = llvm::dyn_cast<InputStmt>(st.get()))
        if (in->type && in->type->shape.size() == 3) {
          llvm::SmallVector<mlir::Value, 3> dims;
          for (const ExprPtr &dim : in->type->shape) {
            GenValue d = genExpr(*dim);
            if (d.value)
              dims.push_back(d.value);
          }
          if (dims.size() == 3)
            builder.create<nas::InputShapeOp>(loc(in->getLoc()), s.values[in->name].value, dims[0], dims[1],
                                              dims[2]);
        }
    const OutputStmt *output = nullptr;
    for (const StmtPtr &st : t.body) {
      if (auto *n = llvm::dyn_cast<NamedStmt>(st.get()))
        genLocal(n->name);
      else if (auto *r = llvm::dyn_cast<RequireStmt>(st.get()))
        genRequire(*r);
      else if (auto *o = llvm::dyn_cast<OutputStmt>(st.get()))
        output = o;
    }
    if (output) {
      GenValue v = genExpr(*output->value);
      if (v.ok() && !v.isList)
        builder.create<nas::OutputOp>(loc(output->getLoc()), v.value);
    }
    scope = saved;
  }

  void genSearch(const SearchDecl &sd) {
    auto search = builder.create<nas::SearchOp>(loc(sd.getLoc()), sd.name);
    mlir::OpBuilder::InsertionGuard guard(builder);
    mlir::Block *block = new mlir::Block();
    search.getBody().push_back(block);
    builder.setInsertionPointToEnd(block);
    Scope s;
    Scope *saved = scope;
    scope = &s;
    for (const StmtPtr &st : sd.body)
      if (auto *n = llvm::dyn_cast<NamedStmt>(st.get()))
        s.locals[n->name] = n;
    for (const StmtPtr &st : sd.body) {
      if (auto *n = llvm::dyn_cast<NamedStmt>(st.get()))
        genLocal(n->name);
      else if (auto *r = llvm::dyn_cast<RequireStmt>(st.get()))
        genRequire(*r);
    }
    for (const SearchSetting &setting : sd.settings) {
      if (setting.key == "space")
        pendingSharing = nas::Sharing::root;
      GenValue v = genExpr(*setting.value);
      pendingSharing.reset();
      if (v.ok() && !v.isList)
        builder.create<nas::SettingOp>(loc(setting.loc), setting.key, v.value);
    }
    for (const Objective &o : sd.objectives) {
      GenValue v = genExpr(*o.value);
      if (v.ok() && !v.isList)
        builder.create<nas::ObjectiveOp>(loc(o.loc),
                                         o.direction == Objective::Direction::Maximize ? nas::Direction::maximize
                                                                                       : nas::Direction::minimize,
                                         v.value);
    }
    scope = saved;
  }

  // ---- statements --------------------------------------------------------

  void genRequire(const RequireStmt &r) {
    GenValue c = genExpr(*r.cond);
    if (!c.ok() || c.isList)
      return;
    auto op = builder.create<nas::RequireOp>(loc(r.getLoc()), c.value, builder.getStringAttr(r.text),
                                             r.message.empty() ? mlir::StringAttr() : builder.getStringAttr(r.message));
    (void)op;
  }

  GenValue genLocal(const std::string &name) {
    auto done = scope->values.find(name);
    if (done != scope->values.end())
      return done->second;
    auto it = scope->locals.find(name);
    if (it == scope->locals.end() || !scope->inProgress.insert(name).second)
      return GenValue();
    const NamedStmt *s = it->second;
    GenValue v;
    if (auto *b = llvm::dyn_cast<BindingStmt>(s)) {
      // Lists chosen by `if` may differ in length when only choices read them.
      v = llvm::isa<IfExpr>(*b->value) ? genDomain(*b->value) : genExpr(*b->value);
      // A named layer reads by its name in architecture IDs, as a global const does.
      if (!v.isList && v.value && llvm::isa<nas::LayerType>(v.value.getType()))
        v.label = name;
    }
    else if (auto *c = llvm::dyn_cast<ChoiceStmt>(s))
      v = genChoice(*c);
    scope->inProgress.erase(name);
    scope->values[name] = v;
    return v;
  }

  /// How a layer alternative is named in architecture IDs: the name the
  /// source used for it (`nor_conv_3x3`), else what builds it.
  static std::string labelOf(const Expr &e) {
    if (auto *n = llvm::dyn_cast<NameExpr>(&e))
      return n->name;
    if (auto *c = llvm::dyn_cast<CallExpr>(&e))
      if (auto *n = llvm::dyn_cast<NameExpr>(c->callee.get())) {
        // Simple arguments are spelled out: conv(32, kernel=3).
        std::vector<std::string> args;
        for (const Arg &a : c->args) {
          std::string text;
          if (auto *i = llvm::dyn_cast<IntExpr>(a.value.get()))
            text = std::to_string(i->value);
          else if (auto *v = llvm::dyn_cast<NameExpr>(a.value.get()))
            text = v->name;
          else if (auto *s = llvm::dyn_cast<StringExpr>(a.value.get()))
            text = "\"" + s->value + "\"";
          else
            return n->name + "(...)";
          args.push_back(a.name.empty() ? text : a.name + "=" + text);
        }
        return n->name + "(" + llvm::join(args, ", ") + ")";
      }
    if (auto *s = llvm::dyn_cast<SharingExpr>(&e))
      return labelOf(*s->instance);
    return "";
  }

  /// A categorical decision over `values`; over a list chosen by `if`, one
  /// decision of the same name per branch, selected by the condition, so
  /// each keeps its labels once the condition folds.
  GenValue genCategorical(const ChoiceStmt &c, const GenValue &values, mlir::Location l) {
    const Domain &d = c.domain;
    if (values.branches) {
      auto &[cond, a, b] = *values.branches;
      GenValue x = genCategorical(c, a, l), y = genCategorical(c, b, l);
      if (!x.value || !y.value)
        return GenValue();
      return select(cond, x, y, l);
    }
    {
      llvm::SmallVector<mlir::Value> alternatives;
      llvm::SmallVector<llvm::StringRef> labels;
      bool anyLabel = false;
      mlir::Type type;
      for (const GenValue &v : values.list) {
        if (v.isList || !v.value)
          return fail(d.loc, "choice alternatives must be single values");
        if (!type)
          type = v.value.getType();
        alternatives.push_back(v.value);
        labels.push_back(v.label);
        anyLabel |= !v.label.empty();
      }
      // An int alternative among floats becomes a float.
      bool anyFloat = llvm::any_of(alternatives, [](mlir::Value v) { return v.getType().isF64(); });
      if (anyFloat)
        for (mlir::Value &v : alternatives)
          v = coerce(v, builder.getF64Type(), l);
      if (alternatives.empty())
        return fail(d.loc, "choice '" + c.name + "' has no alternatives");
      // An elided label two alternatives share ("mbconv(...)") would make
      // IDs ambiguous: those alternatives go by position (#1). (Alternatives
      // spelled alike are the same layer; nas-merge-alternatives merges them.)
      for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i].contains("(...)") && llvm::count(labels, labels[i]) > 1) {
          llvm::StringRef shared = labels[i];
          for (llvm::StringRef &l : labels)
            if (l == shared)
              l = "";
        }
      type = alternatives.front().getType();
      auto op = builder.create<nas::CategoricalOp>(l, type, c.name, alternatives,
                                                   anyLabel ? builder.getStrArrayAttr(labels) : mlir::ArrayAttr());
      return GenValue::of(op.getResult());
    }
  }

  /// A choice's list of alternatives. An `if` between lists there may pick
  /// lists of different lengths (`if big then [3, 5, 7] else [3, 5]`): each
  /// branch becomes its own decision of the choice's name (genCategorical),
  /// one of which remains once the condition folds (a template parameter);
  /// a condition on a decision leaves two domains, which counting refuses.
  GenValue genDomain(const Expr &e) {
    // A `let` naming the lists (`let L = if big then [...] else [...]`).
    if (auto *n = llvm::dyn_cast<NameExpr>(&e); n && scope) {
      if (auto done = scope->values.find(n->name); done != scope->values.end() && done->second.ragged)
        return done->second;
      if (!scope->values.count(n->name))
        if (auto it = scope->locals.find(n->name); it != scope->locals.end())
          if (auto *b = llvm::dyn_cast<BindingStmt>(it->second))
            if (llvm::isa<IfExpr, NameExpr>(*b->value))
              return genLocal(n->name);
    }
    auto *i = llvm::dyn_cast<IfExpr>(&e);
    if (!i)
      return genExpr(e);
    GenValue c = genExpr(*i->cond), a = genDomain(*i->thenExpr), b = genDomain(*i->elseExpr);
    if (!c.value || !a.ok() || !b.ok())
      return GenValue();
    if (!a.ragged && !b.ragged && (!a.isList || !b.isList || a.list.size() == b.list.size()))
      return select(c.value, a, b, loc(e.getLoc()));
    auto describe = [](const GenValue &v) {
      if (!v.isList)
        return std::string("not a list");
      if (v.ragged)
        return std::string("lists of different lengths");
      return std::to_string(v.list.size()) + (v.list.size() == 1 ? " element" : " elements");
    };
    GenValue ragged = GenValue::ofList({});
    ragged.branches = std::make_shared<std::tuple<mlir::Value, GenValue, GenValue>>(c.value, a, b);
    ragged.ragged = std::make_shared<std::pair<mlir::Location, std::string>>(
        loc(e.getLoc()), "an 'if' between lists needs two lists of one length (here " + describe(a) + " and " +
                             describe(b) + "), except as a choice's alternatives");
    return ragged;
  }

  GenValue genChoice(const ChoiceStmt &c) {
    const Domain &d = c.domain;
    mlir::Location l = loc(c.getLoc());
    switch (d.kind) {
    case Domain::Kind::Values: {
      GenValue values = genDomain(*d.values);
      if (!values.isList)
        return values.ok() ? fail(d.loc, "a choice needs a list of alternatives") : GenValue();
      return genCategorical(c, values, l);
    }
    case Domain::Kind::Range: {
      GenValue lo = genExpr(*d.lo), hi = genExpr(*d.hi);
      if (!lo.value || !hi.value)
        return GenValue();
      bool isFloat = lo.value.getType().isF64() || hi.value.getType().isF64();
      GenValue step = d.step ? genExpr(*d.step) : GenValue();
      if (step.value && step.value.getType().isF64())
        isFloat = true;
      mlir::Type type = isFloat ? mlir::Type(builder.getF64Type()) : mlir::Type(builder.getI64Type());
      mlir::Value stepValue = step.value ? step.value
                                         : (isFloat ? floatConst(0.0, l) : intConst(1, l));
      auto op = builder.create<nas::RangeOp>(l, type, c.name, coerce(lo.value, type, l), coerce(hi.value, type, l),
                                             coerce(stepValue, type, l), d.log);
      return GenValue::of(op.getResult());
    }
    case Domain::Kind::Pick:
    case Domain::Kind::Subset: {
      GenValue candidates = genExpr(*d.values);
      llvm::SmallVector<mlir::Value> tensors;
      if (!flattenTensors(candidates, tensors))
        return fail(d.loc, "an input choice picks among tensors");
      if (d.kind == Domain::Kind::Subset)
        return GenValue::of(builder.create<nas::SubsetOp>(l, c.name, tensors).getResult());
      GenValue count = genExpr(*d.count);
      if (!count.value)
        return GenValue();
      return GenValue::of(builder.create<nas::PickOp>(l, c.name, count.value, tensors).getResult());
    }
    }
    return GenValue();
  }

  bool flattenTensors(const GenValue &v, llvm::SmallVectorImpl<mlir::Value> &out) {
    if (v.isList) {
      for (const GenValue &e : v.list)
        if (!flattenTensors(e, out))
          return false;
      return true;
    }
    if (!v.value || !(llvm::isa<nas::TensorType>(v.value.getType()) || llvm::isa<nas::TensorListType>(v.value.getType())))
      return false;
    out.push_back(v.value);
    return true;
  }

  // ---- expressions -------------------------------------------------------

  mlir::Value intConst(int64_t v, mlir::Location l) {
    return builder.create<mlir::arith::ConstantIntOp>(l, v, 64);
  }
  mlir::Value floatConst(double v, mlir::Location l) {
    return builder.create<mlir::arith::ConstantFloatOp>(l, llvm::APFloat(v), builder.getF64Type());
  }

  /// The attribute of a constant expression (template parameter defaults).
  mlir::Attribute constantAttr(const Expr &e) {
    if (auto *i = llvm::dyn_cast<IntExpr>(&e))
      return builder.getI64IntegerAttr(i->value);
    if (auto *f = llvm::dyn_cast<FloatExpr>(&e))
      return builder.getF64FloatAttr(f->value);
    if (auto *b = llvm::dyn_cast<BoolExpr>(&e))
      return builder.getBoolAttr(b->value);
    if (auto *d = llvm::dyn_cast<DurationExpr>(&e))
      return builder.getF64FloatAttr(d->seconds);
    if (auto *s = llvm::dyn_cast<StringExpr>(&e))
      return builder.getStringAttr(s->value);
    if (auto *u = llvm::dyn_cast<UnaryExpr>(&e))
      if (u->op == "-")
        if (auto a = constantAttr(*u->operand)) {
          if (auto i = llvm::dyn_cast<mlir::IntegerAttr>(a))
            return builder.getI64IntegerAttr(-i.getInt());
          if (auto f = llvm::dyn_cast<mlir::FloatAttr>(a))
            return builder.getF64FloatAttr(-f.getValueAsDouble());
        }
    if (auto *n = llvm::dyn_cast<NameExpr>(&e))
      if (auto *c = llvm::dyn_cast_or_null<ConstDecl>(global(n->name)))
        return constantAttr(*c->value);
    return nullptr;
  }

  /// Sharing mode for the next template instance generated (set by the
  /// enclosing `shared as` / `independent`, or `root` for a search's space).
  std::optional<nas::Sharing> pendingSharing;
  std::string pendingKey;

  GenValue genExpr(const Expr &e) {
    mlir::Location l = loc(e.getLoc());
    switch (e.getKind()) {
    case Expr::Kind::Int: return GenValue::of(intConst(llvm::cast<IntExpr>(e).value, l));
    case Expr::Kind::Float: return GenValue::of(floatConst(llvm::cast<FloatExpr>(e).value, l));
    case Expr::Kind::Duration: return GenValue::of(floatConst(llvm::cast<DurationExpr>(e).seconds, l));
    case Expr::Kind::Bool:
      return GenValue::of(builder.create<mlir::arith::ConstantIntOp>(l, llvm::cast<BoolExpr>(e).value, 1));
    case Expr::Kind::String:
      return GenValue::of(builder.create<nas::StringOp>(l, llvm::cast<StringExpr>(e).value));
    case Expr::Kind::Name: return genName(llvm::cast<NameExpr>(e));
    case Expr::Kind::List: {
      std::vector<GenValue> elements;
      for (auto &el : llvm::cast<ListExpr>(e).elements) {
        GenValue v = genExpr(*el);
        if (!v.isList && v.value && v.label.empty())
          v.label = labelOf(*el);
        elements.push_back(v);
      }
      return GenValue::ofList(std::move(elements));
    }
    case Expr::Kind::Call: return genCall(llvm::cast<CallExpr>(e));
    case Expr::Kind::Index: return genIndex(llvm::cast<IndexExpr>(e));
    case Expr::Kind::Unary: {
      auto &u = llvm::cast<UnaryExpr>(e);
      GenValue v = genExpr(*u.operand);
      if (!v.value)
        return GenValue();
      if (u.op == "!")
        return GenValue::of(builder.create<mlir::arith::XOrIOp>(
            l, v.value, builder.create<mlir::arith::ConstantIntOp>(l, 1, 1)));
      if (v.value.getType().isF64())
        return GenValue::of(builder.create<mlir::arith::NegFOp>(l, v.value));
      return GenValue::of(builder.create<mlir::arith::SubIOp>(l, intConst(0, l), v.value));
    }
    case Expr::Kind::Binary: return genBinary(llvm::cast<BinaryExpr>(e));
    case Expr::Kind::If: {
      auto &i = llvm::cast<IfExpr>(e);
      GenValue c = genExpr(*i.cond), a = genExpr(*i.thenExpr), b = genExpr(*i.elseExpr);
      if (!c.value)
        return GenValue();
      return select(c.value, a, b, l);
    }
    case Expr::Kind::Pipe: {
      auto &p = llvm::cast<PipeExpr>(e);
      GenValue input = genExpr(*p.input);
      GenValue layer = genExpr(*p.layer);
      if (!input.value || !layer.value)
        return GenValue();
      return GenValue::of(builder.create<nas::ApplyOp>(l, layer.value, mlir::ValueRange{input.value}));
    }
    case Expr::Kind::Sharing: {
      auto &s = llvm::cast<SharingExpr>(e);
      pendingSharing = s.mode == SharingExpr::Mode::Shared ? nas::Sharing::shared : nas::Sharing::independent;
      pendingKey = s.key;
      GenValue v = genExpr(*s.instance);
      pendingSharing.reset();
      return v;
    }
    }
    return GenValue();
  }

  /// `if` over values or over lists of one length, element by element.
  GenValue select(mlir::Value cond, const GenValue &a, const GenValue &b, mlir::Location l) {
    if (a.isList || b.isList) {
      if (!a.isList || !b.isList || a.list.size() != b.list.size())
      {
        auto describe = [](const GenValue &v) {
          if (!v.isList)
            return std::string("not a list");
          return std::to_string(v.list.size()) + (v.list.size() == 1 ? " element" : " elements");
        };
        mlir::emitError(l) << "an 'if' between lists needs two lists of one length (here " << describe(a)
                           << " and " << describe(b) << ")";
        failed = true;
        return GenValue();
      }
      std::vector<GenValue> out;
      for (size_t i = 0; i < a.list.size(); ++i) {
        GenValue v = select(cond, a.list[i], b.list[i], l);
        v.label = a.list[i].label == b.list[i].label ? a.list[i].label : "";
        out.push_back(v);
      }
      GenValue result = GenValue::ofList(std::move(out));
      result.branches = std::make_shared<std::tuple<mlir::Value, GenValue, GenValue>>(cond, a, b);
      return result;
    }
    if (!a.value || !b.value)
      return GenValue();
    mlir::Value x = a.value, y = b.value;
    if (x.getType() != y.getType()) {
      x = coerce(x, builder.getF64Type(), l);
      y = coerce(y, builder.getF64Type(), l);
    }
    return GenValue::of(builder.create<mlir::arith::SelectOp>(l, cond, x, y));
  }

  /// `v`, unless it is lists of different lengths (GenValue::ragged): then
  /// that error, once, at the `if`.
  GenValue notRagged(const GenValue &v) {
    if (!v.ragged)
      return v;
    if (!v.ragged->second.empty()) {
      mlir::emitError(v.ragged->first) << v.ragged->second;
      v.ragged->second.clear();
    }
    failed = true;
    return GenValue();
  }

  GenValue genName(const NameExpr &n) {
    mlir::Location l = loc(n.getLoc());
    if (scope) {
      auto v = scope->values.find(n.name);
      if (v != scope->values.end())
        return notRagged(v->second);
      if (scope->locals.count(n.name))
        return notRagged(genLocal(n.name));
    }
    const Decl *d = global(n.name);
    if (!d)
      return fail(n.getLoc(), "internal error: unresolved name '" + n.name + "'");
    if (auto *c = llvm::dyn_cast<ConstDecl>(d)) {
      // Generated where used, with no local names in sight.
      Scope empty;
      Scope *saved = scope;
      scope = &empty;
      GenValue v = genExpr(*c->value);
      scope = saved;
      if (!v.isList && v.value && llvm::isa<nas::LayerType>(v.value.getType()))
        v.label = c->name;
      return v;
    }
    if (llvm::isa<OpDecl>(d) || llvm::isa<TemplateDecl>(d) || llvm::isa<ExternDecl>(d) || llvm::isa<MetricDecl>(d)) {
      GenValue v = genCallOf(d, {}, l, n.getLoc());
      if (v.value && v.label.empty())
        v.label = n.name;
      return v;
    }
    return fail(n.getLoc(), "'" + n.name + "' cannot be lowered here");
  }

  GenValue genIndex(const IndexExpr &ix) {
    GenValue base = genExpr(*ix.base), index = genExpr(*ix.index);
    if (!index.value || !base.ok())
      return GenValue();
    if (!base.isList) {
      if (llvm::isa<nas::TensorListType>(base.value.getType()))
        return GenValue::of(builder.create<nas::ItemOp>(loc(ix.getLoc()), base.value, index.value));
      return fail(ix.getLoc(), "only lists and input choices can be indexed");
    }
    llvm::APInt i;
    if (mlir::matchPattern(index.value, mlir::m_ConstantInt(&i))) {
      int64_t k = i.getSExtValue();
      if (k < 0 || k >= static_cast<int64_t>(base.list.size()))
        return fail(ix.getLoc(), "index " + std::to_string(k) + " is out of range");
      return base.list[k];
    }
    // An index that depends on a decision: a chain of selects.
    mlir::Location l = loc(ix.getLoc());
    if (base.list.empty())
      return fail(ix.getLoc(), "indexing an empty list");
    GenValue result = base.list.back();
    for (int64_t k = static_cast<int64_t>(base.list.size()) - 2; k >= 0; --k) {
      mlir::Value eq = builder.create<mlir::arith::CmpIOp>(l, mlir::arith::CmpIPredicate::eq, index.value, intConst(k, l));
      result = select(eq, base.list[k], result, l);
    }
    return result;
  }

  GenValue genBinary(const BinaryExpr &b) {
    mlir::Location l = loc(b.getLoc());
    GenValue lv = genExpr(*b.lhs), rv = genExpr(*b.rhs);
    if (!lv.value || !rv.value)
      return GenValue();
    mlir::Value x = lv.value, y = rv.value;
    const std::string &op = b.op;
    if (op == "&&")
      return GenValue::of(builder.create<mlir::arith::AndIOp>(l, x, y));
    if (op == "||")
      return GenValue::of(builder.create<mlir::arith::OrIOp>(l, x, y));
    bool isFloat = x.getType().isF64() || y.getType().isF64() || op == "/";
    if (x.getType().isInteger(1) && y.getType().isInteger(1) && (op == "==" || op == "!=")) {
      auto pred = op == "==" ? mlir::arith::CmpIPredicate::eq : mlir::arith::CmpIPredicate::ne;
      return GenValue::of(builder.create<mlir::arith::CmpIOp>(l, pred, x, y));
    }
    if (llvm::isa<nas::StringType>(x.getType())) {
      mlir::Value eq = builder.create<nas::StringEqOp>(l, x, y);
      if (op == "==")
        return GenValue::of(eq);
      return GenValue::of(builder.create<mlir::arith::XOrIOp>(l, eq, builder.create<mlir::arith::ConstantIntOp>(l, 1, 1)));
    }
    if (isFloat) {
      x = coerce(x, builder.getF64Type(), l);
      y = coerce(y, builder.getF64Type(), l);
      using P = mlir::arith::CmpFPredicate;
      std::map<std::string, P> cmp = {{"<", P::OLT}, {"<=", P::OLE}, {">", P::OGT},
                                      {">=", P::OGE}, {"==", P::OEQ}, {"!=", P::UNE}};
      if (cmp.count(op))
        return GenValue::of(builder.create<mlir::arith::CmpFOp>(l, cmp[op], x, y));
      if (op == "+") return GenValue::of(builder.create<mlir::arith::AddFOp>(l, x, y));
      if (op == "-") return GenValue::of(builder.create<mlir::arith::SubFOp>(l, x, y));
      if (op == "*") return GenValue::of(builder.create<mlir::arith::MulFOp>(l, x, y));
      if (op == "/") return GenValue::of(builder.create<mlir::arith::DivFOp>(l, x, y));
      if (op == "%") return GenValue::of(builder.create<mlir::arith::RemFOp>(l, x, y));
      if (op == "**") return GenValue::of(builder.create<mlir::math::PowFOp>(l, x, y));
    } else {
      using P = mlir::arith::CmpIPredicate;
      std::map<std::string, P> cmp = {{"<", P::slt}, {"<=", P::sle}, {">", P::sgt},
                                      {">=", P::sge}, {"==", P::eq},  {"!=", P::ne}};
      if (cmp.count(op))
        return GenValue::of(builder.create<mlir::arith::CmpIOp>(l, cmp[op], x, y));
      if (op == "+") return GenValue::of(builder.create<mlir::arith::AddIOp>(l, x, y));
      if (op == "-") return GenValue::of(builder.create<mlir::arith::SubIOp>(l, x, y));
      if (op == "*") return GenValue::of(builder.create<mlir::arith::MulIOp>(l, x, y));
      if (op == "%") return GenValue::of(builder.create<mlir::arith::RemSIOp>(l, x, y));
      if (op == "**") return GenValue::of(builder.create<mlir::math::IPowIOp>(l, x, y));
    }
    return fail(b.getLoc(), "operator '" + op + "' cannot be lowered");
  }

  // ---- calls -------------------------------------------------------------

  GenValue genCall(const CallExpr &c) {
    mlir::Location l = loc(c.getLoc());
    auto *name = llvm::dyn_cast<NameExpr>(c.callee.get());
    bool local = name && scope && (scope->values.count(name->name) || scope->locals.count(name->name));
    if (name && !local) {
      const Decl *d = global(name->name);
      if (!d || llvm::isa<ConstDecl>(d)) {
        if (!d)
          return genBuiltin(c, name->name);
      } else {
        GenValue v = genCallOf(d, c.args, l, c.getLoc());
        if (v.value && v.label.empty())
          v.label = labelOf(c);
        return v;
      }
    }
    // Application of a layer value to tensors.
    std::optional<nas::Sharing> sharing = pendingSharing;
    std::string key = pendingKey;
    GenValue layer = genExpr(*c.callee);
    (void)sharing;
    (void)key;
    if (!layer.value)
      return GenValue();
    llvm::SmallVector<mlir::Value> inputs;
    for (const Arg &a : c.args) {
      GenValue v = genExpr(*a.value);
      if (!v.value)
        return GenValue();
      inputs.push_back(v.value);
    }
    return GenValue::of(builder.create<nas::ApplyOp>(l, layer.value, inputs));
  }

  /// Binds call arguments to parameters: (name, expression) in call order.
  static std::vector<std::pair<std::string, const Expr *>> bind(const std::vector<Param> &params,
                                                                const std::vector<Arg> &args) {
    std::vector<std::pair<std::string, const Expr *>> out;
    size_t positional = 0;
    for (const Arg &a : args) {
      if (a.name.empty()) {
        if (positional < params.size())
          out.push_back({params[positional++].name, a.value.get()});
      } else {
        out.push_back({a.name, a.value.get()});
      }
    }
    return out;
  }

  /// Generates the arguments of a call, converted to the parameters' types.
  bool genArgs(const std::vector<Param> &params, const std::vector<Arg> &args,
               llvm::SmallVectorImpl<mlir::Value> &values, std::vector<std::string> &argNames, mlir::Location l) {
    // Sharing applies to the instance being built, not to its arguments.
    std::optional<nas::Sharing> sharing = pendingSharing;
    pendingSharing.reset();
    for (auto &[name, expr] : bind(params, args)) {
      GenValue v = genExpr(*expr);
      if (!v.value)
        return false;
      auto param = llvm::find_if(params, [&](const Param &p) { return p.name == name; });
      mlir::Type want = param != params.end() ? typeOf(param->type) : mlir::Type();
      values.push_back(coerce(v.value, want, l));
      argNames.push_back(name);
    }
    pendingSharing = sharing;
    return true;
  }

  GenValue genCallOf(const Decl *d, const std::vector<Arg> &args, mlir::Location l, Loc where) {
    llvm::SmallVector<mlir::Value> values;
    std::vector<std::string> argNames;
    if (auto *op = llvm::dyn_cast<OpDecl>(d)) {
      if (!genArgs(op->params, args, values, argNames, l))
        return GenValue();
      return GenValue::of(builder.create<nas::LayerOp>(l, mlir::FlatSymbolRefAttr::get(&context, op->name),
                                                       values, names(argNames)));
    }
    if (auto *t = llvm::dyn_cast<TemplateDecl>(d)) {
      nas::Sharing sharing = pendingSharing.value_or(nas::Sharing::independent);
      std::string key = pendingKey;
      pendingSharing.reset();
      if (!genArgs(t->params, args, values, argNames, l))
        return GenValue();
      // Every parameter is passed: defaults are filled in here, in
      // parameter order, each seeing the earlier parameters' values.
      Scope params;
      for (const Param &p : t->params) {
        auto given = llvm::find(argNames, p.name);
        if (given != argNames.end()) {
          params.values[p.name] = GenValue::of(values[given - argNames.begin()]);
          continue;
        }
        if (!p.defaultValue)
          continue;
        GenValue v = genDefault(*p.defaultValue, params);
        if (!v.value)
          return GenValue();
        values.push_back(coerce(v.value, typeOf(p.type), l));
        argNames.push_back(p.name);
        params.values[p.name] = GenValue::of(values.back());
      }
      auto op = builder.create<nas::InstanceOp>(
          l, sharing, sharing == nas::Sharing::shared ? builder.getStringAttr(key) : mlir::StringAttr(),
          t->name, values, names(argNames));
      return GenValue::of(op.getResult());
    }
    if (auto *e = llvm::dyn_cast<ExternDecl>(d)) {
      if (!genArgs(e->params, args, values, argNames, l))
        return GenValue();
      return GenValue::of(builder.create<nas::ExternOp>(l, mlir::FlatSymbolRefAttr::get(&context, e->name),
                                                        values, names(argNames)));
    }
    if (auto *m = llvm::dyn_cast<MetricDecl>(d)) {
      if (!genArgs(m->params, args, values, argNames, l))
        return GenValue();
      mlir::Type type = typeOf(m->type);
      return GenValue::of(builder.create<nas::MetricOp>(l, type ? type : builder.getF64Type(),
                                                        mlir::FlatSymbolRefAttr::get(&context, m->name), values,
                                                        names(argNames)));
    }
    return fail(where, "'" + d->name + "' cannot be called");
  }

  /// A template parameter's default, generated at the call: it may use the
  /// earlier parameters (in `params`), and global constants.
  GenValue genDefault(const Expr &e, Scope &params) {
    Scope *saved = scope;
    scope = &params;
    GenValue v = genExpr(e);
    scope = saved;
    return v;
  }

  /// The constant value of `p`'s default computed from the earlier
  /// parameters' default values (`earlier`; null: not known), or null.
  mlir::Attribute foldDefault(const Param &p,
                              const std::vector<std::pair<const Param *, mlir::Attribute>> &earlier) {
    mlir::Block scratch;
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(&scratch);
    mlir::Location l = loc(p.loc);
    Scope s;
    for (auto &[q, a] : earlier) {
      mlir::Type type = typeOf(q->type);
      if (!type)
        continue;
      mlir::Value v = a ? materializeAttr(a, l) : mlir::Value();
      s.values[q->name] = GenValue::of(v ? v : scratch.addArgument(type, l));
    }
    GenValue v = genDefault(*p.defaultValue, s);
    if (!v.value)
      return nullptr;
    mlir::Attribute a = nas::evaluate(coerce(v.value, typeOf(p.type), l), {});
    return a && !llvm::isa<mlir::UnitAttr>(a) ? a : nullptr;
  }

  mlir::Value materializeAttr(mlir::Attribute a, mlir::Location l) {
    if (auto s = llvm::dyn_cast<mlir::StringAttr>(a))
      return builder.create<nas::StringOp>(l, s.getValue());
    if (auto b = llvm::dyn_cast<mlir::BoolAttr>(a))
      return builder.create<mlir::arith::ConstantIntOp>(l, b.getValue(), 1);
    if (auto typed = llvm::dyn_cast<mlir::TypedAttr>(a))
      return builder.create<mlir::arith::ConstantOp>(l, typed);
    return nullptr;
  }

  /// A sum or concat of `any of` choices alone has nothing to combine when
  /// they pick nothing: such architectures cannot be built, so the space
  /// requires that they pick at least one tensor together (counted as any
  /// requirement: `feasible` excludes them, the runtime never samples them).
  void requireSomeInput(const std::string &fn, llvm::ArrayRef<mlir::Value> inputs, mlir::Location l) {
    llvm::SmallVector<nas::SubsetOp> subsets;
    for (mlir::Value v : inputs) {
      auto subset = v.getDefiningOp<nas::SubsetOp>();
      if (!subset)
        return; // a tensor, or a `k of` pick with a fixed count
      subsets.push_back(subset);
    }
    if (subsets.empty())
      return;
    mlir::Value total;
    std::string names;
    for (nas::SubsetOp s : subsets) {
      mlir::Value n = builder.create<nas::CountOp>(l, s.getResult());
      total = total ? builder.create<mlir::arith::AddIOp>(l, total, n).getResult() : n;
      names += (names.empty() ? "len(" : " + len(") + s.getName().str() + ")";
    }
    mlir::Value ok = builder.create<mlir::arith::CmpIOp>(l, mlir::arith::CmpIPredicate::sge, total, intConst(1, l));
    builder.create<nas::RequireOp>(l, ok, builder.getStringAttr(names + " >= 1"),
                                   builder.getStringAttr("'" + fn + "' of 'any of' choices alone needs at least one "
                                                         "picked input"));
  }

  GenValue genBuiltin(const CallExpr &c, const std::string &fn) {
    mlir::Location l = loc(c.getLoc());
    std::vector<GenValue> args;
    for (const Arg &a : c.args)
      args.push_back(genExpr(*a.value));
    for (const GenValue &a : args)
      if (!a.ok())
        return GenValue();
    if (fn == "sum" || fn == "concat") {
      llvm::SmallVector<mlir::Value> inputs;
      for (const GenValue &a : args)
        if (!flattenTensors(a, inputs))
          return fail(c.getLoc(), "'" + fn + "' takes tensors");
      requireSomeInput(fn, inputs, l);
      if (fn == "sum")
        return GenValue::of(builder.create<nas::SumOp>(l, inputs));
      return GenValue::of(builder.create<nas::ConcatOp>(l, inputs));
    }
    if (fn == "repeat")
      return GenValue::of(builder.create<nas::RepeatOp>(l, args[0].value, args[1].value));
    if (fn == "len") {
      if (args[0].isList)
        return GenValue::of(intConst(static_cast<int64_t>(args[0].list.size()), l));
      // An input choice: `k of [...]` holds k; what `any of` picks is a
      // decision, which nas.count reads.
      if (auto pick = args[0].value.getDefiningOp<nas::PickOp>())
        return GenValue::of(pick.getCount());
      if (mlir::isa<nas::TensorListType>(args[0].value.getType()))
        return GenValue::of(builder.create<nas::CountOp>(l, args[0].value));
      return fail(c.getLoc(), "len() takes a list or an input choice");
    }
    if (fn == "ceil" || fn == "floor" || fn == "round") {
      mlir::Value x = args[0].value;
      if (x.getType().isInteger(64))
        return GenValue::of(x);
      mlir::Value r = fn == "ceil"    ? builder.create<mlir::math::CeilOp>(l, x).getResult()
                      : fn == "floor" ? builder.create<mlir::math::FloorOp>(l, x).getResult()
                                      : builder.create<mlir::math::RoundOp>(l, x).getResult();
      return GenValue::of(builder.create<mlir::arith::FPToSIOp>(l, builder.getI64Type(), r));
    }
    if (fn == "abs") {
      mlir::Value x = args[0].value;
      if (x.getType().isF64())
        return GenValue::of(builder.create<mlir::math::AbsFOp>(l, x));
      return GenValue::of(builder.create<mlir::math::AbsIOp>(l, x));
    }
    if (fn == "min" || fn == "max") {
      bool isFloat = llvm::any_of(args, [](const GenValue &a) { return a.value.getType().isF64(); });
      mlir::Value acc = args[0].value;
      if (isFloat)
        acc = coerce(acc, builder.getF64Type(), l);
      for (size_t i = 1; i < args.size(); ++i) {
        mlir::Value x = isFloat ? coerce(args[i].value, builder.getF64Type(), l) : args[i].value;
        if (isFloat)
          acc = fn == "min" ? builder.create<mlir::arith::MinimumFOp>(l, acc, x).getResult()
                            : builder.create<mlir::arith::MaximumFOp>(l, acc, x).getResult();
        else
          acc = fn == "min" ? builder.create<mlir::arith::MinSIOp>(l, acc, x).getResult()
                            : builder.create<mlir::arith::MaxSIOp>(l, acc, x).getResult();
      }
      return GenValue::of(acc);
    }
    return fail(c.getLoc(), "builtin '" + fn + "' cannot be lowered");
  }
};

} // namespace

mlir::OwningOpRef<mlir::ModuleOp> nasc::mlirGen(mlir::MLIRContext &context,
                                                const std::vector<Module *> &modules) {
  context.loadDialect<nas::NasDialect, mlir::arith::ArithDialect, mlir::math::MathDialect>();
  return Generator(context).run(modules);
}
