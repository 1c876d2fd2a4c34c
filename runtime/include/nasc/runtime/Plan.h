//===- Plan.h - One architecture's network, resolved without torch --------===//
//
// Given a space and an architecture, resolves every operation's parameters
// (the layer's arguments, then the op's defaults in order), every feature
// map's shape and the live part of the graph (an unpicked alternative, a
// copy beyond a decided depth, an unchosen branch is dead), and sums the
// ops' cost formulas over the live part: the same rules the compiler costs
// with, so `params`/`flops` here equal `nasc info --arch` (tested). The torch
// builder (nasc/nn/Network.h) constructs modules from the same resolution.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_RUNTIME_PLAN_H
#define NASC_RUNTIME_PLAN_H

#include "nasc/runtime/Space.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace nasc::runtime {

/// Channels, height, width of one sample's feature map.
using Shape = std::array<int64_t, 3>;

/// One op as it will run: effective parameters and its input/output shapes.
struct ResolvedOp {
  std::string op;   ///< the .nas name (relu_conv_bn)
  std::string impl; ///< the runtime kernel (relu_conv_bn)
  std::vector<std::string> names; ///< parameter names
  std::vector<Json> values;       ///< effective parameter values, in order
  Shape in{}, out{};
  double params = 0, flops = 0;
  /// impl, parameters and input shape: ops with the same key can share weights.
  std::string key() const;
  /// impl, parameters and input channels: the same weights at any height
  /// and width (where the parameters do not depend on them: a space whose
  /// resolution is a decision keys its modules so).
  std::string keyAtAnySize() const;
  const Json &param(const std::string &name) const;
};

/// Resolves op `op` (an entry name of the artefact's "ops") applied to an
/// `in` feature map with the given argument trees evaluated in `env`.
/// Throws EvalError / std::invalid_argument on a broken rule.
///
/// `widthMult` (low-fidelity estimation) scales the `out` argument a layer
/// gives an op with trait `convolution` or `zero` to an even
/// max(2, 2 * round(out * widthMult / 2)) channels (1 stays 1): every
/// channel count a conv net sets explicitly shrinks alike, the ones that
/// follow their input follow, a classifier's (`linear`) does not.
ResolvedOp resolveOp(const Json &ops, const std::string &op, const Json &argTrees, const Env &env, const Shape &in,
                     double widthMult = 1.0);

/// The layer tree of an apply node, walked for one architecture: the ops in
/// the order they run (a repetition gives its copies, a choice its chosen
/// alternative). `path` labels say where each op sits in the tree ("c2" for
/// alternative 2 of a choice, "r1" for copy 1, "t"/"e" for if branches) so
/// supernet and child name the same weights alike.
struct PlacedOp {
  std::string path;
  ResolvedOp op;
};

struct Plan {
  std::vector<bool> live;
  /// Shapes of live nodes (and of dead ones when they could be computed).
  std::vector<std::optional<Shape>> shapes;
  /// Per apply node: the ops it runs in this architecture.
  std::vector<std::vector<PlacedOp>> ops;
  /// Per pick/subset/switch/select node: the inputs it passes on.
  std::vector<std::vector<int64_t>> routed;
  double params = 0, flops = 0;
  int64_t output = 0;
  /// Whether the output depends on the network's input: false when every
  /// path from an input passes a `zero` op (NAS-Bench-201's cells without
  /// an input-to-output edge), a network a device compiler folds to a
  /// constant.
  bool readsInput = true;
};

/// The plan of architecture `a` of `space` (ops: the artefact's "ops").
/// With `everyNode`, dead nodes get shapes and ops too where they can be
/// computed (a supernet builds modules for them); costs stay the live ones'.
Plan plan(const Json &ops, const Space &space, const Architecture &a, bool everyNode = false,
          double widthMult = 1.0);

} // namespace nasc::runtime

#endif // NASC_RUNTIME_PLAN_H
