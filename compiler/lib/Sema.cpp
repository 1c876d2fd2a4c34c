//===- Sema.cpp - Names, types and structure of a .nas program ------------===//
//
// The type checker. Every expression gets a type and two dependence flags
// (on a choice, on a metric); an expression that already failed has type
// `error` and is never reported again, which keeps one mistake to one message.
// Template bodies are order-independent: names are collected first, cycles
// among them are reported, then each binding is typed on demand.
//
//===----------------------------------------------------------------------===//
#include "nasc/Sema.h"
#include "SemaInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <functional>
#include <map>

using namespace nasc;

bool nasc::isBuiltinFunction(llvm::StringRef name) {
  return llvm::is_contained({"sum", "concat", "repeat", "ceil", "floor", "round", "min", "max",
                             "abs", "len"},
                            name);
}

bool nasc::isOpImplicit(llvm::StringRef name) {
  return name == "in_channels" || name == "in_h" || name == "in_w";
}

namespace {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

enum class TK {
  Error, Int, Float, Bool, String, Duration, Tensor, Layer,
  Strategy, Estimator, Dataset, Optimizer, List, Nothing /* element of [] */
};

struct Type {
  TK kind = TK::Error;
  TK elem = TK::Error; // List only
  static Type of(TK k) { return Type{k, TK::Error}; }
  static Type list(TK e) { return Type{TK::List, e}; }
  bool isError() const { return kind == TK::Error || (kind == TK::List && elem == TK::Error); }
  bool isNumeric() const { return kind == TK::Int || kind == TK::Float; }
  bool operator==(const Type &o) const {
    return kind == o.kind && (kind != TK::List || elem == o.elem);
  }
  bool operator!=(const Type &o) const { return !(*this == o); }
};

const char *kindName(TK k) {
  switch (k) {
  case TK::Error: return "<error>";
  case TK::Int: return "int";
  case TK::Float: return "float";
  case TK::Bool: return "bool";
  case TK::String: return "string";
  case TK::Duration: return "duration";
  case TK::Tensor: return "tensor";
  case TK::Layer: return "op";
  case TK::Strategy: return "strategy";
  case TK::Estimator: return "estimator";
  case TK::Dataset: return "dataset";
  case TK::Optimizer: return "optimizer";
  case TK::List: return "list";
  case TK::Nothing: return "nothing";
  }
  return "?";
}

/// "an int", "a tensor", "an empty list".
std::string withArticle(const std::string &name) {
  bool vowel = !name.empty() && std::string("aeiou").find(name[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + name;
}

std::string typeName(Type t) {
  if (t.kind == TK::List)
    return t.elem == TK::Nothing ? "empty list" : std::string(kindName(t.elem)) + "[]";
  return kindName(t.kind);
}

TK externType(ExternDecl::ExternKind k) {
  switch (k) {
  case ExternDecl::ExternKind::Strategy: return TK::Strategy;
  case ExternDecl::ExternKind::Estimator: return TK::Estimator;
  case ExternDecl::ExternKind::Dataset: return TK::Dataset;
  case ExternDecl::ExternKind::Optimizer: return TK::Optimizer;
  }
  return TK::Error;
}

/// Can a value of type `from` be passed where `to` is expected?
bool assignable(Type from, Type to) {
  if (from.isError() || to.isError())
    return true;
  if (from == to)
    return true;
  if (from.kind == TK::Int && to.kind == TK::Float)
    return true;
  if (from.kind == TK::List && to.kind == TK::List)
    return from.elem == TK::Nothing || from.elem == to.elem ||
           (from.elem == TK::Int && to.elem == TK::Float);
  return false;
}

/// What the checker knows of an expression.
struct Info {
  Type type;
  bool choice = false; // depends on a decision
  bool metric = false; // depends on a metric
  // Layers only:
  const TemplateDecl *tmpl = nullptr; // instance of this template
  int arity = 1;                      // tensor inputs it takes
  bool instance = false;              // a direct template instantiation (needs a sharing mode)

  static Info error() { return Info{}; }
  static Info of(TK k) {
    Info i;
    i.type = Type::of(k);
    return i;
  }
  Info &dep(const Info &o) {
    choice |= o.choice;
    metric |= o.metric;
    return *this;
  }
};

//===----------------------------------------------------------------------===//
// Local scopes
//===----------------------------------------------------------------------===//

struct LocalSym {
  enum class Kind { Param, Input, Node, Let, Const, Choice, Implicit };
  Kind kind;
  Loc loc;
  const NamedStmt *stmt = nullptr;
  const Param *param = nullptr;
  Info info;
  bool done = false;
  bool used = false;
};

const char *localKindName(LocalSym::Kind k) {
  switch (k) {
  case LocalSym::Kind::Param: return "parameter";
  case LocalSym::Kind::Input: return "input";
  case LocalSym::Kind::Node: return "node";
  case LocalSym::Kind::Let: return "let";
  case LocalSym::Kind::Const: return "const";
  case LocalSym::Kind::Choice: return "choice";
  case LocalSym::Kind::Implicit: return "implicit value";
  }
  return "name";
}

/// The names of one template, op or search body.
struct Scope {
  std::string owner; // "cell 'C'" for messages
  std::map<std::string, LocalSym> syms;
  const TemplateDecl *tmpl = nullptr;
  bool allowsMetrics = false;
  // Sharing keys used in this body: key -> template and first use.
  std::map<std::string, std::pair<const TemplateDecl *, Loc>> sharingKeys;
};

/// Where an expression stands, for what it may contain and how to word errors.
struct Ctx {
  Scope *scope = nullptr;
  bool metricsAllowed = false;
  bool underSharing = false; // the parent is `shared as` / `independent`
  const char *unknownWord = "name"; // "unknown operation 'x'" vs "unknown name"
  bool layerPosition = false;       // right of '|>': a name there is an operation
};

void collectNames(const Expr *e, std::vector<const NameExpr *> &out) {
  if (!e)
    return;
  switch (e->getKind()) {
  case Expr::Kind::Name:
    out.push_back(llvm::cast<NameExpr>(e));
    return;
  case Expr::Kind::List:
    for (auto &el : llvm::cast<ListExpr>(e)->elements)
      collectNames(el.get(), out);
    return;
  case Expr::Kind::Call: {
    auto *c = llvm::cast<CallExpr>(e);
    collectNames(c->callee.get(), out);
    for (auto &a : c->args)
      collectNames(a.value.get(), out);
    return;
  }
  case Expr::Kind::Index:
    collectNames(llvm::cast<IndexExpr>(e)->base.get(), out);
    collectNames(llvm::cast<IndexExpr>(e)->index.get(), out);
    return;
  case Expr::Kind::Unary:
    collectNames(llvm::cast<UnaryExpr>(e)->operand.get(), out);
    return;
  case Expr::Kind::Binary:
    collectNames(llvm::cast<BinaryExpr>(e)->lhs.get(), out);
    collectNames(llvm::cast<BinaryExpr>(e)->rhs.get(), out);
    return;
  case Expr::Kind::If:
    collectNames(llvm::cast<IfExpr>(e)->cond.get(), out);
    collectNames(llvm::cast<IfExpr>(e)->thenExpr.get(), out);
    collectNames(llvm::cast<IfExpr>(e)->elseExpr.get(), out);
    return;
  case Expr::Kind::Pipe:
    collectNames(llvm::cast<PipeExpr>(e)->input.get(), out);
    collectNames(llvm::cast<PipeExpr>(e)->layer.get(), out);
    return;
  case Expr::Kind::Sharing:
    collectNames(llvm::cast<SharingExpr>(e)->instance.get(), out);
    return;
  default:
    return;
  }
}

/// Every expression a named statement's value depends on.
std::vector<const Expr *> stmtExprs(const Stmt *s) {
  std::vector<const Expr *> out;
  if (auto *b = llvm::dyn_cast<BindingStmt>(s)) {
    out.push_back(b->value.get());
  } else if (auto *c = llvm::dyn_cast<ChoiceStmt>(s)) {
    const Domain &d = c->domain;
    for (const Expr *e : {d.values.get(), d.lo.get(), d.hi.get(), d.step.get(), d.count.get()})
      if (e)
        out.push_back(e);
  } else if (auto *r = llvm::dyn_cast<RequireStmt>(s)) {
    out.push_back(r->cond.get());
  } else if (auto *o = llvm::dyn_cast<OutputStmt>(s)) {
    out.push_back(o->value.get());
  } else if (auto *i = llvm::dyn_cast<InputStmt>(s)) {
    if (i->type)
      for (auto &e : i->type->shape)
        out.push_back(e.get());
  }
  return out;
}

//===----------------------------------------------------------------------===//
// The checker
//===----------------------------------------------------------------------===//

class Checker {
public:
  Checker(Program &program) : program(program), sink(program.sink) {}

  void run(const std::vector<Module *> &modules) {
    for (Module *m : modules)
      collectGlobals(*m);
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls)
        if (auto *t = llvm::dyn_cast<TemplateDecl>(d.get()))
          checkRecursion(t);
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls)
        checkDecl(*d);
  }

private:
  Program &program;
  DiagSink &sink;

  // ---- global names ----------------------------------------------------

  std::map<const ConstDecl *, Info> constInfo;
  std::set<const ConstDecl *> constInProgress;
  std::map<const TemplateDecl *, bool> decisionsMemo;
  std::set<const TemplateDecl *> recursive;

  static const char *declKindName(const Decl *d) {
    if (auto *t = llvm::dyn_cast<TemplateDecl>(d))
      return templateKindName(t->templateKind);
    if (auto *e = llvm::dyn_cast<ExternDecl>(d))
      return externKindName(e->externKind);
    switch (d->getKind()) {
    case Decl::Kind::Const: return "const";
    case Decl::Kind::Op: return "op";
    case Decl::Kind::Metric: return "metric";
    case Decl::Kind::Search: return "search";
    default: return "declaration";
    }
  }

  static std::string describe(const Decl *d) {
    return std::string(declKindName(d)) + " '" + d->name + "'";
  }

  void collectGlobals(const Module &m) {
    for (const DeclPtr &d : m.decls) {
      if (llvm::isa<ImportDecl>(d.get()))
        continue;
      if (isBuiltinFunction(d->name)) {
        sink.error(d->nameLoc, "'" + d->name + "' is a builtin function and cannot be redefined");
        continue;
      }
      auto [it, inserted] = program.globals.try_emplace(d->name, d.get());
      if (!inserted) {
        auto diag = sink.error(d->nameLoc, "redefinition of '" + d->name + "'");
        sink.note(diag, it->second->nameLoc, "previous definition is here");
      }
    }
  }

  const Decl *global(llvm::StringRef name) const {
    auto it = program.globals.find(name);
    return it == program.globals.end() ? nullptr : it->second;
  }

  std::vector<std::string> globalNames(std::function<bool(const Decl *)> filter) const {
    std::vector<std::string> names;
    for (auto &entry : program.globals)
      if (!filter || filter(entry.second))
        names.push_back(entry.first().str());
    return names;
  }

  // ---- recursion among templates --------------------------------------

  /// Templates a template's body names, with where (ignoring local shadows).
  std::vector<std::pair<const TemplateDecl *, Loc>> templateRefs(const TemplateDecl *t) {
    std::set<std::string> locals;
    for (auto &p : t->params)
      locals.insert(p.name);
    for (auto &s : t->body)
      if (auto *n = llvm::dyn_cast<NamedStmt>(s.get()))
        locals.insert(n->name);
    std::vector<std::pair<const TemplateDecl *, Loc>> refs;
    for (auto &s : t->body) {
      for (const Expr *e : stmtExprs(s.get())) {
        std::vector<const NameExpr *> names;
        collectNames(e, names);
        for (const NameExpr *n : names)
          if (!locals.count(n->name))
            if (auto *ref = llvm::dyn_cast_or_null<TemplateDecl>(global(n->name)))
              refs.push_back({ref, n->getLoc()});
      }
    }
    return refs;
  }

  void checkRecursion(const TemplateDecl *root) {
    // Depth-first from root; a path back to root is reported once at root.
    std::vector<std::pair<const TemplateDecl *, Loc>> path;
    std::set<const TemplateDecl *> visited;
    std::function<bool(const TemplateDecl *)> dfs = [&](const TemplateDecl *t) -> bool {
      for (auto &[ref, loc] : templateRefs(t)) {
        path.push_back({ref, loc});
        if (ref == root)
          return true;
        if (visited.insert(ref).second && dfs(ref))
          return true;
        path.pop_back();
      }
      return false;
    };
    if (!dfs(root))
      return;
    recursive.insert(root);
    std::vector<std::string> chain{root->name};
    for (auto &step : path)
      chain.push_back(step.first->name);
    std::string kind = templateKindName(root->templateKind);
    auto diag = sink.error(path.front().second,
                           path.size() == 1
                               ? kind + " '" + root->name + "' instantiates itself"
                               : kind + " '" + root->name + "' instantiates itself through " +
                                     llvm::join(chain, " -> "));
    sink.note(diag, root->nameLoc, kind + " '" + root->name + "' is declared here");
  }

  /// Does an instance of `t` own decisions (its own choices, or those of a
  /// template it instantiates)? Those instances must say how they share them.
  bool hasDecisions(const TemplateDecl *t) {
    auto it = decisionsMemo.find(t);
    if (it != decisionsMemo.end())
      return it->second;
    decisionsMemo[t] = false; // a recursive template answers false while in progress
    bool result = llvm::any_of(t->body, [](const StmtPtr &s) { return llvm::isa<ChoiceStmt>(s.get()); });
    if (!result)
      for (auto &[ref, loc] : templateRefs(t))
        if (ref != t && hasDecisions(ref)) {
          result = true;
          break;
        }
    decisionsMemo[t] = result;
    return result;
  }

  // ---- types as written -------------------------------------------------

  Type resolveType(const TypeRef &ref) {
    if (ref.kind == TypeRef::Kind::Tensor)
      return Type::of(TK::Tensor);
    static const std::map<std::string, TK> names = {
        {"int", TK::Int},       {"float", TK::Float},   {"bool", TK::Bool},
        {"string", TK::String}, {"duration", TK::Duration}, {"op", TK::Layer},
        {"tensor", TK::Tensor}};
    auto it = names.find(ref.name);
    if (it == names.end()) {
      std::vector<std::string> candidates;
      for (auto &n : names)
        candidates.push_back(n.first);
      sink.error(ref.loc, "unknown type '" + ref.name + "'" + didYouMean(ref.name, candidates));
      return Type::of(TK::Error);
    }
    return ref.kind == TypeRef::Kind::List ? Type::list(it->second) : Type::of(it->second);
  }

  /// Checks a parameter list; defaults are typed in `scope` (op implicits).
  void checkParams(const std::vector<Param> &params, Scope &scope, Ctx ctx) {
    std::map<std::string, const Param *> seen;
    for (const Param &p : params) {
      auto [it, inserted] = seen.emplace(p.name, &p);
      if (!inserted) {
        auto diag = sink.error(p.loc, "duplicate parameter '" + p.name + "'");
        sink.note(diag, it->second->loc, "previous parameter is here");
        continue;
      }
      LocalSym sym{LocalSym::Kind::Param, p.loc};
      sym.param = &p;
      sym.info.type = resolveType(p.type);
      sym.done = true;
      sym.used = true;
      scope.syms.emplace(p.name, sym);
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const Param &p = params[i];
      if (!p.defaultValue)
        continue;
      // A default is evaluated with the earlier parameters only.
      std::vector<const NameExpr *> names;
      collectNames(p.defaultValue.get(), names);
      bool forward = false;
      for (const NameExpr *n : names) {
        auto later = std::find_if(params.begin() + i, params.end(),
                                  [&](const Param &q) { return q.name == n->name; });
        if (later == params.end())
          continue;
        forward = true;
        if (&*later == &p) {
          sink.error(n->getLoc(), "default value of parameter '" + p.name + "' uses the parameter itself");
        } else {
          auto diag = sink.error(n->getLoc(), "default value of parameter '" + p.name + "' uses parameter '" +
                                                  n->name + "', which is declared after it; a default may use "
                                                  "only earlier parameters");
          sink.note(diag, later->loc, "'" + n->name + "' is declared here");
        }
      }
      if (forward)
        continue;
      Info def = check(*p.defaultValue, ctx);
      Type want = scope.syms.count(p.name) ? scope.syms[p.name].info.type : Type::of(TK::Error);
      if (!assignable(def.type, want))
        sink.error(p.defaultValue->getLoc(), "default value of parameter '" + p.name +
                                                 "' must be " + typeName(want) + ", got " +
                                                 typeName(def.type));
      else if (def.choice)
        sink.error(p.defaultValue->getLoc(),
                   "default value of parameter '" + p.name + "' cannot depend on a choice");
    }
  }

  // ---- declarations ----------------------------------------------------

  void checkDecl(const Decl &d) {
    switch (d.getKind()) {
    case Decl::Kind::Import:
      return;
    case Decl::Kind::Const:
      checkGlobalConst(llvm::cast<ConstDecl>(&d));
      return;
    case Decl::Kind::Op:
      checkOp(llvm::cast<OpDecl>(d));
      return;
    case Decl::Kind::Extern: {
      auto &e = llvm::cast<ExternDecl>(d);
      Scope scope;
      scope.owner = describe(&e);
      checkParams(e.params, scope, Ctx{&scope});
      return;
    }
    case Decl::Kind::Metric: {
      auto &m = llvm::cast<MetricDecl>(d);
      Scope scope;
      scope.owner = describe(&m);
      checkParams(m.params, scope, Ctx{&scope});
      Type t = resolveType(m.type);
      if (!t.isError() && !t.isNumeric())
        sink.error(m.type.loc, "metric '" + m.name + "' must be int or float, not " + typeName(t));
      return;
    }
    case Decl::Kind::Template:
      checkTemplate(llvm::cast<TemplateDecl>(d));
      return;
    case Decl::Kind::Search:
      checkSearch(llvm::cast<SearchDecl>(d));
      return;
    }
  }

  Info checkGlobalConst(const ConstDecl *c) {
    auto it = constInfo.find(c);
    if (it != constInfo.end())
      return it->second;
    if (constInProgress.count(c)) {
      sink.error(c->nameLoc, "const '" + c->name + "' is defined in terms of itself");
      return constInfo[c] = Info::error();
    }
    constInProgress.insert(c);
    Info info = checkConstValue(c->name, c->type ? &*c->type : nullptr, *c->value, Ctx{});
    constInProgress.erase(c);
    return constInfo[c] = info;
  }

  Info checkConstValue(const std::string &name, const TypeRef *type, const Expr &value, Ctx ctx) {
    ctx.metricsAllowed = false;
    Info info = check(value, ctx);
    if (info.type.isError())
      return info;
    if (info.choice) {
      sink.error(value.getLoc(), "const '" + name + "' depends on a choice; use 'let' for derived values");
      return Info::error();
    }
    if (info.type.kind == TK::Tensor) {
      sink.error(value.getLoc(), "const '" + name + "' holds a tensor; use 'node'");
      return Info::error();
    }
    if (type) {
      Type want = resolveType(*type);
      if (!assignable(info.type, want)) {
        sink.error(value.getLoc(), "const '" + name + "' is declared " + typeName(want) +
                                       " but its value is " + typeName(info.type));
        return Info::error();
      }
      info.type = want;
    }
    return info;
  }

  void checkOp(const OpDecl &op) {
    Scope scope;
    scope.owner = describe(&op);
    for (const char *implicit : {"in_channels", "in_h", "in_w"}) {
      LocalSym sym{LocalSym::Kind::Implicit, op.getLoc()};
      sym.info = Info::of(TK::Int);
      sym.done = sym.used = true;
      scope.syms.emplace(implicit, sym);
    }
    Ctx ctx{&scope};
    checkParams(op.params, scope, ctx);

    static const std::map<std::string, std::vector<TK>> properties = {
        {"out_channels", {TK::Int}}, {"stride", {TK::Int}},
        {"params", {TK::Int, TK::Float}}, {"flops", {TK::Int, TK::Float}}};
    std::map<std::string, Loc> seen;
    for (const OpProperty &p : op.properties) {
      auto known = properties.find(p.key);
      if (known == properties.end()) {
        std::vector<std::string> candidates;
        for (auto &k : properties)
          candidates.push_back(k.first);
        sink.error(p.loc, "unknown op property '" + p.key + "'" + didYouMean(p.key, candidates) +
                              " (expected one of out_channels, stride, params, flops)");
        continue;
      }
      auto [it, inserted] = seen.emplace(p.key, p.loc);
      if (!inserted) {
        auto diag = sink.error(p.loc, "property '" + p.key + "' is set twice");
        sink.note(diag, it->second, "previously set here");
        continue;
      }
      Info value = check(*p.value, ctx);
      if (!value.type.isError() && !llvm::is_contained(known->second, value.type.kind))
        sink.error(p.value->getLoc(), "property '" + p.key + "' must be " +
                                          (known->second.size() == 1 ? "int" : "a number") +
                                          ", got " + typeName(value.type));
    }

    static const std::vector<std::string> traits = {
        "zero",    "identity",      "parameter_free", "pooling", "convolution",
        "normalization", "activation", "attention",   "combiner", "stochastic"};
    for (const OpTrait &t : op.traits)
      if (!llvm::is_contained(traits, t.name))
        sink.error(t.loc, "unknown trait '" + t.name + "'" + didYouMean(t.name, traits));

    for (const auto &r : op.requires_)
      checkRequire(*r, ctx);
  }

  void checkRequire(const RequireStmt &r, Ctx ctx) {
    Info cond = check(*r.cond, ctx);
    if (!cond.type.isError() && cond.type.kind != TK::Bool)
      sink.error(r.cond->getLoc(), "requirement must be a condition (bool), got " + typeName(cond.type));
  }

  // ---- templates ---------------------------------------------------------

  /// Adds the named statements of a body to `scope`, reporting duplicates.
  void declareLocals(const std::vector<StmtPtr> &body, Scope &scope) {
    for (const StmtPtr &s : body) {
      auto *named = llvm::dyn_cast<NamedStmt>(s.get());
      if (!named)
        continue;
      LocalSym::Kind kind;
      switch (s->getKind()) {
      case Stmt::Kind::Input: kind = LocalSym::Kind::Input; break;
      case Stmt::Kind::Node: kind = LocalSym::Kind::Node; break;
      case Stmt::Kind::Let: kind = LocalSym::Kind::Let; break;
      case Stmt::Kind::Const: kind = LocalSym::Kind::Const; break;
      default: kind = LocalSym::Kind::Choice; break;
      }
      if (isBuiltinFunction(named->name)) {
        sink.error(named->nameLoc, "'" + named->name + "' is a builtin function and cannot be redefined");
        continue;
      }
      auto it = scope.syms.find(named->name);
      if (it != scope.syms.end()) {
        auto diag = sink.error(named->nameLoc, "redefinition of '" + named->name + "'");
        sink.note(diag, it->second.loc, "previous definition is here");
        continue;
      }
      LocalSym sym{kind, named->nameLoc};
      sym.stmt = named;
      scope.syms.emplace(named->name, sym);
    }
  }

  /// Local names each local binding refers to.
  std::vector<std::pair<std::string, Loc>> localRefs(const NamedStmt *s, Scope &scope) {
    std::vector<std::pair<std::string, Loc>> refs;
    for (const Expr *e : stmtExprs(s)) {
      std::vector<const NameExpr *> names;
      collectNames(e, names);
      for (const NameExpr *n : names) {
        auto it = scope.syms.find(n->name);
        if (it != scope.syms.end() && it->second.stmt)
          refs.push_back({n->name, n->getLoc()});
      }
    }
    return refs;
  }

  /// Reports each cycle among local bindings once; their members become errors.
  void reportCycles(Scope &scope) {
    enum Color { White, Grey, Black };
    std::map<std::string, Color> color;
    std::vector<std::string> stack;
    std::function<void(const std::string &)> visit = [&](const std::string &name) {
      color[name] = Grey;
      stack.push_back(name);
      LocalSym &sym = scope.syms[name];
      for (auto &[ref, loc] : localRefs(sym.stmt, scope)) {
        if (color[ref] == Grey) {
          auto start = std::find(stack.begin(), stack.end(), ref);
          std::vector<std::string> cycle(start, stack.end());
          cycle.push_back(ref);
          LocalSym &head = scope.syms[ref];
          std::string what = head.kind == LocalSym::Kind::Node ? "node" : localKindName(head.kind);
          std::string message =
              cycle.size() == 2
                  ? "cycle in " + scope.owner + ": " + what + " '" + ref + "' depends on itself"
                  : "cycle in " + scope.owner + ": " + what + " '" + ref +
                        "' depends on itself through " + llvm::join(cycle, " -> ");
          auto diag = sink.error(head.loc, message);
          if (cycle.size() > 2)
            sink.note(diag, loc, "'" + name + "' uses '" + ref + "' here, closing the cycle");
          for (auto i = start; i != stack.end(); ++i) {
            scope.syms[*i].done = true;
            scope.syms[*i].info = Info::error();
          }
        } else if (color[ref] == White) {
          visit(ref);
        }
      }
      stack.pop_back();
      color[name] = Black;
    };
    for (auto &entry : scope.syms)
      if (entry.second.stmt && color[entry.first] == White)
        visit(entry.first);
  }

  /// The type of a local binding, checked on first use.
  Info localInfo(const std::string &name, LocalSym &sym, Ctx ctx) {
    if (sym.done)
      return sym.info;
    sym.done = true; // cycles were reported before; never re-enter
    Ctx inner{ctx.scope, ctx.scope->allowsMetrics};
    Info info;
    switch (sym.kind) {
    case LocalSym::Kind::Input: {
      auto *in = llvm::cast<InputStmt>(sym.stmt);
      info = Info::of(TK::Tensor);
      if (in->type) {
        Type t = resolveType(*in->type);
        if (!t.isError() && t.kind != TK::Tensor)
          sink.error(in->type->loc, "input '" + name + "' must be a tensor, not " + typeName(t));
        for (auto &dim : in->type->shape) {
          Info d = check(*dim, Ctx{ctx.scope});
          // A dimension may be a choice: resolution is searched (EfficientNet).
          if (!d.type.isError() && d.type.kind != TK::Int)
            sink.error(dim->getLoc(), "tensor dimensions must be int, got " + typeName(d.type));
        }
      }
      break;
    }
    case LocalSym::Kind::Node: {
      auto *b = llvm::cast<BindingStmt>(sym.stmt);
      inner.metricsAllowed = false;
      info = check(*b->value, inner);
      if (!info.type.isError() && info.type.kind != TK::Tensor) {
        sink.error(b->value->getLoc(), "node '" + name + "' must be a feature map (tensor), but its value is " +
                                           typeName(info.type) + "; use 'let' for other values");
        info = Info::error();
      }
      break;
    }
    case LocalSym::Kind::Let: {
      auto *b = llvm::cast<BindingStmt>(sym.stmt);
      info = check(*b->value, inner);
      if (!info.type.isError() && info.type.kind == TK::Tensor) {
        sink.error(b->value->getLoc(), "'" + name + "' holds a tensor; declare it with 'node'");
        info = Info::error();
      }
      break;
    }
    case LocalSym::Kind::Const: {
      auto *b = llvm::cast<BindingStmt>(sym.stmt);
      info = checkConstValue(name, b->type ? &*b->type : nullptr, *b->value, Ctx{ctx.scope});
      break;
    }
    case LocalSym::Kind::Choice:
      info = checkChoice(*llvm::cast<ChoiceStmt>(sym.stmt), Ctx{ctx.scope});
      break;
    default:
      break;
    }
    sym.info = info;
    return info;
  }

  Info checkChoice(const ChoiceStmt &c, Ctx ctx) {
    const Domain &d = c.domain;
    ctx.metricsAllowed = false;
    auto fixed = [&](const Expr &e, const Info &i) {
      if (i.choice) {
        sink.error(e.getLoc(), "the domain of choice '" + c.name +
                                   "' depends on another choice; domains must be fixed");
        return false;
      }
      return true;
    };
    Info result;
    result.choice = true;
    switch (d.kind) {
    case Domain::Kind::Values: {
      Info values = check(*d.values, ctx);
      if (values.type.isError() || !fixed(*d.values, values))
        return Info::error();
      if (values.type.kind != TK::List) {
        sink.error(d.values->getLoc(), "choice '" + c.name + "' needs a list of alternatives, got " +
                                           typeName(values.type) + "; write [a, b, ...] or a range lo..hi");
        return Info::error();
      }
      if (values.type.elem == TK::Tensor) {
        sink.error(d.values->getLoc(), "a choice among tensors is an input choice; write '1 of [...]'");
        return Info::error();
      }
      result.type = Type::of(values.type.elem == TK::Nothing ? TK::Error : values.type.elem);
      if (values.type.elem == TK::Layer) {
        result.arity = values.arity;
        result.tmpl = values.tmpl;
      }
      return result;
    }
    case Domain::Kind::Range: {
      Info lo = check(*d.lo, ctx), hi = check(*d.hi, ctx);
      Info step = d.step ? check(*d.step, ctx) : Info::of(TK::Int);
      if (lo.type.isError() || hi.type.isError() || step.type.isError())
        return Info::error();
      if (!fixed(*d.lo, lo) || !fixed(*d.hi, hi) || (d.step && !fixed(*d.step, step)))
        return Info::error();
      for (auto [e, i] : {std::pair{d.lo.get(), lo}, {d.hi.get(), hi}})
        if (!i.type.isNumeric()) {
          sink.error(e->getLoc(), "range bounds must be numbers, got " + typeName(i.type));
          return Info::error();
        }
      if (d.step && !step.type.isNumeric()) {
        sink.error(d.step->getLoc(), "range step must be a number, got " + typeName(step.type));
        return Info::error();
      }
      bool isInt = lo.type.kind == TK::Int && hi.type.kind == TK::Int && step.type.kind == TK::Int;
      result.type = Type::of(isInt ? TK::Int : TK::Float);
      return result;
    }
    case Domain::Kind::Pick:
    case Domain::Kind::Subset: {
      if (d.count) {
        Info count = check(*d.count, ctx);
        if (!count.type.isError() && count.type.kind != TK::Int) {
          sink.error(d.count->getLoc(), "the number of inputs to pick must be int, got " + typeName(count.type));
          return Info::error();
        }
        if (!count.type.isError() && !fixed(*d.count, count))
          return Info::error();
      }
      Info values = check(*d.values, ctx);
      if (values.type.isError())
        return Info::error();
      if (values.type.kind != TK::List || (values.type.elem != TK::Tensor && values.type.elem != TK::Nothing)) {
        sink.error(d.values->getLoc(), std::string("an input choice picks among tensors (nodes or inputs), got ") +
                                           typeName(values.type));
        return Info::error();
      }
      result.type = Type::list(TK::Tensor);
      return result;
    }
    }
    return Info::error();
  }

  void checkTemplate(const TemplateDecl &t) {
    Scope scope;
    scope.owner = std::string(templateKindName(t.templateKind)) + " '" + t.name + "'";
    scope.tmpl = &t;
    scope.allowsMetrics = true; // in requirements
    Ctx ctx{&scope};
    checkParams(t.params, scope, ctx);
    declareLocals(t.body, scope);
    reportCycles(scope);

    const OutputStmt *output = nullptr;
    bool anyInput = false;
    for (const StmtPtr &s : t.body) {
      if (auto *named = llvm::dyn_cast<NamedStmt>(s.get())) {
        auto it = scope.syms.find(named->name);
        if (it != scope.syms.end() && it->second.stmt == named)
          localInfo(named->name, it->second, ctx);
        if (llvm::isa<InputStmt>(named)) {
          anyInput = true;
          auto *in = llvm::cast<InputStmt>(named);
          if (t.templateKind == TemplateDecl::TemplateKind::Network && (!in->type || in->type->shape.empty()))
            sink.error(in->nameLoc, "network input '" + in->name +
                                        "' needs a shape, e.g. 'input " + in->name + ": tensor(3, 32, 32);'");
        }
      } else if (auto *r = llvm::dyn_cast<RequireStmt>(s.get())) {
        Ctx rctx = ctx;
        rctx.metricsAllowed = true;
        checkRequire(*r, rctx);
      } else if (auto *o = llvm::dyn_cast<OutputStmt>(s.get())) {
        if (output) {
          auto diag = sink.error(o->getLoc(), scope.owner + " has more than one output");
          sink.note(diag, output->getLoc(), "first output is here");
          continue;
        }
        output = o;
        Info out = check(*o->value, Ctx{&scope});
        if (!out.type.isError() && out.type.kind != TK::Tensor)
          sink.error(o->value->getLoc(), "the output of " + scope.owner + " must be a tensor, got " +
                                             typeName(out.type));
      }
    }
    if (!anyInput)
      sink.error(t.nameLoc, scope.owner + " has no input; add 'input x;'");
    if (!output) {
      sink.error(t.nameLoc, scope.owner + " has no output; add 'output EXPR;'");
      return;
    }
    reportUnused(t.body, scope);
  }

  /// Anything that does not reach the output or a requirement: an unused node
  /// is an error (part of the network silently does nothing), the rest warnings.
  void reportUnused(const std::vector<StmtPtr> &body, Scope &scope,
                    const std::vector<const Expr *> &extraRoots = {}) {
    std::set<std::string> reached;
    std::vector<std::string> work;
    auto reach = [&](const Expr *e) {
      std::vector<const NameExpr *> names;
      collectNames(e, names);
      for (const NameExpr *n : names)
        if (scope.syms.count(n->name) && reached.insert(n->name).second)
          work.push_back(n->name);
    };
    for (const StmtPtr &s : body)
      if (llvm::isa<OutputStmt>(s.get()) || llvm::isa<RequireStmt>(s.get()))
        for (const Expr *e : stmtExprs(s.get()))
          reach(e);
    for (const Expr *e : extraRoots)
      reach(e);
    while (!work.empty()) {
      std::string name = work.back();
      work.pop_back();
      LocalSym &sym = scope.syms[name];
      if (sym.stmt)
        for (const Expr *e : stmtExprs(sym.stmt))
          reach(e);
    }
    for (const StmtPtr &s : body) {
      auto *named = llvm::dyn_cast<NamedStmt>(s.get());
      if (!named || reached.count(named->name))
        continue;
      auto it = scope.syms.find(named->name);
      if (it == scope.syms.end() || it->second.stmt != named || it->second.info.type.isError())
        continue;
      switch (it->second.kind) {
      case LocalSym::Kind::Node:
        sink.error(named->nameLoc, "node '" + named->name + "' is never used: it does not reach the output of " +
                                       scope.owner);
        break;
      case LocalSym::Kind::Input:
        sink.warning(named->nameLoc, "input '" + named->name + "' is never used");
        break;
      case LocalSym::Kind::Choice:
        sink.warning(named->nameLoc, "choice '" + named->name +
                                         "' is never used: it multiplies the space without changing any network");
        break;
      default:
        sink.warning(named->nameLoc, std::string(localKindName(it->second.kind)) + " '" + named->name +
                                         "' is never used");
        break;
      }
    }
  }

  // ---- search blocks ---------------------------------------------------

  void checkSearch(const SearchDecl &s) {
    Scope scope;
    scope.owner = "search '" + s.name + "'";
    scope.allowsMetrics = true;
    declareLocals(s.body, scope);
    reportCycles(scope);
    Ctx ctx{&scope};
    for (const StmtPtr &st : s.body) {
      if (auto *named = llvm::dyn_cast<NamedStmt>(st.get())) {
        auto it = scope.syms.find(named->name);
        if (it != scope.syms.end() && it->second.stmt == named)
          localInfo(named->name, it->second, ctx);
      } else if (auto *r = llvm::dyn_cast<RequireStmt>(st.get())) {
        Ctx rctx = ctx;
        rctx.metricsAllowed = true;
        rctx.unknownWord = "metric";
        checkRequire(*r, rctx);
      }
    }

    struct KeySpec {
      TK type;
      const char *what;
    };
    static const std::map<std::string, KeySpec> keys = {
        {"space", {TK::Layer, "a network"}},          {"dataset", {TK::Dataset, "a dataset"}},
        {"estimator", {TK::Estimator, "an estimator"}}, {"strategy", {TK::Strategy, "a strategy"}},
        {"optimizer", {TK::Optimizer, "an optimizer"}}, {"seed", {TK::Int, "an int"}},
        {"evaluations", {TK::Int, "an int"}},         {"time_limit", {TK::Duration, "a duration"}}};
    std::map<std::string, Loc> seen;
    for (const SearchSetting &setting : s.settings) {
      auto spec = keys.find(setting.key);
      if (spec == keys.end()) {
        std::vector<std::string> candidates;
        for (auto &k : keys)
          candidates.push_back(k.first);
        sink.error(setting.keyLoc, "unknown search setting '" + setting.key + "'" +
                                       didYouMean(setting.key, candidates));
        continue;
      }
      auto [it, inserted] = seen.emplace(setting.key, setting.keyLoc);
      if (!inserted) {
        auto diag = sink.error(setting.keyLoc, "search setting '" + setting.key + "' is set twice");
        sink.note(diag, it->second, "previously set here");
        continue;
      }
      Ctx vctx = ctx;
      vctx.metricsAllowed = false;
      vctx.underSharing = setting.key == "space"; // the root instance owns its decisions
      vctx.unknownWord = setting.key == "space" ? "network" : spec->second.what + 2 + (spec->second.what[1] == 'n');
      Info value = check(*setting.value, vctx);
      if (value.type.isError())
        continue;
      if (value.metric) {
        sink.error(setting.value->getLoc(), "search setting '" + setting.key +
                                                "' depends on a metric, which is only known after an "
                                                "architecture is evaluated");
        continue;
      }
      if (value.type.kind != spec->second.type && !(spec->second.type == TK::Layer && value.tmpl)) {
        sink.error(setting.value->getLoc(), "'" + setting.key + "' must be " + spec->second.what + ", got " +
                                                typeName(value.type));
        continue;
      }
      if (setting.key == "space" &&
          (!value.tmpl || value.tmpl->templateKind != TemplateDecl::TemplateKind::Network)) {
        auto diag = sink.error(setting.value->getLoc(),
                               "'space' must be a network" +
                                   (value.tmpl ? ", but '" + value.tmpl->name + "' is a " +
                                                     templateKindName(value.tmpl->templateKind)
                                               : std::string(", got an op")));
        if (value.tmpl)
          sink.note(diag, value.tmpl->nameLoc, "declared here");
      }
    }
    if (s.objectives.empty())
      sink.error(s.nameLoc, "search '" + s.name + "' has no objective; add one, e.g. 'maximize accuracy;'");
    if (!seen.count("space"))
      sink.error(s.nameLoc, "search '" + s.name + "' does not say which space to search; add 'space = NETWORK(...);'");

    for (const Objective &o : s.objectives) {
      Ctx octx = ctx;
      octx.metricsAllowed = true;
      octx.unknownWord = "metric";
      Info value = check(*o.value, octx);
      if (value.type.isError())
        continue;
      if (!value.type.isNumeric())
        sink.error(o.value->getLoc(), "an objective must be a number, got " + typeName(value.type));
      else if (!value.metric)
        sink.error(o.value->getLoc(), "this objective does not depend on any metric (such as accuracy, "
                                      "params or latency), so every architecture scores the same");
    }
    // Settings and objectives are what a search block's names are for.
    std::vector<const Expr *> roots;
    for (const SearchSetting &setting : s.settings)
      roots.push_back(setting.value.get());
    for (const Objective &o : s.objectives)
      roots.push_back(o.value.get());
    reportUnused(s.body, scope, roots);
  }

  // ---- expressions -----------------------------------------------------

  void unknownName(const NameExpr &n, Ctx ctx, bool callee) {
    std::vector<std::string> candidates;
    if (ctx.scope)
      for (auto &s : ctx.scope->syms)
        candidates.push_back(s.first);
    std::string word = ctx.unknownWord;
    std::function<bool(const Decl *)> filter;
    if (word == "metric")
      filter = [](const Decl *d) { return llvm::isa<MetricDecl>(d); };
    else if (word == "strategy" || word == "estimator" || word == "dataset" || word == "optimizer")
      filter = [word](const Decl *d) {
        auto *e = llvm::dyn_cast<ExternDecl>(d);
        return e && word == externKindName(e->externKind);
      };
    else if (word == "network")
      filter = [](const Decl *d) { return llvm::isa<TemplateDecl>(d); };
    else if (callee) {
      word = "operation";
      filter = [](const Decl *d) { return llvm::isa<OpDecl>(d) || llvm::isa<TemplateDecl>(d); };
    }
    for (auto &g : globalNames(filter))
      candidates.push_back(g);
    if (callee || word == "name")
      for (const char *b : {"sum", "concat", "repeat", "ceil", "floor", "round", "min", "max", "abs", "len"})
        candidates.push_back(b);
    sink.error(n.getLoc(), "unknown " + word + " '" + n.name + "'" + didYouMean(n.name, candidates));
  }

  Info checkName(const NameExpr &n, Ctx ctx) {
    if (ctx.scope) {
      auto it = ctx.scope->syms.find(n.name);
      if (it != ctx.scope->syms.end()) {
        it->second.used = true;
        return localInfo(n.name, it->second, ctx);
      }
    }
    const Decl *d = global(n.name);
    if (!d) {
      if (isBuiltinFunction(n.name)) {
        sink.error(n.getLoc(), "'" + n.name + "' is a builtin function; call it: " + n.name + "(...)");
        return Info::error();
      }
      unknownName(n, ctx, ctx.layerPosition);
      return Info::error();
    }
    // A bare op, template or extern name means a call with all defaults.
    auto needsArgs = [&](const std::vector<Param> &params, const char *kind) {
      for (const Param &p : params)
        if (!p.defaultValue) {
          auto diag = sink.error(n.getLoc(), std::string(kind) + " '" + n.name + "' needs arguments: '" +
                                                 p.name + "' has no default");
          sink.note(diag, d->nameLoc, "declared here");
          return true;
        }
      return false;
    };
    switch (d->getKind()) {
    case Decl::Kind::Const:
      return checkGlobalConst(llvm::cast<ConstDecl>(d));
    case Decl::Kind::Op:
      if (needsArgs(llvm::cast<OpDecl>(d)->params, "op"))
        return Info::error();
      return Info::of(TK::Layer);
    case Decl::Kind::Template: {
      auto *t = llvm::cast<TemplateDecl>(d);
      if (needsArgs(t->params, templateKindName(t->templateKind)))
        return Info::error();
      return instanceInfo(t, n.getLoc(), ctx);
    }
    case Decl::Kind::Extern: {
      auto *e = llvm::cast<ExternDecl>(d);
      if (needsArgs(e->params, externKindName(e->externKind)))
        return Info::error();
      return Info::of(externType(e->externKind));
    }
    case Decl::Kind::Metric: {
      auto *m = llvm::cast<MetricDecl>(d);
      if (needsArgs(m->params, "metric"))
        return Info::error();
      return metricInfo(*m, n.getLoc(), ctx);
    }
    default:
      sink.error(n.getLoc(), describe(d) + " cannot be used as a value");
      return Info::error();
    }
  }

  Info metricInfo(const MetricDecl &m, Loc loc, Ctx ctx) {
    if (!ctx.metricsAllowed) {
      sink.error(loc, "metric '" + m.name + "' is only known after an architecture is evaluated; "
                      "use it in an objective or a 'require'");
      return Info::error();
    }
    Info info = Info::of(TK::Float);
    Type t = m.type.kind == TypeRef::Kind::Named && m.type.name == "int" ? Type::of(TK::Int) : Type::of(TK::Float);
    info.type = t;
    info.metric = true;
    return info;
  }

  /// A template instantiation: a layer taking as many tensors as it has inputs.
  Info instanceInfo(const TemplateDecl *t, Loc loc, Ctx ctx) {
    Info info = Info::of(TK::Layer);
    info.tmpl = t;
    info.instance = true;
    info.arity = llvm::count_if(t->body, [](const StmtPtr &s) { return llvm::isa<InputStmt>(s.get()); });
    if (recursive.count(t))
      return Info::error();
    if (!ctx.underSharing && hasDecisions(t)) {
      std::string kind = templateKindName(t->templateKind);
      auto diag = sink.error(loc, kind + " '" + t->name + "' has decisions of its own; say how its instances share them: "
                                  "add 'shared as KEY' (one decision set for every instance with that key) "
                                  "or 'independent' (fresh decisions for each instance)");
      sink.note(diag, t->nameLoc, kind + " '" + t->name + "' is declared here");
    }
    return info;
  }

  /// Binds `args` to `params` and checks each against its declared type.
  /// Returns false if the call is malformed.
  bool checkArgs(const std::string &calleeText, const Decl *callee, const std::vector<Param> &params,
                 const std::vector<Arg> &args, Loc callLoc, Ctx ctx) {
    std::vector<const Arg *> bound(params.size(), nullptr);
    bool ok = true;
    bool sawNamed = false;
    size_t positional = 0;
    for (const Arg &a : args) {
      if (a.name.empty()) {
        if (sawNamed) {
          sink.error(a.loc, "positional argument after a named one in call to " + calleeText);
          ok = false;
          continue;
        }
        if (positional >= params.size()) {
          auto diag = sink.error(a.loc, "too many arguments to " + calleeText + ": expected at most " +
                                            std::to_string(params.size()) + ", got " +
                                            std::to_string(llvm::count_if(args, [](const Arg &x) { return x.name.empty(); })));
          sink.note(diag, callee->nameLoc, "declared here");
          ok = false;
          break;
        }
        bound[positional++] = &a;
        continue;
      }
      sawNamed = true;
      auto it = llvm::find_if(params, [&](const Param &p) { return p.name == a.name; });
      if (it == params.end()) {
        std::vector<std::string> names;
        for (const Param &p : params)
          names.push_back(p.name);
        auto diag = sink.error(a.loc, calleeText + " has no parameter named '" + a.name + "'" +
                                          didYouMean(a.name, names));
        sink.note(diag, callee->nameLoc, "declared here");
        ok = false;
        continue;
      }
      size_t index = it - params.begin();
      if (bound[index]) {
        sink.error(a.loc, "parameter '" + a.name + "' of " + calleeText + " is given twice");
        ok = false;
        continue;
      }
      bound[index] = &a;
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const Param &p = params[i];
      if (!bound[i]) {
        if (!p.defaultValue && ok) {
          auto diag = sink.error(callLoc, "missing argument '" + p.name + "' in call to " + calleeText);
          sink.note(diag, p.loc, "parameter declared here");
          ok = false;
        }
        continue;
      }
      Ctx actx = ctx;
      actx.underSharing = false;
      actx.metricsAllowed = false;
      actx.unknownWord = "name";
      Info value = check(*bound[i]->value, actx);
      if (value.metric) {
        sink.error(bound[i]->value->getLoc(), "argument '" + p.name + "' of " + calleeText +
                                                  " depends on a metric, which is only known after an "
                                                  "architecture is evaluated");
        ok = false;
        continue;
      }
      Type want = resolveTypeQuiet(p.type);
      if (!assignable(value.type, want)) {
        std::string hint = value.type.kind == TK::Float && want.kind == TK::Int
                               ? "; use round(), floor() or ceil()"
                               : "";
        auto diag = sink.error(bound[i]->value->getLoc(), "argument '" + p.name + "' of " + calleeText +
                                                              " must be " + typeName(want) + ", got " +
                                                              typeName(value.type) + hint);
        sink.note(diag, p.loc, "parameter declared here");
        ok = false;
      }
    }
    return ok;
  }

  /// The type of a declared parameter (its own declaration reports mistakes).
  Type resolveTypeQuiet(const TypeRef &ref) {
    if (ref.kind == TypeRef::Kind::Tensor)
      return Type::of(TK::Tensor);
    static const std::map<std::string, TK> names = {
        {"int", TK::Int}, {"float", TK::Float}, {"bool", TK::Bool}, {"string", TK::String},
        {"duration", TK::Duration}, {"op", TK::Layer}, {"tensor", TK::Tensor}};
    auto it = names.find(ref.name);
    if (it == names.end())
      return Type::of(TK::Error);
    return ref.kind == TypeRef::Kind::List ? Type::list(it->second) : Type::of(it->second);
  }

  Info checkBuiltin(const CallExpr &c, const std::string &name, Ctx ctx) {
    for (const Arg &a : c.args)
      if (!a.name.empty()) {
        sink.error(a.loc, "builtin '" + name + "' takes no named arguments");
        return Info::error();
      }
    Ctx actx = ctx;
    actx.underSharing = false;
    std::vector<Info> args;
    for (const Arg &a : c.args)
      args.push_back(check(*a.value, actx));
    Info result;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].type.isError())
        return Info::error();
      if (args[i].metric && (name == "repeat" || name == "sum" || name == "concat")) {
        sink.error(c.args[i].loc, "argument " + std::to_string(i + 1) + " of '" + name +
                                      "' depends on a metric, which is only known after an architecture is evaluated");
        return Info::error();
      }
      result.dep(args[i]);
    }
    auto arityError = [&](const std::string &expected) {
      sink.error(c.getLoc(), "'" + name + "' takes " + expected + ", got " + std::to_string(args.size()));
      return Info::error();
    };
    auto argError = [&](size_t i, const std::string &expected) {
      sink.error(c.args[i].loc, "argument " + std::to_string(i + 1) + " of '" + name + "' must be " + expected +
                                    ", got " + typeName(args[i].type));
      return Info::error();
    };
    if (name == "sum" || name == "concat") {
      if (args.empty())
        return arityError("at least one tensor");
      for (size_t i = 0; i < args.size(); ++i)
        if (args[i].type.kind != TK::Tensor &&
            !(args[i].type.kind == TK::List && (args[i].type.elem == TK::Tensor || args[i].type.elem == TK::Nothing)))
          return argError(i, "a tensor or a list of tensors");
      result.type = Type::of(TK::Tensor);
      return result;
    }
    if (name == "repeat") {
      if (args.size() != 2)
        return arityError("2 arguments (count, layer)");
      if (args[0].type.kind != TK::Int)
        return argError(0, "int");
      if (args[1].type.kind != TK::Layer)
        return argError(1, "an op or template instance");
      if (args[1].arity != 1) {
        sink.error(c.args[1].loc, "repeat chains a single-input layer, but " +
                                      (args[1].tmpl ? std::string(templateKindName(args[1].tmpl->templateKind)) +
                                                          " '" + args[1].tmpl->name + "'"
                                                    : std::string("this layer")) +
                                      " takes " + std::to_string(args[1].arity) +
                                      " inputs; write the instances out and connect them by hand");
        return Info::error();
      }
      result.type = Type::of(TK::Layer);
      result.arity = args[1].arity;
      result.tmpl = args[1].tmpl;
      return result;
    }
    if (name == "ceil" || name == "floor" || name == "round" || name == "abs") {
      if (args.size() != 1)
        return arityError("1 argument");
      if (!args[0].type.isNumeric())
        return argError(0, "a number");
      result.type = Type::of(name == "abs" ? args[0].type.kind : TK::Int);
      return result;
    }
    if (name == "min" || name == "max") {
      if (args.size() < 2)
        return arityError("at least 2 arguments");
      bool allInt = true;
      for (size_t i = 0; i < args.size(); ++i) {
        if (!args[i].type.isNumeric())
          return argError(i, "a number");
        allInt &= args[i].type.kind == TK::Int;
      }
      result.type = Type::of(allInt ? TK::Int : TK::Float);
      return result;
    }
    // len
    if (args.size() != 1)
      return arityError("1 argument");
    if (args[0].type.kind != TK::List)
      return argError(0, "a list");
    result.type = Type::of(TK::Int);
    return result;
  }

  /// Applies a layer to tensors: `layer(x, y)`.
  Info checkApplication(const Info &layer, const std::vector<const Expr *> &inputs, Loc loc, Ctx ctx,
                        const std::string &layerText, bool viaPipe) {
    Info result = Info::of(TK::Tensor);
    result.dep(layer);
    Ctx actx = ctx;
    actx.underSharing = false;
    bool ok = true;
    for (const Expr *in : inputs) {
      Info i = check(*in, actx);
      if (i.type.isError()) {
        ok = false;
        continue;
      }
      result.dep(i);
      if (i.type.kind != TK::Tensor) {
        sink.error(in->getLoc(), "a layer is applied to tensors, but this is " + typeName(i.type));
        ok = false;
      }
    }
    if (ok && layer.arity >= 0 && static_cast<size_t>(layer.arity) != inputs.size()) {
      std::string message = layerText + " takes " + std::to_string(layer.arity) +
                            (layer.arity == 1 ? " input" : " inputs") + " but is applied to " +
                            std::to_string(inputs.size());
      if (viaPipe) {
        std::string call = layer.tmpl ? layer.tmpl->name + (layer.tmpl->params.empty() ? "()" : "(...)") : "layer";
        std::vector<std::string> names;
        for (int i = 0; i < layer.arity; ++i)
          names.push_back(std::string(1, static_cast<char>('a' + i % 26)));
        message += "; a pipe supplies one, call it with all inputs instead: " + call + "(" +
                   llvm::join(names, ", ") + ")";
      }
      auto diag = sink.error(loc, message);
      if (layer.tmpl)
        sink.note(diag, layer.tmpl->nameLoc, "declared here");
      ok = false;
    }
    return ok ? result : Info::error();
  }

  Info checkCall(const CallExpr &c, Ctx ctx) {
    auto *name = llvm::dyn_cast<NameExpr>(c.callee.get());
    bool local = name && ctx.scope && ctx.scope->syms.count(name->name);
    if (name && !local) {
      if (isBuiltinFunction(name->name) && !global(name->name))
        return checkBuiltin(c, name->name, ctx);
      const Decl *d = global(name->name);
      if (!d) {
        unknownName(*name, ctx, true);
        return Info::error();
      }
      std::string text = describe(d);
      switch (d->getKind()) {
      case Decl::Kind::Op:
        if (!checkArgs(text, d, llvm::cast<OpDecl>(d)->params, c.args, c.getLoc(), ctx))
          return Info::error();
        return argsDeps(c, ctx, Info::of(TK::Layer));
      case Decl::Kind::Template: {
        auto *t = llvm::cast<TemplateDecl>(d);
        if (!checkArgs(text, d, t->params, c.args, c.getLoc(), ctx))
          return Info::error();
        return argsDeps(c, ctx, instanceInfo(t, name->getLoc(), ctx));
      }
      case Decl::Kind::Extern: {
        auto *e = llvm::cast<ExternDecl>(d);
        if (!checkArgs(text, d, e->params, c.args, c.getLoc(), ctx))
          return Info::error();
        return argsDeps(c, ctx, Info::of(externType(e->externKind)));
      }
      case Decl::Kind::Metric: {
        auto *m = llvm::cast<MetricDecl>(d);
        Info info = metricInfo(*m, name->getLoc(), ctx);
        if (info.type.isError())
          return info;
        if (!m->hasParamList) {
          sink.error(c.getLoc(), "metric '" + m->name + "' takes no arguments");
          return Info::error();
        }
        if (!checkArgs(text, d, m->params, c.args, c.getLoc(), ctx))
          return Info::error();
        return info;
      }
      default:
        break; // a const: fall through to application
      }
    }
    Ctx cctx = ctx;
    cctx.underSharing = false;
    Info callee = check(*c.callee, cctx);
    if (callee.type.isError())
      return Info::error();
    if (callee.type.kind != TK::Layer) {
      sink.error(c.getLoc(), "only ops and template instances can be applied, but this is " + typeName(callee.type));
      return Info::error();
    }
    std::vector<const Expr *> inputs;
    for (const Arg &a : c.args) {
      if (!a.name.empty()) {
        sink.error(a.loc, "a layer is applied to tensors by position; named argument '" + a.name + "' is not allowed here");
        return Info::error();
      }
      inputs.push_back(a.value.get());
    }
    return checkApplication(callee, inputs, c.getLoc(), ctx, layerText(*c.callee, callee), false);
  }

  std::string layerText(const Expr &e, const Info &info) {
    if (info.tmpl)
      return std::string(templateKindName(info.tmpl->templateKind)) + " '" + info.tmpl->name + "'";
    if (auto *n = llvm::dyn_cast<NameExpr>(&e))
      return "'" + n->name + "'";
    return "this layer";
  }

  /// Propagates the choice dependence of a call's arguments to its result.
  Info argsDeps(const CallExpr &c, Ctx ctx, Info result) {
    if (result.type.isError())
      return result;
    for (const Arg &a : c.args) {
      std::vector<const NameExpr *> names;
      collectNames(a.value.get(), names);
      for (const NameExpr *n : names)
        if (ctx.scope) {
          auto it = ctx.scope->syms.find(n->name);
          if (it != ctx.scope->syms.end() && it->second.done)
            result.dep(it->second.info);
        }
    }
    return result;
  }

  Info checkSharing(const SharingExpr &s, Ctx ctx) {
    const Expr *inner = s.instance.get();
    // `T(args)(x, y) shared as k` annotates the instance `T(args)` that is
    // applied to x and y.
    const CallExpr *application = nullptr;
    if (auto *c = llvm::dyn_cast<CallExpr>(inner))
      if (llvm::isa<CallExpr>(c->callee.get())) {
        application = c;
        inner = c->callee.get();
      }
    const Expr *instanceExpr = inner;
    const TemplateDecl *tmpl = nullptr;
    if (auto *c = llvm::dyn_cast<CallExpr>(inner))
      inner = c->callee.get();
    if (auto *n = llvm::dyn_cast<NameExpr>(inner))
      if (!(ctx.scope && ctx.scope->syms.count(n->name)))
        tmpl = llvm::dyn_cast_or_null<TemplateDecl>(global(n->name));
    const char *word = s.mode == SharingExpr::Mode::Shared ? "'shared as'" : "'independent'";
    if (!tmpl) {
      Ctx ictx = ctx;
      ictx.underSharing = false;
      Info i = check(*s.instance, ictx);
      if (!i.type.isError())
        sink.error(s.getLoc(), std::string(word) +
                                   " applies to instances of a cell, block or network; this is " +
                                   (i.type.kind == TK::Layer ? "an op" : withArticle(typeName(i.type))));
      return Info::error();
    }
    if (s.mode == SharingExpr::Mode::Shared && ctx.scope) {
      auto [it, inserted] = ctx.scope->sharingKeys.emplace(s.key, std::make_pair(tmpl, s.keyLoc));
      if (!inserted && it->second.first != tmpl) {
        auto diag = sink.error(s.keyLoc, "sharing key '" + s.key + "' is used for " +
                                             templateKindName(tmpl->templateKind) + " '" + tmpl->name +
                                             "' and for " + templateKindName(it->second.first->templateKind) +
                                             " '" + it->second.first->name +
                                             "'; instances sharing decisions must be of one template");
        sink.note(diag, it->second.second, "first used here");
      }
    }
    Ctx ictx = ctx;
    ictx.underSharing = true;
    if (!application)
      return check(*s.instance, ictx);
    Info layer = check(*instanceExpr, ictx);
    if (layer.type.isError())
      return layer;
    std::vector<const Expr *> inputs;
    for (const Arg &a : application->args) {
      if (!a.name.empty()) {
        sink.error(a.loc, "a layer is applied to tensors by position; named argument '" + a.name +
                              "' is not allowed here");
        return Info::error();
      }
      inputs.push_back(a.value.get());
    }
    return checkApplication(layer, inputs, application->getLoc(), ctx, layerText(*instanceExpr, layer), false);
  }

  Info checkBinary(const BinaryExpr &b, Ctx ctx) {
    Ctx octx = ctx;
    octx.underSharing = false;
    Info l = check(*b.lhs, octx), r = check(*b.rhs, octx);
    if (l.type.isError() || r.type.isError())
      return Info::error();
    Info result;
    result.dep(l).dep(r);
    const std::string &op = b.op;
    auto mismatch = [&]() {
      std::string hint;
      if (l.type.kind == TK::Tensor || r.type.kind == TK::Tensor)
        hint = "; combine tensors with sum(a, b) or concat(a, b)";
      sink.error(b.getLoc(), "operator '" + op + "' cannot be applied to " + typeName(l.type) + " and " +
                                 typeName(r.type) + hint);
      return Info::error();
    };
    if (op == "&&" || op == "||") {
      if (l.type.kind != TK::Bool || r.type.kind != TK::Bool)
        return mismatch();
      result.type = Type::of(TK::Bool);
      return result;
    }
    if (op == "==" || op == "!=") {
      bool comparable = (l.type.isNumeric() && r.type.isNumeric()) ||
                        (l.type == r.type && l.type.kind != TK::Tensor && l.type.kind != TK::Layer);
      if (!comparable)
        return mismatch();
      result.type = Type::of(TK::Bool);
      return result;
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      bool ok = (l.type.isNumeric() && r.type.isNumeric()) ||
                (l.type.kind == TK::Duration && r.type.kind == TK::Duration);
      if (!ok)
        return mismatch();
      result.type = Type::of(TK::Bool);
      return result;
    }
    // Arithmetic.
    if (l.type.kind == TK::Duration || r.type.kind == TK::Duration) {
      bool ok = ((op == "+" || op == "-") && l.type.kind == TK::Duration && r.type.kind == TK::Duration) ||
                (op == "*" && ((l.type.kind == TK::Duration && r.type.isNumeric()) ||
                               (r.type.kind == TK::Duration && l.type.isNumeric()))) ||
                (op == "/" && l.type.kind == TK::Duration && r.type.isNumeric());
      if (!ok)
        return mismatch();
      result.type = Type::of(TK::Duration);
      return result;
    }
    if (!l.type.isNumeric() || !r.type.isNumeric())
      return mismatch();
    bool bothInt = l.type.kind == TK::Int && r.type.kind == TK::Int;
    if (op == "/")
      result.type = Type::of(TK::Float); // use round/floor/ceil for ints
    else
      result.type = Type::of(bothInt ? TK::Int : TK::Float);
    return result;
  }

  Info check(const Expr &e, Ctx ctx) {
    switch (e.getKind()) {
    case Expr::Kind::Int: return Info::of(TK::Int);
    case Expr::Kind::Float: return Info::of(TK::Float);
    case Expr::Kind::Duration: return Info::of(TK::Duration);
    case Expr::Kind::String: return Info::of(TK::String);
    case Expr::Kind::Bool: return Info::of(TK::Bool);
    case Expr::Kind::Name: return checkName(llvm::cast<NameExpr>(e), ctx);
    case Expr::Kind::Call: return checkCall(llvm::cast<CallExpr>(e), ctx);
    case Expr::Kind::Sharing: return checkSharing(llvm::cast<SharingExpr>(e), ctx);
    case Expr::Kind::Binary: return checkBinary(llvm::cast<BinaryExpr>(e), ctx);
    case Expr::Kind::List: {
      auto &list = llvm::cast<ListExpr>(e);
      Info result;
      result.type = Type::list(TK::Nothing);
      Ctx ectx = ctx;
      ectx.underSharing = false;
      const Expr *first = nullptr;
      bool failed = false;
      for (auto &el : list.elements) {
        Info i = check(*el, ectx);
        if (i.type.isError()) {
          failed = true;
          continue;
        }
        result.dep(i);
        if (i.type.kind == TK::List) {
          sink.error(el->getLoc(), "lists of lists are not supported");
          failed = true;
          continue;
        }
        if (!first) {
          first = el.get();
          result.type.elem = i.type.kind;
          result.arity = i.arity;
          result.tmpl = i.tmpl;
          continue;
        }
        TK have = result.type.elem;
        if (have == i.type.kind) {
          if (have == TK::Layer && i.arity != result.arity && !failed) {
            sink.error(el->getLoc(), "alternatives of one list must take the same number of inputs");
            failed = true;
          }
          continue;
        }
        if ((have == TK::Int && i.type.kind == TK::Float) || (have == TK::Float && i.type.kind == TK::Int)) {
          result.type.elem = TK::Float;
          continue;
        }
        auto diag = sink.error(el->getLoc(), "list elements must have one type: this is " +
                                                 std::string(kindName(i.type.kind)) + ", the first is " +
                                                 kindName(have));
        sink.note(diag, first->getLoc(), "first element is here");
        failed = true;
      }
      return failed ? Info::error() : result;
    }
    case Expr::Kind::Index: {
      auto &ix = llvm::cast<IndexExpr>(e);
      Info base = check(*ix.base, ctx), index = check(*ix.index, ctx);
      if (base.type.isError() || index.type.isError())
        return Info::error();
      if (base.type.kind != TK::List) {
        sink.error(ix.base->getLoc(), "only lists can be indexed, this is " + typeName(base.type));
        return Info::error();
      }
      if (index.type.kind != TK::Int) {
        sink.error(ix.index->getLoc(), "a list index must be int, got " + typeName(index.type));
        return Info::error();
      }
      Info result = Info::of(base.type.elem == TK::Nothing ? TK::Error : base.type.elem);
      result.arity = base.arity;
      result.tmpl = base.tmpl;
      return result.dep(base).dep(index);
    }
    case Expr::Kind::Unary: {
      auto &u = llvm::cast<UnaryExpr>(e);
      Info operand = check(*u.operand, ctx);
      if (operand.type.isError())
        return operand;
      bool ok = u.op == "!" ? operand.type.kind == TK::Bool : operand.type.isNumeric();
      if (!ok) {
        sink.error(u.getLoc(), "operator '" + u.op + "' cannot be applied to " + typeName(operand.type));
        return Info::error();
      }
      return operand;
    }
    case Expr::Kind::If: {
      auto &i = llvm::cast<IfExpr>(e);
      Ctx ictx = ctx;
      ictx.underSharing = false;
      Info cond = check(*i.cond, ictx);
      Info a = check(*i.thenExpr, ctx), b = check(*i.elseExpr, ctx);
      if (cond.type.isError() || a.type.isError() || b.type.isError())
        return Info::error();
      if (cond.type.kind != TK::Bool) {
        sink.error(i.cond->getLoc(), "the condition of 'if' must be bool, got " + typeName(cond.type));
        return Info::error();
      }
      Info result = a;
      result.dep(cond).dep(b);
      if (a.type == b.type)
        return result;
      if (a.type.isNumeric() && b.type.isNumeric()) {
        result.type = Type::of(TK::Float);
        return result;
      }
      sink.error(i.elseExpr->getLoc(), "both branches of 'if' must have one type: " + typeName(a.type) +
                                           " and " + typeName(b.type));
      return Info::error();
    }
    case Expr::Kind::Pipe: {
      auto &p = llvm::cast<PipeExpr>(e);
      Ctx lctx = ctx;
      lctx.layerPosition = true;
      Info layer = check(*p.layer, lctx);
      if (layer.type.isError()) {
        Ctx ictx = ctx;
        ictx.underSharing = false;
        check(*p.input, ictx);
        return Info::error();
      }
      if (layer.type.kind != TK::Layer) {
        sink.error(p.layer->getLoc(), "the right side of '|>' must be an op or template instance, got " +
                                          typeName(layer.type));
        return Info::error();
      }
      return checkApplication(layer, {p.input.get()}, p.layer->getLoc(), ctx, layerText(*p.layer, layer), true);
    }
    }
    return Info::error();
  }
};

} // namespace

SemaResult nasc::checkProgram(const std::vector<Module *> &modules, mlir::MLIRContext &context) {
  DiagSink sink(context);
  Program program{{}, sink};
  Checker(program).run(modules);
  // The evaluator treats whatever failed to type as unknown, so it adds
  // value errors without repeating type errors.
  checkValues(program, modules);
  return SemaResult{sink.errors, sink.warnings};
}
