//===- Fbnet.cpp - FBNet: hardware-aware differentiable search (Wu et al., CVPR 2019)
//
// The differentiable loop (Differentiable.h) with Gumbel-softmax mixing
// weights, w = softmax((alpha + g) / tau), g ~ Gumbel(0, 1), drawn before
// every training forward (every alternative computed, as FBNet's supernet
// does), tau = tau_max * tau_decay^epoch, and the latency-aware loss
//   CE * alpha_lat * log(1 + LAT)^beta
// where LAT (ms) is the latency the mixture expects: the sum over choices
// of w times each alternative's latency from a lookup table
// (Network::expectedLatency). The paper writes log(LAT); log(1 + LAT) keeps
// the factor positive and increasing for networks under 1 ms. The table is
// the file `latency` (nasc latency-table), or measured on this device when
// the search starts. Epoch rows add the expected latency and the derived
// architecture's predicted one.
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"
#include "nasc/nn/Latency.h"

#include <cmath>
#include <sstream>

namespace nasc::nn {
namespace {

class Fbnet : public DifferentiableMethod {
public:
  explicit Fbnet(const Json &args)
      : DifferentiableMethod("fbnet", args, 90), tauMax_(oneShotNumber(args, "tau_max", 5.0)),
        tauDecay_(oneShotNumber(args, "tau_decay", 0.956)), alpha_(oneShotNumber(args, "alpha", 0.2)),
        beta_(oneShotNumber(args, "beta", 0.6)),
        tableFile_(runtime::asString(search::strategyArg(args, "latency", ""))) {
    if (!(tauMax_ > 0) || !(tauDecay_ > 0) || tauDecay_ > 1)
      throw std::invalid_argument("fbnet: needs tau_max > 0 and 0 < tau_decay <= 1");
    if (alpha_ < 0 || beta_ < 0)
      throw std::invalid_argument("fbnet: alpha and beta must be at least 0");
  }

protected:
  std::string describe() const override {
    std::ostringstream os;
    os << "Gumbel-softmax mixtures, tau " << tauMax_ << " x " << tauDecay_ << "^epoch, loss CE x " << alpha_
       << " log(1 + LAT)^" << beta_ << " over " << table_.ms.size() << " op configurations on " << table_.device;
    return os.str();
  }

  void configure(Network &) override {
    table_ = loadOrMeasureLatencyTable(tableFile_, run_->ops, run_->space, run_->estimator.device,
                                       run_->estimator.log);
  }

  void beforeForward(Network &net, int64_t epoch) override {
    double tau = tauMax_ * std::pow(tauDecay_, double(epoch));
    for (auto &[name, alpha] : net.alphas()) {
      at::Tensor gumbel;
      {
        torch::NoGradGuard guard;
        gumbel = -torch::empty_like(alpha).exponential_().log();
      }
      net.overrideMixWeights(name, torch::softmax((alpha + gumbel) / tau, 0));
    }
  }

  at::Tensor architectureLoss(Network &net, const at::Tensor &crossEntropy) override {
    at::Tensor latency = table_.expected(net);
    return crossEntropy * alpha_ * torch::log1p(latency).pow(beta_);
  }

  Json epochFigures(Network &net, const Architecture &derived) override {
    torch::NoGradGuard guard;
    double expected = table_.expected(net).item<double>();
    double predicted = table_.predict(runtime::plan(run_->ops, run_->space, derived));
    return {{"expected_latency_ms", expected}, {"derived_latency_ms", predicted}};
  }

private:
  double tauMax_, tauDecay_, alpha_, beta_;
  std::string tableFile_;
  LatencyTable table_;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(fbnet, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Fbnet>(args);
})
