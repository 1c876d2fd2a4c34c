//===- Differentiable.h - The loop of differentiable one-shot methods -----===//
//
// DARTS and its descendants (GDAS, ...) share one loop over a mixed
// supernet: per step an architecture step on a valid batch, then a weight
// step on a train batch; per epoch the figures, the derived architecture and
// a checkpoint; at the end the derived architecture trained standalone. A
// method overrides how the mixture is sampled before each forward and how
// the alphas' gradient is taken (docs/runtime-search.md).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_DIFFERENTIABLE_H
#define NASC_NN_DIFFERENTIABLE_H

#include "nasc/nn/OneShot.h"

#include <torch/torch.h>

namespace nasc::nn {

class DifferentiableMethod : public OneShotMethod {
public:
  OneShotResult run(OneShotRun &run) final;

protected:
  /// `name`: the method (log lines, the checkpoint weights/NAME.pt).
  DifferentiableMethod(std::string name, const Json &args, int64_t defaultEpochs);
  /// Once the supernet is built (before a checkpoint is loaded): how its
  /// alphas become mixing weights (Network::setMixing).
  virtual void configure(Network &net) {}
  /// How the supernet mixes (PC-DARTS: partial channels, edge weights).
  virtual MixedOptions mixedOptions() const { return {}; }
  /// The loss of the default architecture step given the valid batch's
  /// cross-entropy (Fair DARTS adds its zero-one loss, DrNAS its
  /// concentration penalty, FBNet multiplies by its latency factor).
  virtual at::Tensor architectureLoss(Network &net, const at::Tensor &crossEntropy) { return crossEntropy; }
  /// Figures of the method's own for an epoch's row and log (FBNet: latency).
  virtual Json epochFigures(Network &net, const Architecture &derived) { return Json::object(); }
  /// Before every training forward (architecture and weight steps) of
  /// epoch `epoch`: GDAS draws its hard sample here.
  virtual void beforeForward(Network &net, int64_t epoch) {}
  /// Before the epoch's validation: how the supernet is read (default: the
  /// softmax mixture).
  virtual void beforeValidation(Network &net) { net.clearMixOverrides(); }
  /// Every choice runs its strongest alternative alone (the validation of
  /// the methods that train sampled paths: gdas, proxyless).
  static void useArgmaxPaths(Network &net);
  /// Sets the alphas' .grad for one architecture step (default: first
  /// order, the valid loss at the current weights).
  virtual void architectureGradient(Network &net, torch::optim::Optimizer &weightOptimizer, const TrainOptions &o,
                                    double lr, const data::Batch &train, const data::Batch &valid, int64_t epoch);
  /// After each architecture step's optimizer step (ProxylessNAS rescales
  /// the alphas it moved).
  virtual void afterArchitectureStep(Network &net) {}
  /// One line for the log: what is run ("first order", "tau 10 -> 0.1").
  virtual std::string describe() const = 0;

  std::string name_;
  double archLr_, archWeightDecay_;
  /// Adam's beta1 for the alphas (0.5 as the DARTS code; ProxylessNAS 0).
  double archBeta1_ = 0.5;
  int64_t epochs_;
  /// Epochs of weight steps alone before architecture steps start
  /// (`warmup`, PC-DARTS: 15).
  int64_t warmup_;
  /// The run in progress (set when run() starts).
  const OneShotRun *run_ = nullptr;
};

/// Cross-entropy of `net` on `b`.
at::Tensor lossOf(Network &net, const data::Batch &b, double smoothing);
/// Gradients of `loss` with respect to `params`, zeros where it does not reach.
std::vector<at::Tensor> gradients(const at::Tensor &loss, const std::vector<at::Tensor> &params);

} // namespace nasc::nn

#endif // NASC_NN_DIFFERENTIABLE_H
