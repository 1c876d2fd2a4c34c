//===- SemaEval.cpp - Value checks over every alternative -----------------===//
//
// Evaluates what is known at compile time inside each template instance the
// program can reach (networks with their default arguments, the spaces of
// search blocks, and every template with unknown parameters) and checks
// values against the rules the program declares: op requirements at each
// call site, for every combination of the choices its arguments depend on;
// template requirements that no combination satisfies; choice domains;
// repeat counts; input shapes; search budgets. Anything depending on a value
// only known later (a tensor's channels, a metric) is Unknown and not judged.
//
//===----------------------------------------------------------------------===//
#include "SemaInternal.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>
#include <map>

using namespace nasc;

namespace {

/// Cap on the combinations of choice values enumerated for one check.
constexpr size_t kMaxAssignments = 4096;
/// Cap on the values an integer range contributes (its ends beyond that).
constexpr int64_t kMaxRangeValues = 1024;
/// Cap on distinct argument tuples a template call is instantiated with.
constexpr size_t kMaxInstances = 32;

struct Value {
  enum class K { Unknown, Int, Float, Bool, String, Duration, List, Layer };
  K k = K::Unknown;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s; // string text, or a layer's label
  std::vector<Value> list;

  static Value ofInt(int64_t v) { Value x; x.k = K::Int; x.i = v; return x; }
  static Value ofFloat(double v) { Value x; x.k = K::Float; x.f = v; return x; }
  static Value ofBool(bool v) { Value x; x.k = K::Bool; x.b = v; return x; }
  static Value ofDuration(double v) { Value x; x.k = K::Duration; x.f = v; return x; }
  static Value ofString(std::string v) { Value x; x.k = K::String; x.s = std::move(v); return x; }
  static Value ofLayer(std::string label) { Value x; x.k = K::Layer; x.s = std::move(label); return x; }

  bool known() const { return k != K::Unknown; }
  bool isNum() const { return k == K::Int || k == K::Float; }
  double num() const { return k == K::Int ? static_cast<double>(i) : f; }

  std::string str() const {
    switch (k) {
    case K::Unknown: return "?";
    case K::Int: return std::to_string(i);
    case K::Float: {
      std::string out;
      llvm::raw_string_ostream os(out);
      os << llvm::format("%g", f);
      return os.str();
    }
    case K::Bool: return b ? "true" : "false";
    case K::String: return "\"" + s + "\"";
    case K::Duration: {
      std::string out;
      llvm::raw_string_ostream os(out);
      os << llvm::format("%gs", f);
      return os.str();
    }
    case K::List: {
      std::vector<std::string> parts;
      for (const Value &v : list)
        parts.push_back(v.str());
      return "[" + llvm::join(parts, ", ") + "]";
    }
    case K::Layer: return s;
    }
    return "?";
  }
};

using Assignment = std::vector<std::pair<std::string, Value>>;

/// One template instance (or op call, or search body) being evaluated.
struct Frame {
  std::map<std::string, const NamedStmt *> locals;
  std::map<std::string, Value> params;
  /// Where this instance was created, innermost first, for notes.
  std::vector<std::pair<Loc, std::string>> chain;
  std::map<const ChoiceStmt *, std::optional<std::vector<Value>>> domainMemo;
  /// The body's own requirements: combinations they rule out are pruned from
  /// the space, so no other check judges them.
  std::vector<const RequireStmt *> requirements;
  /// Bindings being evaluated, to stop at cycles.
  std::set<const BindingStmt *> evaluating;
};

class Evaluator {
public:
  Evaluator(Program &program) : program(program), sink(program.sink) {}

  void run(const std::vector<Module *> &modules) {
    for (Module *m : modules)
      for (const DeclPtr &d : m->decls) {
        if (auto *c = llvm::dyn_cast<ConstDecl>(d.get())) {
          Frame empty;
          walk(*c->value, empty);
        } else if (auto *t = llvm::dyn_cast<TemplateDecl>(d.get())) {
          // Once with unknown parameters: what holds whatever the arguments.
          std::map<std::string, Value> unknown;
          for (const Param &p : t->params)
            unknown[p.name] = Value();
          elaborate(*t, unknown, {});
          // Networks once more as they stand: their defaults are the space.
          if (t->templateKind == TemplateDecl::TemplateKind::Network &&
              llvm::all_of(t->params, [](const Param &p) { return p.defaultValue != nullptr; }))
            elaborate(*t, {}, {});
        } else if (auto *s = llvm::dyn_cast<SearchDecl>(d.get())) {
          checkSearch(*s);
        }
      }
  }

private:
  Program &program;
  DiagSink &sink;
  std::set<std::string> elaborated;
  std::map<const ConstDecl *, Value> globalConsts;
  std::set<const ConstDecl *> constsInProgress;

  const Decl *global(llvm::StringRef name) const {
    auto it = program.globals.find(name);
    return it == program.globals.end() ? nullptr : it->second;
  }

  // ---- evaluation --------------------------------------------------------

  static const Value *lookup(const Assignment &asg, const std::string &name) {
    for (auto &entry : asg)
      if (entry.first == name)
        return &entry.second;
    return nullptr;
  }

  Value evalName(const std::string &name, Frame &f, const Assignment &asg) {
    if (const Value *v = lookup(asg, name))
      return *v;
    auto p = f.params.find(name);
    if (p != f.params.end())
      return p->second;
    auto l = f.locals.find(name);
    if (l != f.locals.end()) {
      if (auto *b = llvm::dyn_cast<BindingStmt>(l->second))
        if (b->getKind() != Stmt::Kind::Node) {
          // A cycle among lets was reported by the type checker; stay finite.
          if (!f.evaluating.insert(b).second)
            return Value();
          Value v = eval(*b->value, f, asg);
          f.evaluating.erase(b);
          return v;
        }
      return Value(); // a choice not fixed here, a node or an input
    }
    const Decl *d = global(name);
    if (!d)
      return Value(); // op implicits (in_channels) and the like
    if (auto *c = llvm::dyn_cast<ConstDecl>(d)) {
      auto it = globalConsts.find(c);
      if (it != globalConsts.end())
        return it->second;
      if (constsInProgress.count(c))
        return Value();
      constsInProgress.insert(c);
      Frame empty;
      Value v = eval(*c->value, empty, {});
      constsInProgress.erase(c);
      // A layer-valued const reads best under its own name (`nor_conv_3x3`).
      if (v.k == Value::K::Layer)
        v.s = name;
      return globalConsts[c] = v;
    }
    if (llvm::isa<OpDecl>(d) || llvm::isa<TemplateDecl>(d))
      return Value::ofLayer(name);
    return Value();
  }

  Value eval(const Expr &e, Frame &f, const Assignment &asg) {
    switch (e.getKind()) {
    case Expr::Kind::Int: return Value::ofInt(llvm::cast<IntExpr>(e).value);
    case Expr::Kind::Float: return Value::ofFloat(llvm::cast<FloatExpr>(e).value);
    case Expr::Kind::Duration: return Value::ofDuration(llvm::cast<DurationExpr>(e).seconds);
    case Expr::Kind::String: return Value::ofString(llvm::cast<StringExpr>(e).value);
    case Expr::Kind::Bool: return Value::ofBool(llvm::cast<BoolExpr>(e).value);
    case Expr::Kind::Name: return evalName(llvm::cast<NameExpr>(e).name, f, asg);
    case Expr::Kind::List: {
      Value v;
      v.k = Value::K::List;
      for (auto &el : llvm::cast<ListExpr>(e).elements)
        v.list.push_back(eval(*el, f, asg));
      return v;
    }
    case Expr::Kind::Call: return evalCall(llvm::cast<CallExpr>(e), f, asg);
    case Expr::Kind::Index: {
      auto &ix = llvm::cast<IndexExpr>(e);
      Value base = eval(*ix.base, f, asg), index = eval(*ix.index, f, asg);
      if (base.k != Value::K::List || index.k != Value::K::Int)
        return Value();
      if (index.i < 0 || index.i >= static_cast<int64_t>(base.list.size())) {
        report(ix.index->getLoc(), "index " + std::to_string(index.i) + " is out of range for a list of " +
                                       std::to_string(base.list.size()) + " elements",
               f, asg);
        return Value();
      }
      return base.list[index.i];
    }
    case Expr::Kind::Unary: {
      auto &u = llvm::cast<UnaryExpr>(e);
      Value v = eval(*u.operand, f, asg);
      if (u.op == "!")
        return v.k == Value::K::Bool ? Value::ofBool(!v.b) : Value();
      if (v.k == Value::K::Int)
        return Value::ofInt(-v.i);
      if (v.k == Value::K::Float)
        return Value::ofFloat(-v.f);
      return Value();
    }
    case Expr::Kind::Binary: return evalBinary(llvm::cast<BinaryExpr>(e), f, asg);
    case Expr::Kind::If: {
      auto &i = llvm::cast<IfExpr>(e);
      Value c = eval(*i.cond, f, asg);
      if (c.k != Value::K::Bool)
        return Value();
      return eval(c.b ? *i.thenExpr : *i.elseExpr, f, asg);
    }
    case Expr::Kind::Sharing: return eval(*llvm::cast<SharingExpr>(e).instance, f, asg);
    case Expr::Kind::Pipe: return Value();
    }
    return Value();
  }

  Value evalCall(const CallExpr &c, Frame &f, const Assignment &asg) {
    auto *name = llvm::dyn_cast<NameExpr>(c.callee.get());
    if (!name || f.locals.count(name->name) || f.params.count(name->name))
      return Value(); // an application: a tensor
    const Decl *d = global(name->name);
    if (d && (llvm::isa<OpDecl>(d) || llvm::isa<TemplateDecl>(d)))
      return Value::ofLayer(name->name + "(...)");
    if (d || !isBuiltinFunction(name->name))
      return Value();
    std::vector<Value> args;
    for (const Arg &a : c.args)
      args.push_back(eval(*a.value, f, asg));
    for (const Value &a : args)
      if (!a.known())
        return Value();
    const std::string &fn = name->name;
    if ((fn == "ceil" || fn == "floor" || fn == "round") && args.size() == 1 && args[0].isNum()) {
      double x = args[0].num();
      double r = fn == "ceil" ? std::ceil(x) : fn == "floor" ? std::floor(x) : std::round(x);
      if (std::fabs(r) > 9.2e18)
        return Value();
      return Value::ofInt(static_cast<int64_t>(r));
    }
    if (fn == "abs" && args.size() == 1) {
      if (args[0].k == Value::K::Int)
        return Value::ofInt(std::llabs(args[0].i));
      if (args[0].k == Value::K::Float)
        return Value::ofFloat(std::fabs(args[0].f));
    }
    if ((fn == "min" || fn == "max") && args.size() >= 2) {
      bool allInt = llvm::all_of(args, [](const Value &v) { return v.k == Value::K::Int; });
      Value best = args[0];
      for (const Value &v : args)
        if (fn == "min" ? v.num() < best.num() : v.num() > best.num())
          best = v;
      return allInt ? best : Value::ofFloat(best.num());
    }
    if (fn == "len" && args.size() == 1 && args[0].k == Value::K::List)
      return Value::ofInt(static_cast<int64_t>(args[0].list.size()));
    return Value();
  }

  Value evalBinary(const BinaryExpr &b, Frame &f, const Assignment &asg) {
    const std::string &op = b.op;
    Value l = eval(*b.lhs, f, asg);
    if (op == "&&" && l.k == Value::K::Bool && !l.b)
      return Value::ofBool(false);
    if (op == "||" && l.k == Value::K::Bool && l.b)
      return Value::ofBool(true);
    Value r = eval(*b.rhs, f, asg);
    if (op == "&&" || op == "||") {
      if (r.k != Value::K::Bool)
        return Value();
      if (l.k != Value::K::Bool)
        return (op == "&&" && !r.b) ? Value::ofBool(false) : (op == "||" && r.b) ? Value::ofBool(true) : Value();
      return Value::ofBool(op == "&&" ? (l.b && r.b) : (l.b || r.b));
    }
    if (!l.known() || !r.known())
      return Value();
    if (op == "==" || op == "!=") {
      bool eq;
      if (l.isNum() && r.isNum())
        eq = l.num() == r.num();
      else
        eq = l.str() == r.str();
      return Value::ofBool(op == "==" ? eq : !eq);
    }
    bool durations = l.k == Value::K::Duration || r.k == Value::K::Duration;
    double x = l.k == Value::K::Duration ? l.f : l.num();
    double y = r.k == Value::K::Duration ? r.f : r.num();
    if (op == "<") return Value::ofBool(x < y);
    if (op == "<=") return Value::ofBool(x <= y);
    if (op == ">") return Value::ofBool(x > y);
    if (op == ">=") return Value::ofBool(x >= y);
    if ((op == "/" || op == "%") && y == 0) {
      report(b.getLoc(), std::string(op == "/" ? "division" : "remainder") + " by zero", f, asg);
      return Value();
    }
    if (durations) {
      double v = op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : x / y;
      return Value::ofDuration(v);
    }
    bool ints = l.k == Value::K::Int && r.k == Value::K::Int;
    if (ints && op != "/") {
      int64_t out;
      if (op == "+" && !__builtin_add_overflow(l.i, r.i, &out)) return Value::ofInt(out);
      if (op == "-" && !__builtin_sub_overflow(l.i, r.i, &out)) return Value::ofInt(out);
      if (op == "*" && !__builtin_mul_overflow(l.i, r.i, &out)) return Value::ofInt(out);
      if (op == "%") return Value::ofInt(l.i % r.i);
      if (op == "**" && r.i >= 0) {
        double p = std::pow(static_cast<double>(l.i), static_cast<double>(r.i));
        if (std::fabs(p) < 9e18)
          return Value::ofInt(static_cast<int64_t>(std::llround(p)));
        report(b.getLoc(), "integer overflow: " + l.str() + " ** " + r.str() + " does not fit in 64 bits", f, asg);
        return Value();
      }
      if (op != "**") {
        report(b.getLoc(), "integer overflow: " + l.str() + " " + op + " " + r.str() +
                               " does not fit in 64 bits", f, asg);
        return Value();
      }
    }
    double v = op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : op == "/" ? x / y
             : op == "%" ? std::fmod(x, y) : std::pow(x, y);
    if (!std::isfinite(v))
      return Value();
    return Value::ofFloat(v);
  }

  // ---- reporting -----------------------------------------------------------

  static std::string describeAssignment(const Assignment &asg) {
    std::vector<std::string> parts;
    for (auto &[name, value] : asg)
      parts.push_back(name + " = " + value.str());
    return llvm::join(parts, ", ");
  }

  std::optional<mlir::InFlightDiagnostic> report(Loc loc, std::string message, Frame &f,
                                                 const Assignment &asg) {
    if (!asg.empty())
      message += " (when " + describeAssignment(asg) + ")";
    auto diag = sink.error(loc, message);
    addChain(diag, f);
    return diag;
  }

  void addChain(std::optional<mlir::InFlightDiagnostic> &diag, const Frame &f) {
    for (auto &[loc, what] : f.chain)
      sink.note(diag, loc, what);
  }

  // ---- choices ---------------------------------------------------------

  /// The values a choice can take in this frame, or none if not enumerable
  /// (input choices, unknown bounds).
  std::optional<std::vector<Value>> domainValues(const ChoiceStmt &c, Frame &f) {
    auto memo = f.domainMemo.find(&c);
    if (memo != f.domainMemo.end())
      return memo->second;
    std::optional<std::vector<Value>> result;
    const Domain &d = c.domain;
    if (d.kind == Domain::Kind::Values) {
      Value v = eval(*d.values, f, {});
      if (v.k == Value::K::List)
        result = v.list;
    } else if (d.kind == Domain::Kind::Range) {
      Value lo = eval(*d.lo, f, {}), hi = eval(*d.hi, f, {});
      Value step = d.step ? eval(*d.step, f, {}) : Value::ofInt(1);
      if (lo.k == Value::K::Int && hi.k == Value::K::Int && step.k == Value::K::Int && step.i > 0 &&
          lo.i <= hi.i) {
        std::vector<Value> values;
        int64_t count = (hi.i - lo.i) / step.i + 1;
        if (count <= kMaxRangeValues) {
          for (int64_t x = lo.i; x <= hi.i; x += step.i)
            values.push_back(Value::ofInt(x));
        } else {
          values = {lo, Value::ofInt(lo.i + (count - 1) * step.i)};
        }
        result = values;
      } else if (lo.isNum() && hi.isNum() && lo.num() <= hi.num()) {
        // A float range is judged at its ends.
        result = std::vector<Value>{Value::ofFloat(lo.num()), Value::ofFloat(hi.num())};
      }
    }
    return f.domainMemo[&c] = result;
  }

  void checkDomain(const ChoiceStmt &c, Frame &f) {
    const Domain &d = c.domain;
    switch (d.kind) {
    case Domain::Kind::Values: {
      Value v = eval(*d.values, f, {});
      if (v.k != Value::K::List)
        return;
      if (v.list.empty()) {
        report(d.values->getLoc(), "choice '" + c.name + "' has no alternatives", f, {});
      } else if (v.list.size() == 1) {
        auto diag = sink.warning(c.nameLoc, "choice '" + c.name + "' has a single alternative (" +
                                                v.list[0].str() + "); it is not a decision");
        addChain(diag, f);
      }
      return;
    }
    case Domain::Kind::Range: {
      Value lo = eval(*d.lo, f, {}), hi = eval(*d.hi, f, {});
      Value step = d.step ? eval(*d.step, f, {}) : Value();
      if (step.isNum() && step.num() <= 0) {
        report(d.step->getLoc(), "range step must be positive, got " + step.str(), f, {});
        return;
      }
      if (!lo.isNum() || !hi.isNum())
        return;
      if (lo.num() > hi.num()) {
        report(d.lo->getLoc(), "empty range " + lo.str() + ".." + hi.str() + " in choice '" + c.name +
                                   "': the lower bound is above the upper bound",
               f, {});
        return;
      }
      if (d.log && lo.num() <= 0) {
        report(d.lo->getLoc(), "a log-scale range needs a positive lower bound, got " + lo.str(), f, {});
        return;
      }
      if (lo.num() == hi.num()) {
        auto diag = sink.warning(c.nameLoc, "choice '" + c.name + "' has a single alternative (" + lo.str() +
                                                "); it is not a decision");
        addChain(diag, f);
        return;
      }
      if (lo.k == Value::K::Int && hi.k == Value::K::Int && step.k == Value::K::Int &&
          (hi.i - lo.i) % step.i != 0) {
        int64_t last = lo.i + (hi.i - lo.i) / step.i * step.i;
        auto diag = sink.warning(d.hi->getLoc(), "range " + lo.str() + ".." + hi.str() + " step " + step.str() +
                                                     " ends at " + std::to_string(last) + ", not " + hi.str());
        addChain(diag, f);
      }
      return;
    }
    case Domain::Kind::Pick:
    case Domain::Kind::Subset: {
      Value inputs = eval(*d.values, f, {});
      if (inputs.k != Value::K::List)
        return;
      size_t n = inputs.list.size();
      if (d.kind == Domain::Kind::Subset) {
        if (n == 0)
          report(d.values->getLoc(), "input choice '" + c.name + "' has no inputs to choose from", f, {});
        return;
      }
      Value k = eval(*d.count, f, {});
      if (k.k != Value::K::Int)
        return;
      if (k.i < 1) {
        report(d.count->getLoc(), "an input choice must pick at least 1 input, got " + k.str(), f, {});
      } else if (static_cast<size_t>(k.i) > n) {
        report(d.count->getLoc(), "input choice '" + c.name + "' picks " + k.str() + " inputs but only " +
                                      std::to_string(n) + (n == 1 ? " is" : " are") + " offered",
               f, {});
      } else if (static_cast<size_t>(k.i) == n) {
        auto diag = sink.warning(c.nameLoc, "input choice '" + c.name + "' picks all " + std::to_string(n) +
                                                " inputs; it is not a decision");
        addChain(diag, f);
      }
      return;
    }
    }
  }

  /// Choices an expression depends on in this frame, through lets and consts.
  void freeChoices(const Expr &e, Frame &f, std::vector<const ChoiceStmt *> &out,
                   std::set<std::string> &visited) {
    std::vector<const Expr *> stack{&e};
    std::function<void(const Expr *)> visit = [&](const Expr *x) {
      if (!x)
        return;
      if (auto *n = llvm::dyn_cast<NameExpr>(x)) {
        if (f.params.count(n->name) || !visited.insert(n->name).second)
          return;
        auto l = f.locals.find(n->name);
        if (l == f.locals.end())
          return;
        if (auto *c = llvm::dyn_cast<ChoiceStmt>(l->second))
          out.push_back(c);
        else if (auto *b = llvm::dyn_cast<BindingStmt>(l->second))
          if (b->getKind() != Stmt::Kind::Node)
            visit(b->value.get());
        return;
      }
      forEachChild(*x, visit);
    };
    visit(&e);
  }

  static void forEachChild(const Expr &e, const std::function<void(const Expr *)> &fn) {
    switch (e.getKind()) {
    case Expr::Kind::List:
      for (auto &el : llvm::cast<ListExpr>(e).elements)
        fn(el.get());
      return;
    case Expr::Kind::Call:
      fn(llvm::cast<CallExpr>(e).callee.get());
      for (auto &a : llvm::cast<CallExpr>(e).args)
        fn(a.value.get());
      return;
    case Expr::Kind::Index:
      fn(llvm::cast<IndexExpr>(e).base.get());
      fn(llvm::cast<IndexExpr>(e).index.get());
      return;
    case Expr::Kind::Unary: fn(llvm::cast<UnaryExpr>(e).operand.get()); return;
    case Expr::Kind::Binary:
      fn(llvm::cast<BinaryExpr>(e).lhs.get());
      fn(llvm::cast<BinaryExpr>(e).rhs.get());
      return;
    case Expr::Kind::If:
      fn(llvm::cast<IfExpr>(e).cond.get());
      fn(llvm::cast<IfExpr>(e).thenExpr.get());
      fn(llvm::cast<IfExpr>(e).elseExpr.get());
      return;
    case Expr::Kind::Pipe:
      fn(llvm::cast<PipeExpr>(e).input.get());
      fn(llvm::cast<PipeExpr>(e).layer.get());
      return;
    case Expr::Kind::Sharing: fn(llvm::cast<SharingExpr>(e).instance.get()); return;
    default: return;
    }
  }

  /// Calls `fn` with every combination of values of `choices` (none when a
  /// choice is not enumerable or there are too many). Stops when fn says so.
  void forEachAssignment(const std::vector<const ChoiceStmt *> &choices, Frame &f,
                         const std::function<bool(const Assignment &)> &fn) {
    std::vector<std::vector<Value>> domains;
    size_t total = 1;
    for (const ChoiceStmt *c : choices) {
      auto values = domainValues(*c, f);
      if (!values || values->empty())
        return;
      total *= values->size();
      if (total > kMaxAssignments)
        return;
      domains.push_back(*values);
    }
    std::vector<size_t> index(choices.size(), 0);
    while (true) {
      Assignment asg;
      for (size_t i = 0; i < choices.size(); ++i)
        asg.push_back({choices[i]->name, domains[i][index[i]]});
      if (!fn(asg))
        return;
      size_t i = 0;
      for (; i < choices.size(); ++i) {
        if (++index[i] < domains[i].size())
          break;
        index[i] = 0;
      }
      if (i == choices.size())
        return;
    }
  }

  // ---- calls -----------------------------------------------------------

  /// The argument expression bound to each parameter (null: default).
  static std::vector<const Expr *> bindArgs(const std::vector<Param> &params, const std::vector<Arg> &args) {
    std::vector<const Expr *> bound(params.size(), nullptr);
    size_t positional = 0;
    for (const Arg &a : args) {
      if (a.name.empty()) {
        if (positional < params.size())
          bound[positional++] = a.value.get();
        continue;
      }
      for (size_t i = 0; i < params.size(); ++i)
        if (params[i].name == a.name)
          bound[i] = a.value.get();
    }
    return bound;
  }

  /// Parameter values of one call under one assignment; defaults are
  /// evaluated in the callee's frame, in declaration order.
  std::map<std::string, Value> bindValues(const std::vector<Param> &params,
                                          const std::vector<const Expr *> &bound, Frame &f,
                                          const Assignment &asg) {
    Frame callee;
    for (size_t i = 0; i < params.size(); ++i) {
      Value v;
      if (bound[i])
        v = eval(*bound[i], f, asg);
      else if (params[i].defaultValue)
        v = eval(*params[i].defaultValue, callee, {});
      // An int parameter given an int-valued float stays int; the type
      // checker already rejected the rest.
      callee.params[params[i].name] = v;
    }
    return callee.params;
  }

  void checkOpCall(const CallExpr *call, Loc loc, const OpDecl &op, Frame &f) {
    std::vector<Arg> noArgs;
    const std::vector<Arg> &args = call ? call->args : noArgs;
    std::vector<const Expr *> bound = bindArgs(op.params, args);
    std::vector<const ChoiceStmt *> choices;
    std::set<std::string> visited;
    for (const Expr *e : bound)
      if (e)
        freeChoices(*e, f, choices, visited);
    std::set<const RequireStmt *> failed;
    forEachAssignment(choices, f, [&](const Assignment &asg) {
      if (pruned(asg, f))
        return true;
      Frame opFrame;
      opFrame.params = bindValues(op.params, bound, f, asg);
      for (const auto &r : op.requires_) {
        if (failed.count(r.get()))
          continue;
        Value ok = eval(*r->cond, opFrame, {});
        if (ok.k != Value::K::Bool || ok.b)
          continue;
        failed.insert(r.get());
        // Name the parameters the requirement reads, with their values here.
        std::vector<const NameExpr *> names;
        std::function<void(const Expr *)> collect = [&](const Expr *x) {
          if (auto *n = llvm::dyn_cast<NameExpr>(x))
            names.push_back(n);
          else
            forEachChild(*x, collect);
        };
        collect(r->cond.get());
        std::vector<std::string> shown;
        for (const NameExpr *n : names) {
          auto p = opFrame.params.find(n->name);
          std::string entry = n->name + " = " + (p != opFrame.params.end() ? p->second.str() : "?");
          if (p != opFrame.params.end() && p->second.known() && !llvm::is_contained(shown, entry))
            shown.push_back(entry);
        }
        std::string message = "'" + op.name + "' requires " + r->text;
        if (!r->message.empty())
          message += " (" + r->message + ")";
        if (!shown.empty())
          message += ", but " + llvm::join(shown, ", ");
        auto diag = report(loc, message, f, asg);
        sink.note(diag, r->getLoc(), "requirement declared here");
      }
      return true; // every combination: arguments can fail on their own (index, division)
    });
  }

  /// Evaluates a derived value for every combination of its choices, so a
  /// division by zero or a bad index under one of them is reported.
  void evaluateEveryCombination(const Expr &e, Frame &f) {
    forEachCombinationOf(e, f, [&](const Assignment &asg) {
      eval(e, f, asg);
      return true;
    });
  }

  /// Does a requirement of the enclosing body rule this combination out?
  bool pruned(const Assignment &asg, Frame &f) {
    for (const RequireStmt *r : f.requirements) {
      Value v = eval(*r->cond, f, asg);
      if (v.k == Value::K::Bool && !v.b)
        return true;
    }
    return false;
  }

  void instantiate(const CallExpr *call, Loc loc, const TemplateDecl &t, Frame &f) {
    std::vector<Arg> noArgs;
    std::vector<const Expr *> bound = bindArgs(t.params, call ? call->args : noArgs);
    std::vector<const ChoiceStmt *> choices;
    std::set<std::string> visited;
    for (const Expr *e : bound)
      if (e)
        freeChoices(*e, f, choices, visited);
    std::set<std::string> tuples;
    auto chain = f.chain;
    chain.insert(chain.begin(), {loc, std::string("in ") + templateKindName(t.templateKind) + " '" + t.name +
                                          "' instantiated here"});
    if (chain.size() > 32)
      return; // recursion was reported by the type checker
    auto body = [&](const Assignment &asg) {
      std::map<std::string, Value> params;
      for (size_t i = 0; i < t.params.size(); ++i)
        if (bound[i])
          params[t.params[i].name] = eval(*bound[i], f, asg);
      std::string key;
      for (auto &[n, v] : params)
        key += n + "=" + v.str() + ";";
      if (tuples.insert(key).second) {
        auto notes = chain;
        if (!asg.empty())
          notes.front().second += " with " + describeAssignment(asg);
        elaborate(t, params, notes);
      }
      return tuples.size() < kMaxInstances;
    };
    if (choices.empty())
      body({});
    else
      forEachAssignment(choices, f, body);
  }

  void checkRepeat(const CallExpr &call, Frame &f) {
    if (call.args.empty())
      return;
    checkAtLeast(*call.args[0].value, f, 0, "repeat count must not be negative");
  }

  /// Reports the first combination of choices under which int `e` is below
  /// `min`.
  void checkAtLeast(const Expr &e, Frame &f, int64_t min, const std::string &message) {
    forEachCombinationOf(e, f, [&](const Assignment &asg) {
      Value v = eval(e, f, asg);
      if (v.k == Value::K::Int && v.i < min) {
        report(e.getLoc(), message + ", got " + v.str(), f, asg);
        return false;
      }
      return true;
    });
  }

  /// Calls `fn` once with no assignment if `e` depends on no choice, else with
  /// every combination of the choices it depends on that the body's
  /// requirements leave in the space.
  void forEachCombinationOf(const Expr &e, Frame &f, const std::function<bool(const Assignment &)> &fn) {
    std::vector<const ChoiceStmt *> choices;
    std::set<std::string> visited;
    freeChoices(e, f, choices, visited);
    if (choices.empty()) {
      fn({});
      return;
    }
    forEachAssignment(choices, f, [&](const Assignment &asg) { return pruned(asg, f) || fn(asg); });
  }

  /// Visits every call in `e`, checking ops and instantiating templates.
  void walk(const Expr &e, Frame &f) {
    if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
      if (f.locals.count(n->name) || f.params.count(n->name))
        return;
      const Decl *d = global(n->name);
      if (auto *op = llvm::dyn_cast_or_null<OpDecl>(d))
        checkOpCall(nullptr, n->getLoc(), *op, f);
      else if (auto *t = llvm::dyn_cast_or_null<TemplateDecl>(d))
        instantiate(nullptr, n->getLoc(), *t, f);
      return;
    }
    if (auto *c = llvm::dyn_cast<CallExpr>(&e)) {
      auto *name = llvm::dyn_cast<NameExpr>(c->callee.get());
      if (name && !f.locals.count(name->name) && !f.params.count(name->name)) {
        const Decl *d = global(name->name);
        if (auto *op = llvm::dyn_cast_or_null<OpDecl>(d))
          checkOpCall(c, name->getLoc(), *op, f);
        else if (auto *t = llvm::dyn_cast_or_null<TemplateDecl>(d))
          instantiate(c, name->getLoc(), *t, f);
        else if (!d && name->name == "repeat")
          checkRepeat(*c, f);
        for (const Arg &a : c->args)
          walk(*a.value, f);
        return;
      }
    }
    forEachChild(e, [&](const Expr *child) {
      if (child)
        walk(*child, f);
    });
  }

  // ---- templates and searches ------------------------------------------

  void elaborate(const TemplateDecl &t, std::map<std::string, Value> args,
                 std::vector<std::pair<Loc, std::string>> chain) {
    Frame f;
    f.chain = std::move(chain);
    // Missing arguments take their defaults, evaluated with the earlier ones.
    for (const Param &p : t.params) {
      auto it = args.find(p.name);
      if (it != args.end())
        f.params[p.name] = it->second;
      else
        f.params[p.name] = p.defaultValue ? eval(*p.defaultValue, f, {}) : Value();
    }
    std::string key = t.name + "(";
    for (auto &[n, v] : f.params)
      key += n + "=" + v.str() + ",";
    if (!elaborated.insert(key + ")").second)
      return;
    for (const StmtPtr &s : t.body)
      if (auto *n = llvm::dyn_cast<NamedStmt>(s.get()))
        f.locals.emplace(n->name, n);
    checkBody(t.body, f);
  }

  void checkBody(const std::vector<StmtPtr> &body, Frame &f) {
    for (const StmtPtr &s : body)
      if (auto *r = llvm::dyn_cast<RequireStmt>(s.get()))
        f.requirements.push_back(r);
    for (const StmtPtr &s : body) {
      switch (s->getKind()) {
      case Stmt::Kind::Choice:
        checkDomain(*llvm::cast<ChoiceStmt>(s.get()), f);
        break;
      case Stmt::Kind::Input: {
        auto *in = llvm::cast<InputStmt>(s.get());
        if (in->type)
          // A dimension may be a choice (resolution search): judge each value.
          for (auto &dim : in->type->shape)
            checkAtLeast(*dim, f, 1, "tensor dimensions must be at least 1");
        break;
      }
      case Stmt::Kind::Require:
        checkRequirement(*llvm::cast<RequireStmt>(s.get()), f);
        break;
      case Stmt::Kind::Let:
      case Stmt::Kind::Const:
        evaluateEveryCombination(*llvm::cast<BindingStmt>(s.get())->value, f);
        break;
      default:
        break;
      }
      if (!llvm::isa<InputStmt>(s.get()))
        for (const Expr *e : exprsOf(*s))
          walk(*e, f);
    }
  }

  static std::vector<const Expr *> exprsOf(const Stmt &s) {
    std::vector<const Expr *> out;
    if (auto *b = llvm::dyn_cast<BindingStmt>(&s))
      out.push_back(b->value.get());
    else if (auto *c = llvm::dyn_cast<ChoiceStmt>(&s)) {
      for (const Expr *e : {c->domain.values.get(), c->domain.lo.get(), c->domain.hi.get(),
                            c->domain.step.get(), c->domain.count.get()})
        if (e)
          out.push_back(e);
    } else if (auto *r = llvm::dyn_cast<RequireStmt>(&s))
      out.push_back(r->cond.get());
    else if (auto *o = llvm::dyn_cast<OutputStmt>(&s))
      out.push_back(o->value.get());
    return out;
  }

  /// A requirement over choices that no combination satisfies is an error:
  /// the space is empty. One that some combinations break prunes the space
  /// (the compiler's job later), so it is fine here.
  void checkRequirement(const RequireStmt &r, Frame &f) {
    std::vector<const ChoiceStmt *> choices;
    std::set<std::string> visited;
    freeChoices(*r.cond, f, choices, visited);
    bool anyTrue = false, anyUnknown = false, evaluated = false;
    Value lastFalse;
    auto body = [&](const Assignment &asg) {
      evaluated = true;
      Value v = eval(*r.cond, f, asg);
      if (v.k != Value::K::Bool)
        anyUnknown = true;
      else if (v.b)
        anyTrue = true;
      return !anyTrue && !anyUnknown;
    };
    if (choices.empty())
      body({});
    else
      forEachAssignment(choices, f, body);
    if (!evaluated || anyTrue || anyUnknown)
      return;
    std::string message = "requirement '" + r.text + "'";
    if (!r.message.empty())
      message += " (" + r.message + ")";
    if (choices.empty()) {
      message += " does not hold";
    } else {
      std::vector<std::string> names;
      for (const ChoiceStmt *c : choices)
        names.push_back(c->name);
      message += " can never be satisfied: it is false for every value of " + llvm::join(names, ", ");
    }
    auto diag = sink.error(r.cond->getLoc(), message);
    addChain(diag, f);
  }

  void checkSearch(const SearchDecl &s) {
    Frame f;
    for (const StmtPtr &st : s.body)
      if (auto *n = llvm::dyn_cast<NamedStmt>(st.get()))
        f.locals.emplace(n->name, n);
    checkBody(s.body, f);
    for (const SearchSetting &setting : s.settings) {
      Value v = eval(*setting.value, f, {});
      if (setting.key == "evaluations" && v.k == Value::K::Int && v.i < 1)
        report(setting.value->getLoc(), "'evaluations' must be at least 1, got " + v.str(), f, {});
      else if (setting.key == "seed" && v.k == Value::K::Int && v.i < 0)
        report(setting.value->getLoc(), "'seed' must not be negative, got " + v.str(), f, {});
      else if (setting.key == "time_limit" && v.k == Value::K::Duration && v.f <= 0)
        report(setting.value->getLoc(), "'time_limit' must be positive, got " + v.str(), f, {});
      walk(*setting.value, f);
    }
    for (const Objective &o : s.objectives)
      walk(*o.value, f);
  }
};

} // namespace

void nasc::checkValues(Program &program, const std::vector<Module *> &modules) {
  Evaluator(program).run(modules);
}
