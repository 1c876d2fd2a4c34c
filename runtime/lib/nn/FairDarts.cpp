//===- FairDarts.cpp - Fair DARTS (Chu et al., ECCV 2020) -----------------===//
//
// The differentiable loop (Differentiable.h) with independent sigmoid
// weights instead of a softmax (alternatives do not compete, which is what
// lets skip connections win unfairly in DARTS) and the zero-one loss
// L01 = -(1/N) sum (sigmoid(alpha) - 0.5)^2, times `zero_one_weight`,
// added to the valid loss, pushing each weight toward 0 or 1. Derivation
// is DARTS's rule on the sigmoid weights (strongest non-zero alternative;
// the top-k edges of an input choice).
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"

#include <sstream>

namespace nasc::nn {
namespace {

class FairDarts : public DifferentiableMethod {
public:
  explicit FairDarts(const Json &args)
      : DifferentiableMethod("fair_darts", args, 50), zeroOne_(oneShotNumber(args, "zero_one_weight", 10.0)) {
    if (zeroOne_ < 0)
      throw std::invalid_argument("fair_darts: zero_one_weight must be at least 0");
  }

protected:
  std::string describe() const override {
    std::ostringstream os;
    os << "sigmoid weights, zero-one loss x " << zeroOne_;
    return os.str();
  }
  void configure(Network &net) override {
    net.setMixing([](const at::Tensor &alpha) { return torch::sigmoid(alpha); });
  }
  at::Tensor architectureLoss(Network &net, const at::Tensor &crossEntropy) override {
    at::Tensor sum;
    int64_t n = 0;
    for (const at::Tensor &a : net.architectureParameters()) {
      at::Tensor d = (torch::sigmoid(a) - 0.5).pow(2).sum();
      sum = sum.defined() ? sum + d : d;
      n += a.numel();
    }
    return crossEntropy - zeroOne_ * sum / double(n);
  }

private:
  double zeroOne_;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(fair_darts, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::FairDarts>(args);
})
