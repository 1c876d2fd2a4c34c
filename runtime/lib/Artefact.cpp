//===- Artefact.cpp - Reading the compiled search artefact ----------------===//
#include "nasc/runtime/Artefact.h"

#include "nasc/cli/CommandLine.h"
#include "nasc/runtime/Expr.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

using nlohmann::json;
using namespace nasc::runtime;
using nasc::runtime::Env;
namespace cli = nasc::cli;

namespace {

/// Deepest JSON nesting accepted (real artefacts stay under 40 levels; an
/// expression tree takes two levels per operation). Everything that walks
/// trees later (the evaluator, dump(), the planner) recurses.
constexpr size_t kMaxNesting = 512;
/// Largest domain of one discrete decision (the runtime enumerates it).
constexpr int64_t kMaxDomain = int64_t(1) << 24;
/// Most candidates of an input choice (pick/subset masks are 64-bit, and
/// the runtime enumerates 2^n of them).
constexpr int64_t kMaxCandidates = 24;

std::string brief(const json &v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

/// What a JSON value is, for "expected X, found Y".
std::string found(const json &v) {
  if (v.is_object())
    return "an object";
  if (v.is_array())
    return "an array";
  if (v.is_null())
    return "null";
  return brief(v);
}

/// The first place where `root` nests deeper than kMaxNesting, as a JSON
/// path (shortened), or "" when it does not. Iterative: the depth is not
/// yet known to be safe for recursion.
std::string tooDeep(const json &root) {
  struct Frame {
    const json *value;
    std::string step;
  };
  std::vector<std::pair<Frame, size_t>> stack; // frame, depth
  stack.push_back({{&root, ""}, 1});
  std::vector<std::string> path;
  while (!stack.empty()) {
    auto [frame, depth] = stack.back();
    stack.pop_back();
    path.resize(depth - 1);
    path.push_back(frame.step);
    if (depth > kMaxNesting) {
      std::string where;
      for (size_t i = 1; i < path.size() && i < 8; ++i)
        where += path[i];
      return (where.empty() ? std::string("(the payload)") : where.substr(where[0] == '.' ? 1 : 0)) + "...";
    }
    const json &v = *frame.value;
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it)
        stack.push_back({{&it.value(), "." + it.key()}, depth + 1});
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i)
        stack.push_back({{&v[i], "[" + std::to_string(i) + "]"}, depth + 1});
    }
  }
  return "";
}

/// Validates one artefact's payload, with a JSON path in errors: every
/// field the runtime reads has the type and range it expects, every name
/// and node id refers to something that exists.
class Validator {
public:
  Validator(const std::string &path) : path(path) {}

  void run(const json &p) {
    std::string deep = tooDeep(p);
    if (!deep.empty())
      fail(deep, "nested more than " + std::to_string(kMaxNesting) + " levels deep");
    object(p, "");
    if (str(p, "format", "") != "nasc-artefact")
      fail("format", "expected \"nasc-artefact\", found " + brief(p["format"]));
    int64_t version = integer(p, "version", "");
    if (version != kArtefactVersion)
      fail("version", "payload version " + std::to_string(version) + " does not match the header");
    if (p.contains("source"))
      str(p, "source", "");
    const json &ops = field(p, "ops", "");
    object(ops, "ops");
    for (auto &[name, op] : ops.items())
      opNames[name] = &op;
    for (auto &[name, op] : ops.items())
      opDef(op, "ops." + name);
    const json &spaces = array(field(p, "spaces", ""), "spaces");
    for (size_t i = 0; i < spaces.size(); ++i)
      space(spaces[i], "spaces[" + std::to_string(i) + "]");
    const json &searches = array(field(p, "searches", ""), "searches");
    std::set<std::string> searchNames;
    for (size_t i = 0; i < searches.size(); ++i) {
      std::string where = "searches[" + std::to_string(i) + "]";
      if (!searchNames.insert(search(searches[i], where)).second)
        fail(where + ".name", "a second search named '" + searches[i]["name"].get<std::string>() + "'");
    }
  }

private:
  const std::string &path;
  std::map<std::string, const json *> opNames;
  /// What trees may refer to while one part is checked.
  struct DecisionInfo {
    std::string kind;
    int64_t size = 0;       // categorical: alternatives
    int64_t candidates = 0; // pick/subset
  };
  using Decisions = std::map<std::string, DecisionInfo>;
  std::map<std::string, Decisions> spaceDecisions; // by space name
  struct Scope {
    const Decisions *decisions = nullptr; // null: a tree may read none
    int64_t args = -1;                    // {"arg": i} for i < args (op defaults and cost rules)
    bool metrics = false;                 // objectives and constraints
    bool settings = false;                // extern components and {"space": S}
    int64_t refs = 0;                     // {"ref": k} for k < refs (the innermost let's definitions)
  };

  [[noreturn]] void fail(const std::string &where, const std::string &what) {
    throw ArtefactError(path + ": " + (where.empty() ? "" : where + ": ") + what);
  }
  static std::string at(const std::string &where, const std::string &key) {
    return where.empty() ? key : where + "." + key;
  }
  static std::string index(const std::string &where, size_t i) { return where + "[" + std::to_string(i) + "]"; }
  const json &field(const json &o, const char *key, const std::string &where) {
    if (!o.is_object())
      fail(where, "expected an object, found " + found(o));
    if (!o.contains(key))
      fail(where, std::string("missing '") + key + "'");
    return o.at(key);
  }
  void object(const json &v, const std::string &where) {
    if (!v.is_object())
      fail(where, "expected an object, found " + found(v));
  }
  const json &array(const json &v, const std::string &where) {
    if (!v.is_array())
      fail(where, "expected an array, found " + found(v));
    return v;
  }
  std::string str(const json &o, const char *key, const std::string &where) {
    const json &v = field(o, key, where);
    if (!v.is_string())
      fail(at(where, key), "expected a string, found " + found(v));
    return v.get<std::string>();
  }
  int64_t integer(const json &o, const char *key, const std::string &where, int64_t lo = INT64_MIN,
                  int64_t hi = INT64_MAX) {
    const json &v = field(o, key, where);
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)))
      fail(at(where, key), "expected an integer, found " + found(v));
    int64_t i = v.get<int64_t>();
    if (i < lo || i > hi)
      fail(at(where, key), "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                               ", found " + std::to_string(i));
    return i;
  }
  bool boolean(const json &o, const char *key, const std::string &where) {
    const json &v = field(o, key, where);
    if (!v.is_boolean())
      fail(at(where, key), "expected true or false, found " + found(v));
    return v.get<bool>();
  }
  void strings(const json &o, const char *key, const std::string &where) {
    const json &a = array(field(o, key, where), at(where, key));
    for (size_t i = 0; i < a.size(); ++i)
      if (!a[i].is_string())
        fail(index(at(where, key), i), "expected a string, found " + found(a[i]));
  }

  /// A scalar tree (docs/artefact.md, "Values") in `scope`.
  void scalar(const json &t, const std::string &where, const Scope &scope) {
    if (t.is_number() || t.is_boolean() || t.is_string())
      return;
    if (!t.is_object())
      fail(where, "expected a value or an expression, found " + found(t));
    if (t.contains("const")) {
      const json &c = t["const"];
      if (!(c.is_number() || c.is_boolean() || c.is_string()))
        fail(at(where, "const"), "expected a number, boolean or string, found " + found(c));
      return;
    }
    if (t.contains("decision")) {
      decisionRef(t, "decision", where, scope, "");
      return;
    }
    if (t.contains("ref")) {
      if (scope.refs == 0)
        fail(where, "{\"ref\": k} outside a let (or in its first definition)");
      integer(t, "ref", where, 0, scope.refs - 1);
      return;
    }
    if (t.contains("let")) {
      const json &defs = array(field(t, "let", where), at(where, "let"));
      Scope inner = scope;
      for (size_t i = 0; i < defs.size(); ++i) {
        inner.refs = int64_t(i); // a definition reads only those before it: no cycle
        scalar(defs[i], index(at(where, "let"), i), inner);
      }
      inner.refs = int64_t(defs.size());
      scalar(field(t, "in", where), at(where, "in"), inner);
      return;
    }
    if (t.contains("count")) { // how many an `any of` choice picks
      decisionRef(t, "count", where, scope, "subset");
      return;
    }
    if (t.contains("choose")) {
      const DecisionInfo &d = decisionRef(t, "choose", where, scope, "categorical");
      const json &of = array(field(t, "of", where), at(where, "of"));
      if (int64_t(of.size()) != d.size)
        fail(at(where, "of"), "has " + std::to_string(of.size()) + " alternatives, but decision '" +
                                  t["choose"].get<std::string>() + "' has " + std::to_string(d.size));
      for (size_t i = 0; i < of.size(); ++i)
        scalar(of[i], index(at(where, "of"), i), scope);
      return;
    }
    if (t.contains("op")) {
      std::string op = str(t, "op", where);
      int arity = scalarOpArity(op);
      if (arity < 0)
        fail(at(where, "op"), "unknown operation '" + op + "' (not one of arith, math or nas.string_eq the runtime evaluates)");
      const json &args = array(field(t, "args", where), at(where, "args"));
      if (int(args.size()) != arity)
        fail(at(where, "args"), "'" + op + "' takes " + std::to_string(arity) + " operands, found " +
                                    std::to_string(args.size()));
      if (op == "arith.cmpi" || op == "arith.cmpf") {
        std::string p = str(t, "predicate", where);
        if (!knownPredicate(op, p))
          fail(at(where, "predicate"), "'" + p + "' is not a predicate of " + op);
      }
      for (size_t i = 0; i < args.size(); ++i)
        scalar(args[i], index(at(where, "args"), i), scope);
      return;
    }
    if (t.contains("arg")) {
      if (scope.args < 0)
        fail(where, "{\"arg\": i} is read outside an op's defaults and cost rules");
      integer(t, "arg", where, 0, scope.args - 1);
      return;
    }
    if (t.contains("metric")) {
      if (!scope.metrics)
        fail(where, "a metric is read outside an objective or a constraint");
      str(t, "metric", where);
      if (t.contains("args"))
        scalarArgs(t["args"], at(where, "args"), scope);
      return;
    }
    if (t.contains("extern")) {
      if (!scope.settings)
        fail(where, "a component (extern) outside a search's settings");
      str(t, "extern", where);
      str(t, "kind", where);
      str(t, "impl", where);
      if (t.contains("args"))
        scalarArgs(t["args"], at(where, "args"), scope);
      return;
    }
    if (t.contains("space")) {
      if (!scope.settings)
        fail(where, "a space reference outside a search's settings");
      std::string name = str(t, "space", where);
      if (!spaceDecisions.count(name))
        fail(at(where, "space"), "names no space of this artefact ('" + name + "')");
      return;
    }
    fail(where, "not an expression (const, decision, choose, op, arg, metric, extern, space, let or ref): " + brief(t));
  }
  void scalarArgs(const json &args, const std::string &where, const Scope &scope) {
    object(args, where);
    for (auto &[k, v] : args.items())
      scalar(v, at(where, k), scope);
  }
  const DecisionInfo &decisionRef(const json &t, const char *key, const std::string &where, const Scope &scope,
                                  const std::string &kind) {
    std::string name = str(t, key, where);
    if (!scope.decisions)
      fail(at(where, key), "decision '" + name + "' is read where no decision is known");
    auto it = scope.decisions->find(name);
    if (it == scope.decisions->end())
      fail(at(where, key), "names no decision of this space ('" + name + "')");
    if (!kind.empty() && it->second.kind != kind)
      fail(at(where, key), "decision '" + name + "' is " + it->second.kind + ", not " + kind);
    return it->second;
  }
  /// A scalar tree that must be a constant: its value.
  json constant(const json &t, const std::string &where) {
    scalar(t, where, Scope{});
    try {
      return evaluate(t, Env{});
    } catch (const EvalError &e) {
      fail(where, e.what());
    }
  }

  void opDef(const json &op, const std::string &where) {
    object(op, where);
    if (str(op, "impl", where).empty())
      fail(at(where, "impl"), "expected a kernel name, found \"\"");
    strings(op, "params", where);
    const json &params = op["params"];
    const json &defaults = array(field(op, "defaults", where), at(where, "defaults"));
    if (params.size() != defaults.size())
      fail(where, "has " + std::to_string(params.size()) + " params but " + std::to_string(defaults.size()) +
                      " defaults");
    Scope scope;
    scope.args = int64_t(params.size()) + 3; // parameters, then in_channels, in_h, in_w
    for (size_t i = 0; i < defaults.size(); ++i)
      if (!defaults[i].is_null())
        scalar(defaults[i], index(at(where, "defaults"), i), scope);
    if (op.contains("traits"))
      strings(op, "traits", where);
    const json &cost = field(op, "cost", where);
    object(cost, at(where, "cost"));
    for (const char *key : {"out_channels", "stride", "params", "flops"})
      scalar(field(cost, key, at(where, "cost")), at(at(where, "cost"), key), scope);
  }

  /// A layer tree: ops exist and take the arguments given.
  void layer(const json &l, const std::string &where, const Scope &scope) {
    object(l, where);
    if (l.contains("op")) {
      std::string name = str(l, "op", where);
      auto op = opNames.find(name);
      if (op == opNames.end())
        fail(at(where, "op"), "names no op of this artefact ('" + name + "')");
      const json &args = field(l, "args", where);
      object(args, at(where, "args"));
      const json &params = (*op->second)["params"];
      for (auto &[k, v] : args.items()) {
        if (std::find(params.begin(), params.end(), k) == params.end())
          fail(at(at(where, "args"), k), "'" + name + "' has no parameter '" + k + "'");
        scalar(v, at(at(where, "args"), k), scope);
      }
    } else if (l.contains("choose")) {
      const DecisionInfo &d = decisionRef(l, "choose", where, scope, "categorical");
      const json &of = array(field(l, "of", where), at(where, "of"));
      if (of.empty() || int64_t(of.size()) != d.size)
        fail(at(where, "of"), "has " + std::to_string(of.size()) + " alternatives, but decision '" +
                                  l["choose"].get<std::string>() + "' has " + std::to_string(d.size));
      for (size_t i = 0; i < of.size(); ++i)
        layer(of[i], index(at(where, "of"), i), scope);
      if (l.contains("labels"))
        strings(l, "labels", where);
    } else if (l.contains("if")) {
      scalar(l["if"], at(where, "if"), scope);
      layer(field(l, "then", where), at(where, "then"), scope);
      layer(field(l, "else", where), at(where, "else"), scope);
    } else if (l.contains("repeat")) {
      scalar(l["repeat"], at(where, "repeat"), scope);
      layer(field(l, "layer", where), at(where, "layer"), scope);
    } else {
      fail(where, "is not a layer (op, choose, if or repeat)");
    }
  }

  /// A decision's own fields; adds it to `out`.
  void decision(const json &d, const std::string &where, Decisions &out, bool search) {
    object(d, where);
    std::string name = str(d, "name", where);
    if (name.empty())
      fail(at(where, "name"), "expected a decision name, found \"\"");
    std::string kind = str(d, "kind", where);
    DecisionInfo info{kind};
    if (d.contains("log"))
      boolean(d, "log", where);
    if (kind == "categorical") {
      info.size = integer(d, "size", where, 1, kMaxDomain);
      for (const char *key : {"labels", "values"}) {
        if (!d.contains(key))
          continue;
        const json &a = array(d[key], at(where, key));
        if (int64_t(a.size()) != info.size)
          fail(at(where, key), "has " + std::to_string(a.size()) + " entries for " + std::to_string(info.size) +
                                   " alternatives");
      }
      if (d.contains("labels"))
        strings(d, "labels", where);
      // Values are read before any other decision is known (IDs).
      if (d.contains("values"))
        for (size_t i = 0; i < d["values"].size(); ++i)
          scalar(d["values"][i], index(at(where, "values"), i), Scope{&out});
    } else if (kind == "int_range") {
      auto intOf = [&](const char *key) {
        json v = constant(field(d, key, where), at(where, key));
        if (!v.is_number_integer())
          fail(at(where, key), "expected an integer, found " + found(v));
        return v.get<int64_t>();
      };
      int64_t lo = intOf("lo"), hi = intOf("hi"), step = intOf("step");
      if (step <= 0)
        fail(at(where, "step"), "expected a positive step, found " + std::to_string(step));
      if (lo > hi)
        fail(where, "empty range: lo " + std::to_string(lo) + " > hi " + std::to_string(hi));
      if ((static_cast<__int128>(hi) - lo) / step + 1 > kMaxDomain)
        fail(where, "more than 2^24 values (" + std::to_string(lo) + " to " + std::to_string(hi) + " by " +
                        std::to_string(step) + ")");
    } else if (kind == "float_range") {
      auto realOf = [&](const char *key) {
        json v = constant(field(d, key, where), at(where, key));
        if (!v.is_number() || !std::isfinite(v.get<double>()))
          fail(at(where, key), "expected a finite number, found " + found(v));
        return v.get<double>();
      };
      double lo = realOf("lo"), hi = realOf("hi");
      if (!(lo <= hi))
        fail(where, "empty range: lo " + brief(lo) + " > hi " + brief(hi));
      if (d.value("log", false) && lo <= 0)
        fail(at(where, "lo"), "a log range needs lo > 0, found " + brief(lo));
    } else if (kind == "pick" || kind == "subset") {
      if (search)
        fail(at(where, "kind"), "a search block cannot declare an input choice");
      info.candidates = integer(d, "candidates", where, 0, kMaxCandidates);
      if (kind == "pick") {
        const json &count = field(d, "count", where);
        scalar(count, at(where, "count"), Scope{&out}); // may read other decisions
        json k;
        bool known = true;
        try {
          k = evaluate(count, Env{});
        } catch (const EvalError &) {
          known = false; // depends on a decision: checked per architecture
        }
        if (known && (!k.is_number_integer() || k.get<int64_t>() < 0 || k.get<int64_t>() > info.candidates))
          fail(at(where, "count"), "expected a count from 0 to " + std::to_string(info.candidates) + ", found " +
                                       found(k));
      }
    } else {
      fail(at(where, "kind"), "unknown decision kind '" + kind + "'");
    }
    if (out.count(name)) {
      if (!search)
        fail(at(where, "name"), "a second decision named '" + name + "'");
      return; // a search's decision the space has (EfficientNet's phi) is the space's
    }
    out[name] = info;
  }

  /// active_if / active_if_any conditions of a decision or a requirement.
  void conditions(const json &set, const std::string &where, const Decisions &ds,
                  const std::set<std::string> &switches) {
    array(set, where);
    for (size_t i = 0; i < set.size(); ++i) {
      std::string w = index(where, i);
      const json &c = set[i];
      object(c, w);
      if (c.contains("decision")) {
        std::string name = str(c, "decision", w);
        auto it = ds.find(name);
        if (it == ds.end() || (it->second.kind != "pick" && it->second.kind != "subset"))
          fail(at(w, "decision"), "names no input choice of this space ('" + name + "')");
        integer(c, "includes", w, 0, it->second.candidates - 1);
        continue;
      }
      std::string sw = str(c, "switch", w);
      if (!switches.count(sw))
        fail(at(w, "switch"), "names no switch node of this space ('" + sw + "')");
      int64_t least = integer(c, "at_least", w, 0);
      if (c.contains("at_most"))
        integer(c, "at_most", w, least);
    }
  }
  void activity(const json &o, const std::string &where, const Decisions &ds, const std::set<std::string> &switches) {
    if (o.contains("active_if"))
      conditions(o["active_if"], at(where, "active_if"), ds, switches);
    if (o.contains("active_if_any")) {
      const json &any = array(o["active_if_any"], at(where, "active_if_any"));
      for (size_t i = 0; i < any.size(); ++i)
        conditions(any[i], index(at(where, "active_if_any"), i), ds, switches);
    }
  }
  void requirement(const json &c, const std::string &where, const Scope &scope,
                   const std::set<std::string> &switches) {
    object(c, where);
    scalar(field(c, "condition", where), at(where, "condition"), scope);
    for (const char *key : {"text", "message"})
      if (c.contains(key))
        str(c, key, where);
    activity(c, where, *scope.decisions, switches);
  }

  void space(const json &s, const std::string &where) {
    object(s, where);
    std::string name = str(s, "name", where);
    if (spaceDecisions.count(name))
      fail(at(where, "name"), "a second space named '" + name + "'");
    str(s, "network", where);
    const json &size = field(s, "size", where);
    if (!size.is_string() || size.get<std::string>().empty() ||
        size.get<std::string>().find_first_not_of("0123456789") != std::string::npos)
      fail(at(where, "size"), "expected a string of digits, found " + brief(s["size"]));
    if (s.contains("continuous"))
      boolean(s, "continuous", where);
    for (const char *key : {"params", "flops"}) {
      if (!s.contains(key))
        continue;
      const json &b = array(s[key], at(where, key));
      if (b.size() != 2 || !b[0].is_number() || !b[1].is_number())
        fail(at(where, key), "expected [low, high] bounds, found " + brief(b));
    }
    const json &nodes = array(field(s, "nodes", where), at(where, "nodes"));
    // Switch names first: decisions' conditions refer to them.
    std::set<std::string> switches;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].is_object() && nodes[i].value("kind", json()) == "switch") {
        std::string w = index(at(where, "nodes"), i);
        if (!switches.insert(str(nodes[i], "id_name", w)).second)
          fail(at(w, "id_name"), "a second switch named '" + nodes[i]["id_name"].get<std::string>() + "'");
      }
    Decisions &ds = spaceDecisions[name];
    const json &decisions = array(field(s, "decisions", where), at(where, "decisions"));
    for (size_t i = 0; i < decisions.size(); ++i)
      decision(decisions[i], index(at(where, "decisions"), i), ds, false);
    for (size_t i = 0; i < decisions.size(); ++i)
      activity(decisions[i], index(at(where, "decisions"), i), ds, switches);
    Scope scope{&ds};
    std::set<int64_t> inputNodes;
    for (size_t i = 0; i < nodes.size(); ++i)
      node(nodes[i], i, index(at(where, "nodes"), i), scope, ds, inputNodes);
    int64_t output = integer(s, "output", where);
    if (output < 0 || output >= static_cast<int64_t>(nodes.size()))
      fail(at(where, "output"), "refers to no node (" + std::to_string(output) + ")");
    const json &inputs = array(field(s, "inputs", where), at(where, "inputs"));
    if (inputs.empty())
      fail(at(where, "inputs"), "a space needs an input");
    std::set<int64_t> described;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::string w = index(at(where, "inputs"), i);
      int64_t n = integer(inputs[i], "node", w);
      if (!inputNodes.count(n))
        fail(at(w, "node"), "refers to no input node (" + std::to_string(n) + ")");
      described.insert(n);
      shape(field(inputs[i], "shape", w), at(w, "shape"), scope);
    }
    for (int64_t n : inputNodes)
      if (!described.count(n))
        fail(at(where, "inputs"), "input node " + std::to_string(n) + " has no shape");
    if (s.contains("constraints")) {
      const json &cs = array(s["constraints"], at(where, "constraints"));
      Scope withMetrics = scope;
      withMetrics.metrics = true;
      for (size_t i = 0; i < cs.size(); ++i)
        requirement(cs[i], index(at(where, "constraints"), i), withMetrics, switches);
    }
  }

  void shape(const json &sh, const std::string &where, const Scope &scope) {
    array(sh, where);
    if (sh.size() != 3)
      fail(where, "expected [channels, height, width], found " + brief(sh));
    for (size_t i = 0; i < 3; ++i)
      scalar(sh[i], index(where, i), scope);
  }

  void node(const json &n, size_t i, const std::string &where, const Scope &scope, const Decisions &ds,
            std::set<int64_t> &inputNodes) {
    object(n, where);
    integer(n, "id", where, int64_t(i), int64_t(i)); // in order: id = position
    std::string kind = str(n, "kind", where);
    if (n.contains("shape"))
      shape(n["shape"], at(where, "shape"), scope);
    if (kind == "input") {
      if (n.contains("name"))
        str(n, "name", where);
      inputNodes.insert(int64_t(i));
      return;
    }
    static const std::set<std::string> kinds = {"apply", "sum", "concat", "pick", "subset", "item", "select", "switch"};
    if (!kinds.count(kind))
      fail(at(where, "kind"), "unknown node kind '" + kind + "'");
    const json &inputs = array(field(n, "inputs", where), at(where, "inputs"));
    for (const json &in : inputs)
      if (!in.is_number_integer() || in.get<int64_t>() < 0 || in.get<int64_t>() >= static_cast<int64_t>(i))
        fail(at(where, "inputs"), "refers to a node that does not come before it");
    auto count = [&](size_t expected) {
      if (inputs.size() != expected)
        fail(at(where, "inputs"), "a " + kind + " node takes " + std::to_string(expected) + " input(s), found " +
                                      std::to_string(inputs.size()));
    };
    if (kind == "apply") {
      count(1);
      layer(field(n, "layer", where), at(where, "layer"), scope);
    } else if (kind == "sum" || kind == "concat") {
      if (inputs.empty())
        fail(at(where, "inputs"), "a " + kind + " node needs inputs");
    } else if (kind == "pick" || kind == "subset") {
      std::string name = str(n, "decision", where);
      auto it = ds.find(name);
      if (it == ds.end())
        fail(at(where, "decision"), "names no decision of the space ('" + name + "')");
      if (it->second.kind != kind)
        fail(at(where, "decision"), "decision '" + name + "' is " + it->second.kind + ", not " + kind);
      count(size_t(it->second.candidates));
    } else if (kind == "item") {
      count(1);
      scalar(field(n, "index", where), at(where, "index"), scope);
    } else if (kind == "select") {
      count(2);
      scalar(field(n, "if", where), at(where, "if"), scope);
    } else if (kind == "switch") {
      if (inputs.empty())
        fail(at(where, "inputs"), "a switch node needs inputs");
      scalar(field(n, "index", where), at(where, "index"), scope);
    }
  }

  /// Returns the search's name.
  std::string search(const json &s, const std::string &where) {
    object(s, where);
    std::string name = str(s, "name", where);
    const json &settings = field(s, "settings", where);
    object(settings, at(where, "settings"));
    // Decisions a tree of this search may read: its space's, then its own.
    Decisions ds;
    if (settings.contains("space")) {
      const json &ref = settings["space"];
      if (!ref.is_object() || !ref.contains("space") || !ref["space"].is_string() ||
          !spaceDecisions.count(ref["space"].get<std::string>()))
        fail(at(at(where, "settings"), "space"), "does not name a space of this artefact");
      ds = spaceDecisions[ref["space"].get<std::string>()];
    }
    if (s.contains("decisions")) {
      const json &own = array(s["decisions"], at(where, "decisions"));
      for (size_t i = 0; i < own.size(); ++i)
        decision(own[i], index(at(where, "decisions"), i), ds, true);
    }
    Scope scope{&ds};
    scope.settings = true;
    std::string sw = at(where, "settings");
    for (auto &[key, v] : settings.items())
      scalar(v, at(sw, key), scope);
    for (const char *key : {"strategy", "estimator", "dataset", "optimizer"})
      if (settings.contains(key) && !settings[key].contains("extern"))
        fail(at(sw, key), "expected a component (extern), found " + brief(settings[key]));
    if (settings.contains("evaluations")) {
      json v = constant(settings["evaluations"], at(sw, "evaluations"));
      if (!v.is_number_integer() || v.get<int64_t>() < 1)
        fail(at(sw, "evaluations"), "expected a whole number of evaluations, at least 1, found " + found(v));
    }
    if (settings.contains("seed")) {
      json v = constant(settings["seed"], at(sw, "seed"));
      if (!v.is_number_integer() || v.get<int64_t>() < 0)
        fail(at(sw, "seed"), "expected a whole number, at least 0, found " + found(v));
    }
    if (settings.contains("time_limit")) {
      json v = constant(settings["time_limit"], at(sw, "time_limit"));
      if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
        fail(at(sw, "time_limit"), "expected a number of seconds greater than 0, found " + found(v));
    }
    Scope measured = scope;
    measured.settings = false;
    measured.metrics = true;
    const json &objectives = array(field(s, "objectives", where), at(where, "objectives"));
    for (size_t i = 0; i < objectives.size(); ++i) {
      std::string w = index(at(where, "objectives"), i);
      std::string direction = str(objectives[i], "direction", w);
      if (direction != "maximize" && direction != "minimize")
        fail(at(w, "direction"), "expected \"maximize\" or \"minimize\", found " + brief(direction));
      scalar(field(objectives[i], "value", w), at(w, "value"), measured);
    }
    if (s.contains("constraints")) {
      const json &cs = array(s["constraints"], at(where, "constraints"));
      for (size_t i = 0; i < cs.size(); ++i)
        requirement(cs[i], index(at(where, "constraints"), i), measured, {});
    }
    return name;
  }
};

} // namespace

const json &Artefact::space(const std::string &name) const {
  for (const json &s : spaces())
    if (s.at("name") == name)
      return s;
  throw ArtefactError(path + ": no space '" + name + "'");
}

Artefact nasc::runtime::parseArtefact(const std::string &bytes, const std::string &path) {
  if (bytes.empty())
    throw ArtefactError(path + ": empty file: not a nasc artefact");
  if (bytes.size() > cli::kArtefactLimit)
    throw ArtefactError(path + ": file is larger than the " + cli::describeLimit(cli::kArtefactLimit) + " limit");
  size_t eol = bytes.find('\n');
  if (bytes.compare(0, 5, "NASA ") != 0 || eol == std::string::npos)
    throw ArtefactError(path + ": not a nasc artefact (it does not start with 'NASA <version>')");
  std::istringstream header(bytes.substr(5, eol - 5));
  long long version = -1, length = -1;
  std::string crcText;
  header >> version >> length >> crcText;
  if (!header || version < 0 || length < 0 || crcText.size() != 8)
    throw ArtefactError(path + ": damaged header '" + bytes.substr(0, eol) + "'");
  if (version != kArtefactVersion)
    throw ArtefactError(path + ": artefact version " + std::to_string(version) + "; this runtime reads version " +
                        std::to_string(kArtefactVersion) + " (recompile the space with this nasc)");
  std::string body = bytes.substr(eol + 1);
  if (static_cast<long long>(body.size()) < length)
    throw ArtefactError(path + ": truncated: the header promises " + std::to_string(length) + " bytes, the file has " +
                        std::to_string(body.size()));
  if (static_cast<long long>(body.size()) > length)
    throw ArtefactError(path + ": " + std::to_string(body.size() - length) + " unexpected bytes after the payload");
  uLong crc = crc32(0L, reinterpret_cast<const Bytef *>(body.data()), body.size());
  char computed[9];
  snprintf(computed, sizeof computed, "%08lx", static_cast<unsigned long>(crc));
  if (crcText != computed)
    throw ArtefactError(path + ": corrupt: checksum " + computed + " does not match the header's " + crcText);
  Artefact a{path, {}};
  try {
    a.payload = json::parse(body);
  } catch (const json::exception &e) {
    throw ArtefactError(path + ": corrupt: " + e.what());
  }
  try {
    Validator(path).run(a.payload);
  } catch (const json::exception &e) {
    throw ArtefactError(path + ": malformed: " + e.what());
  }
  return a;
}

Artefact nasc::runtime::loadArtefact(const std::string &path) {
  std::string bytes;
  try {
    bytes = cli::readFileLimited(path, cli::kArtefactLimit);
  } catch (const cli::InputError &e) {
    throw ArtefactError(e.what());
  }
  return parseArtefact(bytes, path);
}
