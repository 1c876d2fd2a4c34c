//===- ParallelSearch.cpp - A search on several MPI ranks ------------------===//
//
// `nasc search FILE.nas --workers N` starts `mpirun -np N+1` of nasc-run-torch
// with the same arguments; `mpirun -np N+1 nasc search FILE.nas` does the
// same by hand (or across machines). Rank 0 compiles nothing more, runs the
// strategy, the store and the finish (training the best standalone); every
// other rank loads the artefact, builds the search's estimator and serves
// evaluations (nasc/dist/Parallel.h). A one-shot method instead trains
// its supernet on every rank, data-parallel (`--data-parallel N`, mpirun
// -np N; nasc/nn/DataParallel.h); so does a search whose estimator is
// `supernet`, after which rank 0 alone evaluates. docs/scaling.md.
//
//===----------------------------------------------------------------------===//
#include "TorchCommon.h"
#include "nasc/cli/CommandLine.h"
#include "nasc/dist/Parallel.h"
#include "nasc/nn/DataParallel.h"
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

namespace {
/// Whether the search block's estimator is `supernet` (it trains one
/// supernet, whatever the strategy).
bool supernetEstimator(const Json &search) {
  const Json &settings = search.at("settings");
  return settings.contains("estimator") && settings["estimator"].is_object() &&
         settings["estimator"].value("impl", "") == "supernet";
}

/// Whether the search trains one supernet: a one-shot method, or the
/// supernet estimator (a bad artefact or option is reported by the path
/// that runs).
bool trainsOneSupernet(const Options &o) {
  try {
    runtime::Artefact artefact = loadArtefact(o);
    Json search = searchBlock(artefact, o);
    return nn::isOneShot(strategyOf(search, o).first) || supernetEstimator(search);
  } catch (const std::exception &) {
    return false;
  }
}

/// Whether the search runs a one-shot method.
bool runsOneShot(const Options &o) {
  try {
    runtime::Artefact artefact = loadArtefact(o);
    return nn::isOneShot(strategyOf(searchBlock(artefact, o), o).first);
  } catch (const std::exception &) {
    return false;
  }
}

const char *kDataParallelRefused =
    "--data-parallel trains a supernet (a one-shot method's, or the supernet estimator's); this search's "
    "estimator trains each architecture on its own: spread them with --workers N instead";

} // namespace

int nasc::runtool::launchRanks(char **argv, const Options &o) {
  const std::string flag = o.workers > 0 ? "--workers" : "--data-parallel";
  const int64_t ranks = o.workers > 0 ? o.workers + 1 : o.dataParallel;
  if (dist::Mpi::launchedRanks() > 0) {
    std::cerr << "nasc: error: --workers starts mpirun itself; under mpirun the world's other ranks are the "
                 "workers (leave --workers out)\n";
    return 2;
  }
  if (o.dataParallel > 0 && !trainsOneSupernet(o)) {
    std::cerr << "nasc: error: " << kDataParallelRefused << "\n";
    return 2;
  }
  if (!dist::Mpi::available()) {
    std::cerr << "nasc: error: " << flag << ": this nasc was built without MPI (install libopenmpi-dev and "
                 "openmpi-bin, as scripts/setup.sh does, and build again)\n";
    return 1;
  }
  std::string mpirun = dist::findMpirun();
  if (mpirun.empty()) {
    std::cerr << "nasc: error: " << flag << " needs Open MPI's mpirun on the PATH (Debian: openmpi-bin; "
                 "scripts/setup.sh installs it)\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::string> args{mpirun, "-q", "--oversubscribe", "--bind-to", "none",
                                "-np", std::to_string(ranks), ec ? std::string(argv[0]) : self.string()};
  for (char **a = argv + 1; *a; ++a) {
    std::string arg = *a;
    if (arg == "--workers") { // the ranks know their part; --data-parallel N stays (checked there)
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

/// Threads of one rank's LibTorch: the machine's cores shared by the ranks
/// on it that compute (OMP_NUM_THREADS, when set, decides). Evaluation
/// workers: all but rank 0, which mostly waits; data-parallel: all.
void shareCores(bool allCompute) {
  if (const char *env = std::getenv("OMP_NUM_THREADS"); env && std::atoi(env) > 0) {
    at::set_num_threads(std::atoi(env));
    return;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int local = dist::Mpi::localSize();
  int computing = allCompute ? local : std::max(1, local - 1);
  at::set_num_threads(int(std::max(1u, cores / unsigned(computing))));
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

/// What every rank reads from the options and the artefact alike (for
/// workers: refuses one-shot methods, which run data-parallel instead; for
/// data-parallel ranks (`oneShot`): refuses what trains no one supernet).
Prepared prepare(const Options &o, bool oneShot = false) {
  Prepared p{loadArtefact(o)};
  p.search = searchBlock(p.artefact, o);
  p.name = p.search.at("name").get<std::string>();
  p.space = std::make_unique<runtime::Space>(
      p.artefact.space(p.search.at("settings").at("space").at("space").get<std::string>()), &p.search);
  p.dopt.budget = o.budget, p.dopt.seed = o.seed, p.dopt.timeLimit = o.timeLimit, p.dopt.resume = o.resume;
  p.dopt.progress = o.quiet ? nullptr : &std::cerr;
  p.settings = search::SearchDriver::settings(p.search, p.dopt);
  std::tie(p.strategyName, p.strategyArgs) = strategyOf(p.search, o);
  if (oneShot) {
    if (!nn::isOneShot(p.strategyName) && !supernetEstimator(p.search))
      throw cli::OptionError(kDataParallelRefused);
  } else if (nn::isOneShot(p.strategyName))
    throw cli::OptionError("strategy '" + p.strategyName +
                           "' is a one-shot method: it trains one supernet rather than evaluating architectures, "
                           "so it has no evaluations to spread over workers; run it without --workers and mpirun");
  if (o.deriveOnly && (!oneShot || !nn::isOneShot(p.strategyName)))
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
  std::unique_ptr<search::RunLock> folder = lockRunFolder(o, p.out);
  search::Store store(storeLocation(o, p.out),
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
        shareCores(false);
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

/// The files a rank other than 0 keeps to itself: a copy of rank 0's store
/// (so that its resume replays the same rows), removed when it ends.
struct RankFolder {
  std::string path;
  RankFolder() {
    char tmpl[] = "/tmp/nasc-rank-XXXXXX";
    if (!::mkdtemp(tmpl))
      throw std::runtime_error(std::string("cannot make a temporary folder: ") + std::strerror(errno));
    path = tmpl;
  }
  ~RankFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// Thrown on ranks other than 0 once the supernet is trained: their part
/// is done (the driver lets it through, storing nothing).
class SupernetTrained : public search::FatalEstimatorError {
public:
  SupernetTrained() : FatalEstimatorError("the supernet is trained") {}
};

/// A black-box strategy with the supernet estimator under MPI: every rank
/// runs the search with the same seed, so the first evaluation, which
/// trains the supernet, trains it on every rank, each on its rows of every
/// batch; then rank 0 alone goes on evaluating with its weights (ranks
/// other than 0 stop there).
int searchOnTrainedSupernet(const Options &o, Prepared &p, search::Store &store, nn::EstimatorOptions eopt,
                            nn::DataParallel &group, int rank) {
  const runtime::Space &space = *p.space;
  if (rank == 0) {
    eopt.supernetEpochs = [&store](int64_t epoch, const Json &figures) { store.appendEpoch(epoch, figures); };
    eopt.supernetTrained = [] { nn::DataParallel::activate(nullptr); };
    std::cerr << "nasc: search " << p.name << ": space " << space.name() << " (" << space.json().value("size", "?")
              << " architectures), strategy " << p.strategyName << ", " << p.settings.budget
              << " evaluations, the supernet estimator trained data-parallel on " << group.size()
              << " processes (c10d Gloo), device " << eopt.device.str() << ", run kept in " << p.out << "\n";
  } else {
    eopt.supernetTrained = [] { throw SupernetTrained(); };
  }
  SearchEstimator made = makeEstimator(p.artefact, space, p.search, p.settings, eopt);
  std::unique_ptr<search::Strategy> strategy =
      search::makeStrategy(p.strategyName, space, p.strategyArgs, p.settings.seed);
  std::unique_ptr<search::ProxyScorer> proxy; // zero_cost_ranking, warmup
  if (std::string needed = strategy->proxyNeeded(); !needed.empty()) {
    proxy = nn::makeProxyScorer(p.artefact.ops(), space, p.search, eopt, needed);
    strategy->setProxyScorer(proxy.get());
  }
  search::SearchDriver driver(space, p.search, *strategy, *made.estimator, &store, p.dopt);
  nn::DataParallel::activate(&group);
  search::SearchResult result;
  try {
    result = driver.run();
  } catch (const SupernetTrained &) {
    nn::DataParallel::activate(nullptr);
    return 0;
  }
  nn::DataParallel::activate(nullptr);
  if (rank != 0)
    return 0; // nothing was left to train
  nn::useAllCores();
  return finishSearch(o, p.artefact, space, p.search, result, p.name, p.out, made.trainer);
}

/// A one-shot method under MPI: every rank runs it with the same seed on
/// its rows of each batch (nn/DataParallel.h); rank 0 keeps the store, the
/// checkpoints and the weights, prints and finishes.
int trainDataParallel(const Options &o, PendingArtefact &pending, dist::Mpi &mpi) {
  const int rank = mpi.rank(), size = mpi.size();
  Prepared p = prepare(o, /*oneShot=*/true);
  const runtime::Space &space = *p.space;
  std::unique_ptr<nn::OneShotMethod> method; // null: the supernet estimator under a black-box strategy
  if (nn::isOneShot(p.strategyName)) {
    method = nn::makeOneShot(p.strategyName, p.strategyArgs);
    method->prepare(p.search, p.dopt);
    p.settings = search::SearchDriver::settings(p.search, p.dopt);
  }
  // Rendezvous: every rank has read the artefact (rank 0 may rename a
  // shared temporary into the run folder next) and, resuming, copied rank
  // 0's store before rank 0 writes to it; rank 0 then names the port of
  // its c10d store.
  if (!o.storage.empty())
    throw cli::OptionError("--storage: a data-parallel search keeps its store in the run folder (every rank "
                           "replays a copy of it on --resume)");
  std::unique_ptr<RankFolder> own;
  std::string storePath = p.out + "/search.db";
  Json welcome;
  if (rank == 0) {
    for (int r = 1; r < size; ++r)
      mpi.receive(dist::Mpi::kAnySource, dist::kHello);
    bool local = dist::Mpi::localSize() == size;
    char host[256] = "127.0.0.1";
    if (!local && ::gethostname(host, sizeof host) != 0)
      throw std::runtime_error("data-parallel: cannot read this machine's host name");
    welcome = Json{{"host", std::string(host)}, {"port", nn::freePort()}, {"artefact", o.artefact}};
    for (int r = 1; r < size; ++r)
      mpi.send(r, dist::kWelcome, welcome);
  } else {
    own = std::make_unique<RankFolder>();
    for (const char *suffix : {"", "-wal"}) // rank 0 has not opened it yet
      if (std::filesystem::exists(storePath + suffix))
        std::filesystem::copy_file(storePath + suffix, own->path + "/search.db" + suffix);
    storePath = own->path + "/search.db";
    mpi.send(0, dist::kHello, Json::object());
    welcome = mpi.receive(0, dist::kWelcome).body;
    if (welcome.value("artefact", "") == o.artefact)
      pending.disown(); // the same temporary: rank 0 installs it
  }
  nn::DataParallel group(rank, size, welcome.at("host").get<std::string>(), welcome.at("port").get<int>());
  std::filesystem::create_directories(p.out);
  search::Store store(storePath,
                      search::SearchDriver::storeMeta(space, p.search, p.dopt, p.strategyName, p.strategyArgs),
                      o.resume);
  if (rank == 0)
    store.onFirstWrite([&] { pending.install(); });
  nn::EstimatorOptions eopt = estimatorOptions(o, p, deviceOfRank(o.device), rank == 0);
  eopt.writes = rank == 0;
  if (rank != 0)
    p.dopt.progress = nullptr;
  if (!method)
    return searchOnTrainedSupernet(o, p, store, eopt, group, rank);
  if (rank == 0)
    std::cerr << "nasc: search " << p.name << ": space " << space.name() << " (" << space.json().value("size", "?")
              << " architectures), one-shot method " << p.strategyName << " data-parallel on " << size
              << " processes (c10d Gloo), device " << eopt.device.str() << ", run kept in " << p.out << "\n";
  nn::OneShotRun run{p.artefact.ops(), space, p.search, p.dopt, store, eopt, !o.deriveOnly};
  nn::DataParallel::activate(&group);
  nn::OneShotResult r = method->run(run);
  nn::DataParallel::activate(nullptr); // what follows (the finish) is rank 0's alone
  if (rank != 0)
    return 0;
  if (r.derived) {
    store.finish("derived");
    std::string id = space.id(*r.derived);
    std::cout << "search " << p.name << ": derived by " << p.strategyName << "\nderived: " << id << "\n  hash: "
              << space.hash(id) << "\n";
    exportBest(o, p.artefact, space, *r.derived, p.name, id);
    std::cout << "exported: " << p.out << "/best.nas\n";
    return 0;
  }
  nn::useAllCores();
  return finishSearch(o, p.artefact, space, p.search, r.search, p.name, p.out, r.estimator.get(), r.specialized);
}

} // namespace

int nasc::runtool::runParallelSearch(const Options &o, PendingArtefact &pending) {
  dist::Mpi mpi;
  if (o.dataParallel > 0 && o.dataParallel != mpi.size()) {
    if (mpi.rank() == 0)
      std::cerr << "nasc: error: --data-parallel " << o.dataParallel << " under mpirun with " << mpi.size()
                << " ranks: every rank takes part (leave --data-parallel out)\n";
    return 2;
  }
  if (o.dataParallel > 0 || runsOneShot(o)) { // (mpirun without --data-parallel: evaluation workers)
    shareCores(true);
    try {
      return trainDataParallel(o, pending, mpi);
    } catch (const cli::OptionError &e) {
      if (mpi.rank() == 0)
        std::cerr << "nasc: error: " << e.what() << "\n";
      return 2;
    } catch (const std::exception &e) {
      std::cerr << "nasc: error: " << (mpi.rank() == 0 ? "" : "rank " + std::to_string(mpi.rank()) + ": ")
                << e.what() << "\n";
      mpi.abort(1); // the other ranks may wait in a collective
    }
  }
  if (mpi.rank() != 0) {
    try {
      serve(o, pending, mpi);
      return 0;
    } catch (const std::exception &e) {
      std::cerr << "nasc: error: worker rank " << mpi.rank() << ": " << e.what() << "\n";
      mpi.abort(1);
    }
  }
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
