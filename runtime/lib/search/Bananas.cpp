//===- Bananas.cpp - BANANAS: neural predictors with Thompson sampling ----===//
//
// White, Neiswanger & Savani, "BANANAS: Bayesian Optimization with Neural
// Architectures for Neural Architecture Search" (AAAI 2021): an ensemble of
// `ensemble` small MLPs on the path encoding (ArchitectureEncoding, derived
// from the compiled space) fit on every feasible evaluation; each round,
// `candidates` mutations of the best evaluated architectures are scored by
// independent Thompson sampling (acquisition="its": one draw from
// N(mean, std of the ensemble) per candidate) or by the ensemble mean
// ("mean"), and the `batch` best are asked. ModelBased.h has the loop.
//
//===----------------------------------------------------------------------===//
#include "ModelBased.h"
#include "nasc/search/Surrogates.h"
#include "nasc/search/Encoding.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class BananasStrategy : public ModelBasedStrategy {
public:
  BananasStrategy(const Space &space, int64_t initial, int64_t candidates, int64_t ensemble, int64_t batch,
                  std::string acquisition, int64_t epochs, uint64_t seed)
      : ModelBasedStrategy(space, "bananas", initial, candidates, batch, 0.0, seed), encoding_(space),
        acquisition_(std::move(acquisition)) {
    if (ensemble < 1)
      throw std::invalid_argument("bananas: ensemble must be at least 1");
    if (epochs < 1)
      throw std::invalid_argument("bananas: epochs must be at least 1");
    if (acquisition_ != "its" && acquisition_ != "mean")
      throw std::invalid_argument("bananas: acquisition must be \"its\" (independent Thompson sampling) or "
                                  "\"mean\", not \"" + acquisition_ + "\"");
    options_.models = int(ensemble);
    options_.epochs = int(epochs);
  }

protected:
  std::vector<size_t> choose(const std::vector<Architecture> &candidates, size_t count,
                             const std::vector<Architecture> &x, const std::vector<double> &y,
                             const std::vector<Architecture> &, uint64_t seed) override {
    std::vector<Features> fx;
    for (const Architecture &a : x)
      fx.push_back(encoding_.encode(a));
    MlpEnsemble model(options_);
    model.fit(fx, y, seed);
    std::vector<double> value(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) {
      Prediction p = model.predict(encoding_.encode(candidates[i]));
      value[i] = p.mean;
      if (acquisition_ == "its") { // one standard normal draw per candidate
        double u = runtime::uniformReal(rng_), v = runtime::uniformReal(rng_);
        value[i] += p.std * std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(2.0 * M_PI * v);
      }
    }
    std::vector<size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return value[a] > value[b]; });
    order.resize(count);
    return order;
  }

private:
  ArchitectureEncoding encoding_;
  std::string acquisition_;
  MlpEnsemble::Options options_;
};

} // namespace

NASC_REGISTER_STRATEGY(bananas, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  auto s = std::make_unique<BananasStrategy>(
      space, runtime::asInt(strategyArg(args, "initial", 10)), runtime::asInt(strategyArg(args, "candidates", 100)),
      runtime::asInt(strategyArg(args, "ensemble", 5)), runtime::asInt(strategyArg(args, "batch", 10)),
      runtime::asString(strategyArg(args, "acquisition", "its")), runtime::asInt(strategyArg(args, "epochs", 100)),
      seed);
  s->setWarmup(ProxyWarmup::fromArgs(args, "bananas"));
  return s;
});
