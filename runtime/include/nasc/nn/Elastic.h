//===- Elastic.h - Weight-sliced layers of an elastic supernet ------------===//
//
// Once-for-All (Cai et al. 2020), BigNAS and AutoFormer keep one weight
// tensor per layer, sized for the largest configuration any architecture
// gives it, and run a smaller configuration on a slice of it: the first c
// output and input channels, the first d hidden units of an MLP, the first h
// attention heads, and the centre of the largest kernel, passed through a
// learned kernel transformation matrix per step down (OFA's 7x7 -> 5x5 ->
// 3x3, each a (k*k) x (k*k) matrix shared by the layer's channels,
// initialised to the identity).
//
// An ElasticLayer holds those tensors for one place of a space's layer tree
// (a node and a path in it) and computes any of its configurations; the
// computation is the ordinary kernel's (nasc/nn/Ops.h) on the sliced
// weights, so the child network that copies the slices (slices()) computes
// the same output (tested per kernel).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_ELASTIC_H
#define NASC_NN_ELASTIC_H

#include "nasc/nn/Ops.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nasc::nn {

class ElasticLayer : public torch::nn::Module {
public:
  /// Runs configuration `op` (one of those the layer was made for, or any
  /// within their largest sizes) on x.
  virtual at::Tensor forward(const runtime::ResolvedOp &op, const at::Tensor &x) = 0;
  /// The tensors the ordinary kernel of `op` (makeLayer(op)) holds, by its
  /// parameter and buffer names, as slices of this layer's (differentiable
  /// views; the transformed kernels are computed).
  virtual std::vector<std::pair<std::string, at::Tensor>> slices(const runtime::ResolvedOp &op) = 0;
  /// Learnable parameters the kernel transformation adds to the largest
  /// configuration's.
  int64_t transformParameters() const;
  /// Reorders the hidden channels a smaller configuration drops (MBConv's
  /// expanded width, a transformer block's MLP units) so the most important
  /// come first, importance being the L1 norm of the weights that read them
  /// (OFA's re_organize_middle_weights). The largest configuration computes
  /// the same function after it. Returns whether anything was reordered.
  virtual bool sortByImportance() { return false; }

protected:
  /// Registered kernel transformation matrices, by the kernel size they give.
  std::map<int64_t, at::Tensor> transforms_;
};

/// What must agree between two configurations of `op`'s kernel for one
/// elastic layer to serve both (the activation, the stride, whether there is
/// a squeeze-and-excite, ...); nullopt when the kernel or this
/// configuration of it is not sliceable (e.g. grouped convolutions other
/// than depthwise, DARTS's separable convolutions).
std::optional<std::string> elasticSignature(const runtime::ResolvedOp &op);

/// One elastic layer serving every configuration in `configs` (at least
/// one; all with the same elasticSignature). Throws std::invalid_argument
/// when they disagree.
std::shared_ptr<ElasticLayer> makeElasticLayer(const std::vector<runtime::ResolvedOp> &configs);

/// A Layer that runs one configuration of an elastic layer (it holds no
/// weights of its own): what a supernet's path steps through.
class ElasticView : public Layer {
public:
  ElasticView(std::shared_ptr<ElasticLayer> layer, runtime::ResolvedOp op)
      : layer_(std::move(layer)), op_(std::move(op)) {}
  at::Tensor forward(const at::Tensor &x) override { return layer_->forward(op_, x); }
  ElasticLayer &layer() const { return *layer_; }
  const runtime::ResolvedOp &op() const { return op_; }

private:
  std::shared_ptr<ElasticLayer> layer_;
  runtime::ResolvedOp op_;
};

} // namespace nasc::nn

#endif // NASC_NN_ELASTIC_H
