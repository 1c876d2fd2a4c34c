//===- Estimators.h - Estimators that train networks ----------------------===//
//
//   full_training(epochs)                  each architecture trained from scratch
//   low_fidelity(epochs, subset, width_mult) the same, shorter / on a fraction
//   supernet(mode, epochs)                 one single-path supernet trained by
//                                          path sampling, then each
//                                          architecture scored with its weights
//   zero_cost(proxy, batch_size)           each architecture scored untrained
//                                          on one batch (nn/ZeroCost.h); the
//                                          score is its `accuracy`
//
// The search sees validation metrics; finish() reports the chosen
// architecture's test accuracy and writes its weights.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_ESTIMATORS_H
#define NASC_NN_ESTIMATORS_H

#include "nasc/nn/Train.h"
#include "nasc/search/Estimator.h"
#include "nasc/search/Proxy.h"

#include <memory>
#include <ostream>
#include <string>

namespace nasc::nn {

struct EstimatorOptions {
  torch::Device device = torch::kCPU;
  uint64_t seed = 0;
  /// Where weights of evaluated networks (and a trained supernet) are kept so
  /// a resumed search and finish() find them; empty: not kept.
  std::string weightsDir;
  /// Inference batch for the `latency` metric.
  int64_t latencyBatch = 1;
  /// Progress of long phases (supernet training); null: quiet.
  std::ostream *log = nullptr;
  /// false: weights in weightsDir are read (a resume) but never written:
  /// a data-parallel rank other than 0, whose rank 0 writes the same ones.
  bool writes = true;
  /// Each epoch of a supernet's training and its figures (TrainOptions::
  /// onEpoch): the search's store keeps them; unset: not recorded.
  std::function<void(int64_t epoch, const Json &figures)> supernetEpochs;
  /// Called once the supernet is trained (or read back), before the
  /// evaluation that asked for it goes on: data-parallel ranks part there.
  std::function<void()> supernetTrained;
};

/// The data a search trains on: its dataset setting loaded and split
/// (train / valid by the setting's valid_fraction, test when the dataset
/// has one), normalized by the training split's statistics.
struct SearchData {
  data::Dataset train, valid, test;
  data::Normalization norm;
  data::Augment augment;
};

/// Loads the dataset setting of `search` as architecture `a` reads it (a
/// setting may read the search's decisions), keeping a `subset` fraction of
/// the training split, and checks it against the shape of `a`'s input.
/// Throws std::invalid_argument / DataError with a clear message.
SearchData loadSearchData(const Space &space, const Json &search, const Architecture &a, uint64_t seed,
                          double subset = 1.0);

class TrainingEstimator : public search::Estimator {
public:
  /// `ops`: the artefact's ops; `search`: the search block (its dataset,
  /// estimator and optimizer settings). Loads the data; throws DataError /
  /// std::invalid_argument with a clear message.
  TrainingEstimator(const Json &ops, const Space &space, const Json &search, const EstimatorOptions &options);
  ~TrainingEstimator() override;

  search::Evaluation evaluate(const Architecture &a, const std::map<std::string, Json> &hyper) override;
  /// full_training and low_fidelity: trained for `budget` epochs (the
  /// schedule over them), weights kept apart per budget.
  bool takesBudget() const override;
  search::Evaluation evaluateAt(const Architecture &a, const std::map<std::string, Json> &hyper,
                                int64_t budget) override;
  double metric(const std::string &name, const Json &args, const search::Evaluation &e) const override;

  /// Whether evaluations train networks (zero_cost scores them untrained:
  /// there is then nothing to test or keep).
  bool trains() const;

  /// The chosen architecture on the test split (report.accuracy, report.loss)
  /// and its weights written to `weightsPath` (torch::save format);
  /// `budget` > 0: the one it was evaluated at (hyperband).
  search::Evaluation finish(const Architecture &best, const std::map<std::string, Json> &hyper,
                            const std::string &weightsPath, int64_t budget = 0);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

/// The zero-cost scorer a strategy asks for (Strategy::proxyNeeded: one
/// proxy, several joined by '+', or "vote"; search/Proxy.h), on the search's
/// data: each network proxy as the zero_cost estimator scores it, params
/// and flops by the compiler's counts. Throws std::invalid_argument for an
/// unknown proxy, DataError when the search's dataset does not load.
std::unique_ptr<search::ProxyScorer> makeProxyScorer(const Json &ops, const Space &space, const Json &search,
                                                     const EstimatorOptions &options, const std::string &proxy);

} // namespace nasc::nn

#endif // NASC_NN_ESTIMATORS_H
