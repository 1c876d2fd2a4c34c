//===- nasc.h - nasc as a library: compile a space, search it your way ----===//
//
// The public interface of libnasc, for programs that embed nasc (C++, via
// `find_package(nasc)`) and for the Python module built on it. It names
// only standard types and nlohmann::json: no MLIR, ANTLR or LibTorch type.
//
//   nasc::Program p = nasc::Program::compileFile("space.nas");
//   nasc::Space space = p.space();                 // the only space
//   nasc::Study study = space.study({"evolution", {{"population", 20}}, 0});
//   while (auto trial = study.ask()) {
//     double accuracy = trainMyWay(trial->params);  // {"width": 32, ...}
//     study.tell(*trial, accuracy);
//   }
//   std::cout << study.best()->id << "\n";
//
// docs/embedding.md describes every call; docs/python.md the Python module.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NASC_H
#define NASC_NASC_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nasc {

using Json = nlohmann::json;

/// A source that does not compile: what() is every diagnostic, clang-style
/// (file:line:col: error: ... with the line and a caret), as `nasc check`
/// prints them.
class CompileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Any other misuse (an unknown space, a bad architecture, a damaged
/// store): what() says what is wrong.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct CompileOptions {
  /// Where `import "std/..."` looks; empty: $NASC_STDLIB, else the stdlib/
  /// nasc was built with.
  std::string stdlib;
};

/// An architecture as a host reads it: decision name -> value (a number, a
/// string such as an op name, or a list for picks), as `nasc info` prints
/// the domains.
using Architecture = std::map<std::string, Json>;

struct Decision {
  std::string name;
  /// "categorical", "int range", "float range", "pick", "subset".
  std::string kind;
  /// Discrete decisions: every value, in domain order.
  std::vector<Json> values;
  /// Float ranges: bounds and whether they are searched log-uniformly.
  double lo = 0, hi = 0;
  bool log = false;
  /// Declared by the search block (a hyperparameter such as "lr"), not by
  /// the network.
  bool hyperparameter = false;
  /// Used only in some architectures (a copy of a decided repetition, an
  /// alternative's own decision).
  bool conditional = false;
  /// Who owns it (docs/dialect.md 1.2): "space" (the network's own choice or
  /// a search-level one), "shared" (instances written `shared as KEY` all
  /// take it) or "independent" (one instance's own).
  std::string sharing;
  /// The owning instance's path ("" for the space's own): the KEY of shared
  /// instances, `T#i` for an independent instance of template T, nested
  /// owners joined by '/': "nb201_cell", "MnasBlock#3".
  std::string owner;
  /// How many places of the network (layers, input choices, switches) read
  /// it: the 15 cells of NAS-Bench-201 share each edge's decision, so 15.
  int64_t places = 0;
};

/// One architecture's exact cost, by the compiler's rules (what `nasc info
/// --arch` prints).
struct Cost {
  std::string id, hash;
  double params = 0; ///< parameters
  double macs = 0;   ///< multiply-accumulates per sample
};

/// One architecture handed out to evaluate.
struct Trial {
  int64_t number = 0;  ///< 1-based, in the order asked (the store's seq)
  std::string id;      ///< canonical ID (what `nasc info --arch` reads)
  std::string hash;    ///< 16 hex digits of the ID
  Architecture params; ///< every decision the architecture uses
  /// Epochs a multi-fidelity strategy (hyperband, bohb) asks for; 0: the
  /// host's own.
  int64_t budget = 0;
};

/// One recorded evaluation.
struct TrialResult {
  int64_t number = 0;
  std::string id, hash;
  Architecture params;
  /// Each objective's value as told (not negated); empty when it failed.
  std::vector<double> values;
  std::map<std::string, double> metrics;
  std::string error;     ///< why it failed, if it did
  bool feasible = true;  ///< met the constraints over metrics
  bool cached = false;   ///< a repeat, answered from an earlier evaluation
  double seconds = 0;
};

struct StudyOptions {
  /// Any strategy of the runtime by name (random, grid, evolution,
  /// local_search, reinforce, ppo, bananas, bayesian, tpe, hyperband, bohb,
  /// nsga2, ...) with its parameters; Program::strategies() lists them.
  /// Empty: the search block's strategy, else random.
  std::string strategy;
  Json args = Json::object();
  /// Unset: the search block's seed, else 0.
  std::optional<uint64_t> seed;
  /// A store (SQLite) the study writes every result to; one that exists is
  /// resumed (the same space, strategy and seed, else Error). Empty: none.
  std::string storage;
  /// One direction per objective ("maximize" or "minimize"); tell() takes
  /// that many values, read as metrics "objective0", "objective1", ...
  /// Several give a Pareto set. Empty: a search block's space keeps the
  /// block's objectives and constraints; any other space maximizes one.
  std::vector<std::string> directions;
  /// Evaluations after which ask() returns nothing. Unset: a search block's
  /// `evaluations`, else no limit.
  std::optional<uint64_t> budget;
  /// For strategies that rank candidates by a zero-cost proxy before any is
  /// evaluated (zero_cost_ranking; evolution, bananas, bayesian with
  /// `warmup`): scores a batch of untrained candidates, one number each,
  /// higher = predicted better, given the proxy the strategy names ("vote",
  /// "naswot", "synflow+params", ...): the host builds its networks, as it
  /// does to evaluate them. Unset: proxies the compiler counts ("params",
  /// "flops" and their combinations) are scored here; any other needs a
  /// scorer (or `nasc search`, which builds nasc's own networks).
  std::function<std::vector<double>(const std::string &proxy, const std::vector<Architecture> &candidates)>
      proxyScorer;
};

class Study {
public:
  ~Study();
  Study(Study &&) noexcept;
  Study &operator=(Study &&) noexcept;

  /// The next architecture to evaluate; nullopt when the budget is spent or
  /// the strategy has covered the space. A repeat of an evaluated
  /// architecture is answered from the record and not handed out.
  std::optional<Trial> ask();
  /// The result of a trial: one value per objective (a search block's
  /// objectives must then each be a plain metric, `maximize accuracy`)...
  void tell(const Trial &trial, double value);
  void tell(const Trial &trial, const std::vector<double> &values);
  /// ...or its metrics, from which a search block's objectives and
  /// constraints are computed ({"accuracy": 93.1, "latency": 4.2}); `params`
  /// and `flops`, when they are read and not given, are the compiler's
  /// exact costs. Error, the trial still out, when a metric read is missing.
  void tell(const Trial &trial, const std::map<std::string, double> &metrics);
  /// A trial that could not be evaluated (it scores worst).
  void fail(const Trial &trial, const std::string &error);
  /// Trials are told in any order; the strategy hears them in ask order.
  size_t outstanding() const;

  /// The best feasible result by the first objective, if any.
  std::optional<TrialResult> best() const;
  /// Every result so far (a resumed study's stored ones first), in order.
  std::vector<TrialResult> trials() const;
  /// Several objectives: the non-dominated feasible results.
  std::vector<TrialResult> pareto() const;
  /// Ends the study: trials still out are recorded as failed, the store is
  /// marked finished and closed (another study may resume it). ask()
  /// returns nothing afterwards. A study destroyed unfinished keeps what was
  /// stored and resumes as if killed.
  void finish();
  bool resumed() const;
  /// The objectives' directions, in order.
  std::vector<std::string> directions() const;

  struct Impl;

private:
  friend class Space;
  explicit Study(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Program;

/// A compiled search space (a network's, or the space a search block
/// explores with its hyperparameters).
class Space {
public:
  ~Space();
  Space(const Space &);
  Space &operator=(const Space &);

  const std::string &name() const;
  /// The exact number of architectures, in decimal (it may exceed 2^64).
  const std::string &size() const;
  /// Distinct networks (the compiler's benchmark rule), in decimal.
  std::string unique() const;
  const std::vector<Decision> &decisions() const;
  /// This space's entry of `nasc info --json`.
  Json info() const;
  /// The canonical ID of an architecture given by its decisions (one that
  /// is not used may be left out); Error naming the bad decision or value.
  std::string archId(const Architecture &a) const;
  /// The decisions an ID names (those the architecture uses).
  Architecture decode(const std::string &id) const;
  Cost cost(const std::string &id) const;
  Cost cost(const Architecture &a) const { return cost(archId(a)); }
  /// A uniformly drawn architecture that meets the space's requirements.
  Architecture sample(uint64_t seed) const;

  /// An ask/tell study of this space: the search block's objectives,
  /// constraints and settings for a Program::searchSpace() (unless
  /// options.directions are given), else options.directions.
  Study study(const StudyOptions &options = {}) const;
  /// Whether this is a search block's space (its hyperparameters included).
  bool isSearchSpace() const;

  struct Impl;

private:
  friend class Program;
  explicit Space(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

/// A compiled .nas program: its spaces and searches.
class Program {
public:
  /// CompileError with every diagnostic when the source does not compile.
  static Program compileFile(const std::string &path, const CompileOptions &options = {});
  /// `name` is what diagnostics call the source; imports resolve from the
  /// current directory (and std/ from the stdlib).
  static Program compileSource(const std::string &source, const std::string &name = "<source>",
                               const CompileOptions &options = {});
  ~Program();
  Program(const Program &);
  Program &operator=(const Program &);

  /// Space names as `nasc info` prints them ("Net.space").
  std::vector<std::string> spaces() const;
  std::vector<std::string> searches() const;
  /// By name ("Net" or "Net.space"); empty: the only network's space, or
  /// the only search's. Error listing the names otherwise.
  Space space(const std::string &name = "") const;
  /// The space a search block explores, with the block's hyperparameters.
  Space searchSpace(const std::string &search = "") const;
  /// searchSpace(search).study(options): the block's objectives,
  /// constraints, strategy, seed and evaluations where options leave them.
  Study searchStudy(const std::string &search = "", const StudyOptions &options = {}) const;
  /// `nasc info --json`: every space.
  Json info() const;
  /// The compiled artefact (.nasa bytes, docs/artefact.md) nasc-run reads.
  const std::string &artefact() const;
  /// The search strategies of this runtime.
  static std::vector<std::string> strategies();

  struct Impl;

private:
  explicit Program(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

/// The host's evaluation of one trial: its metrics (what the objectives
/// read: {"accuracy": 93.1} for `maximize accuracy`, {"objective0": v} for
/// a study with directions); throw to fail it.
using Evaluator = std::function<std::map<std::string, double>(const Trial &)>;
/// Runs a study to its end with `evaluate` as the estimator, then finish().
void optimize(Study &study, const Evaluator &evaluate);

/// The version of nasc this library is.
const char *version();

} // namespace nasc

#endif // NASC_NASC_H
