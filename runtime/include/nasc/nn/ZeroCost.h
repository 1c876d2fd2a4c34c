//===- ZeroCost.h - Scoring untrained networks ----------------------------===//
//
// Zero-cost proxies: one batch, no training, a score that ranks
// architectures (higher = predicted better).
//   naswot     log|det K| of the ReLU activation-code kernel (Mellor et al.
//              2021): K_ij = number of units where samples i and j agree
//   synflow    sum |theta * d R / d theta| with R the output sum of the
//              network made linear (|theta|, input of ones, BN in eval
//              mode, double precision) (Tanaka et al. 2020)
//   snip       sum |theta * d L / d theta| on the batch (Lee et al. 2019)
//   grad_norm  sum over parameter tensors of ||d L / d theta||_2
//   jacob_cov  -sum(log(v + k) + 1 / (v + k)) over the eigenvalues v of the
//              correlation matrix of the samples' input Jacobians (Mellor et
//              al.'s first version), k = 1e-5
// std/search also names grasp and fisher: refused with the list above.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_ZEROCOST_H
#define NASC_NN_ZEROCOST_H

#include "nasc/nn/Network.h"

#include <string>
#include <vector>

namespace nasc::nn {

/// The proxies this runtime computes.
const std::vector<std::string> &zeroCostProxies();

/// `proxy` of `net` (freshly initialized) on one batch; throws
/// std::invalid_argument naming the known proxies. `net` is left as it was
/// (parameters restored after synflow).
double zeroCostScore(Network &net, const std::string &proxy, const at::Tensor &images, const at::Tensor &labels);

} // namespace nasc::nn

#endif // NASC_NN_ZEROCOST_H
