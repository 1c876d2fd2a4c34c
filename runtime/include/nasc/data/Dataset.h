//===- Dataset.h - Datasets held in memory, their readers and splits ------===//
//
// A dataset is two tensors: uint8 images [N, C, H, W] and int64 labels [N].
// Images stay uint8 until a Loader (Loader.h) makes a batch of them: CIFAR-10
// as float would take 4x the memory. Readers check everything they read and
// throw DataError naming the file: a search must not die on a bad download.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DATA_DATASET_H
#define NASC_DATA_DATASET_H

#include "nasc/data/DataError.h"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nasc::data {

struct Dataset {
  torch::Tensor images; ///< uint8 [N, C, H, W], contiguous, on the CPU
  torch::Tensor labels; ///< int64 [N], each in [0, classes)
  int64_t classes = 0;
  std::string name; ///< the impl name ("cifar10", ...)
  /// Class names where the format has them (image_folder: folder names).
  std::vector<std::string> class_names;

  int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
  int64_t channels() const { return images.size(1); }
  int64_t height() const { return images.size(2); }
  int64_t width() const { return images.size(3); }
};

// ---- readers -----------------------------------------------------------------
// `root` is the folder holding the files. The CIFAR readers also look in the
// folder the official archives unpack to (cifar-10-batches-bin/,
// cifar-100-binary/) under root.

/// CIFAR-10 binary: train = data_batch_1..5.bin, test = test_batch.bin.
Dataset loadCifar10(const std::string &root, bool train);

/// CIFAR-100 binary: train.bin / test.bin; the fine labels (100 classes).
Dataset loadCifar100(const std::string &root, bool train);

/// IDX (MNIST, Fashion-MNIST): {train,t10k}-images-idx3-ubyte and
/// -labels-idx1-ubyte, gzipped (.gz) or raw. `classes` bounds the labels.
Dataset loadIdx(const std::string &root, bool train, int64_t classes = 10);

/// One folder per class: root/train/<class>/*.png|ppm|pgm; train = false
/// reads root/val (or root/test) with the class list of root/train. Classes
/// are sorted by folder name, files by name. Images become 3 channels (1 if
/// every image of train and val/test is grey, so both splits agree), alpha is
/// composited onto black, and they are resized to size x size (bilinear,
/// antialiased when shrinking; the aspect ratio is not kept). size <= 0 keeps
/// the images' own size, which must then be the same for all.
Dataset loadImageFolder(const std::string &root, bool train, int64_t size);

/// The implementation names loadDataset knows.
const std::vector<std::string> &datasetImpls();

/// impl: "cifar10", "cifar100", "mnist", "fashion_mnist", "image_folder"
/// (the std/search dataset declarations). `size` is used by image_folder only.
Dataset loadDataset(const std::string &impl, const std::string &root, bool train, int64_t size = 0);

/// Whether `root` has a held-out test set of its own (loadDataset(..., false)
/// would find one): always for the fixed-format datasets, for image_folder
/// only if root/val or root/test exists. Without one, split the training set.
bool hasTestSplit(const std::string &impl, const std::string &root);

// ---- splits ------------------------------------------------------------------
// Both are stratified: each class is shuffled with a generator seeded from
// `seed` and contributes its share, so class balance survives small
// fractions. The total is exactly round(N * fraction) (largest remainders
// decide which classes give one more). Kept samples are in their original
// order; the same (dataset, fraction, seed) always gives the same split, on
// any platform (no std::shuffle / std::uniform_int_distribution, whose
// algorithms are implementation-defined).

/// {train, valid}: valid holds round(N * valid_fraction) samples,
/// 0 <= valid_fraction < 1.
std::pair<Dataset, Dataset> splitTrainValid(const Dataset &ds, double valid_fraction, uint64_t seed);

/// round(N * fraction) samples, 0 < fraction <= 1 (1: the dataset itself).
Dataset subset(const Dataset &ds, double fraction, uint64_t seed);

/// The samples at `indices` (int64 [K]).
Dataset select(const Dataset &ds, const torch::Tensor &indices);

// ---- normalization -------------------------------------------------------------

/// Per-channel mean and standard deviation of pixel / 255. Empty vectors mean
/// "no normalization" (a Loader then only scales to [0, 1]).
struct Normalization {
  std::vector<float> mean;
  std::vector<float> std;
  bool empty() const { return mean.empty(); }
};

/// The statistics of a dataset (population std), computed in double. Compute
/// them on the training split only so nothing leaks from validation.
Normalization channelStats(const Dataset &ds);

/// Throws DataError unless ds has the documented shapes and types.
void checkDataset(const Dataset &ds);

} // namespace nasc::data

#endif // NASC_DATA_DATASET_H
