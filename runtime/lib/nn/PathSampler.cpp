//===- PathSampler.cpp - Which paths a single-path supernet trains --------===//
#include "nasc/nn/PathSampler.h"

#include "nasc/nn/Progressive.h"
#include "nasc/runtime/Plan.h"

#include <algorithm>
#include <stdexcept>

namespace nasc::nn {

using runtime::Architecture;
using runtime::Rng;
using runtime::Space;

namespace {

class Uniform : public PathSampler {
public:
  Uniform(const Space &space, uint64_t seed) : space_(space), rng_(seed) {}
  std::vector<Architecture> next() override { return {space_.sample(rng_)}; }

private:
  const Space &space_;
  Rng rng_;
};

class Fair : public PathSampler {
public:
  Fair(const Space &space, uint64_t seed) : space_(space), rng_(seed) {}
  std::vector<Architecture> next() override {
    const auto &discrete = space_.discrete();
    size_t m = 1;
    for (size_t d : discrete)
      m = std::max(m, space_.decisions()[d].domain.size());
    std::vector<std::vector<int64_t>> perm(discrete.size());
    for (size_t k = 0; k < discrete.size(); ++k) {
      size_t n = space_.decisions()[discrete[k]].domain.size();
      perm[k].resize(n);
      for (size_t i = 0; i < n; ++i)
        perm[k][i] = int64_t(i);
      for (size_t i = n; i > 1; --i) // Fisher-Yates with the portable draw
        std::swap(perm[k][i - 1], perm[k][runtime::uniformIndex(rng_, i)]);
    }
    std::vector<Architecture> paths;
    for (size_t p = 0; p < m; ++p) {
      Architecture a = space_.sample(rng_); // continuous decisions uniform
      for (size_t k = 0; k < discrete.size(); ++k)
        a.choice[k] = perm[k][p % perm[k].size()];
      paths.push_back(space_.violated(a) ? space_.sample(rng_) : a);
    }
    return paths;
  }

private:
  const Space &space_;
  Rng rng_;
};

class Sandwich : public PathSampler {
public:
  Sandwich(const runtime::Json &ops, const Space &space, uint64_t seed) : ops_(ops), space_(space), rng_(seed) {}

  std::vector<Architecture> next() override {
    if (largest_.choice.empty()) { // on first use: constructing is cheap
      ElasticDecisions ends = elasticDecisions(ops_, space_);
      largest_ = ends.largest, smallest_ = ends.smallest;
    }
    return {largest_, smallest_, space_.sample(rng_)};
  }

private:
  const runtime::Json &ops_;
  const Space &space_;
  Rng rng_;
  Architecture largest_, smallest_;
};

} // namespace

std::unique_ptr<PathSampler> makePathSampler(const std::string &mode, const runtime::Json &ops, const Space &space,
                                             uint64_t seed) {
  if (mode == "uniform")
    return std::make_unique<Uniform>(space, seed);
  if (mode == "fair")
    return std::make_unique<Fair>(space, seed);
  if (mode == "sandwich")
    return std::make_unique<Sandwich>(ops, space, seed);
  throw std::invalid_argument("supernet: no path sampling mode '" + mode + "' (uniform, fair, sandwich)");
}

} // namespace nasc::nn
