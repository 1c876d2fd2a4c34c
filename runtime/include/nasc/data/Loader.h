//===- Loader.h - Deterministic batches of a dataset ----------------------===//
//
// A Loader cuts a Dataset into float batches, normalized and optionally
// augmented. All randomness comes from the loader's own seed, never from
// torch's global generator: the order of epoch e is a shuffle seeded from
// (seed, e), and the augmentation of batch i of epoch e is seeded from
// (seed, e, i). So the same seed gives bit-identical batches on the CPU,
// whatever else the program draws, and batch(i) gives the same result
// whether or not the batches before it were made.
//
// Augmentation happens on uint8 pixels on the CPU (one pass, no padded copy);
// the batch then goes to the device as uint8 and is converted there.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DATA_LOADER_H
#define NASC_DATA_LOADER_H

#include "nasc/data/Dataset.h"

#include <cstdint>
#include <vector>

namespace nasc::data {

/// Random training augmentation. CIFAR's standard one is {4, true}: zero-pad
/// by 4, crop a random H x W window back, flip horizontally with p = 0.5.
struct Augment {
  int pad = 0;       ///< 0: no random crop
  bool flip = false; ///< random horizontal flip
  bool enabled() const { return pad > 0 || flip; }
};

struct LoaderOptions {
  int64_t batch_size = 128;
  bool shuffle = true;
  uint64_t seed = 0;
  Augment augment;
  Normalization norm; ///< empty: pixels / 255 only
  torch::Device device = torch::kCPU;
  bool drop_last = false; ///< false: the last, smaller batch is kept
};

struct Batch {
  torch::Tensor images; ///< float [B, C, H, W] on the device
  torch::Tensor labels; ///< int64 [B] on the device
};

class Loader {
public:
  Loader(const Dataset &ds, const LoaderOptions &options);
  Loader(const Dataset &ds, int64_t batch_size, bool shuffle, uint64_t seed, Augment augment = {},
         Normalization norm = {}, torch::Device device = torch::kCPU, bool drop_last = false);

  /// Samples per epoch (all of them: drop_last only shortens the batch list).
  int64_t size() const { return ds_.size(); }
  /// Batches per epoch.
  int64_t numBatches() const;
  const LoaderOptions &options() const { return opt_; }
  const Dataset &dataset() const { return ds_; }

  /// Starts epoch `epoch` (its order); next() then yields its batches.
  void setEpoch(int64_t epoch);
  int64_t epoch() const { return epoch_; }

  /// The next batch of the current epoch; false (and `out` untouched) at its end.
  bool next(Batch &out);

  /// Batch i (0 <= i < numBatches()) of the current epoch.
  Batch batch(int64_t i) const;

  /// The sample indices of the current epoch, in order (for tests and logs).
  const std::vector<int64_t> &order() const { return order_; }

private:
  Dataset ds_;
  LoaderOptions opt_;
  int64_t epoch_ = 0;
  int64_t cursor_ = 0;
  std::vector<int64_t> order_;
  torch::Tensor scale_, shift_; // x * scale - shift == (x / 255 - mean) / std
};

/// Applies `aug` to uint8 images [B, C, H, W] (contiguous, CPU) with one crop
/// offset and flip draw per sample from a generator seeded with `seed`.
/// Exposed so tests can check it on crafted images.
torch::Tensor augmentBatch(const torch::Tensor &images, const Augment &aug, uint64_t seed);

} // namespace nasc::data

#endif // NASC_DATA_LOADER_H
