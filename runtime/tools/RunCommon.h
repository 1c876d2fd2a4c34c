//===- RunCommon.h - What both nasc-run executables share -----------------===//
//
// nasc-run is two executables: `nasc-run` (no LibTorch: it starts in
// milliseconds) runs table searches itself and hands everything else to
// `nasc-run-torch` beside it (training, supernets, one-shot methods,
// measured latencies, --device). This is their common part: the options,
// the run folder's artefact, and how a search's result is printed and
// exported. Nothing here includes torch.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_RUNTOOLS_RUNCOMMON_H
#define NASC_RUNTOOLS_RUNCOMMON_H

#include "nasc/runtime/Artefact.h"
#include "nasc/search/Driver.h"
#include "nasc/search/RunLock.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace nasc::runtool {

using runtime::Json;

extern const char *const kUsage;

struct Options {
  std::string command, artefact, search, strategy, estimator, out, source, arch, device, installArtefact;
  bool archGiven = false; ///< --arch, even "" (the one network of a space without decisions)
  std::string fit, fitDevice; // latency-table --fit FILE.csv --fit-device D
  std::string storage; ///< --storage: the store's location (default OUT/search.db)
  std::optional<uint64_t> budget, seed;
  std::optional<double> timeLimit;
  int64_t epochs = 0, latencyBatch = 1;
  int latencyThreads = 1;
  int64_t workers = 0; ///< --workers N: evaluations on N MPI worker processes
  int64_t dataParallel = 0; ///< --data-parallel N: a supernet (one-shot method's or supernet estimator's) trained by N processes
  bool resume = false, quiet = false, deriveOnly = false, exportOnnx = false;
  bool asynchronous = false; ///< --asynchronous: workers' results told as they come
};

/// Parses argv into `o`. Returns -1 to go on, else the exit status (0 after
/// --help, 2 after a usage error, printed). `checkDevice` validates a
/// --device value (the torch executable's knows CUDA; null: kept as given).
int parseOptions(int argc, char **argv, Options &o, const std::function<std::string(const std::string &)> &checkDevice);
int usage(const std::string &message);

/// The artefact a run was given as a temporary (--install-artefact FILE):
/// renamed to FILE once the run takes its folder, removed if it never does
/// (the run was refused, a bad option included, or failed before changing
/// anything). Reads the options when it acts: made before they are parsed.
class PendingArtefact {
public:
  explicit PendingArtefact(const Options &o) : o(o) {}
  PendingArtefact(const PendingArtefact &) = delete;
  PendingArtefact &operator=(const PendingArtefact &) = delete;
  ~PendingArtefact();
  void install();
  /// Leaves the temporary to another process (MPI rank 0 installs the one
  /// every rank of `--workers` was given).
  void disown() { installed = true; }

private:
  const Options &o;
  bool installed = false;
};

/// The run's artefact. One that nasc compiled into a temporary is named in
/// messages ("... has no search block") by its source, or else by where it
/// goes, not by the temporary's name.
runtime::Artefact loadArtefact(const Options &o);
const Json &pickSearch(const runtime::Artefact &a, const std::string &name);
/// The run folder: --out, else nasc-out/<search>.
std::string outDir(const Options &o, const std::string &searchName);
/// Where the run's store is: --storage (a PostgreSQL URI without ?run=
/// gets the run folder's name as its run), else OUT/search.db.
std::string storeLocation(const Options &o, const std::string &out);
/// The run folder's lock when its store is in PostgreSQL (a SQLite store
/// locks the folder itself: null then): one search per folder either way.
std::unique_ptr<search::RunLock> lockRunFolder(const Options &o, const std::string &out);

/// Writes `bytes` to `path` through PATH.tmp and a rename: a killed
/// process leaves the old file or none, never half of the new one.
/// std::runtime_error naming the file when it cannot be written.
void writeAtomically(const std::string &path, const std::string &bytes);

std::string fixed(double v, int digits = 2);
void printMetrics(const char *what, const std::map<std::string, double> &m);

/// Writes OUT/best.nas.
/// Writes `file`: `arch` with every parameter written out, as a network
/// named `network`, `title` and `id` in its opening comment.
void exportArchitecture(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                        const runtime::Architecture &arch, const std::string &file, const std::string &network,
                        const std::string &title, const std::string &id);
void exportBest(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                const runtime::Architecture &arch, const std::string &name, const std::string &id);

/// How the best architecture is finished after the search: `train`
/// (training estimators) evaluates it on the test split and writes
/// `weights`; `note` is printed instead when it is not trained.
struct Finish {
  std::function<search::Evaluation(const search::Record &best)> train;
  std::string weights, note;
};

/// Prints a finished search (the best, its metrics and reported figures),
/// exports best.nas and, with several objectives, the Pareto set. 1 when
/// nothing met the constraints.
int reportSearch(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                 const Json &search, const search::SearchResult &result, const std::string &name,
                 const Finish &finish);

/// The search a `search` command runs, with --estimator applied.
Json searchBlock(const runtime::Artefact &artefact, const Options &o);
/// The strategy a search runs (--strategy, else the block's, else random)
/// and its arguments.
std::pair<std::string, Json> strategyOf(const Json &search, const Options &o);
/// Whether `search` (of `artefact`) reads a benchmark table with an ask/tell
/// strategy that needs no zero-cost proxy (those build networks): what
/// runTableSearch does without LibTorch.
bool isTableSearch(const runtime::Artefact &artefact, const Json &search, const Options &o);
/// Runs a table search (isTableSearch) and reports it; `artefact`: the run's
/// artefact when the caller loaded it already.
int runTableSearch(const Options &o, PendingArtefact &pending, std::optional<runtime::Artefact> artefact = {});

} // namespace nasc::runtool

#endif // NASC_RUNTOOLS_RUNCOMMON_H
