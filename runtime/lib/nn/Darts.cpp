//===- Darts.cpp - Differentiable architecture search (Liu et al. 2019) ---===//
//
// The differentiable loop (Differentiable.h) with DARTS's architecture
// gradient. First order: the valid loss at the current weights. Second
// order: taken at the weights one (momentum) SGD step ahead, w' = w - lr *
// (m * buf + dLtrain/dw + wd * w), minus lr times the Hessian-vector
// product d2Ltrain/dalpha dw . dLval/dw' by finite differences at
// w +- eps dLval/dw' (eps = 0.01 / |dLval/dw'|), as Liu et al.'s Architect.
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"

#include <c10/util/string_utils.h>

#include <cmath>

namespace nasc::nn {
namespace {

/// The SGD momentum buffer of `p` (undefined when there is none yet).
at::Tensor momentumBuffer(torch::optim::Optimizer &opt, const at::Tensor &p) {
  auto *sgd = dynamic_cast<torch::optim::SGD *>(&opt);
  if (!sgd)
    return {};
  auto it = sgd->state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
  if (it == sgd->state().end())
    return {};
  return static_cast<torch::optim::SGDParamState &>(*it->second).momentum_buffer();
}

class Darts : public DifferentiableMethod {
public:
  explicit Darts(const Json &args)
      : DifferentiableMethod("darts", args, 50), secondOrder_(oneShotFlag(args, "second_order", false)) {}

protected:
  std::string describe() const override { return secondOrder_ ? "second order" : "first order"; }
  void architectureGradient(Network &net, torch::optim::Optimizer &wopt, const TrainOptions &o, double lr,
                            const data::Batch &train, const data::Batch &valid, int64_t epoch) override {
    if (secondOrder_)
      unrolledGradient(net, wopt, o, lr, train, valid);
    else
      DifferentiableMethod::architectureGradient(net, wopt, o, lr, train, valid, epoch);
  }

private:
  bool secondOrder_;
  void unrolledGradient(Network &net, torch::optim::Optimizer &wopt, const TrainOptions &o, double lr,
                        const data::Batch &train, const data::Batch &valid);
};

void Darts::unrolledGradient(Network &net, torch::optim::Optimizer &wopt, const TrainOptions &o, double lr,
                             const data::Batch &train, const data::Batch &valid) {
  std::vector<at::Tensor> weights = net.weightParameters(), alphas = net.architectureParameters();
  std::vector<at::Tensor> saved;
  {
    std::vector<at::Tensor> g = gradients(lossOf(net, train, o.label_smoothing), weights);
    torch::NoGradGuard guard;
    for (size_t i = 0; i < weights.size(); ++i) {
      saved.push_back(weights[i].detach().clone());
      at::Tensor step = g[i] + o.weight_decay * weights[i];
      if (at::Tensor buf = momentumBuffer(wopt, weights[i]); buf.defined())
        step = step + o.momentum * buf;
      weights[i].sub_(lr * step);
    }
  }
  std::vector<at::Tensor> all = alphas;
  all.insert(all.end(), weights.begin(), weights.end());
  std::vector<at::Tensor> g = gradients(lossOf(net, valid, o.label_smoothing), all);
  std::vector<at::Tensor> dalpha(g.begin(), g.begin() + alphas.size()), dw(g.begin() + alphas.size(), g.end());
  double norm = 0;
  for (const at::Tensor &t : dw)
    norm += t.pow(2).sum().item<double>();
  double eps = 0.01 / std::max(std::sqrt(norm), 1e-12);
  auto shift = [&](double sign) {
    torch::NoGradGuard guard;
    for (size_t i = 0; i < weights.size(); ++i)
      weights[i].copy_(saved[i] + sign * eps * dw[i]);
  };
  shift(+1);
  std::vector<at::Tensor> plus = gradients(lossOf(net, train, o.label_smoothing), alphas);
  shift(-1);
  std::vector<at::Tensor> minus = gradients(lossOf(net, train, o.label_smoothing), alphas);
  {
    torch::NoGradGuard guard;
    for (size_t i = 0; i < weights.size(); ++i)
      weights[i].copy_(saved[i]);
  }
  for (size_t i = 0; i < alphas.size(); ++i)
    alphas[i].mutable_grad() = dalpha[i] - lr * (plus[i] - minus[i]) / (2 * eps);
}

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(darts, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Darts>(args);
})
