//===- Pareto.cpp - Dominance, non-dominated sorting, hypervolume ---------===//
#include "nasc/search/Pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

using namespace nasc::search;

bool nasc::search::dominates(const Objectives &a, const Objectives &b) {
  bool better = false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] < b[i] || std::isnan(a[i]))
      return false;
    better |= a[i] > b[i];
  }
  return better;
}

std::vector<std::vector<size_t>> nasc::search::nonDominatedSort(const std::vector<Objectives> &points) {
  size_t n = points.size();
  std::vector<std::vector<size_t>> dominated(n); // whom i dominates
  std::vector<size_t> count(n, 0);               // how many dominate i
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      if (dominates(points[i], points[j]))
        dominated[i].push_back(j), ++count[j];
      else if (dominates(points[j], points[i]))
        dominated[j].push_back(i), ++count[i];
    }
  std::vector<std::vector<size_t>> fronts;
  std::vector<size_t> current;
  for (size_t i = 0; i < n; ++i)
    if (count[i] == 0)
      current.push_back(i);
  while (!current.empty()) {
    std::vector<size_t> next;
    for (size_t i : current)
      for (size_t j : dominated[i])
        if (--count[j] == 0)
          next.push_back(j);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<double> nasc::search::crowdingDistance(const std::vector<Objectives> &points,
                                                   const std::vector<size_t> &front) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  size_t n = front.size();
  std::vector<double> d(n, 0.0);
  if (n == 0)
    return d;
  size_t m = points[front[0]].size();
  std::vector<size_t> order(n);
  for (size_t k = 0; k < m; ++k) {
    std::iota(order.begin(), order.end(), size_t(0));
    // Stable: equal values keep index order, so the result is deterministic.
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return points[front[a]][k] < points[front[b]][k]; });
    double lo = points[front[order.front()]][k], hi = points[front[order.back()]][k];
    if (!std::isfinite(lo) || !std::isfinite(hi))
      continue;
    d[order.front()] = d[order.back()] = kInf;
    if (hi == lo)
      continue;
    for (size_t i = 1; i + 1 < n; ++i)
      d[order[i]] += (points[front[order[i + 1]]][k] - points[front[order[i - 1]]][k]) / (hi - lo);
  }
  return d;
}

namespace {

/// Two objectives: sort by the first, best first; each point adds the strip
/// between its second objective and the best second objective so far.
double hypervolume2(std::vector<Objectives> &p, const Objectives &ref) {
  std::sort(p.begin(), p.end(), [](const Objectives &a, const Objectives &b) {
    return a[0] != b[0] ? a[0] > b[0] : a[1] > b[1];
  });
  double volume = 0, top = ref[1];
  for (const Objectives &q : p)
    if (q[1] > top) {
      volume += (q[0] - ref[0]) * (q[1] - top);
      top = q[1];
    }
  return volume;
}

} // namespace

double nasc::search::hypervolume(std::vector<Objectives> points, const Objectives &reference) {
  size_t m = reference.size();
  if (m == 0)
    throw std::invalid_argument("hypervolume: no objectives");
  // Only points strictly dominating the reference in every objective count.
  std::vector<Objectives> p;
  for (Objectives &q : points) {
    if (q.size() != m)
      throw std::invalid_argument("hypervolume: a point has " + std::to_string(q.size()) + " objectives, the reference " +
                                  std::to_string(m));
    bool inside = true;
    for (size_t k = 0; k < m; ++k)
      inside &= q[k] > reference[k];
    if (inside)
      p.push_back(std::move(q));
  }
  if (p.empty())
    return 0;
  if (m == 1) {
    double best = reference[0];
    for (const Objectives &q : p)
      best = std::max(best, q[0]);
    return best - reference[0];
  }
  if (m == 2)
    return hypervolume2(p, reference);
  // Slice along the first objective: between consecutive values, the
  // points at or above the slice's top dominate an (m-1)-volume.
  std::sort(p.begin(), p.end(), [](const Objectives &a, const Objectives &b) { return a[0] > b[0]; });
  Objectives subRef(reference.begin() + 1, reference.end());
  double volume = 0;
  std::vector<Objectives> above;
  for (size_t i = 0; i < p.size(); ++i) {
    above.emplace_back(p[i].begin() + 1, p[i].end());
    double lower = i + 1 < p.size() ? p[i + 1][0] : reference[0];
    if (p[i][0] > lower)
      volume += (p[i][0] - lower) * hypervolume(above, subRef);
  }
  return volume;
}

bool ParetoSet::add(const Objectives &p, size_t tag) {
  for (const Objectives &q : points_)
    if (dominates(q, p))
      return false;
  size_t kept = 0;
  for (size_t i = 0; i < points_.size(); ++i)
    if (!dominates(p, points_[i])) {
      if (kept != i) { // a self-move would empty the vector
        points_[kept] = std::move(points_[i]);
        tags_[kept] = tags_[i];
      }
      ++kept;
    }
  points_.resize(kept);
  tags_.resize(kept);
  points_.push_back(p);
  tags_.push_back(tag);
  return true;
}
