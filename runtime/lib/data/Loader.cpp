//===- Loader.cpp - Deterministic, normalized, augmented batches ----------===//
#include "Random.h"

#include "nasc/data/Loader.h"

#include <numeric>

namespace nasc::data {

namespace {
// Stream ids: the order of an epoch and the augmentation of its batches draw
// from separate streams, so turning augmentation on does not change the order.
constexpr uint64_t kOrderStream = ~uint64_t(0);
} // namespace

Loader::Loader(const Dataset &ds, const LoaderOptions &options) : ds_(ds), opt_(options) {
  checkDataset(ds_);
  ds_.images = ds_.images.contiguous();
  if (opt_.batch_size <= 0)
    throw DataError("loader: batch_size must be positive, got " + std::to_string(opt_.batch_size));
  if (opt_.augment.pad < 0)
    throw DataError("loader: augment pad must be >= 0, got " + std::to_string(opt_.augment.pad));
  const int64_t c = ds_.channels();
  std::vector<float> scale(c, 1.0f / 255.0f), shift(c, 0.0f);
  if (!opt_.norm.empty()) {
    if (int64_t(opt_.norm.mean.size()) != c || int64_t(opt_.norm.std.size()) != c)
      throw DataError("loader: normalization has " + std::to_string(opt_.norm.mean.size()) + " means and " +
                      std::to_string(opt_.norm.std.size()) + " stds for " + std::to_string(c) + " channels");
    for (int64_t k = 0; k < c; ++k) {
      // A constant channel (std 0) is only centred, not blown up to inf.
      float s = opt_.norm.std[k] > 0 ? opt_.norm.std[k] : 1.0f;
      scale[k] = 1.0f / (255.0f * s);
      shift[k] = opt_.norm.mean[k] / s;
    }
  }
  scale_ = torch::tensor(scale).view({1, c, 1, 1}).to(opt_.device);
  shift_ = torch::tensor(shift).view({1, c, 1, 1}).to(opt_.device);
  setEpoch(0);
}

Loader::Loader(const Dataset &ds, int64_t batch_size, bool shuffle, uint64_t seed, Augment augment,
               Normalization norm, torch::Device device, bool drop_last)
    : Loader(ds, [&] {
        LoaderOptions o;
        o.batch_size = batch_size;
        o.shuffle = shuffle;
        o.seed = seed;
        o.augment = augment;
        o.norm = std::move(norm);
        o.device = device;
        o.drop_last = drop_last;
        return o;
      }()) {}

int64_t Loader::numBatches() const {
  const int64_t n = size(), b = opt_.batch_size;
  return opt_.drop_last ? n / b : (n + b - 1) / b;
}

void Loader::setEpoch(int64_t epoch) {
  epoch_ = epoch;
  cursor_ = 0;
  order_.resize(size());
  std::iota(order_.begin(), order_.end(), int64_t(0));
  if (opt_.shuffle) {
    std::mt19937_64 rng(detail::deriveSeed(opt_.seed, static_cast<uint64_t>(epoch), kOrderStream));
    detail::shuffle(order_, rng);
  }
}

bool Loader::next(Batch &out) {
  if (cursor_ >= numBatches())
    return false;
  out = batch(cursor_++);
  return true;
}

Batch Loader::batch(int64_t i) const {
  if (i < 0 || i >= numBatches())
    throw DataError("loader: batch " + std::to_string(i) + " out of range (" + std::to_string(numBatches()) +
                    " batches)");
  const int64_t start = i * opt_.batch_size;
  const int64_t len = std::min(opt_.batch_size, size() - start);
  // from_blob does not copy; index_select only reads it.
  torch::Tensor idx = torch::from_blob(const_cast<int64_t *>(order_.data() + start), {len}, torch::kInt64);
  torch::Tensor images = ds_.images.index_select(0, idx);
  torch::Tensor labels = ds_.labels.index_select(0, idx);
  images = augmentBatch(images, opt_.augment,
                        detail::deriveSeed(opt_.seed, static_cast<uint64_t>(epoch_), static_cast<uint64_t>(i)));
  // uint8 crosses to the device (4x fewer bytes than float); convert there.
  images = images.to(opt_.device).to(torch::kFloat).mul_(scale_).sub_(shift_);
  return {images, labels.to(opt_.device)};
}

} // namespace nasc::data
