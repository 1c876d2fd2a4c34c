//===- PcDarts.cpp - Partial channel connections (Xu et al., ICLR 2020) ---===//
//
// PC-DARTS: the differentiable loop (Differentiable.h), first order, on a
// mixed supernet whose choices among layers run on 1/K of their channels
// (the rest pass by, then a channel shuffle) and whose input choices weight
// each candidate edge by softmax(beta) (edge normalization): the mixed step
// costs about 1/K of DARTS's in time and activation memory, and the edge
// weights steady which edges derive() keeps (Network::MixedOptions). As the
// paper, architecture steps start after `warmup` epochs of weight steps.
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"

#include <sstream>

namespace nasc::nn {
namespace {

class PcDarts : public DifferentiableMethod {
public:
  explicit PcDarts(const Json &args) : DifferentiableMethod("pc_darts", args, 50) {
    double k = oneShotNumber(args, "partial", 4.0);
    if (k < 1 || k != double(int64_t(k)))
      throw std::invalid_argument("pc_darts: partial (K, 1/K of the channels mixed) must be a whole number >= 1");
    options_.partialChannels = int64_t(k);
    options_.edgeNormalization = oneShotFlag(args, "edge_normalization", true);
  }

protected:
  MixedOptions mixedOptions() const override { return options_; }

  void configure(Network &net) override {
    partial_ = net.partialChoices();
    edges_ = net.edgeWeights().size();
  }

  std::string describe() const override {
    std::ostringstream os;
    os << "first order, " << partial_.first << " of " << partial_.second << " mixed steps on 1/"
       << options_.partialChannels << " of their channels";
    if (options_.edgeNormalization)
      os << ", " << edges_ << " input choice(s) with edge weights";
    return os.str();
  }

private:
  MixedOptions options_;
  std::pair<int64_t, int64_t> partial_{0, 0};
  size_t edges_ = 0;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(pc_darts, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::PcDarts>(args);
})
