//===- Ops.h - LibTorch modules for the ops the stdlib declares -----------===//
//
// One module per runtime kernel (`impl` of an op in the artefact), built from
// a ResolvedOp (effective parameters and input shape). Every module's
// learnable parameter count equals the op's `params` formula (tested per op),
// so the compiler's cost analysis describes what runs.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_OPS_H
#define NASC_NN_OPS_H

#include "nasc/runtime/Plan.h"

#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nasc::nn {

/// A kernel: one feature map in, one out ([B, C, H, W]).
class Layer : public torch::nn::Module {
public:
  virtual at::Tensor forward(const at::Tensor &x) = 0;
  /// Whether forward returns zeros whatever the input (the `zero` op): a
  /// sum skips it, as the benchmark's cells do.
  virtual bool isZero() const { return false; }
  /// Whether forward starts with a ReLU of its input (relu_conv_bn,
  /// sep_conv, dil_conv): alternatives of a mixed choice that read one
  /// input then share that ReLU, and call forwardAfterRelu on its output.
  virtual bool leadingRelu() const { return false; }
  virtual at::Tensor forwardAfterRelu(const at::Tensor &relued) { return forward(relued); }
};

/// The ReLU of the kernels (it reports codes to a ReluCodeRecorder).
at::Tensor relu(const at::Tensor &x);
/// `relued` (an output of relu) read again by another layer in place of
/// its own ReLU: reports the code again, as that layer's ReLU would have.
at::Tensor reuseRelu(const at::Tensor &relued);

using Activation = std::function<at::Tensor(const at::Tensor &)>;
/// The activations an op names by string ("relu", "relu6", "swish",
/// "hard_swish"); relu reports codes as relu() does.
Activation activation(const std::string &name);

/// Builds the module for `op`; throws std::invalid_argument for an unknown
/// kernel (naming the known ones).
std::shared_ptr<Layer> makeLayer(const runtime::ResolvedOp &op);

/// The kernels this runtime implements.
std::vector<std::string> kernelNames();

/// While alive, every ReLU of the kernels (on this thread) appends the
/// binary code of its input ([B, units], 1 where the unit is active), as
/// double: what the NASWOT proxy scores.
class ReluCodeRecorder {
public:
  explicit ReluCodeRecorder(std::vector<at::Tensor> &codes);
  ~ReluCodeRecorder();

private:
  std::vector<at::Tensor> *previous_;
};

/// Learnable parameters of a module (what the `params` formulas count).
int64_t countParameters(const torch::nn::Module &m);

} // namespace nasc::nn

#endif // NASC_NN_OPS_H
