//===- Train.h - Training and measuring networks --------------------------===//
//
// The loop every training estimator uses: SGD (momentum, Nesterov) or
// Adam/AdamW, a per-step cosine schedule, weight decay, gradient clipping,
// label smoothing, the loader's CIFAR augmentation; evaluation (loss,
// accuracy) and latency measurement (warm-up, median of repeats). On the CPU
// a seed fixes everything: the weights (torch's generator is seeded before a
// network is built), the batch order and augmentation, dropout.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_TRAIN_H
#define NASC_NN_TRAIN_H

#include "nasc/data/Loader.h"
#include "nasc/nn/Network.h"

#include <torch/optim/optimizer.h>

#include <functional>
#include <string>

namespace nasc::nn {

struct TrainOptions {
  std::string optimizer = "sgd"; ///< sgd, adam, adamw
  double lr = 0.025, momentum = 0.9, beta1 = 0.9, beta2 = 0.999, weight_decay = 3e-4;
  bool nesterov = false, cosine = true;
  double grad_clip = 5.0, label_smoothing = 0.0;
  int64_t batch_size = 96;
  int64_t epochs = 1;
  /// Stop after this many steps in all (0: no limit): benchmarks and tests.
  int64_t max_steps = 0;
  data::Augment augment;
  uint64_t seed = 0;
  torch::Device device = torch::kCPU;
  /// After each epoch (0-based; an elastic supernet's numbered through its
  /// stages): what it measured, {"epoch": 1-based, "train_loss",
  /// "train_accuracy", "lr", "seconds"[, "stage"]}. A search's supernet
  /// training writes them to the store's epoch rows (nasc report).
  std::function<void(int64_t epoch, const Json &figures)> onEpoch;
};

/// The options an optimizer setting of the artefact gives
/// ({"extern": "sgd", "impl": "sgd", "args": {...}}), its trees evaluated in
/// `env` (the search's own decisions, e.g. a searched lr); what the setting
/// leaves out keeps std/search's defaults.
TrainOptions optionsFromSetting(const Json &optimizer, const runtime::Env &env);

struct Measured {
  double loss = 0, accuracy = 0; ///< accuracy in percent
  int64_t samples = 0;
  double seconds = 0;
};

class DataParallel;

/// The update after a step's backward passes: the gradients all-reduced
/// over the data-parallel group (`dp`, null without one; this rank's rows
/// weigh `shardWeight`), clipped to `clip` (0: not), applied.
void applyGradients(torch::optim::Optimizer &opt, const std::vector<at::Tensor> &weights, DataParallel *dp,
                    double shardWeight, double clip);

/// A training epoch's running loss and accuracy (of each step's first
/// path), summed over the data-parallel group at the end.
class EpochTally {
public:
  EpochTally();
  /// One step: its mean loss, logits and labels.
  void add(const at::Tensor &loss, const at::Tensor &logits, const at::Tensor &labels);
  /// The epoch's figures over every rank of `dp`; throws std::runtime_error
  /// when the loss is not finite (training diverged).
  Measured finish(DataParallel *dp);

private:
  double start_, lossSum_ = 0;
  int64_t correct_ = 0, seen_ = 0;
};

/// The paths of one training step of a single-path supernet (given the step
/// number): each runs forward and backward on the step's batch, the
/// gradients add up (as FairNAS and the sandwich rule do), then one update.
using StepPaths = std::function<std::vector<runtime::Architecture>(int64_t step)>;

/// The optimizer `o` names (sgd, adam, adamw) over `params`, with its
/// learning rate, momentum/betas and weight decay.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const std::vector<at::Tensor> &params, const TrainOptions &o);

/// The learning rate of step `step` of `total`: o.lr, or cosine-annealed
/// from o.lr to 0 over the steps when o.cosine.
double scheduledLr(const TrainOptions &o, int64_t step, int64_t total);

/// Trains `net` on `train` for options.epochs; returns the last epoch's
/// running training loss/accuracy (of each step's first path). `net` must
/// already be on options.device.
Measured train(Network &net, const data::Dataset &train, const data::Normalization &norm, const TrainOptions &o,
               const StepPaths &stepPaths = nullptr);

/// Loss and accuracy on `ds` in eval mode.
Measured evaluate(Network &net, const data::Dataset &ds, const data::Normalization &norm, int64_t batchSize,
                  torch::Device device);

/// Re-estimates batch-norm statistics of the current path from `batches`
/// training batches (single-path supernets share running statistics across
/// paths; each path needs its own before it is evaluated).
void recalibrateBatchNorm(Network &net, const data::Dataset &train, const data::Normalization &norm,
                          int64_t batchSize, int64_t batches, torch::Device device, uint64_t seed);

/// CPU threads latency is measured on (measureLatencyMs, latency tables):
/// 1 by default. At batch 1 a small network's operations are too short to
/// split over threads: measured on this 2-core machine with two, the same
/// network times 1.5 ms or 8 ms from one run to the next (thread wake-up),
/// on one within a few percent. `--latency-threads N` sets it.
void setLatencyThreads(int threads);
int latencyThreads();
/// While alive: torch runs on latencyThreads() CPU threads (then as before).
class LatencyThreadScope {
public:
  LatencyThreadScope();
  ~LatencyThreadScope();

private:
  int previous_;
};

/// Median inference latency in ms of a [batch, C, H, W] input, after
/// `warmup` runs, over `repeats` runs, on latencyThreads() CPU threads.
double measureLatencyMs(Network &net, const runtime::Shape &input, int64_t batch, torch::Device device,
                        int warmup = 3, int repeats = 10);

/// Uses every core the machine has (libtorch sees one on these VMs), unless
/// OMP_NUM_THREADS says otherwise.
void useAllCores();

} // namespace nasc::nn

#endif // NASC_NN_TRAIN_H
