//===- ExactRange.h - Least and greatest value of a sum over a space -----===//
//
// A space's cost is a sum of layer terms, each reading a few decisions.
// The least and greatest total come from eliminating decisions one at a
// time (min-sum and max-sum variable elimination over the terms' tables):
// independent groups never meet, a chain of coupled blocks costs a table per
// link. Exact, or nothing when a table or the work would pass its limit
// (the caller then falls back to interval bounds).
//
//===----------------------------------------------------------------------===//
#ifndef NAS_TRANSFORMS_EXACTRANGE_H
#define NAS_TRANSFORMS_EXACTRANGE_H

#include "nas/Activity.h"
#include "nas/Evaluate.h"
#include "nas/NasDialect.h"

#include <optional>

namespace mlir::nas {

/// The least and greatest value of `total` (a tree of arith.addf over
/// terms) over every decision vector that keeps each of `requirements`
/// (where it binds, per `activity`). None when a term cannot be evaluated,
/// a decision has no finite domain, a table would pass `tableLimit`
/// entries or the work `budget` steps. lo > hi (+inf, -inf) when no
/// decision vector is feasible.
std::optional<Interval> exactRange(Value total, ArrayRef<RequireOp> requirements, const SpaceActivity &activity,
                                   uint64_t tableLimit = 1 << 16, uint64_t budget = 1 << 24);

} // namespace mlir::nas

#endif
