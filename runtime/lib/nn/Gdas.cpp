//===- Gdas.cpp - Gradient-based search with a differentiable sampler -----===//
//
// GDAS (Dong & Yang, CVPR 2019): the differentiable loop (Differentiable.h)
// where each training forward draws, per choice, a Gumbel-softmax sample
// h = softmax((log_softmax(alpha) + g) / tau), g ~ Gumbel(0, 1), and runs
// only its argmax k with the straight-through weights one_hot(k) - h.detach()
// + h: the value of a single path, the gradient of the soft sample (the
// other alternatives enter as their weights, 0 in value). tau falls
// linearly from tau_max to tau_min over the epochs. The architecture step
// is first order; validation reads the argmax path; the derived
// architecture follows DARTS's rule on softmax(alpha).
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"

#include <sstream>

namespace nasc::nn {
namespace {

class Gdas : public DifferentiableMethod {
public:
  explicit Gdas(const Json &args)
      : DifferentiableMethod("gdas", args, 250), tauMax_(oneShotNumber(args, "tau_max", 10.0)),
        tauMin_(oneShotNumber(args, "tau_min", 0.1)) {
    if (!(tauMin_ > 0) || tauMax_ < tauMin_)
      throw std::invalid_argument("gdas: needs 0 < tau_min <= tau_max");
  }

protected:
  std::string describe() const override {
    std::ostringstream os;
    os << "Gumbel-softmax samples, one path a step, tau " << tauMax_ << " -> " << tauMin_;
    return os.str();
  }

  double tau(int64_t epoch) const {
    return epochs_ > 1 ? tauMax_ - (tauMax_ - tauMin_) * double(epoch) / double(epochs_ - 1) : tauMin_;
  }

  void beforeForward(Network &net, int64_t epoch) override {
    double t = tau(epoch);
    for (auto &[name, alpha] : net.alphas()) {
      at::Tensor gumbel;
      {
        torch::NoGradGuard guard;
        gumbel = -torch::empty_like(alpha).exponential_().log();
      }
      at::Tensor soft = torch::softmax((torch::log_softmax(alpha, 0) + gumbel) / t, 0);
      int64_t k = soft.argmax().item<int64_t>();
      at::Tensor hard = torch::zeros_like(soft.detach());
      hard[k] = 1.0;
      net.overrideMixWeights(name, hard - soft.detach() + soft, {k});
    }
  }

  void beforeValidation(Network &net) override { useArgmaxPaths(net); }

private:
  double tauMax_, tauMin_;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(gdas, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Gdas>(args);
})
