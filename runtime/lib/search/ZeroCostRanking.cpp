//===- ZeroCostRanking.cpp - Evaluate only what a proxy ranks best --------===//
//
// Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS" (ICLR 2021),
// and NASWOT's search (Mellor et al. 2021): each round draws `samples`
// random feasible architectures never asked before, scores them untrained
// with `proxy` (Proxy.h: one proxy, several joined by '+', or "vote"), and
// asks the best `top_k` of them, best first, for the search's estimator to
// evaluate. The next round starts when they are all asked; the budget
// decides how many rounds run.
//
// State: the RNG, the round's queue and the number of rounds; the set of
// architectures asked is rebuilt from the store on resume
// (restoreHistory), not saved with every snapshot.
//
//===----------------------------------------------------------------------===//
#include "nasc/runtime/Expr.h"
#include "nasc/search/Proxy.h"
#include "nasc/search/Strategy.h"

#include <deque>
#include <unordered_set>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class ZeroCostRankingStrategy : public Strategy {
public:
  ZeroCostRankingStrategy(const Space &space, int64_t samples, std::string proxy, int64_t topK, uint64_t seed)
      : space_(space), samples_(samples), topK_(topK), proxy_(std::move(proxy)), rng_(seed) {
    if (samples < 1)
      throw std::invalid_argument("zero_cost_ranking: samples must be at least 1");
    if (topK < 1 || topK > samples)
      throw std::invalid_argument("zero_cost_ranking: top_k must be between 1 and samples (" +
                                  std::to_string(samples) + ")");
    if (proxy_.empty())
      throw std::invalid_argument("zero_cost_ranking: proxy must name a zero-cost proxy");
  }

  std::string proxyNeeded() const override { return proxy_; }
  void setProxyScorer(ProxyScorer *scorer) override { scorer_ = scorer; }

  std::optional<Architecture> ask() override {
    if (queue_.empty()) {
      if (!scorer_)
        throw std::logic_error("zero_cost_ranking needs a zero-cost proxy scorer, which this runtime did not give");
      std::vector<Architecture> top = proxyTop(space_, rng_, *scorer_, samples_, topK_,
                                               [&](const std::string &id) { return asked_.count(id) > 0; });
      ++rounds_;
      if (top.empty())
        return std::nullopt; // every feasible architecture was asked
      queue_.assign(top.begin(), top.end());
    }
    Architecture a = queue_.front();
    queue_.pop_front();
    asked_.insert(space_.fullId(a));
    return a;
  }

  void tell(const Architecture &, double) override {}

  Json save() const override {
    Json queue = Json::array();
    for (const Architecture &a : queue_)
      queue.push_back(toJson(a));
    return Json{{"strategy", "zero_cost_ranking"}, {"rng", saveRng(rng_)}, {"queue", queue}, {"rounds", rounds_}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "zero_cost_ranking")
      throw std::invalid_argument("not a zero_cost_ranking state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    queue_.clear();
    for (const Json &a : s.at("queue"))
      queue_.push_back(architectureFromJson(a));
    rounds_ = s.at("rounds").get<int64_t>();
  }

  void restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &) override {
    for (const Architecture &a : evaluated)
      asked_.insert(space_.fullId(a));
  }
  void restoreAsked(const std::vector<Architecture> &asked) override { restoreHistory(asked, {}); }

private:
  const Space &space_;
  int64_t samples_, topK_;
  std::string proxy_;
  runtime::Rng rng_;
  ProxyScorer *scorer_ = nullptr;
  std::deque<Architecture> queue_;
  std::unordered_set<std::string> asked_;
  int64_t rounds_ = 0;
};

} // namespace

NASC_REGISTER_STRATEGY(zero_cost_ranking,
                       [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
                         return std::make_unique<ZeroCostRankingStrategy>(
                             space, runtime::asInt(strategyArg(args, "samples", 1000)),
                             runtime::asString(strategyArg(args, "proxy", "vote")),
                             runtime::asInt(strategyArg(args, "top_k", 10)), seed);
                       });
