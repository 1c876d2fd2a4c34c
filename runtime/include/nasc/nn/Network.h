//===- Network.h - Child networks and supernets of a compiled space -------===//
//
// Three ways to run a space (docs/runtime.md):
//   Child       the network of one architecture, only its own weights;
//   SinglePath  a weight-sharing supernet (SPOS/ENAS): every configuration any
//               architecture uses gets weights; each step runs one path
//               (setArchitecture), and untaken alternatives cost no compute
//               and hold no activations;
//   (elastic)   a single-path supernet whose layers that differ only in
//               sliceable sizes (channels, kernel, expansion, heads, MLP
//               width) share one weight tensor, sliced per path (Once-for-All;
//               nasc/nn/Elastic.h); the others keep weights per configuration;
//   Mixed       a differentiable supernet (DARTS): a choice among layers is
//               the softmax(alpha)-weighted sum of all its alternatives;
//               input choices take every candidate; the alphas are separate
//               from the weights. Scalar decisions follow setArchitecture.
// Weights are named by node, place in the layer tree and configuration, the
// same in child and supernet, so a child inherits a supernet's weights by name.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_NETWORK_H
#define NASC_NN_NETWORK_H

#include "nasc/nn/Elastic.h"
#include "nasc/nn/Ops.h"
#include "nasc/runtime/Plan.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nasc::nn {

using runtime::Architecture;
using runtime::Json;
using runtime::Space;

enum class Mode { Child, SinglePath, Mixed };

/// How a mixed supernet mixes beyond softmax(alpha) (PC-DARTS, Xu et al. 2020).
struct MixedOptions {
  /// K > 1: partial channel connections. A choice among layers whose
  /// alternatives all keep the channel count C runs them on the first C/K
  /// channels only (each alternative built for C/K channels; its explicit
  /// `out` scaled by 1/K); the other channels pass by, max-pooled where the
  /// alternatives stride, and a channel shuffle with K groups follows. A
  /// choice that does not qualify (C not divisible by K, channels changed)
  /// mixes in full; partialChoices() counts those that do.
  int64_t partialChannels = 1;
  /// Edge normalization: each input choice (`k of` / `any of`) gets one
  /// weight per candidate, beta, and its consumer reads candidate j scaled by
  /// softmax(beta)_j; derive() ranks candidates by that times their
  /// strongest non-zero weight.
  bool edgeNormalization = false;
};

class Network : public torch::nn::Module {
public:
  /// The child network of `a`; `widthMult` scales its channels (runtime::resolveOp).
  static std::shared_ptr<Network> child(const Json &ops, const Space &space, const Architecture &a,
                                        double widthMult = 1.0);
  /// A supernet over every architecture (`mode` SinglePath or Mixed); starts
  /// on architecture `start`. Throws std::invalid_argument when a node's
  /// configurations are too many to share weights over (the message names it).
  static std::shared_ptr<Network> supernet(const Json &ops, const Space &space, Mode mode,
                                           const Architecture &start, const MixedOptions &mixed = {});

  /// A single-path supernet with elastic layers: every place of a node's
  /// layer tree whose configurations all slice one largest one (same
  /// elasticSignature) gets one ElasticLayer; places with one configuration
  /// or kernels that do not slice get modules per configuration as in
  /// supernet(SinglePath). Throws as supernet() does.
  static std::shared_ptr<Network> elastic(const Json &ops, const Space &space, const Architecture &start);

  /// How a supernet holds its weights: per place of a layer tree (node and
  /// path) the mode, how many configurations it serves, the parameters it
  /// holds (an elastic place: its largest configuration's plus the kernel
  /// transformation matrices, counted apart).
  struct Place {
    int64_t node = 0;
    std::string path, impl;
    enum Kind { Elastic, PerConfiguration } kind = PerConfiguration;
    int64_t configurations = 0, params = 0, transformParams = 0;
  };
  std::vector<Place> places() const;
  bool isElastic() const { return !elastic_.empty(); }
  /// Elastic layers: ElasticLayer::sortByImportance on each; how many
  /// reordered their channels.
  int64_t sortChannelsByImportance();

  /// Calls `visit(node, plan, a)` for every apply node and every combination
  /// of the decisions its configuration depends on (the others as in
  /// `start`; `plan` is a's, every node planned): plan.ops[node] are the op
  /// configurations a single-path supernet instantiates. Throws
  /// std::invalid_argument for a node with too many configurations.
  static void forEachConfiguration(
      const Json &ops, const Space &space, const Architecture &start,
      const std::function<void(int64_t, const runtime::Plan &, const Architecture &)> &visit);

  /// The path (single path) or the scalar decisions (mixed) of later forwards.
  void setArchitecture(const Architecture &a);
  const Architecture &architecture() const { return arch_; }
  Mode mode() const { return mode_; }
  /// The module name of `op` at `node` in this network (moduleName, keyed
  /// at any size where the space's resolution is a decision).
  std::string moduleNameOf(int64_t node, const runtime::PlacedOp &op) const;

  /// Logits [B, classes] for images [B, C, H, W]. Where a decision sets the
  /// input's size (Space::resolutionDecided), images of another height or
  /// width are first resized to the architecture's, bilinearly (OFA's
  /// elastic resolution); elsewhere they must have it.
  at::Tensor forward(const at::Tensor &x);

  /// Mixed mode: the architecture parameters (one alpha vector per choice
  /// among layers, by decision name; with edge normalization also one beta
  /// vector per input choice) and everything else.
  std::vector<at::Tensor> architectureParameters() const;
  std::vector<at::Tensor> weightParameters() const;
  const std::map<std::string, at::Tensor> &alphas() const { return alphas_; }
  /// Edge normalization's betas, by input choice.
  const std::map<std::string, at::Tensor> &edgeWeights() const { return betas_; }
  /// Mixed choices of the current architecture's steps that run on partial
  /// channels, and all mixed choices (steps, counted per node).
  std::pair<int64_t, int64_t> partialChoices() const;
  /// Mixed mode: use these weights instead of softmax(alpha) for `decision`
  /// (e.g. one-hot, to check the supernet against a child); empty to undo.
  /// With `only` given the forward computes those alternatives alone, each
  /// weighted by its weight, and adds the other weights as scalars (GDAS: a
  /// hard one-hot sample whose other entries are 0 in value but carry the
  /// soft gradient; ProxylessNAS: two sampled paths with binary gates), so
  /// a sampled step costs one path or two, not all.
  void overrideMixWeights(const std::string &decision, const at::Tensor &weights, std::vector<int64_t> only = {});
  void clearMixOverrides() { overrides_.clear(), only_.clear(); }
  /// Mixed mode: the discrete architecture the mixture stands for, as DARTS
  /// derives it: each choice among layers takes its strongest alternative
  /// other than a `zero` one (none); an input choice `k of [...]` whose
  /// candidates are mixed operations keeps the k candidates whose strongest
  /// non-zero weight is largest (DARTS's top-2 edges per node); an `any of`
  /// keeps those whose strongest non-zero weight beats their zero weight
  /// (at least the strongest one). Other decisions as in architecture();
  /// the result is canonical.
  Architecture derive() const;
  /// Mixed mode: what turns a choice's alpha into its mixing weights
  /// (softmax by default; Fair DARTS: sigmoids; DrNAS: the Dirichlet mean):
  /// the forward's weights when not overridden, and what derive(), the
  /// entropies and mixWeightsByChoice() read.
  void setMixing(std::function<at::Tensor(const at::Tensor &alpha)> mixing) { mixing_ = std::move(mixing); }
  /// Mixed mode: each choice's mixing weights (overrides change only the
  /// forward), and each normalized input choice's softmax(beta).
  std::map<std::string, std::vector<double>> mixWeightsByChoice() const;
  /// Mixed mode: the latency the mixture expects, sum over its choices of
  /// the mixing weights times each alternative's latency, plus the fixed
  /// ops' (FBNet's differentiable latency), from `ms` (op configuration key
  /// -> milliseconds, a LatencyTable's). Throws naming a configuration `ms`
  /// lacks.
  at::Tensor expectedLatency(const std::map<std::string, double> &ms) const;
  /// Mixed mode: the entropy (nats) of each choice's mixing weights (and of
  /// each normalized input choice's edge weights).
  std::map<std::string, double> mixEntropies() const;

  /// Copies every weight and buffer of `supernet` that this network has by
  /// name, and from an elastic supernet the slices its elastic layers give
  /// this network's configurations; returns how many tensors were copied.
  size_t inheritFrom(const Network &supernet);

  /// Modules instantiated (configurations over all nodes).
  size_t numModules() const { return modules_.size(); }
  /// The plan of the current architecture (its costs, shapes, live nodes).
  const runtime::Plan &plan() const { return plan_; }

private:
  Network(const Json &ops, const Space &space, Mode mode);
  /// One apply node's computation in the current architecture.
  struct Step {
    enum Kind { Op, Mix } kind = Op;
    Layer *layer = nullptr;
    std::string key;                 // Op (mixed mode): the op configuration (ResolvedOp::key)
    std::string decision;            // Mix: the choice
    std::vector<std::vector<Step>> alternatives; // Mix: each a sequence
    int64_t partial = 1;             // Mix: K of partial channel connections
    int64_t stride = 1;              // Mix, partial: the alternatives' stride
  };
  void addModules(int64_t node, const std::vector<runtime::PlacedOp> &ops);
  /// The module of `op` (made while building a supernet).
  Layer *module(int64_t node, const runtime::PlacedOp &op);
  std::vector<Step> compileMixed(int64_t node, const Json &tree, const runtime::Env &env, runtime::Shape &shape,
                                 const std::string &path);
  /// relu(x) of a feature map several layers start with: computed by the
  /// first that asks, reused by the others (nn::reuseRelu).
  using SharedRelu = std::function<at::Tensor()>;
  /// Runs steps[first..] on x; a first step that starts with a ReLU of x
  /// takes it from `relu` when given.
  at::Tensor run(const std::vector<Step> &steps, at::Tensor x, size_t first = 0, const SharedRelu *relu = nullptr);
  /// A Mix step's weighted sum of its alternatives on x.
  at::Tensor mixture(const Step &s, const at::Tensor &x, const SharedRelu *relu = nullptr);
  /// Whether steps start with a ReLU of their input (a leading-ReLU op, or
  /// a mixture with such an alternative).
  static bool startsWithRelu(const std::vector<Step> &steps);
  at::Tensor mixWeights(const std::string &decision) const;
  at::Tensor mix(const at::Tensor &alpha) const;

  Json ops_;
  Space space_;
  Mode mode_;
  bool anySize_ = false; ///< the space's resolution is a decision (Space::resolutionDecided): modules keyed at any size, images resized
  double widthMult_ = 1.0;
  Architecture arch_;
  runtime::Plan plan_;
  std::map<std::string, std::shared_ptr<Layer>> modules_;
  std::map<std::string, double> builtParams_; ///< per module: the parameters its op was built with
  /// Elastic supernet: the sliced layers by place (elasticPlace()), and the
  /// views that run one configuration each (by place and op key).
  std::map<std::string, std::shared_ptr<ElasticLayer>> elastic_;
  std::map<std::string, Place> elasticPlaces_;
  /// The places whose modules are per configuration (by node|path|impl).
  std::map<std::string, Place> modulePlaces_;
  std::map<std::string, std::shared_ptr<ElasticView>> views_;
  MixedOptions mixed_;
  /// While a supernet is built: compileMixed instantiates what it places.
  bool building_ = false;
  std::map<std::string, at::Tensor> alphas_, betas_, overrides_;
  std::map<std::string, std::vector<int64_t>> only_;
  std::function<at::Tensor(const at::Tensor &)> mixing_;
  /// Nodes forward computes, and what each reads (mixed: every candidate).
  std::vector<bool> needed_;
  std::vector<std::vector<int64_t>> reads_;
  /// Per node, the feature maps it is the last to read.
  std::vector<std::vector<int64_t>> lastReaders_;
  /// Per node, whether two or more apply nodes start with a ReLU of it:
  /// forward computes that ReLU once (what a Python supernet, one ReLU
  /// module per op, cannot see).
  std::vector<bool> sharedRelu_;
  /// Per node, what forward runs (apply nodes) in the current architecture.
  std::vector<std::vector<Step>> steps_;
};

/// The module name of an op placed at `path` in node `node` (stable, no dots).
/// `anySize`: keyed by the input's channels, not its height and width (a
/// space whose resolution is a decision: one module serves every size).
std::string moduleName(int64_t node, const runtime::PlacedOp &op, bool anySize = false);
/// The module name of the elastic layer serving `op` at its place, or ""
/// when the op's kernel does not slice.
std::string elasticPlace(int64_t node, const runtime::PlacedOp &op);

} // namespace nasc::nn

#endif // NASC_NN_NETWORK_H
