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
  /// CPU threads it was measured on (nn::latencyThreads(); 0: every core,
  /// a table written before the setting existed).
  int threads = 1;
  std::map<std::string, double> ms; ///< op configuration key -> median milliseconds
  /// A cost every network pays besides its ops' (a fitted table's
  /// intercept; 0 for a measured one).
  double baseMs = 0;
  /// How a fitted table was made (fitLatencyTable), written with it; null
  /// for a measured one.
  Json fitted;

  /// The predicted latency of an architecture: baseMs plus the sum of its
  /// plan's ops (live nodes). Throws naming a configuration the table lacks.
  double predict(const runtime::Plan &plan) const;
  /// The latency a mixed supernet's mixture expects (differentiable in its
  /// weights): baseMs + Network::expectedLatency(ms).
  at::Tensor expected(const Network &net) const;

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

/// One architecture's measured end-to-end latency.
struct MeasuredLatency {
  Architecture arch;
  double ms = 0;
};

struct LatencyFit {
  LatencyTable table;
  size_t samples = 0, heldOut = 0;
  /// Networks left out because their output does not depend on their
  /// input (runtime::Plan::readsInput).
  size_t constant = 0;
  /// Mean |predicted - measured| / measured, in percent: over every sample
  /// (the final fit's) and over the held-out ones (a fit without them).
  double meanErrorPct = 0, heldOutErrorPct = 0, heldOutMaxErrorPct = 0;
};

/// Per-op latencies that explain whole networks' measured latencies (the
/// NAS-Bench-201 device figures are per architecture): with n_a(k) the
/// number of ops of configuration k in architecture a's plan, the
/// non-negative ms(k) and baseMs minimising sum_a (baseMs + sum_k n_a(k)
/// ms(k) - ms_a)^2 (Lawson-Hanson). Configurations whose counts always
/// move together (the same cell op in three stages) are one unknown, its
/// cost spread so each of them costs the same. Configurations every
/// architecture has equally often cannot be told from the base: their cost
/// is in baseMs and their entry 0. Networks whose output does not depend
/// on their input are left out (a device compiler folds them to a
/// constant). One sample in five (seeded) is first
/// held out to measure how well the model predicts networks it was not fit
/// to; the table returned is fit to all. Throws std::invalid_argument for
/// fewer than 10 samples left.
LatencyFit fitLatencyTable(const Json &ops, const Space &space, const std::vector<MeasuredLatency> &samples,
                           const std::string &device, int64_t batch);

/// The table in `file` (LatencyTable::load), or, `file` empty, measured on
/// `device` at batch 1 (what FBNet and ProxylessNAS use when not given one).
LatencyTable loadOrMeasureLatencyTable(const std::string &file, const Json &ops, const Space &space,
                                       torch::Device device, std::ostream *log);

} // namespace nasc::nn

#endif // NASC_NN_LATENCY_H
