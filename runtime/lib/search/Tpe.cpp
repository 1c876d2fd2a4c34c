//===- Tpe.cpp - BOHB's tree-Parzen model over architectures ---------------===//
#include "nasc/search/Tpe.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

using namespace nasc::search;
using nasc::runtime::Architecture;

namespace {

/// A standard normal draw (Box-Muller on the runtime's generator, so a seed
/// gives the same numbers everywhere).
double normal(nasc::runtime::Rng &rng) {
  double u = std::max(nasc::runtime::uniformReal(rng), 1e-300), v = nasc::runtime::uniformReal(rng);
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
}

} // namespace

TpeModel::TpeModel(const runtime::Space &space, Options o) : space_(space), o_(o) {
  if (!(o.topPercent > 0 && o.topPercent < 100))
    throw std::invalid_argument("top_percent must lie in (0, 100)");
  if (o.samples < 1)
    throw std::invalid_argument("samples must be at least 1");
  if (!(o.bandwidthFactor > 0) || !(o.minBandwidth > 0))
    throw std::invalid_argument("bandwidth_factor and min_bandwidth must be positive");
  const auto &decisions = space.decisions();
  for (size_t i = 0; i < space.discrete().size(); ++i) {
    int64_t k = int64_t(decisions[space.discrete()[i]].domain.size());
    if (k > 1)
      dims_.push_back({true, i, k});
  }
  for (size_t i = 0; i < space.continuous().size(); ++i) {
    const runtime::Decision &d = decisions[space.continuous()[i]];
    if (d.hi > d.lo)
      dims_.push_back({false, i, 0, d.lo, d.hi, d.log && d.lo > 0});
  }
}

size_t TpeModel::minPoints() const { return o_.minPoints > 0 ? size_t(o_.minPoints) : dims_.size() + 1; }

bool TpeModel::enough(size_t n) const {
  size_t nGood = std::max(minPoints(), size_t(std::floor(o_.topPercent * double(n) / 100)));
  size_t nBad = std::max(minPoints(), size_t(std::floor((100 - o_.topPercent) * double(n) / 100)));
  size_t good = std::min(nGood, n), bad = n > nGood ? std::min(nBad, n - nGood) : 0;
  return good > dims_.size() && bad > dims_.size();
}

TpeModel::Point TpeModel::point(const Architecture &a) const {
  Point p;
  p.reserve(dims_.size());
  for (const Dim &d : dims_) {
    if (d.discrete) {
      p.push_back(double(a.choice.at(d.index)));
      continue;
    }
    double v = a.real.at(d.index);
    double x = d.log ? (std::log(v) - std::log(d.lo)) / (std::log(d.hi) - std::log(d.lo)) : (v - d.lo) / (d.hi - d.lo);
    p.push_back(std::clamp(x, 0.0, 1.0));
  }
  return p;
}

std::vector<double> TpeModel::bandwidths(const std::vector<Point> &data) const {
  // The normal reference rule BOHB takes from statsmodels, 1.06 sd
  // n^(-1/(4+d)). hpbandster applies it to a categorical's integer codes,
  // which for five or more values gives a bandwidth past the uniform kernel,
  // so such decisions never shape its model (one reason BOHB is no better
  // than random search on NAS-Bench-201 in its paper). Here a discrete
  // decision's spread is that of its one-hot vector, sqrt(1 - sum p_c^2):
  // 0 when every point agrees, ~1 when they scatter.
  double n = double(data.size()), scale = 1.06 * std::pow(n, -1.0 / (4.0 + double(dims_.size())));
  std::vector<double> bw(dims_.size());
  for (size_t m = 0; m < dims_.size(); ++m) {
    double spread = 0;
    if (dims_[m].discrete) {
      std::vector<double> count(size_t(dims_[m].levels), 0.0);
      for (const Point &p : data)
        count[size_t(p[m])] += 1;
      double sumSq = 0;
      for (double c : count)
        sumSq += (c / n) * (c / n);
      spread = std::sqrt(std::max(0.0, 1 - sumSq));
    } else {
      double mean = 0, var = 0;
      for (const Point &p : data)
        mean += p[m];
      mean /= n;
      for (const Point &p : data)
        var += (p[m] - mean) * (p[m] - mean);
      spread = std::sqrt(var / n);
    }
    double h = std::max(o_.minBandwidth, scale * spread);
    if (dims_[m].discrete)
      h = std::min(h, double(dims_[m].levels - 1) / double(dims_[m].levels));
    bw[m] = h;
  }
  return bw;
}

bool TpeModel::fit(const std::vector<std::pair<Architecture, double>> &evaluations) {
  good_.clear(), bad_.clear(), goodArchs_.clear();
  if (!enough(evaluations.size()))
    return false;
  std::vector<size_t> order(evaluations.size());
  std::iota(order.begin(), order.end(), 0);
  // Best first; ties keep the order they were evaluated in. NaN counts as worst.
  auto key = [&](size_t i) { return std::isnan(evaluations[i].second) ? -HUGE_VAL : evaluations[i].second; };
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return key(x) > key(y); });
  size_t n = evaluations.size();
  size_t nGood = std::max(minPoints(), size_t(std::floor(o_.topPercent * double(n) / 100)));
  size_t nBad = std::max(minPoints(), size_t(std::floor((100 - o_.topPercent) * double(n) / 100)));
  for (size_t r = 0; r < n && r < nGood + nBad; ++r) {
    const Architecture &a = evaluations[order[r]].first;
    if (r < nGood) {
      good_.push_back(point(a));
      goodArchs_.push_back(a);
    } else {
      bad_.push_back(point(a));
    }
  }
  goodBw_ = bandwidths(good_);
  badBw_ = bandwidths(bad_);
  return true;
}

double TpeModel::density(const Architecture &a, const std::vector<Point> &data, const std::vector<double> &bw) const {
  if (data.empty())
    return 0;
  Point x = point(a);
  double sum = 0;
  for (const Point &o : data) {
    double k = 1;
    for (size_t m = 0; m < dims_.size() && k > 0; ++m) {
      double h = bw[m];
      if (dims_[m].discrete) {
        k *= x[m] == o[m] ? 1 - h : h / double(dims_[m].levels - 1);
      } else {
        double z = (x[m] - o[m]) / h;
        k *= std::exp(-0.5 * z * z) / (h * std::sqrt(2 * M_PI));
      }
    }
    sum += k;
  }
  return sum / double(data.size());
}

std::optional<Architecture> TpeModel::propose(runtime::Rng &rng,
                                              const std::function<bool(const Architecture &)> &accept) const {
  if (!fitted())
    return std::nullopt;
  std::optional<Architecture> best;
  double bestRatio = -1;
  for (int64_t s = 0; s < o_.samples; ++s) {
    Architecture a = goodArchs_[runtime::uniformIndex(rng, goodArchs_.size())];
    Point centre = point(a);
    for (size_t m = 0; m < dims_.size(); ++m) {
      const Dim &d = dims_[m];
      // As hpbandster: the factor widens float decisions only.
      double h = std::max(goodBw_[m] * (d.discrete ? 1.0 : o_.bandwidthFactor), o_.minBandwidth);
      if (d.discrete) {
        if (runtime::uniformReal(rng) >= 1 - h)
          a.choice[d.index] = int64_t(runtime::uniformIndex(rng, uint64_t(d.levels)));
        continue;
      }
      double x = centre[m];
      for (int t = 0; t < 100; ++t) { // a normal truncated to [0, 1]
        x = centre[m] + h * normal(rng);
        if (x >= 0 && x <= 1)
          break;
      }
      x = std::clamp(x, 0.0, 1.0);
      a.real[d.index] = d.log ? std::exp(std::log(d.lo) + x * (std::log(d.hi) - std::log(d.lo))) : d.lo + x * (d.hi - d.lo);
    }
    a = space_.canonical(a);
    if (!accept(a))
      continue;
    double ratio = std::max(good(a), 1e-32) / std::max(bad(a), 1e-32);
    if (ratio > bestRatio)
      bestRatio = ratio, best = a;
  }
  return best;
}
