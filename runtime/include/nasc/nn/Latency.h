//===- Latency.h - Latency lookup tables of a space's operations -----------===//
//
// A table of the median latency of every distinct operation configuration
// of a space (op, parameters, input shape: runtime::ResolvedOp::key) on one
// device at one batch size, as hardware-aware NAS (FBNet, ProxylessNAS)
// uses: an architecture's latency is predicted as the sum over its ops.
// `nasc latency-table FILE.nas -o lut.json` writes one (docs/runtime.md).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_LATENCY_H
#define NASC_NN_LATENCY_H

#include "nasc/nn/Network.h"

#include <iosfwd>
#include <map>
#include <string>

namespace nasc::nn {

struct LatencyTable {
  std::string device;
  int64_t batch = 1;
  std::map<std::string, double> ms; ///< op configuration key -> median milliseconds

  /// The predicted latency of an architecture: the sum of its plan's ops
  /// (live nodes). Throws naming a configuration the table lacks.
  double predict(const runtime::Plan &plan) const;

  Json toJson() const;
  /// Reads what toJson wrote; errors name `file` and what is wrong.
  static LatencyTable fromJson(const Json &j, const std::string &file);
  static LatencyTable load(const std::string &file);
};

/// Measures every op configuration a single-path supernet of `space` would
/// instantiate (Network::forEachConfiguration): each op alone, inference,
/// `warmup` runs then the median of `repeats`, on `device` at `batch`.
LatencyTable measureLatencyTable(const Json &ops, const Space &space, torch::Device device, int64_t batch,
                                 std::ostream *log = nullptr, int warmup = 3, int repeats = 15);

} // namespace nasc::nn

#endif // NASC_NN_LATENCY_H
