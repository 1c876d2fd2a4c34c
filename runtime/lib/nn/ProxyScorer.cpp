//===- ProxyScorer.cpp - Zero-cost proxies for strategies -----------------===//
//
// The scorer zero_cost_ranking and the strategies' `warmup` use
// (search/Proxy.h). A network proxy is scored exactly as the `zero_cost`
// estimator scores it (one estimator per proxy: the same batch of the
// search's training split, the same seeded initialization per
// architecture), so a ranking agrees with a zero_cost search's scores;
// params and FLOPs are the compiler's counts (runtime::plan). Several
// members: the mean of their ranks within the call.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/Estimators.h"
#include "nasc/nn/ZeroCost.h"
#include "nasc/runtime/Plan.h"

using namespace nasc;
using namespace nasc::nn;

namespace {

class NetworkProxyScorer : public search::ProxyScorer {
public:
  NetworkProxyScorer(const Json &ops, const Space &space, const Json &search, const EstimatorOptions &options,
                     const std::string &proxy)
      : ops_(ops), space_(space) {
    std::vector<std::string> known = zeroCostProxies();
    known.push_back("params");
    known.push_back("flops");
    members_ = search::proxyMembers(proxy, known);
    EstimatorOptions quiet = options;
    quiet.weightsDir.clear(); // nothing trains, nothing to keep
    quiet.log = nullptr;
    for (const std::string &m : members_) {
      if (m == "params" || m == "flops")
        continue;
      Json s = search;
      s["settings"]["estimator"] = Json{{"extern", "zero_cost"},
                                        {"kind", "estimator"},
                                        {"impl", "zero_cost"},
                                        {"args", Json{{"proxy", m}}}};
      try {
        estimators_[m] = std::make_unique<TrainingEstimator>(ops, space, s, quiet);
      } catch (const std::invalid_argument &e) {
        throw std::invalid_argument("the zero-cost proxy '" + m + "' scores networks on the search's data: " +
                                    e.what());
      }
    }
  }

  std::vector<double> score(const std::vector<Architecture> &candidates) override {
    std::vector<std::vector<double>> perMember;
    for (const std::string &m : members_) {
      std::vector<double> s;
      s.reserve(candidates.size());
      for (const Architecture &a : candidates) {
        if (m == "params" || m == "flops") {
          runtime::Plan p = runtime::plan(ops_, space_, a);
          s.push_back(double(m == "params" ? p.params : p.flops));
        } else {
          s.push_back(estimators_.at(m)->evaluate(a, space_.values(a)).metrics.at("zero_cost"));
        }
      }
      perMember.push_back(std::move(s));
    }
    return perMember.size() == 1 ? perMember.front() : search::averageRanks(perMember);
  }

private:
  const Json &ops_;
  const Space &space_;
  std::vector<std::string> members_;
  std::map<std::string, std::unique_ptr<TrainingEstimator>> estimators_;
};

} // namespace

std::unique_ptr<search::ProxyScorer> nasc::nn::makeProxyScorer(const Json &ops, const Space &space,
                                                                const Json &search, const EstimatorOptions &options,
                                                                const std::string &proxy) {
  return std::make_unique<NetworkProxyScorer>(ops, space, search, options, proxy);
}
