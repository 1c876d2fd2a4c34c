//===- Network.cpp - Child networks and supernets of a compiled space -----===//
#include "nasc/nn/Network.h"

#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>

namespace nasc::nn {

using runtime::asInt;
using runtime::Env;
using runtime::PlacedOp;
using runtime::Shape;

namespace {

/// Supernets share weights among architectures with the same configuration
/// of a node; a node whose configuration depends on more decision values
/// than this is refused rather than built for minutes.
constexpr uint64_t kMaxConfigurations = 4096;

/// Short, stable names: the low 32 bits of the ID hash.
std::string hex8(const std::string &s) { return Space::hash(s).substr(8); }

/// Decision names a tree reads.
void namesIn(const Json &tree, std::set<std::string> &out) {
  if (tree.is_object()) {
    if (tree.contains("decision") && tree["decision"].is_string())
      out.insert(tree["decision"].get<std::string>());
    if (tree.contains("choose"))
      out.insert(tree["choose"].get<std::string>());
    for (auto &[k, v] : tree.items())
      namesIn(v, out);
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      namesIn(v, out);
  }
}

std::string kindOf(const Json &node) { return node.at("kind").get<std::string>(); }

int64_t ceilDiv(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

/// The shape `tree` gives an `in` input in the architecture `env` holds
/// (the decisions' alternatives; no weights made).
Shape shapeAfter(const Json &ops, const Json &tree, const Env &env, Shape in, double widthMult) {
  if (tree.contains("choose"))
    return shapeAfter(ops, tree["of"].at(asInt(runtime::evaluate(Json{{"decision", tree["choose"]}}, env))), env, in,
                      widthMult);
  if (tree.contains("if"))
    return shapeAfter(ops, runtime::asBool(runtime::evaluate(tree["if"], env)) ? tree["then"] : tree["else"], env, in,
                      widthMult);
  if (tree.contains("repeat")) {
    for (int64_t i = asInt(runtime::evaluate(tree["repeat"], env)); i > 0; --i)
      in = shapeAfter(ops, tree["layer"], env, in, widthMult);
    return in;
  }
  return runtime::resolveOp(ops, tree.at("op").get<std::string>(), tree.at("args"), env, in, widthMult).out;
}

/// Whether the choice `tree` on a `shape` input can run on partial
/// channels (PC-DARTS) with K = k: C divisible by k, the chosen
/// alternative keeping C channels at full width, every alternative giving
/// C/k channels at width 1/k with the same spatial size. Returns the
/// alternatives' stride, 0 when it cannot.
int64_t partialStride(const Json &ops, const Json &tree, const Env &env, const Shape &shape, double widthMult,
                      int64_t k) {
  if (shape[0] % k != 0)
    return 0;
  try {
    Shape full = shapeAfter(ops, tree, env, shape, widthMult);
    int64_t stride = ceilDiv(shape[1], full[1]);
    if (full[0] != shape[0] || ceilDiv(shape[1], stride) != full[1] || ceilDiv(shape[2], stride) != full[2])
      return 0;
    Shape narrow{shape[0] / k, shape[1], shape[2]};
    for (const Json &alt : tree["of"]) {
      Shape s = shapeAfter(ops, alt, env, narrow, widthMult / double(k));
      if (s[0] != narrow[0] || s[1] != full[1] || s[2] != full[2])
        return 0;
    }
    return stride;
  } catch (const std::exception &) {
    return 0; // an alternative that cannot take C/k channels mixes in full
  }
}

/// The decisions an apply node's layer tree reads that change its output
/// shape (a transformer block's heads and MLP ratio do not; a convolution's
/// width does): found by resolving the tree for every combination of them
/// and of the decisions its input's shape depends on (`inDeps`). All the
/// tree's decisions when the combinations are too many to try.
/// Plans of whole architectures, each made once: the configuration analyses
/// of neighbouring nodes try many of the same combinations.
class PlanCache {
public:
  PlanCache(const Json &ops, const Space &space) : ops_(ops), space_(space) {}
  /// a's plan with every node planned, or null when a breaks a rule.
  const runtime::Plan *get(const Architecture &a) {
    if (plans_.size() >= kMaxPlans) // a bound on memory (a plan is a few KB to ~100 KB)
      plans_.clear();
    auto [it, fresh] = plans_.try_emplace(a.choice);
    if (fresh) {
      try {
        it->second = std::make_unique<runtime::Plan>(runtime::plan(ops_, space_, a, /*everyNode=*/true));
      } catch (const std::exception &) {
        // not an architecture: stays null
      }
    }
    return it->second.get();
  }

private:
  static constexpr size_t kMaxPlans = 1 << 15;
  const Json &ops_;
  const Space &space_;
  std::map<std::vector<int64_t>, std::unique_ptr<runtime::Plan>> plans_;
};

std::set<std::string> shapeChangingNames(const Json &ops, const Space &space, const Architecture &start,
                                         const Json &node, const std::set<std::string> &inDeps,
                                         const std::map<std::string, size_t> &position, PlanCache &plans) {
  std::set<std::string> local;
  namesIn(node.at("layer"), local);
  std::vector<std::string> tried(local.begin(), local.end());
  for (const std::string &name : inDeps)
    if (!local.count(name))
      tried.push_back(name);
  uint64_t combos = 1;
  std::vector<size_t> pos;
  for (const std::string &name : tried) {
    auto it = position.find(name);
    if (it == position.end())
      return local; // a continuous decision: no enumeration
    pos.push_back(it->second);
    combos *= space.decisions()[space.discrete()[it->second]].domain.size();
    if (combos > kMaxConfigurations)
      return local;
  }
  size_t input = node.at("inputs").at(0).get<size_t>();
  // Per local decision: the output shapes seen for each setting of the others.
  std::map<std::string, std::map<std::vector<int64_t>, std::set<Shape>>> seen;
  for (uint64_t c = 0; c < combos; ++c) {
    Architecture a = start;
    uint64_t rest = c;
    for (size_t v : pos) {
      uint64_t n = space.decisions()[space.discrete()[v]].domain.size();
      a.choice[v] = int64_t(rest % n);
      rest /= n;
    }
    Shape out;
    try {
      const runtime::Plan *plan = a.real.empty() ? plans.get(a) : nullptr;
      std::optional<runtime::Plan> own;
      if (!a.real.empty()) // continuous decisions: not cached by choice alone
        plan = &own.emplace(runtime::plan(ops, space, a, /*everyNode=*/true));
      if (!plan)
        continue;
      const runtime::Plan &p = *plan;
      if (!p.shapes.at(input))
        continue;
      std::map<std::string, Json> values = space.values(a);
      Env env;
      env.decisions = &values;
      out = shapeAfter(ops, node.at("layer"), env, *p.shapes[input], 1.0);
    } catch (const std::exception &) {
      continue; // not an architecture
    }
    for (size_t k = 0; k < local.size(); ++k) {
      std::vector<int64_t> others;
      for (size_t j = 0; j < pos.size(); ++j)
        if (j != k)
          others.push_back(a.choice[pos[j]]);
      seen[tried[k]][others].insert(out);
    }
  }
  std::set<std::string> changing;
  for (auto &[name, byOthers] : seen)
    for (auto &[others, shapes] : byOthers)
      if (shapes.size() > 1)
        changing.insert(name);
  return changing;
}

} // namespace

std::string moduleName(int64_t node, const PlacedOp &op, bool anySize) {
  return "n" + std::to_string(node) + "_" + (op.path.empty() ? "" : op.path + "_") + op.op.impl + "_" +
         hex8(anySize ? op.op.keyAtAnySize() : op.op.key());
}

std::string elasticPlace(int64_t node, const PlacedOp &op) {
  std::optional<std::string> sig = elasticSignature(op.op);
  if (!sig)
    return "";
  return "n" + std::to_string(node) + "_" + (op.path.empty() ? "" : op.path + "_") + op.op.impl + "_elastic_" + hex8(*sig);
}

Network::Network(const Json &ops, const Space &space, Mode mode)
    : ops_(ops), space_(space), mode_(mode), anySize_(space.resolutionDecided()) {}

std::string Network::moduleNameOf(int64_t node, const PlacedOp &op) const { return moduleName(node, op, anySize_); }

void Network::addModules(int64_t node, const std::vector<PlacedOp> &ops) {
  for (const PlacedOp &op : ops) {
    std::string name = moduleNameOf(node, op);
    if (modules_.count(name))
      continue;
    modules_[name] = register_module(name, makeLayer(op.op));
    builtParams_[name] = op.op.params;
    Place &place = modulePlaces_[std::to_string(node) + "|" + op.path + "|" + op.op.impl];
    place.node = node, place.path = op.path, place.impl = op.op.impl;
    ++place.configurations;
    place.params += countParameters(*modules_[name]);
  }
}

Layer *Network::module(int64_t node, const PlacedOp &op) {
  if (building_)
    addModules(node, {op});
  auto it = modules_.find(moduleNameOf(node, op));
  if (it == modules_.end() && !elastic_.empty()) {
    std::string place = elasticPlace(node, op);
    if (auto e = elastic_.find(place); e != elastic_.end()) {
      std::shared_ptr<ElasticView> &view = views_[place + "|" + op.op.key()];
      if (!view)
        view = std::make_shared<ElasticView>(e->second, op.op);
      return view.get();
    }
  }
  // Keyed at any size: the module must be one whose weights do not depend
  // on the size (the compiler's parameter count tells).
  if (it != modules_.end() && anySize_ && builtParams_[it->first] != op.op.params)
    it = modules_.end();
  if (it == modules_.end())
    throw std::invalid_argument(
        "node " + std::to_string(node) + ": no weights for " + op.op.key() +
        (mode_ == Mode::Child ? " (a child network runs only its own architecture)"
         : anySize_ ? " (the input's size is a decision here, and this op's weights depend on it, as "
                      "patch_embed's position grid does: one supernet cannot serve every size)"
                    : ""));
  return it->second.get();
}

std::shared_ptr<Network> Network::child(const Json &ops, const Space &space, const Architecture &a,
                                        double widthMult) {
  std::shared_ptr<Network> net(new Network(ops, space, Mode::Child));
  net->widthMult_ = widthMult;
  runtime::Plan p = runtime::plan(ops, space, a, /*everyNode=*/false, widthMult);
  for (size_t i = 0; i < p.ops.size(); ++i)
    if (p.live[i])
      net->addModules(i, p.ops[i]);
  net->setArchitecture(a);
  return net;
}

void Network::forEachConfiguration(
    const Json &ops, const Space &space, const Architecture &start,
    const std::function<void(int64_t, const runtime::Plan &, const Architecture &)> &visit) {
  const Json &nodes = space.json().at("nodes");
  std::map<std::string, size_t> position; // decision name -> index in discrete()
  for (size_t d = 0; d < space.discrete().size(); ++d)
    position[space.decisions()[space.discrete()[d]].name] = d;

  PlanCache plans(ops, space);
  // Decisions a node's shape depends on (none where the artefact says the shape is fixed).
  std::vector<std::set<std::string>> shapeDeps(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Json &node = nodes[i];
    if (node.contains("shape"))
      continue;
    std::set<std::string> deps;
    // (An input's size set by a decision adds no configuration: modules
    // are then keyed by channels, the same at every size: moduleNameOf.)
    if (kindOf(node) == "apply")
      deps = shapeChangingNames(ops, space, start, node, shapeDeps[node.at("inputs").at(0).get<size_t>()], position,
                                plans);
    else
      namesIn(node.contains("layer") ? node["layer"] : Json(), deps);
    for (const char *key : {"index", "if", "decision"})
      if (node.contains(key))
        namesIn(node[key], deps);
    if (node.contains("decision"))
      deps.insert(node["decision"].get<std::string>());
    if (node.contains("inputs"))
      for (const Json &j : node["inputs"])
        deps.insert(shapeDeps[j.get<size_t>()].begin(), shapeDeps[j.get<size_t>()].end());
    shapeDeps[i] = std::move(deps);
  }

  for (size_t i = 0; i < nodes.size(); ++i) {
    const Json &node = nodes[i];
    if (kindOf(node) != "apply")
      continue;
    std::set<std::string> deps;
    namesIn(node.at("layer"), deps);
    const auto &in = shapeDeps[node.at("inputs").at(0).get<size_t>()];
    deps.insert(in.begin(), in.end());
    std::vector<size_t> vary;
    uint64_t combos = 1;
    for (const std::string &name : deps) {
      auto it = position.find(name);
      if (it == position.end())
        continue; // a continuous decision: not a configuration
      vary.push_back(it->second);
      combos *= space.decisions()[space.discrete()[it->second]].domain.size();
      if (combos > kMaxConfigurations)
        throw std::invalid_argument("supernet: node " + std::to_string(i) +
                                    " has more than " + std::to_string(kMaxConfigurations) +
                                    " configurations (its shape and arguments depend on " +
                                    std::to_string(deps.size()) + " decisions); weight sharing over it is not supported");
    }
    // Every combination of the decisions it depends on, the others as in `start`.
    Architecture a = start;
    for (uint64_t c = 0; c < combos; ++c) {
      uint64_t rest = c;
      for (size_t v : vary) {
        uint64_t n = space.decisions()[space.discrete()[v]].domain.size();
        a.choice[v] = int64_t(rest % n);
        rest /= n;
      }
      if (a.real.empty()) {
        if (const runtime::Plan *p = plans.get(a))
          visit(int64_t(i), *p, a);
        continue; // (null: this combination breaks a rule elsewhere, not an architecture)
      }
      runtime::Plan p;
      try {
        p = runtime::plan(ops, space, a, /*everyNode=*/true);
      } catch (const std::exception &) {
        continue; // this combination breaks a rule elsewhere: not an architecture
      }
      visit(int64_t(i), p, a);
    }
  }
}

std::shared_ptr<Network> Network::supernet(const Json &ops, const Space &space, Mode mode, const Architecture &start,
                                           const MixedOptions &mixed) {
  if (mode == Mode::Child)
    throw std::invalid_argument("Network::supernet needs SinglePath or Mixed");
  if (mixed.partialChannels < 1)
    throw std::invalid_argument("partial channels must be at least 1, not " + std::to_string(mixed.partialChannels));
  std::shared_ptr<Network> net(new Network(ops, space, mode));
  net->mixed_ = mixed;
  const Json &nodes = space.json().at("nodes");
  // Single path: the ops of each configuration. Mixed: what the mixed
  // steps of each configuration run (every alternative, partial ones at
  // their narrower width).
  net->building_ = true;
  forEachConfiguration(ops, space, start, [&](int64_t node, const runtime::Plan &p, const Architecture &a) {
    if (mode == Mode::SinglePath) {
      net->addModules(node, p.ops[node]);
      return;
    }
    std::map<std::string, Json> values = space.values(a);
    Env env;
    env.decisions = &values;
    Shape s = p.shapes.at(nodes[node]["inputs"][0].get<size_t>()).value();
    net->compileMixed(node, nodes[node]["layer"], env, s, "");
  });
  net->building_ = false;
  if (mode == Mode::Mixed) {
    // One alpha per choice among layers (the mixed ops), shared by name.
    for (const Json &node : nodes) {
      std::string kind = kindOf(node);
      if (mixed.edgeNormalization && (kind == "pick" || kind == "subset") && node.contains("decision")) {
        std::string name = node["decision"].get<std::string>();
        if (!net->betas_.count(name))
          net->betas_[name] = net->register_parameter("beta_" + hex8(name),
                                                      1e-3 * torch::randn({int64_t(node.at("inputs").size())}));
      }
      if (kind != "apply")
        continue;
      std::function<void(const Json &)> visit = [&](const Json &t) {
        if (t.contains("choose")) {
          std::string name = t["choose"].get<std::string>();
          if (!net->alphas_.count(name)) {
            std::string param = "alpha_" + hex8(name);
            net->alphas_[name] = net->register_parameter(param, 1e-3 * torch::randn({int64_t(t["of"].size())}));
          }
          for (const Json &alt : t["of"])
            visit(alt);
        }
        if (t.contains("then"))
          visit(t["then"]), visit(t["else"]);
        if (t.contains("layer"))
          visit(t["layer"]);
      };
      visit(node.at("layer"));
    }
  }
  net->setArchitecture(start);
  return net;
}

std::shared_ptr<Network> Network::elastic(const Json &ops, const Space &space, const Architecture &start) {
  std::shared_ptr<Network> net(new Network(ops, space, Mode::SinglePath));
  // Every configuration of every place, then one layer per place.
  std::map<std::string, std::map<std::string, PlacedOp>> configs; // place -> op key -> op
  std::map<std::string, int64_t> nodeOf;
  forEachConfiguration(ops, space, start, [&](int64_t node, const runtime::Plan &p, const Architecture &) {
    for (const PlacedOp &op : p.ops[node]) {
      std::string place = elasticPlace(node, op);
      if (place.empty()) {
        net->addModules(node, {op});
        continue;
      }
      configs[place].emplace(op.op.key(), op);
      nodeOf[place] = node;
    }
  });
  for (auto &[place, byKey] : configs) {
    const PlacedOp &any = byKey.begin()->second;
    if (byKey.size() == 1) { // nothing to slice: an ordinary module, named as in supernet()
      net->addModules(nodeOf[place], {any});
      continue;
    }
    std::vector<runtime::ResolvedOp> ops;
    for (auto &[key, op] : byKey)
      ops.push_back(op.op);
    auto layer = net->register_module(place, makeElasticLayer(ops));
    net->elastic_[place] = layer;
    Place info;
    info.node = nodeOf[place];
    info.path = any.path;
    info.impl = any.op.impl;
    info.kind = Place::Elastic;
    info.configurations = int64_t(byKey.size());
    info.params = countParameters(*layer) - layer->transformParameters();
    info.transformParams = layer->transformParameters();
    net->elasticPlaces_[place] = info;
  }
  net->setArchitecture(start);
  return net;
}

int64_t Network::sortChannelsByImportance() {
  int64_t n = 0;
  for (auto &[place, layer] : elastic_)
    n += layer->sortByImportance();
  return n;
}

std::vector<Network::Place> Network::places() const {
  std::vector<Place> out;
  for (auto &[place, info] : elasticPlaces_)
    out.push_back(info);
  for (auto &[place, info] : modulePlaces_)
    out.push_back(info);
  std::sort(out.begin(), out.end(), [](const Place &a, const Place &b) {
    return a.node != b.node ? a.node < b.node : a.path != b.path ? a.path < b.path : a.impl < b.impl;
  });
  return out;
}

std::vector<Network::Step> Network::compileMixed(int64_t node, const Json &tree, const Env &env, Shape &shape,
                                                 const std::string &path) {
  std::vector<Step> out;
  if (tree.contains("choose")) {
    Step mix;
    mix.kind = Step::Mix;
    mix.decision = tree["choose"].get<std::string>();
    int64_t chosen = asInt(runtime::evaluate(Json{{"decision", mix.decision}}, env));
    // Partial channels: the alternatives on the first C/K channels.
    Shape in = shape, full = shape;
    double widthMult = widthMult_;
    if (int64_t k = mixed_.partialChannels; k > 1 && (mix.stride = partialStride(ops_, tree, env, shape, widthMult_, k))) {
      mix.partial = k;
      full = {shape[0], ceilDiv(shape[1], mix.stride), ceilDiv(shape[2], mix.stride)};
      in = {shape[0] / k, shape[1], shape[2]};
      widthMult_ /= double(k);
      mixed_.partialChannels = 1; // not again inside an alternative
    }
    Shape result = in;
    for (size_t i = 0; i < tree["of"].size(); ++i) {
      Shape s = in;
      mix.alternatives.push_back(compileMixed(node, tree["of"][i], env, s, path + "c" + std::to_string(i)));
      if (int64_t(i) == chosen)
        result = s;
    }
    widthMult_ = widthMult;
    mixed_.partialChannels = std::max(mixed_.partialChannels, mix.partial);
    shape = mix.partial > 1 ? full : result;
    out.push_back(std::move(mix));
    return out;
  }
  if (tree.contains("if")) {
    bool c = runtime::asBool(runtime::evaluate(tree["if"], env));
    return compileMixed(node, c ? tree["then"] : tree["else"], env, shape, path + (c ? "t" : "e"));
  }
  if (tree.contains("repeat")) {
    int64_t n = asInt(runtime::evaluate(tree["repeat"], env));
    for (int64_t i = 0; i < n; ++i) {
      auto part = compileMixed(node, tree["layer"], env, shape, path + "r" + std::to_string(i));
      out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    return out;
  }
  PlacedOp placed{path, runtime::resolveOp(ops_, tree.at("op").get<std::string>(), tree.at("args"), env, shape, widthMult_)};
  shape = placed.op.out;
  Step step;
  step.layer = module(node, placed);
  step.key = placed.op.key();
  out.push_back(std::move(step));
  return out;
}

void Network::setArchitecture(const Architecture &a) {
  arch_ = a;
  plan_ = runtime::plan(ops_, space_, a, /*everyNode=*/mode_ == Mode::Mixed, widthMult_);
  const Json &nodes = space_.json().at("nodes");
  size_t n = nodes.size();
  reads_.assign(n, {});
  steps_.assign(n, {});
  for (size_t i = 0; i < n; ++i) {
    const Json &node = nodes[i];
    std::string kind = kindOf(node);
    bool everyCandidate = mode_ == Mode::Mixed && (kind == "pick" || kind == "subset");
    if (!everyCandidate && (kind == "pick" || kind == "subset" || kind == "switch" || kind == "select" ||
                            kind == "item"))
      reads_[i] = plan_.routed[i];
    else if (node.contains("inputs"))
      for (const Json &j : node["inputs"])
        reads_[i].push_back(j.get<int64_t>());
  }
  needed_.assign(n, false);
  needed_[plan_.output] = true;
  for (size_t i = n; i-- > 0;)
    if (needed_[i])
      for (int64_t j : reads_[i])
        needed_[j] = true;
  // The last needed node to read each feature map (through a pick or subset
  // for their candidates), so forward can let it go there.
  std::vector<int64_t> last(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (!needed_[i] || kindOf(nodes[i]) == "pick" || kindOf(nodes[i]) == "subset")
      continue;
    for (int64_t j : reads_[i]) {
      std::string k = kindOf(nodes[j]);
      if (k == "pick" || k == "subset")
        for (int64_t c : reads_[j])
          last[c] = int64_t(i);
      else
        last[j] = int64_t(i);
    }
  }
  lastReaders_.assign(n, {});
  for (size_t j = 0; j < n; ++j)
    if (last[j] >= 0 && int64_t(j) != plan_.output)
      lastReaders_[last[j]].push_back(int64_t(j));
  std::map<std::string, Json> values = space_.values(a);
  Env env;
  env.decisions = &values;
  for (size_t i = 0; i < n; ++i) {
    if (!needed_[i] || kindOf(nodes[i]) != "apply")
      continue;
    if (mode_ == Mode::Mixed) {
      Shape s = plan_.shapes.at(nodes[i]["inputs"][0].get<size_t>()).value();
      steps_[i] = compileMixed(i, nodes[i]["layer"], env, s, "");
    } else {
      for (const PlacedOp &op : plan_.ops[i]) {
        Step step;
        step.layer = module(i, op);
        steps_[i].push_back(step);
      }
    }
  }
  std::vector<int> reluReaders(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (needed_[i] && kindOf(nodes[i]) == "apply" && startsWithRelu(steps_[i]))
      ++reluReaders[nodes[i]["inputs"][0].get<size_t>()];
  sharedRelu_.assign(n, false);
  for (size_t j = 0; j < n; ++j)
    sharedRelu_[j] = reluReaders[j] >= 2;
  const runtime::Shape &out = plan_.shapes.at(plan_.output).value();
  if (out[1] != 1 || out[2] != 1)
    throw std::invalid_argument("the network's output is " + std::to_string(out[0]) + "x" + std::to_string(out[1]) +
                                "x" + std::to_string(out[2]) + "; training needs a classifier output (K x 1 x 1)");
}

at::Tensor Network::mix(const at::Tensor &alpha) const {
  return mixing_ ? mixing_(alpha) : torch::softmax(alpha, 0);
}

at::Tensor Network::mixWeights(const std::string &decision) const {
  auto o = overrides_.find(decision);
  if (o != overrides_.end())
    return o->second;
  return mix(alphas_.at(decision));
}

bool Network::startsWithRelu(const std::vector<Step> &steps) {
  if (steps.empty())
    return false;
  const Step &s = steps[0];
  if (s.kind == Step::Op)
    return s.layer->leadingRelu();
  if (s.partial != 1)
    return false;
  for (const std::vector<Step> &alt : s.alternatives)
    if (!alt.empty() && alt[0].kind == Step::Op && alt[0].layer->leadingRelu())
      return true;
  return false;
}

at::Tensor Network::run(const std::vector<Step> &steps, at::Tensor x, size_t first, const SharedRelu *relu) {
  for (size_t n = first; n < steps.size(); ++n) {
    const Step &s = steps[n];
    const SharedRelu *shared = n == first ? relu : nullptr; // it is the ReLU of this x only
    if (s.kind == Step::Op) {
      x = shared && s.layer->leadingRelu() ? s.layer->forwardAfterRelu((*shared)()) : s.layer->forward(x);
      continue;
    }
    if (s.partial == 1) {
      x = mixture(s, x, shared);
      continue;
    }
    // Partial channels: the first C/K through the mixture, the rest pass by
    // (pooled to the alternatives' stride), then a shuffle of K groups.
    int64_t c = x.size(1) / s.partial;
    at::Tensor rest = x.narrow(1, c, x.size(1) - c);
    if (s.stride > 1)
      rest = torch::max_pool2d(rest, {s.stride, s.stride}, {s.stride, s.stride}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
    at::Tensor y = torch::cat({mixture(s, x.narrow(1, 0, c)), rest}, 1);
    x = y.view({y.size(0), s.partial, y.size(1) / s.partial, y.size(2), y.size(3)})
            .transpose(1, 2)
            .reshape({y.size(0), y.size(1), y.size(2), y.size(3)});
  }
  return x;
}

at::Tensor Network::mixture(const Step &s, const at::Tensor &x, const SharedRelu *shared) {
  at::Tensor w = mixWeights(s.decision), sum;
  if (auto only = only_.find(s.decision); only != only_.end()) {
    at::Tensor rest = w.sum(), out; // the others: 0 in value, their soft gradient
    for (int64_t k : only->second) {
      at::Tensor y = run(s.alternatives.at(size_t(k)), x, 0, shared) * w[k];
      out = out.defined() ? out + y : y;
      rest = rest - w[k];
    }
    return out + rest;
  }
  // What the compiler's view of the mixture saves: a `zero` alternative
  // adds w * 0 (and its weight's gradient is 0), so it is not computed;
  // alternatives that start with a ReLU of the input share one.
  at::Tensor relued;
  for (size_t i = 0; i < s.alternatives.size(); ++i) {
    const std::vector<Step> &alt = s.alternatives[i];
    bool single = alt.size() == 1 && alt[0].kind == Step::Op;
    if (single && alt[0].layer->isZero())
      continue;
    at::Tensor y;
    if (!alt.empty() && alt[0].kind == Step::Op && alt[0].layer->leadingRelu()) {
      if (!relued.defined())
        relued = shared ? (*shared)() : nn::relu(x);
      else
        nn::reuseRelu(relued);
      y = run(alt, alt[0].layer->forwardAfterRelu(relued), 1);
    } else {
      y = run(alt, x);
    }
    y = y * w[i];
    sum = sum.defined() ? sum + y : y;
  }
  return sum.defined() ? sum : run(s.alternatives[0], x) * w[0]; // every alternative zero
}

at::Tensor Network::forward(const at::Tensor &x) {
  const Json &nodes = space_.json().at("nodes");
  std::vector<at::Tensor> values(nodes.size());
  auto operands = [&](size_t i) {
    std::vector<at::Tensor> out;
    for (const Json &j : nodes[i]["inputs"]) {
      size_t k = j.get<size_t>();
      std::string kind = kindOf(nodes[k]);
      if (kind == "pick" || kind == "subset") {
        auto beta = nodes[k].contains("decision") ? betas_.find(nodes[k]["decision"].get<std::string>()) : betas_.end();
        if (mode_ == Mode::Mixed && beta != betas_.end()) { // edge normalization
          at::Tensor w = torch::softmax(beta->second, 0);
          for (size_t c = 0; c < reads_[k].size(); ++c)
            out.push_back(values[reads_[k][c]] * w[int64_t(c)]);
        } else {
          for (int64_t c : reads_[k])
            out.push_back(values[c]);
        }
      } else
        out.push_back(values[k]);
    }
    return out;
  };
  std::vector<at::Tensor> relued(nodes.size()); // of the sharedRelu_ nodes, once asked
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!needed_[i])
      continue;
    std::string kind = kindOf(nodes[i]);
    if (kind == "input") {
      values[i] = x;
      const std::optional<Shape> &want = plan_.shapes[i];
      if (anySize_ && want && x.dim() == 4 && (x.size(2) != (*want)[1] || x.size(3) != (*want)[2]))
        values[i] = torch::nn::functional::interpolate(
            x, torch::nn::functional::InterpolateFuncOptions()
                   .size(std::vector<int64_t>{(*want)[1], (*want)[2]})
                   .mode(torch::kBilinear)
                   .align_corners(false));
    } else if (kind == "apply") {
      size_t in = nodes[i]["inputs"][0].get<size_t>();
      if (sharedRelu_[in]) {
        SharedRelu relu = [&]() {
          if (relued[in].defined())
            return nn::reuseRelu(relued[in]);
          return relued[in] = nn::relu(values[in]);
        };
        values[i] = run(steps_[i], values[in], 0, &relu);
      } else {
        values[i] = run(steps_[i], values[in]);
      }
    }
    else if (kind == "sum") {
      std::vector<at::Tensor> in = operands(i);
      at::Tensor s = in[0];
      for (size_t k = 1; k < in.size(); ++k)
        s = s + in[k];
      values[i] = s;
    } else if (kind == "concat")
      values[i] = torch::cat(operands(i), 1);
    else if (kind == "switch" || kind == "select" || kind == "item")
      values[i] = values[reads_[i].at(0)];
    // pick / subset: lists, read through their consumers.
    // Drop what no later node reads (in inference nothing else holds it;
    // in training autograd keeps what backward needs).
    for (int64_t j : lastReaders_[i])
      values[j] = relued[j] = at::Tensor();
  }
  return values[plan_.output].flatten(1);
}

std::vector<at::Tensor> Network::architectureParameters() const {
  std::vector<at::Tensor> out;
  for (auto &[name, a] : alphas_)
    out.push_back(a);
  for (auto &[name, b] : betas_)
    out.push_back(b);
  return out;
}

std::pair<int64_t, int64_t> Network::partialChoices() const {
  std::pair<int64_t, int64_t> count{0, 0};
  std::function<void(const std::vector<Step> &)> visit = [&](const std::vector<Step> &steps) {
    for (const Step &s : steps)
      if (s.kind == Step::Mix) {
        count.first += s.partial > 1, ++count.second;
        for (const std::vector<Step> &alt : s.alternatives)
          visit(alt);
      }
  };
  for (const std::vector<Step> &steps : steps_)
    visit(steps);
  return count;
}

std::vector<at::Tensor> Network::weightParameters() const {
  std::vector<at::Tensor> out;
  for (auto &[name, m] : modules_)
    for (const at::Tensor &p : m->parameters())
      out.push_back(p);
  for (auto &[name, layer] : elastic_) // the sliced layers, kernel transforms included
    for (const at::Tensor &p : layer->parameters())
      out.push_back(p);
  return out;
}

void Network::overrideMixWeights(const std::string &decision, const at::Tensor &weights, std::vector<int64_t> only) {
  only_.erase(decision);
  if (!weights.defined()) {
    overrides_.erase(decision);
    return;
  }
  overrides_[decision] = weights;
  if (!only.empty())
    only_[decision] = std::move(only);
}

Architecture Network::derive() const {
  const Json &nodes = space_.json().at("nodes");
  std::map<std::string, size_t> position; // decision name -> index in discrete()
  for (size_t d = 0; d < space_.discrete().size(); ++d)
    position[space_.decisions()[space_.discrete()[d]].name] = d;
  // Which alternatives of each mixed choice are `zero` ops.
  std::map<std::string, std::vector<bool>> zeroAlternative;
  std::function<void(const Json &)> visit = [&](const Json &t) {
    if (!t.is_object())
      return;
    if (t.contains("choose")) {
      std::vector<bool> zero;
      for (const Json &alt : t["of"]) {
        bool z = false;
        if (alt.contains("op") && ops_.contains(alt["op"].get<std::string>())) {
          const Json &traits = ops_[alt["op"].get<std::string>()].value("traits", Json::array());
          z = std::find(traits.begin(), traits.end(), Json("zero")) != traits.end();
        }
        zero.push_back(z);
        visit(alt);
      }
      zeroAlternative.emplace(t["choose"].get<std::string>(), std::move(zero));
    }
    if (t.contains("then"))
      visit(t["then"]), visit(t["else"]);
    if (t.contains("layer"))
      visit(t["layer"]);
  };
  for (const Json &node : nodes)
    if (kindOf(node) == "apply")
      visit(node.at("layer"));

  Architecture a = arch_;
  // Per mixed choice: its strongest non-zero alternative, that weight, and
  // the weight of its zero alternatives.
  struct Strength {
    int64_t best = 0;
    double weight = 0, zero = 0;
  };
  std::map<std::string, Strength> strength;
  for (auto &[name, alpha] : alphas_) {
    at::Tensor w = mix(alpha.detach()).to(torch::kCPU, torch::kDouble).contiguous();
    const std::vector<bool> &zero = zeroAlternative.at(name);
    Strength s;
    s.best = -1;
    for (int64_t i = 0; i < w.numel(); ++i) {
      double v = w[i].item<double>();
      if (size_t(i) < zero.size() && zero[i])
        s.zero = std::max(s.zero, v);
      else if (s.best < 0 || v > s.weight)
        s.best = i, s.weight = v;
    }
    if (s.best < 0) // every alternative is zero
      s.best = w.argmax().item<int64_t>(), s.weight = s.zero;
    strength[name] = s;
    if (auto p = position.find(name); p != position.end())
      a.choice[p->second] = s.best;
  }
  // Input choices over mixed candidates.
  for (const Json &node : nodes) {
    std::string kind = kindOf(node);
    if ((kind != "pick" && kind != "subset") || !node.contains("decision"))
      continue;
    auto p = position.find(node["decision"].get<std::string>());
    if (p == position.end())
      continue;
    std::vector<std::optional<Strength>> candidates;
    at::Tensor edge;
    if (auto beta = betas_.find(node["decision"].get<std::string>()); beta != betas_.end())
      edge = torch::softmax(beta->second.detach(), 0).to(torch::kCPU, torch::kDouble).contiguous();
    for (const Json &j : node.at("inputs")) {
      const Json &c = nodes.at(j.get<size_t>());
      std::optional<Strength> s;
      if (kindOf(c) == "apply" && c.at("layer").contains("choose"))
        if (auto it = strength.find(c["layer"]["choose"].get<std::string>()); it != strength.end())
          s = it->second;
      if (s && edge.defined()) { // PC-DARTS: the op weights times the edge's
        double e = edge[int64_t(candidates.size())].item<double>();
        s->weight *= e, s->zero *= e;
      }
      candidates.push_back(s);
    }
    if (std::find(candidates.begin(), candidates.end(), std::nullopt) != candidates.end())
      continue; // a candidate that is not a mixed operation: nothing to rank it by
    std::vector<size_t> order(candidates.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return candidates[x]->weight > candidates[y]->weight; });
    const runtime::Decision &d = space_.decisions()[space_.discrete()[p->second]];
    int64_t mask = 0;
    if (kind == "pick") {
      int64_t k = __builtin_popcountll(uint64_t(d.domain.at(0)));
      for (int64_t i = 0; i < k && i < int64_t(order.size()); ++i)
        mask |= int64_t(1) << order[i];
    } else {
      for (size_t i = 0; i < candidates.size(); ++i)
        if (candidates[i]->weight > candidates[i]->zero)
          mask |= int64_t(1) << i;
      if (mask == 0 && !order.empty())
        mask = int64_t(1) << order[0];
    }
    auto at = std::find(d.domain.begin(), d.domain.end(), mask);
    if (at != d.domain.end())
      a.choice[p->second] = at - d.domain.begin();
  }
  return space_.canonical(a);
}

std::map<std::string, std::vector<double>> Network::mixWeightsByChoice() const {
  std::map<std::string, std::vector<double>> out;
  for (auto &[name, alpha] : alphas_) {
    at::Tensor w = mix(alpha.detach()).to(torch::kCPU, torch::kDouble).contiguous();
    out[name] = std::vector<double>(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
  }
  for (auto &[name, beta] : betas_) {
    at::Tensor w = torch::softmax(beta.detach(), 0).to(torch::kCPU, torch::kDouble).contiguous();
    out[name] = std::vector<double>(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
  }
  return out;
}

at::Tensor Network::expectedLatency(const std::map<std::string, double> &ms) const {
  std::function<at::Tensor(const std::vector<Step> &)> latency = [&](const std::vector<Step> &steps) {
    at::Tensor total = torch::zeros({});
    for (const Step &s : steps) {
      if (s.kind == Step::Op) {
        auto it = ms.find(s.key);
        if (it == ms.end())
          throw std::invalid_argument("the latency table has no entry for " + s.key +
                                      " (measure it for this space: nasc latency-table)");
        total = total + it->second;
        continue;
      }
      at::Tensor w = mixWeights(s.decision);
      for (size_t i = 0; i < s.alternatives.size(); ++i)
        total = total + w[i] * latency(s.alternatives[i]);
    }
    return total;
  };
  if (mode_ != Mode::Mixed)
    throw std::invalid_argument("expectedLatency needs a mixed supernet");
  at::Tensor total = torch::zeros({});
  for (const std::vector<Step> &steps : steps_)
    total = total + latency(steps);
  return total;
}

std::map<std::string, double> Network::mixEntropies() const {
  std::map<std::string, double> out;
  for (auto &[name, alpha] : alphas_) {
    at::Tensor w = mix(alpha.detach()).to(torch::kDouble);
    w = w / w.sum(); // sigmoids (Fair DARTS) need not sum to 1
    out[name] = -(w * torch::log(w.clamp_min(1e-300))).sum().item<double>();
  }
  for (auto &[name, beta] : betas_) {
    at::Tensor w = torch::softmax(beta.detach().to(torch::kDouble), 0);
    out[name] = -(w * torch::log(w.clamp_min(1e-300))).sum().item<double>();
  }
  return out;
}

size_t Network::inheritFrom(const Network &supernet) {
  torch::NoGradGuard guard;
  auto theirs = supernet.named_parameters(/*recurse=*/true);
  auto theirBuffers = supernet.named_buffers(/*recurse=*/true);
  size_t copied = 0;
  for (auto &p : named_parameters(true))
    if (const at::Tensor *t = theirs.find(p.key()); t && t->sizes() == p.value().sizes())
      p.value().copy_(*t), ++copied;
  for (auto &b : named_buffers(true))
    if (const at::Tensor *t = theirBuffers.find(b.key()); t && t->sizes() == b.value().sizes())
      b.value().copy_(*t), ++copied;
  if (supernet.elastic_.empty())
    return copied;
  // An elastic supernet's layers: this network's configurations as slices.
  for (size_t i = 0; i < plan_.ops.size(); ++i)
    for (const PlacedOp &op : plan_.ops[i]) {
      auto layer = supernet.elastic_.find(elasticPlace(int64_t(i), op));
      auto mine = modules_.find(moduleNameOf(int64_t(i), op));
      if (layer == supernet.elastic_.end() || mine == modules_.end())
        continue;
      auto params = mine->second->named_parameters(true), buffers = mine->second->named_buffers(true);
      size_t covered = 0;
      for (auto &[name, slice] : layer->second->slices(op.op)) {
        at::Tensor *t = params.find(name);
        if (!t)
          t = buffers.find(name);
        if (!t || t->sizes() != slice.sizes())
          throw std::logic_error("elastic layer " + layer->first + ": slice '" + name + "' does not fit " + op.op.key());
        t->copy_(slice);
        ++covered, ++copied;
      }
      if (covered != params.size() + buffers.size())
        throw std::logic_error("elastic layer " + layer->first + " gives " + std::to_string(covered) + " of the " +
                               std::to_string(params.size() + buffers.size()) + " tensors of " + op.op.key());
    }
  return copied;
}

} // namespace nasc::nn
