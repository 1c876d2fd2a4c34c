//===- Expr.cpp - Evaluating the artefact's expression trees --------------===//
//
// The compiler writes a scalar as the MLIR op that computes it (name,
// operands, predicate); this file gives each op arith's/math's semantics
// on 64-bit integers and doubles, so the runtime computes what the
// compiler's folder would (dialect/lib/Evaluate.cpp).
//
//===----------------------------------------------------------------------===//
#include "nasc/runtime/Expr.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

using namespace nasc::runtime;

namespace {

std::string brief(const Json &tree) {
  std::string s = tree.dump();
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

[[noreturn]] void fail(const std::string &msg) { throw EvalError(msg); }

std::string typeName(const Json &v) {
  if (v.is_boolean())
    return "a boolean";
  if (v.is_number_integer())
    return "an integer";
  if (v.is_number_float())
    return "a float";
  if (v.is_string())
    return "a string";
  return std::string("a ") + v.type_name();
}

// Two's-complement wrap-around, as arith's i64 ops (no UB on overflow).
int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
int64_t ceilDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
}

int64_t checkedDivisor(int64_t a, int64_t b, const std::string &op) {
  if (b == 0)
    fail(op + ": division by zero");
  if (a == std::numeric_limits<int64_t>::min() && b == -1)
    fail(op + ": overflow (INT64_MIN / -1)");
  return b;
}

uint64_t checkedUDivisor(uint64_t b, const std::string &op) {
  if (b == 0)
    fail(op + ": division by zero");
  return b;
}

// arith.fptosi of a value that does not fit is poison; say so instead.
int64_t toInt(double d, const std::string &op) {
  if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
    fail(op + ": " + std::to_string(d) + " does not fit in a 64-bit integer");
  return static_cast<int64_t>(d); // truncates toward zero, as fptosi
}

bool cmpi(const std::string &p, int64_t a, int64_t b) {
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  if (p == "eq") return a == b;
  if (p == "ne") return a != b;
  if (p == "slt") return a < b;
  if (p == "sle") return a <= b;
  if (p == "sgt") return a > b;
  if (p == "sge") return a >= b;
  if (p == "ult") return ua < ub;
  if (p == "ule") return ua <= ub;
  if (p == "ugt") return ua > ub;
  if (p == "uge") return ua >= ub;
  fail("arith.cmpi: unknown predicate '" + p + "'");
}

bool cmpf(const std::string &p, double a, double b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  if (p == "false") return false;
  if (p == "true") return true;
  if (p == "ord") return !unordered;
  if (p == "uno") return unordered;
  // o*: false when either is NaN; u*: true when either is NaN.
  bool ordered = p.size() == 3 && p[0] == 'o';
  bool unord = p.size() == 3 && p[0] == 'u';
  if (!ordered && !unord)
    fail("arith.cmpf: unknown predicate '" + p + "'");
  if (unordered)
    return unord;
  std::string rel = p.substr(1);
  if (rel == "eq") return a == b;
  if (rel == "ne") return a != b;
  if (rel == "lt") return a < b;
  if (rel == "le") return a <= b;
  if (rel == "gt") return a > b;
  if (rel == "ge") return a >= b;
  fail("arith.cmpf: unknown predicate '" + p + "'");
}

/// The `let` a {"ref": k} reads (docs/artefact.md, "Values"): each
/// definition evaluated at most once, when first read (one never read may
/// divide by zero, as select's untaken branch may).
struct Let {
  const Json &defs;
  std::vector<Json> value;
  std::vector<char> state; ///< 0 unread, 1 being evaluated, 2 done
};

Json evalOp(const Json &tree, const Env &env, Let *let);

Json eval(const Json &tree, const Env &env, Let *let) {
  if (tree.is_number() || tree.is_boolean() || tree.is_string()) {
    if (tree.is_number_unsigned())
      return Json(static_cast<int64_t>(tree.get<uint64_t>()));
    return tree;
  }
  if (!tree.is_object())
    fail("not an expression: " + brief(tree));
  if (tree.contains("op")) // the most common node first
    return evalOp(tree, env, let);
  if (auto it = tree.find("const"); it != tree.end())
    return eval(*it, env, nullptr); // the literal itself: normalizes unsigned to int64
  if (auto it = tree.find("ref"); it != tree.end()) {
    if (!let)
      fail("a reference outside a let: " + brief(tree));
    int64_t k = asInt(*it);
    if (k < 0 || k >= int64_t(let->value.size()))
      fail("reference " + std::to_string(k) + ", but the let defines " + std::to_string(let->value.size()));
    if (let->state[k] == 1)
      fail("definition " + std::to_string(k) + " of a let reads itself");
    if (let->state[k] == 0) {
      let->state[k] = 1;
      let->value[k] = eval(let->defs[k], env, let);
      let->state[k] = 2;
    }
    return let->value[k];
  }
  if (auto it = tree.find("let"); it != tree.end()) {
    if (!it->is_array())
      fail("a let's definitions must be an array: " + brief(tree));
    auto body = tree.find("in");
    if (body == tree.end())
      fail("a let without 'in': " + brief(tree));
    Let inner{*it, std::vector<Json>(it->size()), std::vector<char>(it->size(), 0)};
    return eval(*body, env, &inner);
  }
  if (auto it = tree.find("decision"); it != tree.end()) {
    const std::string &name = it->get_ref<const std::string &>();
    if (!env.decisions)
      fail("decision '" + name + "' is read, but no decisions are given");
    auto d = env.decisions->find(name);
    if (d == env.decisions->end())
      fail("decision '" + name + "' has no value");
    return eval(d->second, env, nullptr);
  }
  if (auto it = tree.find("count"); it != tree.end()) {
    // An `any of` choice's value is the mask of the inputs it picks.
    const std::string &name = it->get_ref<const std::string &>();
    if (!env.decisions)
      fail("decision '" + name + "' is read, but no decisions are given");
    auto d = env.decisions->find(name);
    if (d == env.decisions->end())
      fail("decision '" + name + "' has no value");
    return Json(static_cast<int64_t>(__builtin_popcountll(static_cast<uint64_t>(asInt(d->second)))));
  }
  if (auto it = tree.find("choose"); it != tree.end()) {
    const std::string &name = it->get_ref<const std::string &>();
    if (!env.decisions)
      fail("decision '" + name + "' is read, but no decisions are given");
    auto d = env.decisions->find(name);
    if (d == env.decisions->end())
      fail("decision '" + name + "' has no value");
    const Json &of = tree.at("of");
    int64_t i = asInt(d->second);
    if (i < 0 || i >= static_cast<int64_t>(of.size()))
      fail("decision '" + name + "' is " + std::to_string(i) + ", but it has " + std::to_string(of.size()) +
           " alternatives");
    return eval(of[i], env, let);
  }
  if (auto it = tree.find("arg"); it != tree.end()) {
    int64_t i = asInt(*it);
    if (!env.args)
      fail("argument " + std::to_string(i) + " is read, but no arguments are given");
    if (i < 0 || i >= static_cast<int64_t>(env.args->size()))
      fail("argument " + std::to_string(i) + " is read, but only " + std::to_string(env.args->size()) +
           " are given");
    return eval((*env.args)[i], env, nullptr);
  }
  if (auto it = tree.find("metric"); it != tree.end()) {
    const std::string &name = it->get_ref<const std::string &>();
    Json args = Json::object();
    if (auto a = tree.find("args"); a != tree.end())
      for (auto &[k, v] : a->items())
        args[k] = eval(v, env, let);
    if (!env.metric)
      fail("metric '" + name + "' is read outside an evaluation");
    return eval(env.metric(name, args), env, nullptr);
  }
  if (tree.contains("extern")) {
    // A configured component: its arguments evaluated, the rest as written.
    Json out = tree;
    out["args"] = Json::object();
    if (auto a = tree.find("args"); a != tree.end())
      for (auto &[k, v] : a->items())
        out["args"][k] = eval(v, env, let);
    return out;
  }
  if (tree.contains("space"))
    return tree; // names a space of the artefact: nothing to compute
  if (tree.contains("if") || tree.contains("repeat"))
    fail("a layer, not a scalar: " + brief(tree));
  fail("not an expression: " + brief(tree));
}

/// The ops evalOp computes, found by name once per node (a chain of string
/// compares was most of the time of evaluating a tree).
enum class Code : uint8_t {
  StringEq, Select, AndI, OrI, XorI, AddI, SubI, MulI, DivSI, CeilDivSI, FloorDivSI, RemSI, DivUI, CeilDivUI,
  RemUI, MaxSI, MinSI, MaxUI, MinUI, ShLI, ShRUI, ShRSI, CmpI, CmpF, AddF, SubF, MulF, DivF, RemF, NegF,
  MaximumF, MinimumF, MaxNumF, MinNumF, SIToFP, UIToFP, FPToSI, FPToUI, Width, IPowI, AbsI, PowF, FPowI,
  CopySign, Atan2, Unary, Unknown
};
struct OpInfo {
  Code code = Code::Unknown;
  double (*unary)(double) = nullptr; ///< Code::Unary: which math function
};

/// Every op the evaluator knows, by name (the reader's list too: opArities).
const std::unordered_map<std::string, OpInfo> &opTable() {
  static const std::unordered_map<std::string, OpInfo> table = [] {
    std::unordered_map<std::string, OpInfo> t;
    t["nas.string_eq"] = {Code::StringEq};
    const std::pair<const char *, Code> arith[] = {
        {"select", Code::Select},   {"andi", Code::AndI},       {"ori", Code::OrI},
        {"xori", Code::XorI},       {"addi", Code::AddI},       {"subi", Code::SubI},
        {"muli", Code::MulI},       {"divsi", Code::DivSI},     {"ceildivsi", Code::CeilDivSI},
        {"floordivsi", Code::FloorDivSI}, {"remsi", Code::RemSI}, {"divui", Code::DivUI},
        {"ceildivui", Code::CeilDivUI}, {"remui", Code::RemUI}, {"maxsi", Code::MaxSI},
        {"minsi", Code::MinSI},     {"maxui", Code::MaxUI},     {"minui", Code::MinUI},
        {"shli", Code::ShLI},       {"shrui", Code::ShRUI},     {"shrsi", Code::ShRSI},
        {"cmpi", Code::CmpI},       {"cmpf", Code::CmpF},       {"addf", Code::AddF},
        {"subf", Code::SubF},       {"mulf", Code::MulF},       {"divf", Code::DivF},
        {"remf", Code::RemF},       {"negf", Code::NegF},       {"maximumf", Code::MaximumF},
        {"minimumf", Code::MinimumF}, {"maxnumf", Code::MaxNumF}, {"minnumf", Code::MinNumF},
        {"sitofp", Code::SIToFP},   {"uitofp", Code::UIToFP},   {"fptosi", Code::FPToSI},
        {"fptoui", Code::FPToUI},
        // Width changes: every integer is 64-bit here, every float double.
        {"extsi", Code::Width}, {"extui", Code::Width}, {"trunci", Code::Width}, {"index_cast", Code::Width},
        {"index_castui", Code::Width}, {"bitcast", Code::Width}, {"extf", Code::Width}, {"truncf", Code::Width}};
    for (auto [n, c] : arith)
      t[std::string("arith.") + n] = {c};
    const std::pair<const char *, Code> math[] = {{"ipowi", Code::IPowI}, {"absi", Code::AbsI},
                                                  {"powf", Code::PowF},   {"fpowi", Code::FPowI},
                                                  {"copysign", Code::CopySign}, {"atan2", Code::Atan2}};
    for (auto [n, c] : math)
      t[std::string("math.") + n] = {c};
    const std::pair<const char *, double (*)(double)> unary[] = {
        {"ceil", [](double x) { return std::ceil(x); }},
        {"floor", [](double x) { return std::floor(x); }},
        // math.round: half away from zero; roundeven: half to even.
        {"round", [](double x) { return std::round(x); }},
        {"roundeven", [](double x) { return x - std::remainder(x, 1.0); }},
        {"trunc", [](double x) { return std::trunc(x); }},
        {"absf", [](double x) { return std::fabs(x); }},
        {"sqrt", [](double x) { return std::sqrt(x); }},
        {"rsqrt", [](double x) { return 1.0 / std::sqrt(x); }},
        {"cbrt", [](double x) { return std::cbrt(x); }},
        {"exp", [](double x) { return std::exp(x); }},
        {"exp2", [](double x) { return std::exp2(x); }},
        {"expm1", [](double x) { return std::expm1(x); }},
        {"log", [](double x) { return std::log(x); }},
        {"log2", [](double x) { return std::log2(x); }},
        {"log10", [](double x) { return std::log10(x); }},
        {"log1p", [](double x) { return std::log1p(x); }},
        {"sin", [](double x) { return std::sin(x); }},
        {"cos", [](double x) { return std::cos(x); }},
        {"tan", [](double x) { return std::tan(x); }},
        {"tanh", [](double x) { return std::tanh(x); }},
        {"atan", [](double x) { return std::atan(x); }},
        {"erf", [](double x) { return std::erf(x); }},
    };
    for (auto [n, f] : unary)
      t[std::string("math.") + n] = {Code::Unary, f};
    return t;
  }();
  return table;
}

const OpInfo &opInfo(const std::string &name) {
  static const OpInfo unknown;
  auto it = opTable().find(name);
  return it == opTable().end() ? unknown : it->second;
}

int arityOf(Code code) {
  switch (code) {
  case Code::Select:
    return 3;
  case Code::NegF: case Code::SIToFP: case Code::UIToFP: case Code::FPToSI: case Code::FPToUI:
  case Code::Width: case Code::AbsI: case Code::Unary:
    return 1;
  default:
    return 2;
  }
}

Json applyOp(const OpInfo &info, const std::string &op, const std::vector<Json> &a, const std::string &predicate);

/// A comparison's predicate ("" when the node has none: cmpi/cmpf say so).
const std::string &predicateOf(const Json &tree) {
  static const std::string none;
  auto p = tree.find("predicate");
  return p != tree.end() && p->is_string() ? p->get_ref<const std::string &>() : none;
}

Json evalOp(const Json &tree, const Env &env, Let *let) {
  const std::string &op = tree.at("op").get_ref<const std::string &>();
  const OpInfo &info = opInfo(op);
  auto argsIt = tree.find("args");
  if (argsIt != tree.end() && argsIt->is_object())
    fail("'" + op + "' with named arguments is a layer, not a scalar: " + brief(tree));
  std::vector<Json> a;
  if (argsIt != tree.end()) {
    if (!argsIt->is_array())
      fail("'" + op + "': args must be an array: " + brief(tree));
    // select evaluates only the branch it takes: the other may divide by zero.
    if (info.code == Code::Select) {
      if (argsIt->size() != 3)
        fail("arith.select takes 3 operands, not " + std::to_string(argsIt->size()));
      bool c = asBool(eval((*argsIt)[0], env, let));
      return eval((*argsIt)[c ? 1 : 2], env, let);
    }
    a.reserve(argsIt->size());
    for (const Json &x : *argsIt)
      a.push_back(eval(x, env, let));
  }
  return applyOp(info, op, a, info.code == Code::CmpI || info.code == Code::CmpF ? predicateOf(tree) : op);
}

/// `op` (its OpInfo) on its evaluated operands `a`; `predicate`: a
/// comparison's.
Json applyOp(const OpInfo &info, const std::string &op, const std::vector<Json> &a, const std::string &predicate) {
  auto arity = [&](size_t n) {
    if (a.size() != n)
      fail(op + " takes " + std::to_string(n) + " operand(s), not " + std::to_string(a.size()));
  };
  auto i = [&](size_t k) {
    try {
      return asInt(a[k]);
    } catch (const EvalError &e) {
      fail(op + ": " + e.what());
    }
  };
  auto u = [&](size_t k) { return static_cast<uint64_t>(i(k)); };
  auto f = [&](size_t k) {
    try {
      return asDouble(a[k]);
    } catch (const EvalError &e) {
      fail(op + ": " + e.what());
    }
  };

  switch (info.code) {
  case Code::StringEq:
    arity(2);
    return Json(asString(a[0]) == asString(a[1]));
  case Code::Select: // without args
    fail("arith.select takes 3 operands, not 0");
  // Integer ops on i1 (booleans) stay booleans.
  case Code::AndI:
  case Code::OrI:
  case Code::XorI: {
    arity(2);
    if (a[0].is_boolean() && a[1].is_boolean()) {
      bool x = a[0].get<bool>(), y = a[1].get<bool>();
      return Json(info.code == Code::AndI ? (x && y) : info.code == Code::OrI ? (x || y) : (x != y));
    }
    uint64_t x = u(0), y = u(1);
    return Json(wrap(info.code == Code::AndI ? (x & y) : info.code == Code::OrI ? (x | y) : (x ^ y)));
  }
  case Code::AddI: arity(2); return Json(wrap(u(0) + u(1)));
  case Code::SubI: arity(2); return Json(wrap(u(0) - u(1)));
  case Code::MulI: arity(2); return Json(wrap(u(0) * u(1)));
  case Code::DivSI: { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(x / y); }
  case Code::CeilDivSI: { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(ceilDiv(x, y)); }
  case Code::FloorDivSI: { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(floorDiv(x, y)); }
  case Code::RemSI: { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(x % y); }
  case Code::DivUI: { arity(2); uint64_t y = checkedUDivisor(u(1), op); return Json(wrap(u(0) / y)); }
  case Code::CeilDivUI: { arity(2); uint64_t x = u(0), y = checkedUDivisor(u(1), op); return Json(wrap(x / y + (x % y != 0))); }
  case Code::RemUI: { arity(2); uint64_t y = checkedUDivisor(u(1), op); return Json(wrap(u(0) % y)); }
  case Code::MaxSI: arity(2); return Json(std::max(i(0), i(1)));
  case Code::MinSI: arity(2); return Json(std::min(i(0), i(1)));
  case Code::MaxUI: arity(2); return Json(wrap(std::max(u(0), u(1))));
  case Code::MinUI: arity(2); return Json(wrap(std::min(u(0), u(1))));
  case Code::ShLI: { arity(2); uint64_t s = u(1); return Json(s >= 64 ? int64_t(0) : wrap(u(0) << s)); }
  case Code::ShRUI: { arity(2); uint64_t s = u(1); return Json(s >= 64 ? int64_t(0) : wrap(u(0) >> s)); }
  case Code::ShRSI: { arity(2); uint64_t s = u(1); int64_t x = i(0); return Json(s >= 64 ? (x < 0 ? -1 : 0) : x >> s); }
  case Code::CmpI: arity(2); return Json(cmpi(predicate, i(0), i(1)));
  case Code::CmpF: arity(2); return Json(cmpf(predicate, f(0), f(1)));
  case Code::AddF: arity(2); return Json(f(0) + f(1));
  case Code::SubF: arity(2); return Json(f(0) - f(1));
  case Code::MulF: arity(2); return Json(f(0) * f(1));
  case Code::DivF: arity(2); return Json(f(0) / f(1));
  case Code::RemF: arity(2); return Json(std::fmod(f(0), f(1)));
  case Code::NegF: arity(1); return Json(-f(0));
  // maximumf/minimumf propagate NaN; maxnumf/minnumf prefer the number.
  case Code::MaximumF:
  case Code::MinimumF: {
    arity(2);
    double x = f(0), y = f(1);
    if (std::isnan(x) || std::isnan(y))
      return Json(std::numeric_limits<double>::quiet_NaN());
    return Json(info.code == Code::MaximumF ? std::max(x, y) : std::min(x, y));
  }
  case Code::MaxNumF: arity(2); return Json(std::fmax(f(0), f(1)));
  case Code::MinNumF: arity(2); return Json(std::fmin(f(0), f(1)));
  case Code::SIToFP: arity(1); return Json(static_cast<double>(i(0)));
  case Code::UIToFP: arity(1); return Json(static_cast<double>(u(0)));
  case Code::FPToSI: arity(1); return Json(toInt(f(0), op));
  case Code::FPToUI: {
    arity(1);
    double d = f(0);
    if (d < 0)
      fail(op + ": " + std::to_string(d) + " is negative");
    return Json(toInt(d, op));
  }
  case Code::Width: arity(1); return a[0];
  case Code::IPowI: {
    arity(2);
    int64_t b = i(0), e = i(1);
    if (e < 0) // math.ipowi: b^-n is 0 unless |b| == 1; b == 0 is poison.
      return Json(b == 1 ? int64_t(1) : b == -1 ? ((-e) % 2 ? int64_t(-1) : int64_t(1)) :
                  b == 0 ? (fail(op + ": 0 to a negative power"), int64_t(0)) : int64_t(0));
    uint64_t r = 1, base = static_cast<uint64_t>(b);
    for (uint64_t k = static_cast<uint64_t>(e); k; k >>= 1, base *= base)
      if (k & 1)
        r *= base;
    return Json(wrap(r));
  }
  case Code::AbsI: { arity(1); int64_t x = i(0); return Json(x < 0 ? wrap(0 - static_cast<uint64_t>(x)) : x); }
  case Code::PowF: arity(2); return Json(std::pow(f(0), f(1)));
  case Code::FPowI: arity(2); return Json(std::pow(f(0), static_cast<double>(i(1))));
  case Code::CopySign: arity(2); return Json(std::copysign(f(0), f(1)));
  case Code::Atan2: arity(2); return Json(std::atan2(f(0), f(1)));
  case Code::Unary: arity(1); return Json(info.unary(f(0)));
  case Code::Unknown:
    break;
  }
  fail("unknown op '" + op + "'");
}

} // namespace

Json nasc::runtime::evaluate(const Json &tree, const Env &env) { return eval(tree, env, nullptr); }

//===----------------------------------------------------------------------===//
// Compiled trees
//===----------------------------------------------------------------------===//

struct nasc::runtime::CompiledExpr::Node {
  enum Kind : uint8_t { Const, Decision, Count, Choose, Select, Op } kind = Const;
  const OpInfo *info = nullptr;
  const std::string *op = nullptr, *predicate = nullptr; ///< Op
  Json value;                 ///< Const
  uint32_t slot = 0;          ///< Decision/Count/Choose
  int32_t shared = -1;        ///< a let's definition: its memo index
  std::vector<uint32_t> kids;
};

namespace nasc::runtime {
/// Mirrors eval()'s reading of a node (the same key order); anything it
/// would not evaluate as a decision-only scalar leaves `ok` false.
struct CompiledExprBuilder {
  CompiledExpr &out;
  std::map<std::string, uint32_t> slots;
  bool ok = true;

  uint32_t add(CompiledExpr::Node n) {
    out.nodes_.push_back(std::move(n));
    return uint32_t(out.nodes_.size() - 1);
  }
  uint32_t slot(const Json &name) {
    auto [it, fresh] = slots.emplace(name.get<std::string>(), uint32_t(out.names_.size()));
    if (fresh)
      out.names_.push_back(it->first);
    return it->second;
  }
  uint32_t build(const Json &t, const std::vector<uint32_t> *let) {
    using Node = CompiledExpr::Node;
    if (!ok)
      return 0;
    if (t.is_number() || t.is_boolean() || t.is_string()) {
      Node n;
      n.value = t.is_number_unsigned() ? Json(static_cast<int64_t>(t.get<uint64_t>())) : t;
      return add(std::move(n));
    }
    if (!t.is_object())
      return ok = false, 0;
    if (auto it = t.find("op"); it != t.end()) {
      auto args = t.find("args");
      if (!it->is_string() || args == t.end() || !args->is_array())
        return ok = false, 0;
      Node n;
      n.info = &opInfo(it->get_ref<const std::string &>());
      n.op = &it->get_ref<const std::string &>();
      n.predicate = &predicateOf(t);
      if (n.info->code == Code::Unknown || (n.info->code == Code::Select && args->size() != 3))
        return ok = false, 0;
      n.kind = n.info->code == Code::Select ? Node::Select : Node::Op;
      for (const Json &a : *args)
        n.kids.push_back(build(a, let));
      return add(std::move(n));
    }
    if (auto it = t.find("const"); it != t.end())
      return it->is_object() || it->is_array() ? (ok = false, 0) : build(*it, nullptr);
    if (auto it = t.find("ref"); it != t.end()) {
      if (!let || !it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() >= int64_t(let->size()))
        return ok = false, 0;
      return (*let)[it->get<int64_t>()];
    }
    if (auto it = t.find("let"); it != t.end()) {
      auto body = t.find("in");
      if (!it->is_array() || body == t.end())
        return ok = false, 0;
      std::vector<uint32_t> defs; // each reads only those before it
      for (const Json &d : *it) {
        uint32_t k = build(d, &defs);
        if (!ok)
          return 0;
        if (out.nodes_[k].shared < 0)
          out.nodes_[k].shared = int32_t(out.shared_++);
        defs.push_back(k);
      }
      return build(*body, &defs);
    }
    for (auto [key, kind] : {std::pair{"decision", Node::Decision}, std::pair{"count", Node::Count},
                             std::pair{"choose", Node::Choose}})
      if (auto it = t.find(key); it != t.end()) {
        if (!it->is_string())
          return ok = false, 0;
        Node n;
        n.kind = kind;
        n.slot = slot(*it);
        if (kind == Node::Choose) {
          auto of = t.find("of");
          if (of == t.end() || !of->is_array())
            return ok = false, 0;
          for (const Json &alt : *of)
            n.kids.push_back(build(alt, let));
        }
        return add(std::move(n));
      }
    return ok = false, 0; // an argument, a metric, a component, a layer
  }
};
} // namespace nasc::runtime

std::shared_ptr<const CompiledExpr> CompiledExpr::compile(const Json &tree) {
  auto out = std::make_shared<CompiledExpr>();
  out->tree_ = std::make_shared<const Json>(tree);
  CompiledExprBuilder b{*out, {}};
  out->root_ = b.build(*out->tree_, nullptr);
  if (!b.ok)
    return nullptr;
  return out;
}

Json CompiledExpr::evaluate(const std::map<std::string, Json> &decisions) const {
  std::vector<const Json *> slots(names_.size(), nullptr);
  for (size_t i = 0; i < names_.size(); ++i)
    if (auto it = decisions.find(names_[i]); it != decisions.end())
      slots[i] = &it->second;
  std::vector<Json> memo(shared_);
  std::vector<char> state(shared_, 0);
  Env env;
  env.decisions = &decisions;
  return run(root_, env, slots, memo, state);
}

Json CompiledExpr::run(uint32_t k, const Env &env, const std::vector<const Json *> &slots, std::vector<Json> &memo,
                       std::vector<char> &state) const {
  const Node &n = nodes_[k];
  if (n.shared >= 0 && state[n.shared])
    return memo[n.shared];
  Json v = compute(n, env, slots, memo, state);
  if (n.shared >= 0)
    memo[n.shared] = v, state[n.shared] = 1; // definitions read only earlier ones: no cycle
  return v;
}

Json CompiledExpr::compute(const Node &n, const Env &env, const std::vector<const Json *> &slots,
                           std::vector<Json> &memo, std::vector<char> &state) const {
  auto decision = [&]() -> const Json & {
    if (!slots[n.slot])
      fail("decision '" + names_[n.slot] + "' has no value");
    return *slots[n.slot];
  };
  switch (n.kind) {
  case Node::Const:
    return n.value;
  case Node::Decision:
    return eval(decision(), env, nullptr);
  case Node::Count:
    return Json(static_cast<int64_t>(__builtin_popcountll(static_cast<uint64_t>(asInt(decision())))));
  case Node::Choose: {
    int64_t i = asInt(decision());
    if (i < 0 || i >= static_cast<int64_t>(n.kids.size()))
      fail("decision '" + names_[n.slot] + "' is " + std::to_string(i) + ", but it has " +
           std::to_string(n.kids.size()) + " alternatives");
    return run(n.kids[i], env, slots, memo, state);
  }
  case Node::Select: {
    bool c = asBool(run(n.kids[0], env, slots, memo, state));
    return run(n.kids[c ? 1 : 2], env, slots, memo, state);
  }
  case Node::Op: {
    std::vector<Json> a;
    a.reserve(n.kids.size());
    for (uint32_t kid : n.kids)
      a.push_back(run(kid, env, slots, memo, state));
    return applyOp(*n.info, *n.op, a, *n.predicate);
  }
  }
  fail("not an expression");
}

namespace {
const std::map<std::string, int> &opArities() {
  // applyOp checks the same counts (Expr.EveryKnownOpEvaluates).
  static const std::map<std::string, int> arity = [] {
    std::map<std::string, int> m;
    for (auto &[name, info] : opTable())
      m[name] = arityOf(info.code);
    return m;
  }();
  return arity;
}
} // namespace

int nasc::runtime::scalarOpArity(const std::string &name) {
  auto it = opArities().find(name);
  return it == opArities().end() ? -1 : it->second;
}

std::vector<std::string> nasc::runtime::scalarOpNames() {
  std::vector<std::string> out;
  for (auto &[name, n] : opArities())
    out.push_back(name);
  return out;
}

bool nasc::runtime::knownPredicate(const std::string &op, const std::string &p) {
  static const std::set<std::string> cmpi = {"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
  static const std::set<std::string> cmpf = {"false", "true", "ord", "uno", "oeq", "one", "olt", "ole", "ogt", "oge",
                                             "ueq", "une", "ult", "ule", "ugt", "uge"};
  return op == "arith.cmpi" ? cmpi.count(p) > 0 : op == "arith.cmpf" ? cmpf.count(p) > 0 : false;
}

int64_t nasc::runtime::asInt(const Json &v) {
  if (v.is_number_unsigned())
    return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_number_integer())
    return v.get<int64_t>();
  if (v.is_boolean())
    return v.get<bool>() ? 1 : 0;
  // A metric comes as a double even when declared int (params): accept
  // integral values, refuse fractions rather than truncating silently.
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18)
      return static_cast<int64_t>(d);
    std::ostringstream os;
    os.precision(17);
    os << d;
    throw EvalError("expected an integer, not " + os.str());
  }
  throw EvalError("expected an integer, not " + typeName(v));
}

double nasc::runtime::asDouble(const Json &v) {
  if (v.is_number_float())
    return v.get<double>();
  if (v.is_number_unsigned())
    return static_cast<double>(v.get<uint64_t>());
  if (v.is_number_integer())
    return static_cast<double>(v.get<int64_t>());
  throw EvalError("expected a number, not " + typeName(v));
}

bool nasc::runtime::asBool(const Json &v) {
  if (v.is_boolean())
    return v.get<bool>();
  if (v.is_number_integer()) {
    int64_t i = asInt(v);
    if (i == 0 || i == 1)
      return i == 1;
  }
  throw EvalError("expected a boolean, not " + (v.is_number() ? v.dump() : typeName(v)));
}

std::string nasc::runtime::asString(const Json &v) {
  if (v.is_string())
    return v.get<std::string>();
  throw EvalError("expected a string, not " + typeName(v));
}

namespace {
/// Whether any object in `tree` (itself included) has one of `keys`.
bool holdsKey(const Json &tree, std::initializer_list<const char *> keys) {
  if (tree.is_object()) {
    for (const char *k : keys)
      if (tree.contains(k))
        return true;
    for (auto &[k, v] : tree.items())
      if (holdsKey(v, keys))
        return true;
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      if (holdsKey(v, keys))
        return true;
  }
  return false;
}
} // namespace

bool nasc::runtime::readsMetric(const Json &tree) { return holdsKey(tree, {"metric"}); }

bool nasc::runtime::readsDecision(const Json &tree) { return holdsKey(tree, {"decision", "choose"}); }
