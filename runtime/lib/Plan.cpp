//===- Plan.cpp - One architecture's network, resolved without torch ------===//
#include "nasc/runtime/Plan.h"

#include <cmath>
#include <stdexcept>

namespace nasc::runtime {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

/// Ops whose `out` a width multiplier scales (see resolveOp).
bool scalesWidth(const Json &def) {
  for (const Json &t : def.value("traits", Json::array()))
    if (t == "convolution" || t == "zero")
      return true;
  return false;
}

std::string shapeText(const Shape &s) {
  return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

[[noreturn]] void fail(const Json &node, const std::string &what) {
  throw std::invalid_argument("node " + std::to_string(node.value("id", int64_t(-1))) + " (" +
                              node.value("kind", std::string("?")) + "): " + what);
}

/// Walks a layer tree for one architecture, appending the ops it runs.
void walkLayer(const Json &ops, const Json &tree, const Env &env, Shape &shape, const std::string &path,
               std::vector<PlacedOp> &out, double widthMult) {
  if (tree.contains("choose")) {
    int64_t i = asInt(evaluate(Json{{"decision", tree.at("choose")}}, env));
    const Json &of = tree.at("of");
    if (i < 0 || i >= int64_t(of.size()))
      throw EvalError("decision '" + tree.at("choose").get<std::string>() + "' has no alternative " +
                      std::to_string(i));
    walkLayer(ops, of[i], env, shape, path + "c" + std::to_string(i), out, widthMult);
    return;
  }
  if (tree.contains("if")) {
    bool c = asBool(evaluate(tree.at("if"), env));
    walkLayer(ops, c ? tree.at("then") : tree.at("else"), env, shape, path + (c ? "t" : "e"), out, widthMult);
    return;
  }
  if (tree.contains("repeat")) {
    int64_t n = asInt(evaluate(tree.at("repeat"), env));
    for (int64_t i = 0; i < n; ++i)
      walkLayer(ops, tree.at("layer"), env, shape, path + "r" + std::to_string(i), out, widthMult);
    return;
  }
  PlacedOp placed{path, resolveOp(ops, tree.at("op").get<std::string>(), tree.at("args"), env, shape, widthMult)};
  shape = placed.op.out;
  out.push_back(std::move(placed));
}

} // namespace

std::string ResolvedOp::key() const {
  std::string k = impl + "(";
  for (size_t i = 0; i < names.size(); ++i)
    k += (i ? "," : "") + names[i] + "=" + values[i].dump();
  return k + ")@" + shapeText(in);
}

std::string ResolvedOp::keyAtAnySize() const {
  std::string k = impl + "(";
  for (size_t i = 0; i < names.size(); ++i)
    k += (i ? "," : "") + names[i] + "=" + values[i].dump();
  return k + ")@" + std::to_string(in[0]);
}

const Json &ResolvedOp::param(const std::string &name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return values[i];
  throw std::invalid_argument("op '" + op + "' has no parameter '" + name + "'");
}

ResolvedOp resolveOp(const Json &ops, const std::string &op, const Json &argTrees, const Env &env, const Shape &in,
                     double widthMult) {
  auto def = ops.find(op);
  if (def == ops.end())
    throw std::invalid_argument("the artefact has no op '" + op + "'");
  ResolvedOp r;
  r.op = op;
  r.impl = def->at("impl").get<std::string>();
  r.in = in;
  const Json &params = def->at("params"), &defaults = def->at("defaults");
  size_t n = params.size();
  std::vector<Json> args(n + 3, nullptr);
  args[n] = in[0], args[n + 1] = in[1], args[n + 2] = in[2];
  Env argEnv;
  argEnv.args = &args;
  for (size_t i = 0; i < n; ++i) {
    const std::string name = params[i].get<std::string>();
    r.names.push_back(name);
    if (argTrees.contains(name)) {
      args[i] = evaluate(argTrees.at(name), env);
      if (name == "out" && widthMult != 1.0 && scalesWidth(*def)) {
        int64_t out = asInt(args[i]);
        args[i] = out == 1 ? out : std::max<int64_t>(2, 2 * std::llround(double(out) * widthMult / 2));
      }
    } else if (defaults[i].is_null()) {
      throw std::invalid_argument("op '" + op + "' needs argument '" + name + "'");
    } else {
      args[i] = evaluate(defaults[i], argEnv);
    }
  }
  const Json &cost = def->at("cost");
  int64_t channels = asInt(evaluate(cost.at("out_channels"), argEnv));
  int64_t stride = asInt(evaluate(cost.at("stride"), argEnv));
  if (channels < 1 || stride < 1)
    throw std::invalid_argument("op '" + op + "' on a " + shapeText(in) + " input gives " +
                                std::to_string(channels) + " channels, stride " + std::to_string(stride));
  r.out = {channels, ceilDiv(in[1], stride), ceilDiv(in[2], stride)};
  r.params = asDouble(evaluate(cost.at("params"), argEnv));
  r.flops = asDouble(evaluate(cost.at("flops"), argEnv));
  r.values.assign(args.begin(), args.begin() + n);
  return r;
}

Plan plan(const Json &ops, const Space &space, const Architecture &a, bool everyNode, double widthMult) {
  const Json &nodes = space.json().at("nodes");
  size_t n = nodes.size();
  std::map<std::string, Json> values = space.values(a);
  Env env;
  env.decisions = &values;
  Plan p;
  p.live.assign(n, false);
  p.shapes.assign(n, std::nullopt);
  p.ops.assign(n, {});
  p.routed.assign(n, {});
  p.output = space.json().at("output").get<int64_t>();

  // Routing needs decisions only: which inputs each routing node passes on.
  auto kindOf = [&](int64_t i) -> std::string { return nodes[i].at("kind").get<std::string>(); };
  for (size_t i = 0; i < n; ++i) {
    const Json &node = nodes[i];
    const std::string kind = kindOf(i);
    const Json &inputs = node.contains("inputs") ? node.at("inputs") : Json::array();
    if (kind == "pick" || kind == "subset") {
      uint64_t mask = uint64_t(asInt(evaluate(Json{{"decision", node.at("decision")}}, env)));
      for (size_t c = 0; c < inputs.size(); ++c)
        if (mask >> c & 1)
          p.routed[i].push_back(inputs[c].get<int64_t>());
    } else if (kind == "switch" || kind == "select") {
      int64_t k = kind == "switch" ? asInt(evaluate(node.at("index"), env))
                                   : (asBool(evaluate(node.at("if"), env)) ? 0 : 1);
      if (k < 0 || k >= int64_t(inputs.size()))
        fail(node, "index " + std::to_string(k) + " is outside its " + std::to_string(inputs.size()) + " inputs");
      p.routed[i].push_back(inputs[k].get<int64_t>());
    } else if (kind == "item") {
      int64_t list = inputs.at(0).get<int64_t>(), k = asInt(evaluate(node.at("index"), env));
      if (k < 0 || k >= int64_t(p.routed[list].size()))
        fail(node, "item " + std::to_string(k) + " of a list of " + std::to_string(p.routed[list].size()));
      p.routed[i].push_back(p.routed[list][k]);
    }
  }
  // What a node reads in this architecture: routing nodes pass their routed inputs.
  auto reads = [&](size_t i) -> std::vector<int64_t> {
    const std::string kind = kindOf(i);
    if (!p.routed[i].empty() || kind == "pick" || kind == "subset" || kind == "switch" || kind == "select" ||
        kind == "item")
      return p.routed[i];
    std::vector<int64_t> in;
    if (nodes[i].contains("inputs"))
      for (const Json &x : nodes[i].at("inputs"))
        in.push_back(x.get<int64_t>());
    return in;
  };
  p.live[p.output] = true;
  for (size_t i = n; i-- > 0;)
    if (p.live[i])
      for (int64_t j : reads(i))
        p.live[j] = true;

  // Expands a sum's or concat's inputs: a pick/subset contributes its picks.
  auto operands = [&](size_t i) {
    std::vector<int64_t> out;
    for (const Json &x : nodes[i].at("inputs")) {
      int64_t j = x.get<int64_t>();
      const std::string kind = kindOf(j);
      if (kind == "pick" || kind == "subset")
        out.insert(out.end(), p.routed[j].begin(), p.routed[j].end());
      else
        out.push_back(j);
    }
    return out;
  };
  auto shapeOf = [&](const Json &node, int64_t j) -> Shape {
    if (!p.shapes[j])
      fail(node, "reads node " + std::to_string(j) + ", which has no shape in this architecture");
    return *p.shapes[j];
  };
  auto shapeNode = [&](size_t i) {
    const Json &node = nodes[i];
    const std::string kind = kindOf(i);
    if (kind == "input") {
      for (const Json &in : space.json().at("inputs"))
        if (in.at("node").get<size_t>() == i) {
          const Json &s = in.at("shape");
          p.shapes[i] = Shape{asInt(evaluate(s[0], env)), asInt(evaluate(s[1], env)), asInt(evaluate(s[2], env))};
        }
      if (!p.shapes[i])
        fail(node, "an input without a shape");
    } else if (kind == "apply") {
      Shape s = shapeOf(node, node.at("inputs").at(0).get<int64_t>());
      walkLayer(ops, node.at("layer"), env, s, "", p.ops[i], widthMult);
      if (p.live[i])
        for (const PlacedOp &o : p.ops[i])
          p.params += o.op.params, p.flops += o.op.flops;
      p.shapes[i] = s;
    } else if (kind == "sum" || kind == "concat") {
      std::vector<int64_t> in = operands(i);
      if (in.empty())
        fail(node, "has no inputs in this architecture");
      Shape s = shapeOf(node, in[0]);
      for (size_t k = 1; k < in.size(); ++k) {
        Shape t = shapeOf(node, in[k]);
        bool ok = kind == "sum" ? t == s : (t[1] == s[1] && t[2] == s[2]);
        if (!ok)
          fail(node, kind + " of " + shapeText(s) + " and " + shapeText(t));
        if (kind == "concat")
          s[0] += t[0];
      }
      p.shapes[i] = s;
    } else if (kind == "switch" || kind == "select" || kind == "item") {
      p.shapes[i] = shapeOf(node, p.routed[i].at(0));
    }
    // pick/subset are lists, not feature maps: no shape of their own.
  };
  for (size_t i = 0; i < n; ++i) {
    if (!p.live[i] && !everyNode)
      continue;
    try {
      shapeNode(i);
    } catch (const std::exception &) {
      if (p.live[i])
        throw;
      p.shapes[i].reset(); // a dead node that cannot be built in this architecture
      p.ops[i].clear();
    }
  }
  // Data flow from the inputs, through ops that are not `zero`.
  std::vector<bool> fromInput(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (!p.live[i])
      continue;
    const std::string kind = kindOf(i);
    if (kind == "input") {
      fromInput[i] = true;
      continue;
    }
    bool any = false;
    for (int64_t j : (kind == "sum" || kind == "concat") ? operands(i) : reads(i))
      any = any || (j >= 0 && size_t(j) < n && fromInput[size_t(j)]);
    if (kind == "apply")
      for (const PlacedOp &o : p.ops[i])
        any = any && o.op.impl != "zero";
    fromInput[i] = any;
  }
  p.readsInput = fromInput[size_t(p.output)];
  return p;
}

} // namespace nasc::runtime
