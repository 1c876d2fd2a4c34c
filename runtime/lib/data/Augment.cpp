//===- Augment.cpp - Random crop with zero padding, horizontal flip -------===//
//
// Written as byte loops on the uint8 batch: one pass, no padded copy, no
// per-sample tensor ops (each costs microseconds of dispatch). A batch of 128
// CIFAR images takes well under a millisecond.
//
//===----------------------------------------------------------------------===//
#include "Random.h"

#include "nasc/data/Loader.h"

#include <algorithm>
#include <cstring>

namespace nasc::data {

torch::Tensor augmentBatch(const torch::Tensor &images, const Augment &aug, uint64_t seed) {
  if (!aug.enabled())
    return images;
  if (aug.pad < 0)
    throw DataError("augment: pad must be >= 0, got " + std::to_string(aug.pad));
  if (images.dim() != 4 || images.scalar_type() != torch::kUInt8 || !images.device().is_cpu())
    throw DataError("augment: expected uint8 [B, C, H, W] on the CPU");
  torch::Tensor in = images.contiguous();
  const int64_t b = in.size(0), c = in.size(1), h = in.size(2), w = in.size(3);
  torch::Tensor out = torch::zeros_like(in); // the padding is zeros
  const uint8_t *src = in.data_ptr<uint8_t>();
  uint8_t *dst = out.data_ptr<uint8_t>();
  std::mt19937_64 rng(seed);
  const int64_t p = aug.pad;
  for (int64_t j = 0; j < b; ++j) {
    // Crop window at (dy, dx) in the padded image, relative to the original:
    // out[y][x] = in[y + dy][x + dx], zero outside.
    int64_t dy = p ? int64_t(detail::below(rng, 2 * p + 1)) - p : 0;
    int64_t dx = p ? int64_t(detail::below(rng, 2 * p + 1)) - p : 0;
    bool flip = aug.flip && (rng() >> 63);
    const int64_t y0 = std::max<int64_t>(0, -dy), y1 = std::min<int64_t>(h, h - dy);
    for (int64_t ch = 0; ch < c; ++ch) {
      const uint8_t *plane = src + (j * c + ch) * h * w;
      uint8_t *oplane = dst + (j * c + ch) * h * w;
      for (int64_t y = y0; y < y1; ++y) {
        const uint8_t *srow = plane + (y + dy) * w;
        uint8_t *orow = oplane + y * w;
        if (!flip) {
          const int64_t x0 = std::max<int64_t>(0, -dx), x1 = std::min<int64_t>(w, w - dx);
          if (x1 > x0)
            std::memcpy(orow + x0, srow + x0 + dx, x1 - x0);
        } else {
          // Flip after the crop: out[y][x] = crop[y][w - 1 - x].
          const int64_t x0 = std::max<int64_t>(0, dx), x1 = std::min<int64_t>(w, w + dx);
          for (int64_t x = x0; x < x1; ++x)
            orow[x] = srow[w - 1 - x + dx];
        }
      }
    }
  }
  return out;
}

} // namespace nasc::data
