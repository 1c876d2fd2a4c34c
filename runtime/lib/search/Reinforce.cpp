//===- Reinforce.cpp - Policy-gradient search (REINFORCE) -----------------===//
//
// Williams' REINFORCE on a factorized policy, as Zoph & Le's controller
// reduced to its essence and the NAS-Bench-201 baseline: an independent
// softmax over each discrete decision's alternatives (logits start at 0:
// uniform). After each evaluation, with reward R (the score) and baseline b
// (an exponential moving average of rewards, `baseline_decay`), every
// decision that mattered in the architecture moves its logits by
//   lr * (R - b) * (onehot(chosen) - p)  +  entropy * dH/dlogits.
// An architecture that broke a constraint (score -inf) takes the worst
// reward seen so far. Continuous decisions are drawn uniformly (no policy).
// Drawn architectures that break a requirement over decisions are drawn
// again (then one uniform feasible architecture is taken).
//
//===----------------------------------------------------------------------===//
#include "FactorizedPolicy.h"

#include <cmath>
#include <limits>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class ReinforceStrategy : public Strategy {
public:
  ReinforceStrategy(const Space &space, double lr, double decay, double entropy, uint64_t seed)
      : space_(space), policy_(space), lr_(lr), decay_(decay), entropy_(entropy), rng_(seed) {
    if (lr <= 0 || decay < 0 || decay >= 1 || entropy < 0)
      throw std::invalid_argument("reinforce: lr must be positive, baseline_decay in [0, 1), entropy >= 0");
  }

  std::optional<Architecture> ask() override { return policy_.sample(space_, rng_); }

  void tell(const Architecture &a, double score) override {
    if (std::isfinite(score))
      worst_ = std::min(worst_, score);
    double reward = std::isfinite(score) ? score : (std::isfinite(worst_) ? worst_ : 0.0);
    if (!hasBaseline_) // the first reward is its own baseline: no step
      baseline_ = reward, hasBaseline_ = true;
    double advantage = reward - baseline_;
    for (size_t k = 0; k < policy_.logits.size(); ++k) {
      if (!space_.active(a, k))
        continue; // it did not shape this network
      std::vector<double> p = policy_.probabilities(k), dH = policy_.entropyGradient(k);
      for (size_t v = 0; v < p.size(); ++v) {
        double grad = (int64_t(v) == a.choice[k] ? 1.0 : 0.0) - p[v];
        policy_.logits[k][v] += lr_ * advantage * grad + entropy_ * dH[v];
      }
    }
    baseline_ = decay_ * baseline_ + (1 - decay_) * reward;
  }

  Json save() const override {
    return Json{{"strategy", "reinforce"}, {"rng", saveRng(rng_)},     {"logits", policy_.logits},
                {"baseline", baseline_},  {"has_baseline", hasBaseline_}, {"worst", scoreToJson(worst_)}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "reinforce")
      throw std::invalid_argument("not a reinforce state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    policy_.logits = s.at("logits").get<std::vector<std::vector<double>>>();
    baseline_ = s.at("baseline").get<double>();
    hasBaseline_ = s.at("has_baseline").get<bool>();
    worst_ = scoreFromJson(s.at("worst"));
  }

private:
  const Space &space_;
  FactorizedPolicy policy_;
  double lr_, decay_, entropy_;
  runtime::Rng rng_;
  double baseline_ = 0;
  bool hasBaseline_ = false;
  double worst_ = std::numeric_limits<double>::infinity();
};

} // namespace

NASC_REGISTER_STRATEGY(reinforce, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  return std::make_unique<ReinforceStrategy>(space, runtime::asDouble(strategyArg(args, "lr", 0.01)),
                                             runtime::asDouble(strategyArg(args, "baseline_decay", 0.95)),
                                             runtime::asDouble(strategyArg(args, "entropy", 0.0)), seed);
});
