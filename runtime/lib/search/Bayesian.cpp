//===- Bayesian.cpp - Gaussian-process Bayesian optimization ---------------===//
//
// A Gaussian process (Surrogates.h: exponential kernel on the Hamming
// distance of one-hot architectures, length scale and noise by marginal
// likelihood) fit on every feasible evaluation; each round a pool of
// `candidates` (half mutations of the best evaluated architectures, half
// random) is ranked by expected improvement over the best score
// (acquisition="ei"), the upper confidence bound mean + 2 std ("ucb") or
// the mean ("mean"). A batch (`batch` > 1, or asks ahead of tells) is
// chosen one at a time with the kriging believer: each choice, and each
// pending architecture, joins the data at the model's own prediction
// before the next is picked, so a batch spreads out instead of crowding
// one peak. ModelBased.h has the loop.
//
//===----------------------------------------------------------------------===//
#include "ModelBased.h"
#include "nasc/search/Surrogates.h"
#include "nasc/search/Encoding.h"

#include <algorithm>
#include <limits>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class BayesianStrategy : public ModelBasedStrategy {
public:
  BayesianStrategy(const Space &space, int64_t initial, std::string acquisition, int64_t candidates, int64_t batch,
                   uint64_t seed)
      : ModelBasedStrategy(space, "bayesian", initial, candidates, batch, 0.5, seed),
        acquisition_(std::move(acquisition)) {
    if (acquisition_ != "ei" && acquisition_ != "ucb" && acquisition_ != "mean")
      throw std::invalid_argument("bayesian: acquisition must be \"ei\", \"ucb\" or \"mean\", not \"" + acquisition_ +
                                  "\"");
  }

protected:
  std::vector<size_t> choose(const std::vector<Architecture> &candidates, size_t count,
                             const std::vector<Architecture> &x, const std::vector<double> &y,
                             const std::vector<Architecture> &pending, uint64_t) override {
    std::vector<Features> fx;
    for (const Architecture &a : x)
      fx.push_back(ArchitectureEncoding::oneHot(space_, a));
    std::vector<double> fy = y;
    double best = *std::max_element(y.begin(), y.end());
    std::vector<Features> fc;
    for (const Architecture &a : candidates)
      fc.push_back(ArchitectureEncoding::oneHot(space_, a));
    GaussianProcess gp;
    gp.fit(fx, fy);
    // Pending architectures count as observed at the model's prediction.
    if (!pending.empty()) {
      for (const Architecture &a : pending) {
        Features f = ArchitectureEncoding::oneHot(space_, a);
        fy.push_back(gp.predict(f).mean);
        fx.push_back(std::move(f));
      }
      gp.fit(fx, fy);
    }
    std::vector<size_t> picked;
    std::vector<bool> taken(candidates.size(), false);
    while (picked.size() < count) {
      size_t arg = candidates.size();
      double top = -std::numeric_limits<double>::infinity();
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (taken[i])
          continue;
        Prediction p = gp.predict(fc[i]);
        double v = acquisition_ == "ei" ? expectedImprovement(p, best)
                   : acquisition_ == "ucb" ? p.mean + 2.0 * p.std
                                           : p.mean;
        if (v > top || arg == candidates.size())
          top = v, arg = i;
      }
      picked.push_back(arg);
      taken[arg] = true;
      if (picked.size() < count) { // the kriging believer
        fy.push_back(gp.predict(fc[arg]).mean);
        fx.push_back(fc[arg]);
        gp.fit(fx, fy);
      }
    }
    return picked;
  }

private:
  std::string acquisition_;
};

} // namespace

NASC_REGISTER_STRATEGY(bayesian, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  auto s = std::make_unique<BayesianStrategy>(space, runtime::asInt(strategyArg(args, "initial", 10)),
                                            runtime::asString(strategyArg(args, "acquisition", "ei")),
                                            runtime::asInt(strategyArg(args, "candidates", 1000)),
                                            runtime::asInt(strategyArg(args, "batch", 1)), seed);
  s->setWarmup(ProxyWarmup::fromArgs(args, "bayesian"));
  return s;
});
