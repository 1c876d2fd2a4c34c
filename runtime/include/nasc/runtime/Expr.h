//===- Expr.h - Evaluating the artefact's expression trees ----------------===//
//
// Scalars in an artefact (layer arguments, decision alternatives, op
// defaults and cost formulas, settings, objectives, constraints) are JSON
// trees (docs/artefact.md, "Values"). evaluate() computes one: integers stay
// 64-bit integers, floats doubles, booleans booleans, strings strings, with
// arith's semantics (divsi truncates, ceildivsi rounds up, ...).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_RUNTIME_EXPR_H
#define NASC_RUNTIME_EXPR_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nasc::runtime {

using Json = nlohmann::json;

/// A tree that cannot be evaluated (unknown op, missing decision/argument,
/// wrong operand type); the message says which.
class EvalError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What a tree may read. Anything it reads that is not provided is an EvalError.
struct Env {
  /// {"decision": n} and {"choose": n, ...}: a categorical's alternative
  /// index, a range's value, a pick/subset's bit mask, a float range's value.
  const std::map<std::string, Json> *decisions = nullptr;
  /// {"arg": i}: an op's parameters then in_channels, in_h, in_w.
  const std::vector<Json> *args = nullptr;
  /// {"metric": m, "args": {...}} with the arguments already evaluated.
  std::function<Json(const std::string &metric, const Json &args)> metric;
};

/// The value of a scalar tree: a JSON integer, float, boolean or string.
Json evaluate(const Json &tree, const Env &env);

/// A tree over decisions only, compiled once for being evaluated many times
/// (a space's switch indices and requirements, over every combination a
/// sampler enumerates): the value and the errors of evaluate() with those
/// decisions, without finding each node's keys and op by name again.
class CompiledExpr {
public:
  /// Null when `tree` reads anything but decisions (an argument, a metric)
  /// or is not a well-formed expression: evaluate() it as it is.
  static std::shared_ptr<const CompiledExpr> compile(const Json &tree);
  Json evaluate(const std::map<std::string, Json> &decisions) const;

  struct Node;

private:
  std::shared_ptr<const Json> tree_; ///< what nodes point into (op names, predicates, messages)
  std::vector<Node> nodes_;
  std::vector<std::string> names_; ///< decisions read, by slot
  size_t shared_ = 0;              ///< let definitions: evaluated once per evaluate()
  uint32_t root_ = 0;
  friend struct CompiledExprBuilder;
  Json run(uint32_t node, const Env &env, const std::vector<const Json *> &slots, std::vector<Json> &memo,
           std::vector<char> &state) const;
  Json compute(const Node &n, const Env &env, const std::vector<const Json *> &slots, std::vector<Json> &memo,
               std::vector<char> &state) const;
};

/// The number of operands the scalar op `name` takes (arith, math,
/// nas.string_eq, as evaluate() implements them), or -1 for an op it does
/// not know: the artefact reader refuses those before anything runs.
int scalarOpArity(const std::string &name);
/// Every op scalarOpArity knows.
std::vector<std::string> scalarOpNames();
/// Whether `predicate` is one of arith.cmpi's (or arith.cmpf's) predicates.
bool knownPredicate(const std::string &op, const std::string &predicate);

/// Whether a tree reads a metric anywhere (a constraint over metrics is a
/// hard limit checked after evaluation; one over decisions prunes the space).
bool readsMetric(const Json &tree);
/// Whether `tree` reads a decision ({"decision": ...} or {"choose": ...}).
bool readsDecision(const Json &tree);

/// Conversions that accept what a tree of that type evaluates to (an integer
/// where a float is expected, etc.); throw EvalError otherwise.
int64_t asInt(const Json &v);
double asDouble(const Json &v);
bool asBool(const Json &v);
std::string asString(const Json &v);

} // namespace nasc::runtime

#endif // NASC_RUNTIME_EXPR_H
