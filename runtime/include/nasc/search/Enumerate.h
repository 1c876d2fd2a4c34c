//===- Enumerate.h - Every feasible architecture of a space, in order -----===//
//
// A mixed-radix counter over the decisions whose digits are domain
// positions: the decisions that set a repetition's depth are the most
// significant digits, then the other discrete decisions in the space's
// order, then continuous decisions (each takes `points` values, evenly or,
// for log ranges, geometrically spaced) as the fastest. A digit that is
// inactive (a copy beyond the decided depth) stays 0, so every canonical
// form comes once and no other vector comes at all; infeasible ones
// (violated()) are skipped. Grid search walks it; random search falls back
// to it when rejection keeps drawing architectures it has seen.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_ENUMERATE_H
#define NASC_SEARCH_ENUMERATE_H

#include "nasc/runtime/Space.h"

#include <optional>

namespace nasc::search {

using runtime::Architecture;
using runtime::Json;
using runtime::Space;

class GridIterator {
public:
  explicit GridIterator(const Space &space, int64_t points = 5);
  /// The next feasible canonical architecture, or nullopt after the last.
  std::optional<Architecture> next();
  /// How many next() returned.
  uint64_t produced() const { return produced_; }
  Json save() const;
  void restore(const Json &state);
  /// Value `k` of `points` for a float range (the midpoint when points is 1).
  static double point(const runtime::Decision &d, int64_t k, int64_t points);

private:
  const Space &space_;
  int64_t points_;
  /// Digit i, most significant first: (is discrete, position in discrete()
  /// or continuous()) and its radix.
  std::vector<std::pair<bool, size_t>> digits_;
  std::vector<int64_t> radix_, pos_;
  bool started_ = false, done_ = false;
  uint64_t produced_ = 0;

  Architecture current() const;
  bool increment(const Architecture &a);
};

} // namespace nasc::search

#endif // NASC_SEARCH_ENUMERATE_H
