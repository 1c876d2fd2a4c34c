//===- Random.h - Portable seeded randomness for the data pipeline --------===//
//
// std::mt19937_64's output is fixed by the standard, but std::shuffle and
// std::uniform_int_distribution are not: they differ between libstdc++ and
// libc++. Splits and batches must be the same everywhere, so the bounded
// draw and the shuffle are written out here.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_DATA_RANDOM_H
#define NASC_DATA_RANDOM_H

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace nasc::data::detail {

/// SplitMix64's finalizer: nearby seeds (0, 1, 2, ...) give unrelated streams.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A seed derived from a base seed and stream ids (epoch, batch, ...).
inline uint64_t deriveSeed(uint64_t seed, uint64_t a, uint64_t b = 0) {
  return mix64(mix64(mix64(seed) ^ a) ^ (b * 0xd1b54a32d192ed03ULL));
}

/// Uniform in [0, n), n > 0, without modulo bias.
inline uint64_t below(std::mt19937_64 &rng, uint64_t n) {
  uint64_t threshold = (0 - n) % n; // 2^64 mod n
  for (;;) {
    uint64_t r = rng();
    if (r >= threshold)
      return r % n;
  }
}

template <typename T> void shuffle(std::vector<T> &v, std::mt19937_64 &rng) {
  for (size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[below(rng, i)]);
}

} // namespace nasc::data::detail

#endif // NASC_DATA_RANDOM_H
