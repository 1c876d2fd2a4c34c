//===- Ppo.cpp - Proximal policy optimization (MnasNet's controller update) -===//
//
// Schulman et al.'s clipped surrogate on REINFORCE's factorized policy (an
// independent softmax over each discrete decision's alternatives, logits
// starting at 0), as MnasNet trains its controller:
// - `batch` architectures are drawn from the policy as it stands (pi_old),
//   each with its log-probability: the sum over the decisions that shaped
//   it (Space::active), as REINFORCE counts them;
// - once their rewards are in, the advantages are the rewards normalised
//   within the batch, A = (R - mean) / std, and `epochs` gradient steps
//   (lr) ascend
//     mean_i min(rho_i A_i, clip(rho_i, 1 - clip, 1 + clip) A_i) + entropy H,
//   rho_i = pi(a_i) / pi_old(a_i): a sample whose ratio left the clip range
//   in the direction its advantage pushes adds no gradient, so one batch
//   cannot move the policy far (plain steps, not Adam's: a momentum would
//   carry the policy on after the clip has stopped the gradient);
// - then the next batch is drawn from the new policy.
// An architecture that broke a constraint (score -inf) takes the worst
// reward seen so far; continuous decisions are drawn uniformly; drawn
// architectures that break a requirement are drawn again (as REINFORCE).
//
//===----------------------------------------------------------------------===//
#include "FactorizedPolicy.h"

#include <cmath>
#include <limits>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class PpoStrategy : public Strategy {
public:
  PpoStrategy(const Space &space, double lr, double clip, int64_t batch, int64_t epochs, double entropy,
              uint64_t seed)
      : space_(space), policy_(space), lr_(lr), clip_(clip), batch_(batch), epochs_(epochs), entropy_(entropy),
        rng_(seed) {
    if (!(lr > 0) || !(clip > 0 && clip < 1) || batch < 2 || epochs < 1 || !(entropy >= 0))
      throw std::invalid_argument("ppo: lr must be positive, clip in (0, 1), batch at least 2, epochs at least 1, "
                                  "entropy >= 0");
  }

  std::optional<Architecture> ask() override { return policy_.sample(space_, rng_); }

  void tell(const Architecture &a, double score) override {
    if (std::isfinite(score))
      worst_ = std::min(worst_, score);
    double reward = std::isfinite(score) ? score : (std::isfinite(worst_) ? worst_ : 0.0);
    batchArchs_.push_back(a);
    batchRewards_.push_back(reward);
    batchLogProbs_.push_back(policy_.logProbability(space_, a));
    if (int64_t(batchArchs_.size()) >= batch_)
      update();
  }

  Json save() const override {
    Json archs = Json::array();
    for (const Architecture &a : batchArchs_)
      archs.push_back(toJson(a));
    return Json{{"strategy", "ppo"},    {"rng", saveRng(rng_)}, {"logits", policy_.logits},
                {"batch_archs", archs}, {"batch_rewards", batchRewards_},
                {"batch_log_probs", batchLogProbs_}, {"worst", scoreToJson(worst_)}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "ppo")
      throw std::invalid_argument("not a ppo state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    policy_.logits = s.at("logits").get<std::vector<std::vector<double>>>();
    batchArchs_.clear();
    for (const Json &a : s.at("batch_archs"))
      batchArchs_.push_back(architectureFromJson(a));
    batchRewards_ = s.at("batch_rewards").get<std::vector<double>>();
    batchLogProbs_ = s.at("batch_log_probs").get<std::vector<double>>();
    worst_ = scoreFromJson(s.at("worst"));
  }

private:
  void update() {
    size_t n = batchArchs_.size();
    double mean = 0, var = 0;
    for (double r : batchRewards_)
      mean += r / double(n);
    for (double r : batchRewards_)
      var += (r - mean) * (r - mean) / double(n);
    double sd = std::sqrt(var);
    std::vector<double> advantage(n, 0.0);
    if (sd > 1e-12) // equal rewards teach nothing
      for (size_t i = 0; i < n; ++i)
        advantage[i] = (batchRewards_[i] - mean) / sd;
    for (int64_t epoch = 0; epoch < epochs_; ++epoch) {
      // The surrogate's gradient with respect to the logits (ascent).
      std::vector<std::vector<double>> &z = policy_.logits, grad = z;
      for (auto &row : grad)
        std::fill(row.begin(), row.end(), 0.0);
      std::vector<std::vector<double>> p(z.size());
      for (size_t k = 0; k < z.size(); ++k)
        p[k] = policy_.probabilities(k);
      for (size_t i = 0; i < n; ++i) {
        double rho = std::exp(policy_.logProbability(space_, batchArchs_[i]) - batchLogProbs_[i]);
        double A = advantage[i];
        bool clipped = (A > 0 && rho > 1 + clip_) || (A < 0 && rho < 1 - clip_);
        if (clipped || A == 0)
          continue;
        for (size_t k = 0; k < z.size(); ++k) {
          if (!space_.active(batchArchs_[i], k))
            continue;
          for (size_t v = 0; v < p[k].size(); ++v) // d rho / d z = rho (onehot - p)
            grad[k][v] += A * rho * ((int64_t(v) == batchArchs_[i].choice[k] ? 1.0 : 0.0) - p[k][v]) / double(n);
        }
      }
      if (entropy_ > 0)
        for (size_t k = 0; k < z.size(); ++k) {
          std::vector<double> dH = policy_.entropyGradient(k);
          for (size_t v = 0; v < dH.size(); ++v)
            grad[k][v] += entropy_ * dH[v];
        }
      for (size_t k = 0; k < z.size(); ++k)
        for (size_t v = 0; v < z[k].size(); ++v)
          z[k][v] += lr_ * grad[k][v];
    }
    batchArchs_.clear();
    batchRewards_.clear();
    batchLogProbs_.clear();
  }

  const Space &space_;
  FactorizedPolicy policy_;
  double lr_, clip_;
  int64_t batch_, epochs_;
  double entropy_;
  runtime::Rng rng_;
  std::vector<Architecture> batchArchs_;
  std::vector<double> batchRewards_, batchLogProbs_;
  double worst_ = std::numeric_limits<double>::infinity();
};

} // namespace

NASC_REGISTER_STRATEGY(ppo, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  return std::make_unique<PpoStrategy>(space, runtime::asDouble(strategyArg(args, "lr", 0.5)),
                                       runtime::asDouble(strategyArg(args, "clip", 0.2)),
                                       runtime::asInt(strategyArg(args, "batch", 8)),
                                       runtime::asInt(strategyArg(args, "epochs", 4)),
                                       runtime::asDouble(strategyArg(args, "entropy", 0.0)), seed);
});
