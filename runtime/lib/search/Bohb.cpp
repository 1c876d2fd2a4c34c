//===- Bohb.cpp - BOHB: Hyperband with a tree-Parzen model ----------------===//
//
// Falkner, Klein & Hutter (ICML 2018): Hyperband's brackets and rungs
// (Hyperband.h), but a bracket's new architectures come from a TPE model
// (Tpe.h) fit on the evaluations at the largest budget that has enough of
// them; a share `random_fraction` of them (and all of them while no budget
// has enough) stays uniform, so the search keeps exploring.
//
// State: Hyperband's, every (architecture, budget, score) told, and how
// many architectures the model proposed ("modelled").
//
//===----------------------------------------------------------------------===//
#include "Hyperband.h"
#include "nasc/runtime/Expr.h"
#include "nasc/search/Tpe.h"

#include <map>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class BohbStrategy : public HyperbandStrategy {
public:
  BohbStrategy(const Space &space, int64_t minEpochs, int64_t maxEpochs, int64_t eta, double randomFraction,
               TpeModel::Options model, uint64_t seed)
      : HyperbandStrategy(space, "bohb", minEpochs, maxEpochs, eta, false, seed), randomFraction_(randomFraction),
        model_(makeModel(space, model)) {
    if (!(randomFraction >= 0 && randomFraction <= 1))
      throw std::invalid_argument("bohb: random_fraction must lie in [0, 1]");
  }

  Json save() const override {
    Json s = HyperbandStrategy::save();
    Json obs = Json::array();
    for (const auto &[budget, list] : observed_)
      for (const auto &[a, score] : list)
        obs.push_back(Json{{"arch", toJson(a)}, {"budget", budget}, {"score", scoreToJson(score)}});
    s["observations"] = obs;
    s["modelled"] = modelled_;
    return s;
  }

  void restore(const Json &s) override {
    HyperbandStrategy::restore(s);
    observed_.clear();
    for (const Json &o : s.at("observations"))
      observed_[o.at("budget").get<int64_t>()].push_back(
          {architectureFromJson(o.at("arch")), scoreFromJson(o.at("score"))});
    modelled_ = s.at("modelled").get<int64_t>();
  }

protected:
  Architecture newArchitecture(const std::set<std::string> &taken) override {
    if (randomFraction_ < 1 && runtime::uniformReal(rng_) >= randomFraction_) {
      // The largest budget with enough evaluations for a model.
      for (auto it = observed_.rbegin(); it != observed_.rend(); ++it) {
        if (!model_.enough(it->second.size()))
          continue;
        // A bracket draws many at once from the same evaluations: fit once.
        if (fitBudget_ != it->first || fitCount_ != it->second.size()) {
          model_.fit(it->second);
          fitBudget_ = it->first, fitCount_ = it->second.size();
        }
        auto accept = [&](const Architecture &a) {
          return !space_.violated(a) && !taken.count(space_.fullId(a));
        };
        if (std::optional<Architecture> a = model_.propose(rng_, accept)) {
          ++modelled_;
          return *a;
        }
        break;
      }
    }
    return HyperbandStrategy::newArchitecture(taken);
  }

  void observe(const Architecture &a, int64_t budget, double score) override {
    observed_[budget].push_back({space_.canonical(a), score});
  }

private:
  static TpeModel makeModel(const Space &space, TpeModel::Options o) {
    try {
      return TpeModel(space, o);
    } catch (const std::invalid_argument &e) {
      throw std::invalid_argument(std::string("bohb: ") + e.what());
    }
  }

  double randomFraction_;
  TpeModel model_;
  std::map<int64_t, std::vector<std::pair<Architecture, double>>> observed_;
  int64_t modelled_ = 0;
  int64_t fitBudget_ = -1; ///< what model_ was last fit on (derived: not saved)
  size_t fitCount_ = 0;
};

Json arg(const Json &args, const char *name, const Json &fallback) { return strategyArg(args, name, fallback); }

} // namespace

NASC_REGISTER_STRATEGY(bohb, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  TpeModel::Options m;
  m.topPercent = runtime::asDouble(arg(args, "top_percent", m.topPercent));
  m.minPoints = runtime::asInt(arg(args, "min_points", m.minPoints));
  m.samples = runtime::asInt(arg(args, "samples", m.samples));
  m.bandwidthFactor = runtime::asDouble(arg(args, "bandwidth_factor", m.bandwidthFactor));
  m.minBandwidth = runtime::asDouble(arg(args, "min_bandwidth", m.minBandwidth));
  return std::make_unique<BohbStrategy>(space, runtime::asInt(arg(args, "min_epochs", 1)),
                                        runtime::asInt(arg(args, "max_epochs", 81)), runtime::asInt(arg(args, "eta", 3)),
                                        runtime::asDouble(arg(args, "random_fraction", 1.0 / 3)), m, seed);
});
