//===- PathSampler.h - Which paths a single-path supernet trains ----------===//
//
// Each training step of a supernet runs one or more paths on the same batch
// (gradients accumulate, then one update):
//   uniform   one path, every decision uniform (SPOS, Guo et al. 2020)
//   fair      strict fairness (FairNAS, Chu et al. 2021): m paths, m the
//             largest number of alternatives; decision d takes position
//             perm_d[k mod n_d] in path k, so every alternative of a decision
//             with m of them is trained exactly once a step
//   sandwich  the largest and the smallest architecture (by parameters:
//             elasticDecisions, nn/Progressive.h) and one uniform path (the
//             sandwich rule of BigNAS / OFA; the supernet estimator's
//             sandwich mode trains an elastic supernet with these paths)
// A fair path that breaks a requirement over decisions is replaced by a
// uniform feasible one.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_PATHSAMPLER_H
#define NASC_NN_PATHSAMPLER_H

#include "nasc/runtime/Space.h"

#include <memory>
#include <string>
#include <vector>

namespace nasc::nn {

class PathSampler {
public:
  virtual ~PathSampler() = default;
  /// The paths of the next step.
  virtual std::vector<runtime::Architecture> next() = 0;
};

/// `mode`: uniform, fair or sandwich; `ops` (the artefact's) cost the
/// sandwich's ends. Throws std::invalid_argument naming the modes.
std::unique_ptr<PathSampler> makePathSampler(const std::string &mode, const runtime::Json &ops,
                                             const runtime::Space &space, uint64_t seed);

} // namespace nasc::nn

#endif // NASC_NN_PATHSAMPLER_H
