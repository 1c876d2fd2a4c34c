//===- Stats.cpp - Per-channel normalization statistics -------------------===//
#include "nasc/data/Dataset.h"

#include <cmath>

namespace nasc::data {

Normalization channelStats(const Dataset &ds) {
  checkDataset(ds);
  const int64_t n = ds.size(), c = ds.channels();
  if (n == 0)
    throw DataError("dataset '" + ds.name + "': no images to compute statistics from");
  // Chunks: all of CIFAR-10 as double would be 1.2 GB.
  const int64_t chunk = std::max<int64_t>(1, (int64_t(1) << 22) / (c * ds.height() * ds.width()));
  torch::Tensor sum = torch::zeros({c}, torch::kDouble), sq = torch::zeros({c}, torch::kDouble);
  for (int64_t i = 0; i < n; i += chunk) {
    torch::Tensor x = ds.images.narrow(0, i, std::min(chunk, n - i)).to(torch::kDouble);
    sum += x.sum({0, 2, 3});
    sq += x.square().sum({0, 2, 3});
  }
  const double count = double(n) * ds.height() * ds.width();
  Normalization norm;
  for (int64_t k = 0; k < c; ++k) {
    double mean = sum[k].item<double>() / count;
    double var = std::max(0.0, sq[k].item<double>() / count - mean * mean);
    norm.mean.push_back(static_cast<float>(mean / 255.0));
    norm.std.push_back(static_cast<float>(std::sqrt(var) / 255.0));
  }
  return norm;
}

} // namespace nasc::data
