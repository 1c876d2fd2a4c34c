//===- Space.h - The choice graph of a compiled space ---------------------===//
//
// A space's decisions as the runtime sees them: each discrete decision has a
// finite domain of values (what its trees read: a categorical's alternative
// index, an int range's integers, a pick's or subset's bit masks); continuous
// decisions (float ranges, e.g. a searched learning rate) have bounds. An
// Architecture gives one position in each discrete domain and one value for
// each continuous decision.
//
// IDs are the compiler's (dialect/lib/Architecture.cpp): the discrete
// decisions' `name=text` sorted by name and joined by ',', where text is a
// categorical's label (or its value: integers in decimal, booleans
// true/false, floats as printf %g, strings as they are), a range's integer,
// an input choice's picked candidates joined by '+' ("none" for none). The
// hash is FNV-1a 64 of the ID as 16 hex digits. Continuous decisions are not
// part of the ID (hyperparameters, not structure); fullId() adds them. A
// discrete decision of the search block only (not of the space) is part of
// the ID, which `nasc info --arch` then does not know: parseId accepts IDs
// without it.
//
// Canonical form: a decision that does not matter (a copy beyond a decided
// depth: active_if) is at position 0. Sampling is uniform over canonical
// forms, as the compiler counts the space.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_RUNTIME_SPACE_H
#define NASC_RUNTIME_SPACE_H

#include "nasc/runtime/Expr.h"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace nasc::runtime {

/// One decision of a space (or of a search block: its own hyperparameters).
struct Decision {
  enum class Kind { Categorical, IntRange, FloatRange, Pick, Subset };
  Kind kind;
  std::string name;
  /// Discrete decisions: the values the trees read, in domain order.
  std::vector<int64_t> domain;
  /// Discrete decisions: how each domain value reads in an ID.
  std::vector<std::string> text;
  /// Float ranges: bounds, and whether sampling is log-uniform.
  double lo = 0, hi = 0;
  bool log = false;
  /// The decision matters only when, for one of these sets, every named
  /// switch's index lies in [atLeast, atMost] (empty: always). A copy of a
  /// decided repetition is used at depth >= k; an alternative of a choice
  /// among searched blocks when the choice is k.
  /// With `includes`: input choice `sw` (a decision) picks candidate
  /// `atLeast` (an edge's op choice in a DARTS cell).
  struct SwitchCondition {
    std::string sw;
    int64_t atLeast = 0;
    std::optional<int64_t> atMost;
    bool includes = false;
  };
  std::vector<std::vector<SwitchCondition>> activeWhen;
  /// Declared by the search block only (a hyperparameter such as "lr"), not
  /// by the space: `nasc info --arch` does not know it, so parseId lets an ID
  /// leave a discrete one out (position 0).
  bool search = false;

  bool discrete() const { return kind != Kind::FloatRange; }
};

/// One architecture: a domain position per discrete decision and a value per
/// continuous one, in the order of Space::discrete() / Space::continuous().
struct Architecture {
  std::vector<int64_t> choice;
  std::vector<double> real;
  bool operator==(const Architecture &o) const { return choice == o.choice && real == o.real; }
  bool operator<(const Architecture &o) const {
    return choice != o.choice ? choice < o.choice : real < o.real;
  }
};

/// The random source of the runtime: fixed algorithm, so a seed gives the same
/// sequence everywhere; its state is saved with a strategy's.
using Rng = std::mt19937_64;

/// A uniform integer in [0, n) that does not depend on the standard library's
/// distribution implementation.
uint64_t uniformIndex(Rng &rng, uint64_t n);
/// The same with `threshold` = (2^64 - n) mod n worked out by the caller
/// (a space keeps one per decision: the division is most of a draw).
uint64_t uniformIndex(Rng &rng, uint64_t n, uint64_t threshold);
/// A uniform double in [0, 1).
double uniformReal(Rng &rng);

class Space {
public:
  /// `space`: one entry of the artefact's "spaces"; `search`: the search block
  /// exploring it (its "decisions" join the space's as continuous or discrete
  /// hyperparameters), or null. Throws ArtefactError on a malformed entry.
  explicit Space(const Json &space, const Json *search = nullptr);

  const std::string &name() const { return name_; }
  const Json &json() const { return space_; }
  const std::vector<Decision> &decisions() const { return decisions_; }
  /// Indices into decisions() of the discrete / continuous decisions.
  const std::vector<size_t> &discrete() const { return discrete_; }
  const std::vector<size_t> &continuous() const { return continuous_; }

  /// Whether a decision sets the input's height or width (an elastic
  /// resolution): each architecture's images are then resized to its input
  /// (Network::forward), and the data's own size need not match.
  bool resolutionDecided() const;

  /// The values the trees read (Env::decisions), switches' indices included.
  std::map<std::string, Json> values(const Architecture &a) const;
  /// Whether discrete decision `d` (a position in discrete()) matters in `a`.
  bool active(const Architecture &a, size_t d) const;
  /// `a` with every inactive decision at position 0: architectures that build
  /// the same network have the same canonical form (and ID).
  Architecture canonical(const Architecture &a) const;
  /// The text of the first constraint over decisions `a` breaks, if any.
  std::optional<std::string> violated(const Architecture &a) const;

  std::string id(const Architecture &a) const;
  static std::string hash(const std::string &id);
  /// hash(fullId(a)) as a number, without building the ID; hashText()
  /// writes it as hash() does.
  uint64_t idHash(const Architecture &a) const;
  /// A 64-bit key of the positions and values as they are (equal for equal
  /// architectures; canonicalize first), much cheaper than either hash of
  /// the ID; fixed, so it may be saved in a strategy's state.
  static uint64_t key(const Architecture &a);
  static std::string hashText(uint64_t h);
  /// id() followed, when the space has continuous decisions, by ';' and their
  /// `name=value` (%.17g, round-trips) joined by ',': what tells two
  /// evaluations apart (the cache and duplicate checks key on it). Equals
  /// id() for a space without continuous decisions.
  std::string fullId(const Architecture &a) const;
  /// The architecture an ID (or a fullId) names (continuous decisions not
  /// given at their lower bound); throws std::invalid_argument saying what is
  /// wrong, in the compiler's words.
  Architecture parseId(const std::string &id) const;

  /// A uniform random architecture that satisfies the constraints over
  /// decisions (rejection, then a clear std::runtime_error if none is found).
  Architecture sample(Rng &rng) const;
  /// The canonical architecture of every discrete decision's first value
  /// and every continuous one's lower bound (where a supernet starts).
  Architecture first() const;
  /// `a` with exactly one active discrete decision changed (or, when
  /// `rate` > 0, each independently with probability `rate`, at least one);
  /// feasible. A continuous decision counts as one more gene (redrawn when
  /// chosen). Decisions the change makes active (copies of a deeper
  /// repetition) are drawn uniformly. The result is canonical.
  Architecture mutate(const Architecture &a, Rng &rng, double rate = 0) const;
  /// Uniform crossover: each gene (discrete decision, continuous value) from
  /// `a` or `b` with equal odds; decisions the mix makes active that were
  /// inactive in the parent they came from are drawn uniformly. Canonical
  /// and feasible; after a few infeasible mixes, canonical(a).
  Architecture crossover(const Architecture &a, const Architecture &b, Rng &rng) const;
  /// The number of discrete decision vectors (capped at UINT64_MAX).
  uint64_t discreteSize() const;

  /// Positions in discrete() of the decisions the switches' indices read
  /// (a repetition's decided depth): the others' activity depends on them.
  const std::vector<size_t> &controlling() const { return controlling_; }
  /// The same, outer before inner: a controlling decision that is itself
  /// used only in some architectures (the depth of a block that is one
  /// alternative of a choice) comes after those that decide its use.
  const std::vector<size_t> &controllingOuterFirst() const { return controllingOuterFirst_; }

private:
  std::string name_;
  Json space_;
  std::vector<Decision> decisions_;
  std::vector<size_t> discrete_, continuous_;
  /// Switches by id_name: their index trees.
  std::map<std::string, Json> switches_;
  Json constraints_;
  /// The same trees compiled (null where one reads more than decisions):
  /// buildComponents evaluates them for every combination it enumerates.
  std::map<std::string, std::shared_ptr<const CompiledExpr>> switchCode_;
  std::vector<std::shared_ptr<const CompiledExpr>> constraintCode_;
  /// Per decision: a pick's count tree when it is not a constant (its domain
  /// is then every mask and violated() checks the count), else null.
  std::vector<Json> pickCount_;
  /// Per decision: an input choice's number of candidates (0 otherwise).
  std::vector<int64_t> candidates_;
  /// Sums/concats reading input choices: (choice names, other inputs).
  std::vector<std::pair<std::vector<std::string>, size_t>> combiners_;
  std::vector<size_t> controlling_, controllingOuterFirst_;
  bool conditional_ = false;
  /// Positions in discrete_ (continuous_) in name order: how IDs list them.
  std::vector<size_t> idOrder_, realIdOrder_;
  /// No requirement, pick count or sum over input choices: every
  /// architecture of the right shape is feasible.
  bool unconstrained_ = false;
  /// Positions with more than one value (discrete) or a range (continuous,
  /// after the discrete ones): what mutate() may change.
  std::vector<size_t> genes_;
  /// Per position in discrete_: uniformIndex's rejection threshold.
  std::vector<uint64_t> thresholds_;
  /// Uniform sampling over feasible canonical forms, by components (as the
  /// compiler counts): decisions linked by switches, edge conditions or
  /// requirements over decisions. Per component, every combination of its
  /// linked decisions (domain positions) with a cumulative weight: how many
  /// feasible canonical architectures it has (0 when not canonical or a
  /// requirement breaks); its other decisions are drawn where used.
  struct Component {
    std::vector<size_t> linked; // positions in discrete_, enumerated
    std::vector<size_t> free;   // positions in discrete_ it conditions
    std::vector<std::vector<int64_t>> combos;
    std::vector<double> cumulative;
  };
  std::vector<Component> components_;
  /// Whether components_ cover the space (false: a component was too large,
  /// so draws are independent, canonicalized and rejected when infeasible).
  bool exactSampling_ = false;

  void buildComponents();
  /// The requirement (over decisions) an architecture breaks among
  /// `constraints`, if any; `vals` are its values() (switch indices included).
  std::optional<std::string> brokenRequirement(const std::map<std::string, Json> &vals,
                                               const std::vector<const Json *> &constraints) const;

  void addDecision(const Json &d, bool search);
  /// Throws std::invalid_argument when `a` does not fit this space.
  void checkShape(const Architecture &a) const;
  std::map<std::string, int64_t> switchIndices(const std::map<std::string, Json> &values) const;
  std::vector<bool> activity(const Architecture &a) const;
  /// The same from values(a), which already holds the switch indices.
  std::vector<bool> activity(const std::map<std::string, Json> &vals) const;
  /// The first input choice whose pick count `a` breaks, said as an error.
  std::optional<std::string> brokenPickCount(const Architecture &a) const;
  std::optional<std::string> brokenPickCount(const Architecture &a, const std::map<std::string, Json> &vals) const;
  Architecture draw(Rng &rng) const;
};

} // namespace nasc::runtime

#endif // NASC_RUNTIME_SPACE_H
