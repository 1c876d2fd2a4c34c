//===- FactorizedPolicy.h - Independent softmax per decision --------------===//
//
// The policy of the policy-gradient strategies (reinforce, ppo): one vector
// of logits per discrete decision of the space, starting at 0 (uniform).
// Continuous decisions have no policy: they are drawn uniformly.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_FACTORIZEDPOLICY_H
#define NASC_SEARCH_FACTORIZEDPOLICY_H

#include "nasc/search/Strategy.h"

#include <algorithm>
#include <cmath>

namespace nasc::search {

struct FactorizedPolicy {
  std::vector<std::vector<double>> logits; ///< per discrete decision, in Space::discrete() order

  explicit FactorizedPolicy(const Space &space) {
    for (size_t d : space.discrete())
      logits.emplace_back(space.decisions()[d].domain.size(), 0.0);
  }

  /// softmax(logits[k]).
  std::vector<double> probabilities(size_t k) const {
    const std::vector<double> &z = logits[k];
    double top = *std::max_element(z.begin(), z.end()), sum = 0;
    std::vector<double> p(z.size());
    for (size_t v = 0; v < z.size(); ++v)
      sum += p[v] = std::exp(z[v] - top);
    for (double &q : p)
      q /= sum;
    return p;
  }

  /// An architecture drawn from the policy; one that breaks a requirement
  /// over decisions is drawn again (after 100 tries, a uniform one).
  Architecture sample(const Space &space, runtime::Rng &rng) const {
    for (int attempt = 0; attempt < 100; ++attempt) {
      Architecture a = space.sample(rng); // continuous decisions uniform
      for (size_t k = 0; k < logits.size(); ++k)
        a.choice[k] = draw(probabilities(k), rng);
      if (!space.violated(a))
        return a;
    }
    return space.sample(rng);
  }

  /// log pi(a): over the decisions that shaped a's network (Space::active).
  double logProbability(const Space &space, const Architecture &a) const {
    double lp = 0;
    for (size_t k = 0; k < logits.size(); ++k)
      if (space.active(a, k))
        lp += std::log(std::max(probabilities(k)[size_t(a.choice[k])], 1e-300));
    return lp;
  }

  /// d H(p_k) / d logits_k[v] for each v.
  std::vector<double> entropyGradient(size_t k) const {
    std::vector<double> p = probabilities(k), g(p.size(), 0.0);
    double h = 0;
    for (double q : p)
      h -= q > 0 ? q * std::log(q) : 0;
    for (size_t v = 0; v < p.size(); ++v)
      g[v] = p[v] > 0 ? -p[v] * (std::log(p[v]) + h) : 0;
    return g;
  }

private:
  static int64_t draw(const std::vector<double> &p, runtime::Rng &rng) {
    double u = runtime::uniformReal(rng), acc = 0;
    for (size_t v = 0; v < p.size(); ++v)
      if ((acc += p[v]) > u)
        return int64_t(v);
    return int64_t(p.size() - 1);
  }
};

} // namespace nasc::search

#endif // NASC_SEARCH_FACTORIZEDPOLICY_H
