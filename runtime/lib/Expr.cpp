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

Json evalOp(const Json &tree, const Env &env);

Json eval(const Json &tree, const Env &env) {
  if (tree.is_number() || tree.is_boolean() || tree.is_string()) {
    if (tree.is_number_unsigned())
      return Json(static_cast<int64_t>(tree.get<uint64_t>()));
    return tree;
  }
  if (!tree.is_object())
    fail("not an expression: " + brief(tree));
  if (auto it = tree.find("const"); it != tree.end())
    return eval(*it, env); // the literal itself: normalizes unsigned to int64
  if (auto it = tree.find("decision"); it != tree.end()) {
    const std::string &name = it->get_ref<const std::string &>();
    if (!env.decisions)
      fail("decision '" + name + "' is read, but no decisions are given");
    auto d = env.decisions->find(name);
    if (d == env.decisions->end())
      fail("decision '" + name + "' has no value");
    return eval(d->second, env);
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
    return eval(of[i], env);
  }
  if (tree.contains("op"))
    return evalOp(tree, env);
  if (auto it = tree.find("arg"); it != tree.end()) {
    int64_t i = asInt(*it);
    if (!env.args)
      fail("argument " + std::to_string(i) + " is read, but no arguments are given");
    if (i < 0 || i >= static_cast<int64_t>(env.args->size()))
      fail("argument " + std::to_string(i) + " is read, but only " + std::to_string(env.args->size()) +
           " are given");
    return eval((*env.args)[i], env);
  }
  if (auto it = tree.find("metric"); it != tree.end()) {
    const std::string &name = it->get_ref<const std::string &>();
    Json args = Json::object();
    if (auto a = tree.find("args"); a != tree.end())
      for (auto &[k, v] : a->items())
        args[k] = eval(v, env);
    if (!env.metric)
      fail("metric '" + name + "' is read outside an evaluation");
    return eval(env.metric(name, args), env);
  }
  if (tree.contains("extern")) {
    // A configured component: its arguments evaluated, the rest as written.
    Json out = tree;
    out["args"] = Json::object();
    if (auto a = tree.find("args"); a != tree.end())
      for (auto &[k, v] : a->items())
        out["args"][k] = eval(v, env);
    return out;
  }
  if (tree.contains("space"))
    return tree; // names a space of the artefact: nothing to compute
  if (tree.contains("if") || tree.contains("repeat"))
    fail("a layer, not a scalar: " + brief(tree));
  fail("not an expression: " + brief(tree));
}

Json evalOp(const Json &tree, const Env &env) {
  const std::string &op = tree.at("op").get_ref<const std::string &>();
  auto argsIt = tree.find("args");
  if (argsIt != tree.end() && argsIt->is_object())
    fail("'" + op + "' with named arguments is a layer, not a scalar: " + brief(tree));
  std::vector<Json> a;
  if (argsIt != tree.end()) {
    if (!argsIt->is_array())
      fail("'" + op + "': args must be an array: " + brief(tree));
    // select evaluates only the branch it takes: the other may divide by zero.
    if (op == "arith.select") {
      if (argsIt->size() != 3)
        fail("arith.select takes 3 operands, not " + std::to_string(argsIt->size()));
      bool c = asBool(eval((*argsIt)[0], env));
      return eval((*argsIt)[c ? 1 : 2], env);
    }
    for (const Json &x : *argsIt)
      a.push_back(eval(x, env));
  }
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
  static const std::string arith = "arith.", math = "math.";

  if (op == "nas.string_eq") {
    arity(2);
    return Json(asString(a[0]) == asString(a[1]));
  }
  if (op.compare(0, arith.size(), arith) == 0) {
    std::string n = op.substr(arith.size());
    // Integer ops on i1 (booleans) stay booleans.
    if (n == "andi" || n == "ori" || n == "xori") {
      arity(2);
      if (a[0].is_boolean() && a[1].is_boolean()) {
        bool x = a[0].get<bool>(), y = a[1].get<bool>();
        return Json(n == "andi" ? (x && y) : n == "ori" ? (x || y) : (x != y));
      }
      uint64_t x = u(0), y = u(1);
      return Json(wrap(n == "andi" ? (x & y) : n == "ori" ? (x | y) : (x ^ y)));
    }
    if (n == "addi") { arity(2); return Json(wrap(u(0) + u(1))); }
    if (n == "subi") { arity(2); return Json(wrap(u(0) - u(1))); }
    if (n == "muli") { arity(2); return Json(wrap(u(0) * u(1))); }
    if (n == "divsi") { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(x / y); }
    if (n == "ceildivsi") { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(ceilDiv(x, y)); }
    if (n == "floordivsi") { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(floorDiv(x, y)); }
    if (n == "remsi") { arity(2); int64_t x = i(0), y = checkedDivisor(x, i(1), op); return Json(x % y); }
    if (n == "divui") { arity(2); uint64_t y = checkedUDivisor(u(1), op); return Json(wrap(u(0) / y)); }
    if (n == "ceildivui") { arity(2); uint64_t x = u(0), y = checkedUDivisor(u(1), op); return Json(wrap(x / y + (x % y != 0))); }
    if (n == "remui") { arity(2); uint64_t y = checkedUDivisor(u(1), op); return Json(wrap(u(0) % y)); }
    if (n == "maxsi") { arity(2); return Json(std::max(i(0), i(1))); }
    if (n == "minsi") { arity(2); return Json(std::min(i(0), i(1))); }
    if (n == "maxui") { arity(2); return Json(wrap(std::max(u(0), u(1)))); }
    if (n == "minui") { arity(2); return Json(wrap(std::min(u(0), u(1)))); }
    if (n == "shli") { arity(2); uint64_t s = u(1); return Json(s >= 64 ? int64_t(0) : wrap(u(0) << s)); }
    if (n == "shrui") { arity(2); uint64_t s = u(1); return Json(s >= 64 ? int64_t(0) : wrap(u(0) >> s)); }
    if (n == "shrsi") { arity(2); uint64_t s = u(1); int64_t x = i(0); return Json(s >= 64 ? (x < 0 ? -1 : 0) : x >> s); }
    if (n == "cmpi") {
      arity(2);
      return Json(cmpi(tree.value("predicate", std::string()), i(0), i(1)));
    }
    if (n == "cmpf") {
      arity(2);
      return Json(cmpf(tree.value("predicate", std::string()), f(0), f(1)));
    }
    if (n == "addf") { arity(2); return Json(f(0) + f(1)); }
    if (n == "subf") { arity(2); return Json(f(0) - f(1)); }
    if (n == "mulf") { arity(2); return Json(f(0) * f(1)); }
    if (n == "divf") { arity(2); return Json(f(0) / f(1)); }
    if (n == "remf") { arity(2); return Json(std::fmod(f(0), f(1))); }
    if (n == "negf") { arity(1); return Json(-f(0)); }
    // maximumf/minimumf propagate NaN; maxnumf/minnumf prefer the number.
    if (n == "maximumf" || n == "minimumf") {
      arity(2);
      double x = f(0), y = f(1);
      if (std::isnan(x) || std::isnan(y))
        return Json(std::numeric_limits<double>::quiet_NaN());
      return Json(n == "maximumf" ? std::max(x, y) : std::min(x, y));
    }
    if (n == "maxnumf") { arity(2); return Json(std::fmax(f(0), f(1))); }
    if (n == "minnumf") { arity(2); return Json(std::fmin(f(0), f(1))); }
    if (n == "sitofp") { arity(1); return Json(static_cast<double>(i(0))); }
    if (n == "uitofp") { arity(1); return Json(static_cast<double>(u(0))); }
    if (n == "fptosi") { arity(1); return Json(toInt(f(0), op)); }
    if (n == "fptoui") {
      arity(1);
      double d = f(0);
      if (d < 0)
        fail(op + ": " + std::to_string(d) + " is negative");
      return Json(toInt(d, op));
    }
    // Width changes: every integer is 64-bit here, every float double.
    if (n == "extsi" || n == "extui" || n == "trunci" || n == "index_cast" || n == "index_castui" ||
        n == "bitcast" || n == "extf" || n == "truncf") {
      arity(1);
      return a[0];
    }
    fail("unknown op '" + op + "'");
  }
  if (op.compare(0, math.size(), math) == 0) {
    std::string n = op.substr(math.size());
    if (n == "ipowi") {
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
    if (n == "absi") { arity(1); int64_t x = i(0); return Json(x < 0 ? wrap(0 - static_cast<uint64_t>(x)) : x); }
    if (n == "powf") { arity(2); return Json(std::pow(f(0), f(1))); }
    if (n == "fpowi") { arity(2); return Json(std::pow(f(0), static_cast<double>(i(1)))); }
    if (n == "copysign") { arity(2); return Json(std::copysign(f(0), f(1))); }
    if (n == "atan2") { arity(2); return Json(std::atan2(f(0), f(1))); }
    static const std::map<std::string, double (*)(double)> unary = {
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
    if (auto it = unary.find(n); it != unary.end()) {
      arity(1);
      return Json(it->second(f(0)));
    }
    fail("unknown op '" + op + "'");
  }
  fail("unknown op '" + op + "'");
}

} // namespace

Json nasc::runtime::evaluate(const Json &tree, const Env &env) { return eval(tree, env); }

namespace {
const std::map<std::string, int> &opArities() {
  // Keep in step with evalOp (Expr.EveryKnownOpEvaluates checks it).
  static const std::map<std::string, int> arity = [] {
    std::map<std::string, int> m{{"nas.string_eq", 2}, {"arith.select", 3}};
    for (const char *n : {"andi", "ori", "xori", "addi", "subi", "muli", "divsi", "ceildivsi", "floordivsi", "remsi",
                          "divui", "ceildivui", "remui", "maxsi", "minsi", "maxui", "minui", "shli", "shrui", "shrsi",
                          "cmpi", "cmpf", "addf", "subf", "mulf", "divf", "remf", "maximumf", "minimumf", "maxnumf",
                          "minnumf"})
      m[std::string("arith.") + n] = 2;
    for (const char *n : {"negf", "sitofp", "uitofp", "fptosi", "fptoui", "extsi", "extui", "trunci", "index_cast",
                          "index_castui", "bitcast", "extf", "truncf"})
      m[std::string("arith.") + n] = 1;
    for (const char *n : {"ipowi", "powf", "fpowi", "copysign", "atan2"})
      m[std::string("math.") + n] = 2;
    for (const char *n : {"absi", "ceil", "floor", "round", "roundeven", "trunc", "absf", "sqrt", "rsqrt", "cbrt", "exp",
                          "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "tanh", "atan", "erf"})
      m[std::string("math.") + n] = 1;
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

bool nasc::runtime::readsMetric(const Json &tree) {
  if (tree.is_object()) {
    if (tree.contains("metric"))
      return true;
    for (auto &[k, v] : tree.items())
      if (readsMetric(v))
        return true;
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      if (readsMetric(v))
        return true;
  }
  return false;
}
