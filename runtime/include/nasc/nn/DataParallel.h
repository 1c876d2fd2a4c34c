//===- DataParallel.h - Supernet training over several processes ----------===//
//
// Data-parallel training on LibTorch's own c10d process groups (Gloo; the
// Debian LibTorch is built with USE_C10D_GLOO). Every rank runs the same
// training loop with the same seed: the same loader order, the same
// augmentation and the same sampled paths, so only the batch is split.
// Each rank takes its rows of every global batch (the search's batch_size),
// and before every optimizer step the gradients are averaged over the
// ranks, weighted by each rank's rows: the step equals one process's step
// on the whole batch, up to the order of float additions. BatchNorm's
// batch statistics are each rank's own (as PyTorch's DDP without
// SyncBatchNorm), so networks with BatchNorm train close to, not exactly
// like, one process.
//
// While a DataParallel is active (activate()), weightStep (OneShot.h),
// train() (Train.h) and the differentiable methods' architecture steps
// shard their batches and reduce their gradients through it.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_DATAPARALLEL_H
#define NASC_NN_DATAPARALLEL_H

#include "nasc/data/Loader.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace nasc::nn {

class DataParallel {
public:
  /// Joins a group of `size` ranks through a TCP store that rank 0 serves
  /// on host:port (the others connect to it). std::runtime_error when the
  /// group cannot form within `timeoutSeconds`.
  DataParallel(int rank, int size, const std::string &host, int port, double timeoutSeconds = 300);
  ~DataParallel();
  DataParallel(const DataParallel &) = delete;
  DataParallel &operator=(const DataParallel &) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  /// This rank's rows of a global batch, [rank*B/size, (rank+1)*B/size),
  /// and their weight in the batch's mean (rows / B). A batch of fewer
  /// rows than ranks is every rank's whole, each weighing 1/size.
  struct Shard {
    data::Batch batch;
    double weight = 1;
  };
  Shard shard(const data::Batch &global) const;
  /// Sums weight x gradient over the ranks for the defined gradients of
  /// `params` (call after backward, before the optimizer's step): with each
  /// rank's shard weight, the mean gradient of the whole batch. Every rank
  /// must pass the same parameters with the same gradients defined
  /// (identical paths do).
  void reduceGradients(const std::vector<at::Tensor> &params, double weight);
  /// Rank 0's values of `tensors` on every rank (the initial weights).
  void broadcast(const std::vector<at::Tensor> &tensors);
  /// Element-wise sums over the ranks (a loop's figures).
  std::vector<double> sum(const std::vector<double> &values);

  /// Randomness a forward draws per sample (dropout) differs between
  /// ranks, whose shards differ in size: inside this scope the CPU
  /// generator runs a stream of this step and rank, and afterwards every
  /// rank's generator is where it was plus one draw, so the paths and the
  /// loader stay identical across ranks.
  class ShardRandomness {
  public:
    explicit ShardRandomness(const DataParallel *group);
    ~ShardRandomness();

  private:
    bool active_ = false;
    at::Tensor after_; ///< the generator's state to go back to
  };

  /// The group the training loops use (null: one process).
  static DataParallel *active();
  static void activate(DataParallel *group);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0, size_ = 1;
};

/// A free TCP port on this machine (for rank 0's store).
int freePort();

} // namespace nasc::nn

#endif // NASC_NN_DATAPARALLEL_H
