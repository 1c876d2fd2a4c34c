//===- Pareto.h - Dominance, non-dominated sorting, hypervolume -----------===//
//
// Multi-objective helpers over objective vectors oriented "higher is
// better" (the driver negates minimized objectives before they get here).
// An infeasible point is a vector of -inf: every feasible point dominates
// it, and infeasible points do not dominate each other.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_PARETO_H
#define NASC_SEARCH_PARETO_H

#include <cstddef>
#include <vector>

namespace nasc::search {

using Objectives = std::vector<double>;

/// `a` dominates `b`: no worse in every objective, better in one.
bool dominates(const Objectives &a, const Objectives &b);

/// Deb et al.'s fast non-dominated sort: the fronts (indices into
/// `points`), the non-dominated first; each front in index order.
std::vector<std::vector<size_t>> nonDominatedSort(const std::vector<Objectives> &points);

/// Crowding distance of each member of `front` (same order): the sum over
/// objectives of the normalized gap between its neighbours; +inf for a
/// front's extremes in any objective, 0 where an objective is not finite.
std::vector<double> crowdingDistance(const std::vector<Objectives> &points, const std::vector<size_t> &front);

/// The volume of objective space dominated by `points` and dominating
/// `reference` (exact; two objectives by a sweep, more by slicing along the
/// first). Points that do not dominate the reference add nothing.
double hypervolume(std::vector<Objectives> points, const Objectives &reference);

/// A Pareto set kept as points arrive: add() keeps a point that no member
/// dominates and drops the members it dominates. Equal vectors are all
/// kept (different architectures, same figures).
class ParetoSet {
public:
  /// Whether `p` (with `tag`, e.g. a record's index) joined the set.
  bool add(const Objectives &p, size_t tag);
  const std::vector<Objectives> &points() const { return points_; }
  const std::vector<size_t> &tags() const { return tags_; }

private:
  std::vector<Objectives> points_;
  std::vector<size_t> tags_;
};

} // namespace nasc::search

#endif // NASC_SEARCH_PARETO_H
