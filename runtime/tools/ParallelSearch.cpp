//===- ParallelSearch.cpp - A search's evaluations on MPI workers ---------===//
//
// `nasc search FILE.nas --workers N` starts `mpirun -np N+1` of nasc-run-torch
// with the same arguments; `mpirun -np N+1 nasc search FILE.nas` does the
// same by hand (or across machines). Rank 0 compiles nothing more, runs the
// strategy, the store and the finish (training the best standalone); every
// other rank loads the artefact, builds the search's estimator and serves
// evaluations (nasc/dist/Parallel.h). docs/scaling.md.
//
//===----------------------------------------------------------------------===//
#include "TorchCommon.h"
#include "nasc/cli/CommandLine.h"
#include "nasc/dist/Parallel.h"
#include "nasc/nn/OneShot.h"
#include "nasc/nn/Train.h"
#include "nasc/search/Study.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

using namespace nasc;
using namespace nasc::runtool;

int nasc::runtool::launchWorkers(char **argv, const Options &o) {
  if (dist::Mpi::launchedRanks() > 0) {
    std::cerr << "nasc: error: --workers starts mpirun itself; under mpirun the world's other ranks are the "
                 "workers (leave --workers out)\n";
    return 2;
  }
  if (!dist::Mpi::available()) {
    std::cerr << "nasc: error: --workers: this nasc was built without MPI (install libopenmpi-dev and "
                 "openmpi-bin, as scripts/setup.sh does, and build again)\n";
    return 1;
  }
  std::string mpirun = dist::findMpirun();
  if (mpirun.empty()) {
    std::cerr << "nasc: error: --workers needs Open MPI's mpirun on the PATH (Debian: openmpi-bin; "
                 "scripts/setup.sh installs it)\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::string> args{mpirun, "-q", "--oversubscribe", "--bind-to", "none",
                                "-np", std::to_string(o.workers + 1), ec ? std::string(argv[0]) : self.string()};
  for (char **a = argv + 1; *a; ++a) {
    std::string arg = *a;
    if (arg == "--workers") {
      if (a[1])
        ++a;
      continue;
    }
    if (arg.rfind("--workers=", 0) == 0)
      continue;
    args.push_back(arg);
  }
  // Open MPI refuses to start as root unless told twice; CI and containers
  // run as root, and these are the user's own processes on loopback.
  if (::geteuid() == 0) {
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  }
  std::vector<char *> argvOut;
  for (std::string &a : args)
    argvOut.push_back(a.data());
  argvOut.push_back(nullptr);
  std::cout.flush();
  ::execv(argvOut[0], argvOut.data());
  std::cerr << "nasc: error: cannot run " << mpirun << ": " << std::strerror(errno) << "\n";
  return 1;
}

namespace {

/// Threads of one rank's LibTorch: the machine's cores shared by the
/// workers on it (OMP_NUM_THREADS, when set, decides).
void shareCores(bool worker) {
  if (const char *env = std::getenv("OMP_NUM_THREADS"); env && std::atoi(env) > 0) {
    at::set_num_threads(std::atoi(env));
    return;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int local = dist::Mpi::localSize();
  int workersHere = worker ? std::max(1, local - 1) : 1; // rank 0 mostly waits until the end
  at::set_num_threads(int(std::max(1u, cores / unsigned(workersHere))));
}

/// One GPU per rank: a worker asked for "cuda" takes cuda:(local rank mod
/// devices); any other --device is used as given.
std::string deviceOfRank(const std::string &device) {
  if (device != "cuda" && !(device.empty() && torch::cuda::is_available()))
    return device;
  const char *local = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK");
  int64_t n = torch::cuda::device_count();
  if (!local || n <= 0)
    return device;
  return "cuda:" + std::to_string(std::atoi(local) % n);
}

struct Prepared {
  runtime::Artefact artefact;
  Json search;
  std::string name;
  std::unique_ptr<runtime::Space> space;
  search::DriverOptions dopt;
  search::SearchSettings settings;
  std::string strategyName;
  Json strategyArgs;
  std::string out;
};

/// What every rank reads from the options and the artefact alike.
Prepared prepare(const Options &o) {
  Prepared p{loadArtefact(o)};
  p.search = searchBlock(p.artefact, o);
  p.name = p.search.at("name").get<std::string>();
  p.space = std::make_unique<runtime::Space>(
      p.artefact.space(p.search.at("settings").at("space").at("space").get<std::string>()), &p.search);
  p.dopt.budget = o.budget, p.dopt.seed = o.seed, p.dopt.timeLimit = o.timeLimit, p.dopt.resume = o.resume;
  p.dopt.progress = o.quiet ? nullptr : &std::cerr;
  p.settings = search::SearchDriver::settings(p.search, p.dopt);
  std::tie(p.strategyName, p.strategyArgs) = strategyOf(p.search, o);
  if (nn::isOneShot(p.strategyName))
    throw cli::OptionError("strategy '" + p.strategyName +
                           "' is a one-shot method: it trains one supernet rather than evaluating architectures, "
                           "so it has no evaluations to spread over workers; run it without --workers and mpirun");
  if (o.deriveOnly)
    throw cli::OptionError("--derive-only is for one-shot methods, which do not run on workers");
  p.out = outDir(o, p.name);
  return p;
}

nn::EstimatorOptions estimatorOptions(const Options &o, const Prepared &p, const std::string &device, bool log) {
  nn::EstimatorOptions eopt;
  eopt.device = deviceOf(device);
  eopt.seed = p.settings.seed;
  eopt.weightsDir = p.out + "/weights"; // a worker's trained weights, for the finish and export
  eopt.latencyBatch = o.latencyBatch;
  eopt.log = log && !o.quiet ? &std::cerr : nullptr;
  return eopt;
}

std::string fixed1(double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << v;
  return s.str();
}

int coordinate(const Options &o, PendingArtefact &pending, dist::Mpi &mpi) {
  dist::WorkerPool pool(mpi); // first: whatever fails below, the workers are stopped
  Prepared p = prepare(o);
  const runtime::Space &space = *p.space;
  // Every worker has read the artefact before the store's first write
  // renames a temporary one into the run folder.
  pool.start(search::SearchDriver::fingerprint(space, p.search), o.artefact);
  std::filesystem::create_directories(p.out);
  search::Store store(p.out + "/search.db",
                      search::SearchDriver::storeMeta(space, p.search, p.dopt, p.strategyName, p.strategyArgs),
                      o.resume);
  store.onFirstWrite([&] { pending.install(); });
  nn::EstimatorOptions eopt = estimatorOptions(o, p, o.device, true);
  SearchEstimator made = makeEstimator(p.artefact, space, p.search, p.settings, eopt);
  std::unique_ptr<search::Strategy> strategy =
      search::makeStrategy(p.strategyName, space, p.strategyArgs, p.settings.seed);
  std::unique_ptr<search::ProxyScorer> proxy; // zero_cost_ranking, warmup: scored here
  if (std::string needed = strategy->proxyNeeded(); !needed.empty()) {
    proxy = nn::makeProxyScorer(p.artefact.ops(), space, p.search, eopt, needed);
    strategy->setProxyScorer(proxy.get());
  }
  std::cerr << "nasc: search " << p.name << ": space " << space.name() << " (" << space.json().value("size", "?")
            << " architectures), strategy " << p.strategyName << ", " << p.settings.budget << " evaluations on "
            << pool.workers() << (pool.workers() == 1 ? " worker" : " workers") << " (MPI, "
            << (o.asynchronous ? "asynchronous" : "ordered") << "), run kept in " << p.out << "\n";
  search::DriverOptions dopt = p.dopt;
  dopt.window = o.asynchronous ? 0 : size_t(pool.workers());
  search::Study study(space, p.search, *strategy, &store, dopt,
                      [&](const std::string &metric, const Json &args, const search::Evaluation &e) {
                        return made.estimator->metric(metric, args, e);
                      });
  dist::PoolFigures f = pool.run(study);
  search::SearchResult result = study.release();
  pool.stop();
  if (!o.quiet && f.evaluated > 0)
    std::cerr << "nasc: " << f.workers << (f.workers == 1 ? " worker" : " workers") << " evaluated " << f.evaluated
              << " architectures in " << fixed1(f.wallSeconds) << " s ("
              << fixed1(3600.0 * double(f.evaluated) / std::max(f.wallSeconds, 1e-9))
              << " evaluations/hour), busy " << fixed1(100 * f.utilization()) << "% of the time\n";
  nn::useAllCores(); // the workers are done: the finish trains on every core
  return finishSearch(o, p.artefact, space, p.search, result, p.name, p.out, made.trainer);
}

void serve(const Options &o, PendingArtefact &pending, dist::Mpi &mpi) {
  std::optional<Prepared> p;
  SearchEstimator made;
  dist::serveEvaluations(
      mpi,
      [&] {
        p.emplace(prepare(o));
        shareCores(true);
        nn::EstimatorOptions eopt = estimatorOptions(o, *p, deviceOfRank(o.device), false);
        search::SearchSettings settings = p->settings;
        made = makeEstimator(p->artefact, *p->space, p->search, settings, eopt);
        return dist::WorkerSetup{made.estimator.get(), p->space.get(),
                                 search::SearchDriver::fingerprint(*p->space, p->search)};
      },
      [&](const std::string &artefact) {
        // The same temporary as rank 0's (--workers): rank 0 installs it.
        if (artefact == o.artefact)
          pending.disown();
      });
}

} // namespace

int nasc::runtool::runParallelSearch(const Options &o, PendingArtefact &pending) {
  dist::Mpi mpi;
  if (mpi.rank() != 0) {
    try {
      serve(o, pending, mpi);
      return 0;
    } catch (const std::exception &e) {
      std::cerr << "nasc: error: worker rank " << mpi.rank() << ": " << e.what() << "\n";
      mpi.abort(1);
    }
  }
  shareCores(false);
  try {
    return coordinate(o, pending, mpi);
  } catch (const cli::OptionError &e) {
    std::cerr << "nasc: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception &e) {
    std::cerr << "nasc: error: " << e.what() << "\n";
    return 1;
  }
}
