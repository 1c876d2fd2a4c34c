//===- PathSampler.cpp - Which paths a single-path supernet trains --------===//
#include "nasc/nn/PathSampler.h"

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
    if (largest_.choice.empty())
      findEnds();
    return {largest_, smallest_, space_.sample(rng_)};
  }

private:
  const runtime::Json &ops_;
  const Space &space_;
  Rng rng_;
  Architecture largest_, smallest_;

  /// The ends by parameters: every architecture of a small space, else the
  /// extremes of 512 uniform samples. On first use: constructing is cheap.
  void findEnds() {
    const Space &space = space_;
    const runtime::Json &ops = ops_;
    constexpr uint64_t kEnumerate = 4096;
    std::vector<Architecture> candidates;
    if (space.discreteSize() <= kEnumerate && space.continuous().empty()) {
      Architecture a = space.sample(rng_);
      for (int64_t &c : a.choice)
        c = 0;
      for (uint64_t i = 0; i < space.discreteSize(); ++i) {
        if (!space.violated(a))
          candidates.push_back(a);
        for (size_t k = 0; k < a.choice.size(); ++k) { // mixed-radix increment
          if (++a.choice[k] < int64_t(space.decisions()[space.discrete()[k]].domain.size()))
            break;
          a.choice[k] = 0;
        }
      }
    } else {
      for (int i = 0; i < 512; ++i)
        candidates.push_back(space.sample(rng_));
    }
    double lo = 0, hi = 0;
    for (const Architecture &a : candidates) {
      double p = params(a);
      if (p < 0)
        continue;
      if (largest_.choice.empty() || p > hi)
        largest_ = a, hi = p;
      if (smallest_.choice.empty() || p < lo)
        smallest_ = a, lo = p;
    }
    if (largest_.choice.empty())
      throw std::invalid_argument("supernet(mode=\"sandwich\"): no architecture of the space could be costed");
    // Then one decision at a time while that improves (exact where costs
    // add up over decisions, as in cell spaces).
    climb(largest_, hi, +1);
    climb(smallest_, lo, -1);
  }

  /// Parameters of `a`, or -1 when it breaks a requirement or a rule.
  double params(const Architecture &a) const {
    if (space_.violated(a))
      return -1;
    try {
      return runtime::plan(ops_, space_, a).params;
    } catch (const std::exception &) {
      return -1;
    }
  }

  void climb(Architecture &a, double &best, int direction) {
    for (bool improved = true; improved;) {
      improved = false;
      for (size_t k = 0; k < a.choice.size(); ++k)
        for (int64_t v = 0; v < int64_t(space_.decisions()[space_.discrete()[k]].domain.size()); ++v) {
          Architecture b = a;
          b.choice[k] = v;
          double p = params(b);
          if (p >= 0 && direction * (p - best) > 0)
            a = b, best = p, improved = true;
        }
    }
  }
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
