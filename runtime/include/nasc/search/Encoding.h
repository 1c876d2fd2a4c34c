//===- Encoding.h - Architectures as feature vectors for surrogates -------===//
//
// What model-based strategies (bananas, bayesian) learn from, derived from
// the compiled space so it works on any space:
//
// - Path features (White et al.'s path encoding, BANANAS): the space's
//   graph reduced to its categorical op choices (the first node of each
//   decision; a decision shared by stacked cells is one vertex), linked
//   where one choice node feeds another through choice-free nodes (sums,
//   fixed layers). Each maximal path of that DAG, with one alternative per
//   vertex, is one feature: 1 when the architecture picks exactly those
//   alternatives. Alternatives that are the `zero` op cut a path and get
//   no features. If the full paths would give more than `kMaxPathFeatures`
//   features (a long chain of choices), the paths are their contiguous
//   pieces of up to 3 vertices instead (n-grams).
// - One-hot features for every discrete decision the paths do not cover
//   (depths, widths, input choices, hyperparameters), and each continuous
//   decision scaled to [0, 1] (log scale when sampled so).
//
// On NAS-Bench-201 this is the published path encoding: 4 + 16 + 16 + 64 =
// 100 features for the cell's paths of 1, 2, 2 and 3 edges.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_ENCODING_H
#define NASC_SEARCH_ENCODING_H

#include "nasc/runtime/Space.h"

#include <string>
#include <vector>

namespace nasc::search {

class ArchitectureEncoding {
public:
  static constexpr size_t kMaxPathFeatures = 4096;

  explicit ArchitectureEncoding(const runtime::Space &space);
  size_t size() const { return size_; }
  /// The features of `a` (canonical form expected), size() of them.
  std::vector<float> encode(const runtime::Architecture &a) const;
  /// The structural paths, as decision names joined by " -> " (for tests
  /// and `--verbose` output).
  std::vector<std::string> paths() const;
  bool truncatedPaths() const { return truncated_; }

  /// Each discrete decision one-hot and each continuous one scaled: the
  /// adjacency-style encoding the Gaussian process's Hamming kernel uses.
  static std::vector<float> oneHot(const runtime::Space &space, const runtime::Architecture &a);

private:
  const runtime::Space &space_;
  /// A path: positions in space.discrete(); its features start at `offset`,
  /// one per combination of the non-zero alternatives of its vertices.
  struct Path {
    std::vector<size_t> vertices;
    std::vector<std::vector<int64_t>> alive; // per vertex: the non-zero domain positions
    size_t offset = 0;
  };
  std::vector<Path> paths_;
  /// Discrete decisions not on a path: one-hot from `offset`.
  struct OneHot {
    size_t decision; // position in discrete()
    size_t offset;
  };
  std::vector<OneHot> oneHot_;
  size_t continuousOffset_ = 0;
  size_t size_ = 0;
  bool truncated_ = false;
};

} // namespace nasc::search

#endif // NASC_SEARCH_ENCODING_H
