//===- Evolution.cpp - Regularized (aging) evolution ----------------------===//
//
// Real et al., "Regularized Evolution for Image Classifier Architecture
// Search" (AAAI 2019), as NAS-Bench-201 runs it:
//   - the first `population` asks are random feasible architectures (no
//     two alike), or with warmup=W > 0 the best `population` of W random
//     ones by a zero-cost proxy (Abdelfattah et al. 2021; Proxy.h);
//   - then each ask is a tournament: `sample` members drawn uniformly with
//     replacement (random.choice, as the reference code), the best (the
//     first drawn among equals) is the parent, the child is
//     Space::mutate(parent, mutation_rate): one decision changed when the
//     rate is 0;
//   - tell() adds the architecture to the population; past `population`
//     members the oldest leaves (aging) or, with aging=false, the worst (the
//     oldest among equals).
// A child may equal an architecture evaluated before: the driver answers it
// from its cache and counts it toward the budget (NAS-Bench-201 counts every
// evaluation too).
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Proxy.h"
#include "nasc/search/Strategy.h"

#include <algorithm>
#include <deque>
#include <unordered_set>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class EvolutionStrategy : public Strategy {
public:
  EvolutionStrategy(const Space &space, int64_t population, int64_t sample, double rate, bool aging, uint64_t seed)
      : space_(space), populationSize_(population), sampleSize_(sample), rate_(rate), aging_(aging), rng_(seed) {
    if (population < 1 || sample < 1)
      throw std::invalid_argument("evolution: population and sample must be at least 1");
    if (rate < 0 || rate > 1)
      throw std::invalid_argument("evolution: mutation_rate must be in [0, 1]");
  }

  void setWarmup(ProxyWarmup w) { warmup_ = std::move(w); }
  std::string proxyNeeded() const override { return warmup_.needed(); }
  void setProxyScorer(ProxyScorer *scorer) override { warmup_.scorer = scorer; }

  std::optional<Architecture> ask() override {
    ++asked_;
    if (asked_ <= populationSize_ && warmup_.samples > 0) {
      if (!warmed_) {
        warmed_ = true;
        for (Architecture &a : proxyTop(space_, rng_, warmup_.get("evolution"), warmup_.samples,
                                        populationSize_ - asked_ + 1, [](const std::string &) { return false; }))
          warm_.push_back(std::move(a));
      }
      if (!warm_.empty()) {
        Architecture a = warm_.front();
        warm_.pop_front();
        initial_.insert(space_.fullId(a));
        return a;
      }
    }
    if (asked_ <= populationSize_ || population_.empty()) {
      // The initial population: random, distinct while the space allows.
      for (int t = 0; t < 100; ++t) {
        Architecture a = space_.sample(rng_);
        if (initial_.insert(space_.fullId(a)).second)
          return a;
      }
      return space_.sample(rng_);
    }
    size_t best = 0;
    for (int64_t s = 0; s < sampleSize_; ++s) {
      size_t i = size_t(runtime::uniformIndex(rng_, population_.size()));
      if (s == 0 || population_[i].score > population_[best].score)
        best = i;
    }
    return space_.mutate(population_[best].arch, rng_, rate_);
  }

  void tell(const Architecture &a, double score) override {
    population_.push_back({space_.canonical(a), score});
    if (int64_t(population_.size()) <= populationSize_)
      return;
    if (aging_) {
      population_.pop_front();
      return;
    }
    size_t worst = 0;
    for (size_t i = 1; i < population_.size(); ++i)
      if (population_[i].score < population_[worst].score)
        worst = i;
    population_.erase(population_.begin() + worst);
  }

  Json save() const override {
    Json pop = Json::array();
    for (const Member &m : population_)
      pop.push_back(Json{{"arch", toJson(m.arch)}, {"score", scoreToJson(m.score)}});
    Json s{{"strategy", "evolution"},
           {"rng", saveRng(rng_)},
           {"asked", asked_},
           {"population", pop},
           {"initial", std::vector<std::string>(initialOrder())}};
    if (warmup_.samples > 0) {
      Json warm = Json::array();
      for (const Architecture &a : warm_)
        warm.push_back(toJson(a));
      s["warmed"] = warmed_, s["warm"] = warm;
    }
    return s;
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "evolution")
      throw std::invalid_argument("not an evolution state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    asked_ = s.at("asked").get<int64_t>();
    population_.clear();
    for (const Json &m : s.at("population"))
      population_.push_back({architectureFromJson(m.at("arch")), scoreFromJson(m.at("score"))});
    auto init = s.at("initial").get<std::vector<std::string>>();
    initial_ = std::unordered_set<std::string>(init.begin(), init.end());
    warmed_ = s.value("warmed", false);
    warm_.clear();
    if (s.contains("warm"))
      for (const Json &a : s.at("warm"))
        warm_.push_back(architectureFromJson(a));
  }

private:
  struct Member {
    Architecture arch;
    double score;
  };
  const Space &space_;
  int64_t populationSize_, sampleSize_;
  double rate_;
  bool aging_;
  runtime::Rng rng_;
  int64_t asked_ = 0;
  std::deque<Member> population_;
  std::unordered_set<std::string> initial_;
  ProxyWarmup warmup_;
  bool warmed_ = false;
  std::deque<Architecture> warm_; ///< the warm-up's architectures not asked yet

  std::vector<std::string> initialOrder() const {
    // A set's order is not deterministic across runs; sort so saved states
    // compare equal.
    std::vector<std::string> v(initial_.begin(), initial_.end());
    std::sort(v.begin(), v.end());
    return v;
  }
};

} // namespace

NASC_REGISTER_STRATEGY(evolution, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  auto s = std::make_unique<EvolutionStrategy>(space, runtime::asInt(strategyArg(args, "population", 50)),
                                               runtime::asInt(strategyArg(args, "sample", 25)),
                                               runtime::asDouble(strategyArg(args, "mutation_rate", 0.0)),
                                               runtime::asBool(strategyArg(args, "aging", true)), seed);
  s->setWarmup(ProxyWarmup::fromArgs(args, "evolution"));
  return s;
});
