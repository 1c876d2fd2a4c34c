//===- Drnas.cpp - DrNAS: Dirichlet architecture distributions (Chen et al., ICLR 2021)
//
// The differentiable loop (Differentiable.h) where each choice's weights
// are a sample of Dirichlet(beta), beta = elu(alpha) + 1, drawn before
// every training forward with the reparameterised (implicit) gradient:
// w = g / sum(g), g_i ~ Gamma(beta_i, 1) (at::_standard_gamma, whose
// derivative with respect to beta autograd knows). The architecture step
// adds `reg_scale` times a penalty on the concentrations: "l2", sum beta^2,
// or "kl", KL(Dir(beta) || Dir(1)). Validation and derivation read the
// Dirichlet mean beta / sum(beta). (DrNAS's progressive partial channels
// are not done.)
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"

#include <sstream>

namespace nasc::nn {
namespace {

at::Tensor concentration(const at::Tensor &alpha) { return torch::elu(alpha) + 1; }

class Drnas : public DifferentiableMethod {
public:
  explicit Drnas(const Json &args)
      : DifferentiableMethod("drnas", args, 50),
        regType_(runtime::asString(search::strategyArg(args, "reg_type", "l2"))),
        regScale_(oneShotNumber(args, "reg_scale", 1e-3)) {
    if (regType_ != "l2" && regType_ != "kl")
      throw std::invalid_argument("drnas: reg_type must be \"l2\" or \"kl\", not \"" + regType_ + "\"");
    if (regScale_ < 0)
      throw std::invalid_argument("drnas: reg_scale must be at least 0");
  }

protected:
  std::string describe() const override {
    std::ostringstream os;
    os << "Dirichlet samples, " << regType_ << " penalty x " << regScale_;
    return os.str();
  }
  void configure(Network &net) override {
    net.setMixing([](const at::Tensor &alpha) {
      at::Tensor beta = concentration(alpha);
      return beta / beta.sum();
    });
  }
  void beforeForward(Network &net, int64_t) override {
    for (auto &[name, alpha] : net.alphas()) {
      at::Tensor g = at::_standard_gamma(concentration(alpha));
      net.overrideMixWeights(name, g / g.sum());
    }
  }
  at::Tensor architectureLoss(Network &net, const at::Tensor &crossEntropy) override {
    at::Tensor sum;
    for (const at::Tensor &a : net.architectureParameters()) {
      at::Tensor beta = concentration(a), d;
      if (regType_ == "l2") {
        d = beta.pow(2).sum();
      } else { // KL(Dir(beta) || Dir(1)): the prior's log-normaliser is lgamma(K)
        at::Tensor b0 = beta.sum();
        double k = double(beta.numel());
        d = torch::lgamma(b0) - torch::lgamma(beta).sum() - std::lgamma(k) +
            ((beta - 1) * (torch::digamma(beta) - torch::digamma(b0))).sum();
      }
      sum = sum.defined() ? sum + d : d;
    }
    return crossEntropy + regScale_ * sum;
  }

private:
  std::string regType_;
  double regScale_;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(drnas, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Drnas>(args);
})
