//===- Proxy.h - Zero-cost scores inside strategies -----------------------===//
//
// zero_cost_ranking, and the `warmup` option of evolution, bananas and
// bayesian (Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS",
// ICLR 2021), rank candidates by a zero-cost proxy before any is
// evaluated. Scoring builds untrained networks, which the search library
// (no LibTorch) cannot: the host supplies a ProxyScorer
// (nn::makeProxyScorer) to a strategy whose proxyNeeded() is not empty, and
// a host that cannot (nasc-run's table path) hands the run on.
//
// A proxy is one name (naswot, synflow, snip, grad_norm, jacob_cov, params,
// flops), a rank average of several ("synflow+jacob_cov+params"), or
// "vote", the ensemble kVoteMembers names.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_PROXY_H
#define NASC_SEARCH_PROXY_H

#include "nasc/runtime/Space.h"

#include <functional>
#include <string>
#include <vector>

namespace nasc::search {

/// Scores architectures untrained, higher = predicted better. The scores
/// of one call are comparable with each other (an ensemble's are average
/// ranks within the call), not across calls.
class ProxyScorer {
public:
  virtual ~ProxyScorer() = default;
  virtual std::vector<double> score(const std::vector<runtime::Architecture> &candidates) = 0;
};

/// What "vote" stands for.
extern const char *const kVoteMembers;

/// The members of a proxy: "vote" -> kVoteMembers split, "a+b" -> {a, b};
/// throws std::invalid_argument (naming `known`) for an unknown member.
std::vector<std::string> proxyMembers(const std::string &proxy, const std::vector<std::string> &known);

/// 0-based ranks, ties sharing their mean rank.
std::vector<double> ranks(const std::vector<double> &scores);
/// The mean of each member's ranks (a member's scores: one per candidate).
std::vector<double> averageRanks(const std::vector<std::vector<double>> &members);

/// Up to `samples` distinct feasible architectures (random, none `taken`),
/// scored in one call; the best `keep`, best first (ties: drawn first).
std::vector<runtime::Architecture> proxyTop(const runtime::Space &space, runtime::Rng &rng, ProxyScorer &scorer,
                                            int64_t samples, int64_t keep,
                                            const std::function<bool(const std::string &fullId)> &taken);

/// The `warmup` option: before its first ask, a strategy with warmup > 0
/// takes its initial architectures from the proxy's top of `samples`
/// random ones instead of drawing them uniformly.
struct ProxyWarmup {
  int64_t samples = 0; ///< 0: off
  std::string proxy = "vote";
  ProxyScorer *scorer = nullptr;
  /// Checks the arguments; `owner` names the strategy in errors.
  void check(const std::string &owner) const;
  std::string needed() const { return samples > 0 ? proxy : std::string(); }
  /// The scorer, or std::logic_error when the host gave none.
  ProxyScorer &get(const std::string &owner) const;
  /// From a strategy's arguments `warmup` and `proxy`, checked.
  static ProxyWarmup fromArgs(const runtime::Json &args, const std::string &owner);
};

} // namespace nasc::search

#endif // NASC_SEARCH_PROXY_H
