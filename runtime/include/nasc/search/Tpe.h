//===- Tpe.h - BOHB's tree-Parzen model over architectures -----------------===//
//
// Falkner, Klein & Hutter, "BOHB: Robust and Efficient Hyperparameter
// Optimization at Scale" (ICML 2018), Algorithm 2, on a space's decisions:
//   - the evaluations at one budget, best first, split into the best q
//     percent ("good", at least N_min) and the next (100 - q) percent
//     ("bad", at least N_min), N_min = dimensions + 1; no model unless each
//     side has more points than dimensions;
//   - a product-kernel density on each side: discrete decisions (positions
//     in their domain) with the Aitchison-Aitken kernel, 1 - h on the
//     observed value and h / (k - 1) on each other, float decisions
//     (scaled to [0, 1], log scale where declared) with a Gaussian kernel;
//     bandwidths by the normal reference rule 1.06 sd n^(-1/(4+d)), at
//     least `minBandwidth` (a discrete one at most (k-1)/k, the uniform
//     kernel); for a discrete decision sd is the spread of its one-hot
//     vector, not of its integer codes as in hpbandster (Tpe.cpp says why);
//   - proposals: `samples` draws, each a random good point perturbed with
//     the bandwidths (a discrete decision keeps its value with probability
//     1 - h, else takes a uniform one; a float one moves by a normal
//     truncated to its range, its bandwidth times `bandwidthFactor`), the
//     one with the largest l(x) / g(x) wins.
// Decisions with a single value carry no information and are left out.
// Deterministic given the data and the generator.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_TPE_H
#define NASC_SEARCH_TPE_H

#include "nasc/runtime/Space.h"

#include <functional>
#include <optional>
#include <vector>

namespace nasc::search {

class TpeModel {
public:
  struct Options {
    double topPercent = 15;     ///< q: the share of evaluations that are "good"
    int64_t minPoints = 0;      ///< N_min; 0: dimensions + 1
    int64_t samples = 64;       ///< N_s: draws per proposal
    double bandwidthFactor = 3; ///< widens the good density when drawing
    double minBandwidth = 1e-3;
  };

  TpeModel(const runtime::Space &space, Options o);

  /// Fits on one budget's evaluations (any order; higher score is better).
  /// False, and no model, when either side would have no more points than
  /// dimensions.
  bool fit(const std::vector<std::pair<runtime::Architecture, double>> &evaluations);
  bool fitted() const { return !good_.empty(); }
  /// Whether `count` evaluations are enough for fit().
  bool enough(size_t count) const;

  /// The draw with the largest l/g among those `accept` takes (feasible,
  /// new); none when no draw is accepted.
  std::optional<runtime::Architecture>
  propose(runtime::Rng &rng, const std::function<bool(const runtime::Architecture &)> &accept) const;

  /// l(x) and g(x): the good and bad densities.
  double good(const runtime::Architecture &a) const { return density(a, good_, goodBw_); }
  double bad(const runtime::Architecture &a) const { return density(a, bad_, badBw_); }
  size_t dimensions() const { return dims_.size(); }

private:
  struct Dim {
    bool discrete;
    size_t index; ///< into Architecture::choice or ::real
    int64_t levels = 0;
    double lo = 0, hi = 1;
    bool log = false;
  };
  using Point = std::vector<double>; ///< one coordinate per Dim
  const runtime::Space &space_;
  Options o_;
  std::vector<Dim> dims_;
  std::vector<Point> good_, bad_;
  std::vector<double> goodBw_, badBw_;
  std::vector<runtime::Architecture> goodArchs_;

  Point point(const runtime::Architecture &a) const;
  std::vector<double> bandwidths(const std::vector<Point> &data) const;
  double density(const runtime::Architecture &a, const std::vector<Point> &data, const std::vector<double> &bw) const;
  size_t minPoints() const;
};

} // namespace nasc::search

#endif
