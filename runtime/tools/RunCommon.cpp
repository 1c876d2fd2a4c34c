//===- RunCommon.cpp - What both nasc-run executables share ---------------===//
#include "RunCommon.h"

#include "nasc/cli/CommandLine.h"
#include "nasc/runtime/Export.h"
#include "nasc/search/TableEstimator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

using namespace nasc;
using namespace nasc::runtool;

namespace {
// Bounds of the numeric options (docs/runtime.md, "What is validated").
constexpr double kMaxSeconds = 1e9; // ~31 years
constexpr uint64_t kMaxEpochs = 1000000, kMaxLatencyBatch = 65536;
/// --workers: far past one machine's processes; a cluster starts its ranks with mpirun.
constexpr uint64_t kMaxWorkers = 4096;
} // namespace

const char *const nasc::runtool::kUsage = R"(usage: nasc-run <command> SPACE.nasa [options]

commands:
  search SPACE.nasa      run the artefact's search (the only one, or --search NAME)
  train SPACE.nasa --arch ID
                         train one architecture standalone with the search's
                         dataset and optimizer, report validation and test accuracy
  supernet SPACE.nasa     how the search's space shares weights in a supernet:
                         per layer place (node, place in its layer tree) whether
                         an elastic supernet slices one tensor (elastic) or
                         keeps one module per configuration, and the parameters
                         each supernet mode holds
  latency-table SPACE.nasa --out FILE
                         measure the latency of every op configuration of the
                         search's space on --device at --latency-batch (FBNet's
                         lookup table; JSON); with --fit FILE.csv --fit-device D,
                         fit the table to the whole networks' latencies on
                         device D in FILE (nb201_latency_ms.csv) instead

options:
  --search NAME          which search block of the artefact
  --strategy NAME        another strategy than the search's (its default arguments)
  --estimator NAME       another estimator than the search's (its default arguments:
                         full_training, low_fidelity, supernet; table needs its file)
  --budget N             evaluations (overrides `evaluations`)
  --seed N               overrides `seed`
  --time-limit SECONDS   overrides `time_limit`
  --epochs N             train: epochs (default: the search estimator's)
  --out DIR              where the run is kept (default nasc-out/<search>):
                         search.db (every evaluation; --resume continues it),
                         weights/, best.nas, best.pt
  --resume               continue the run in DIR/search.db where it stopped
  --device cpu|cuda      default: cuda when available, else cpu
  --latency-batch N      batch size of the measured `latency` metric (default 1)
  --latency-threads N    CPU threads latency is measured on, the metric and
                         latency tables alike (default 1: batch-1 latency on
                         more threads is mostly their wake-up noise)
  --source FILE.nas      the file the artefact was compiled from (best.nas imports it)
  --install-artefact FILE
                         SPACE.nasa is a temporary beside FILE (nasc search and
                         nasc train compile into one): it is renamed to FILE when
                         the run first changes its store (train: once the
                         architecture is read, unless the folder holds a search's
                         store), and removed otherwise, so that a refused run
                         leaves the folder's artefact as it was
  --export-onnx          also write the best with its trained weights as
                         OUT/best.onnx (ONNX; training estimators only)
  --derive-only          one-shot methods (darts): derive and export the
                         architecture without training it standalone
  --quiet                no progress bar
  --storage URI          search: keep the evaluations in a PostgreSQL database,
                         postgresql://[user@]host[:port]/db[?run=NAME] (NAME
                         defaults to the run folder's name), instead of
                         DIR/search.db (docs/scaling.md)
  --workers N            search: evaluate on N worker processes (mpirun -np N+1
                         of this command; Open MPI). Under mpirun, rank 0 runs
                         the strategy and the store and the other ranks evaluate
                         (docs/scaling.md)
  --data-parallel N      a one-shot method (darts, spos, ...) or the supernet
                         estimator: train the supernet on N processes, each on
                         its rows of every batch, gradients averaged over c10d
                         Gloo (mpirun -np N of this command; under mpirun, every
                         rank takes part); then rank 0 evaluates
  --asynchronous         with workers: tell each result as it comes and give an
                         idle worker the next trial at once (faster when
                         evaluations differ in length; which architectures are
                         evaluated then depends on timing)

Every option also takes the form --option=VALUE. Numbers are decimal digits:
--budget 1 or more, --seed 0 or more, --time-limit seconds > 0, --epochs,
--latency-batch and --latency-threads 1 or more.
)";

PendingArtefact::~PendingArtefact() {
  std::error_code ec;
  if (!o.installArtefact.empty() && !o.artefact.empty() && !installed)
    std::filesystem::remove(o.artefact, ec);
}

void PendingArtefact::install() {
  if (o.installArtefact.empty() || installed)
    return;
  std::error_code ec;
  std::filesystem::rename(o.artefact, o.installArtefact, ec);
  if (ec)
    throw std::runtime_error(o.installArtefact + ": cannot install the compiled artefact " + o.artefact +
                             " there: " + ec.message());
  installed = true;
}

runtime::Artefact nasc::runtool::loadArtefact(const Options &o) {
  runtime::Artefact a = runtime::loadArtefact(o.artefact);
  if (!o.installArtefact.empty())
    a.path = o.source.empty() ? o.installArtefact : o.source;
  return a;
}

int nasc::runtool::usage(const std::string &message) {
  std::cerr << "nasc-run: error: " << message << "\nrun 'nasc-run --help' for usage\n";
  return 2;
}

const Json &nasc::runtool::pickSearch(const runtime::Artefact &a, const std::string &name) {
  const Json &searches = a.searches();
  if (searches.empty())
    throw std::invalid_argument(a.path + " has no search block: write one (search S { space = ...; }) to search");
  if (name.empty()) {
    if (searches.size() > 1)
      throw std::invalid_argument(a.path + " has " + std::to_string(searches.size()) +
                                  " searches: pick one with --search NAME");
    return searches[0];
  }
  for (const Json &s : searches)
    if (s.at("name") == name)
      return s;
  throw std::invalid_argument(a.path + " has no search named '" + name + "'");
}

std::string nasc::runtool::outDir(const Options &o, const std::string &searchName) {
  return o.out.empty() ? "nasc-out/" + searchName : o.out;
}

std::string nasc::runtool::storeLocation(const Options &o, const std::string &out) {
  if (o.storage.empty())
    return out + "/search.db";
  if (!search::Store::isPostgres(o.storage))
    throw cli::OptionError("--storage: '" + o.storage + "' is not a PostgreSQL URI (postgresql://...); a file "
                           "store is always OUT/search.db");
  if (o.storage.find("?run=") != std::string::npos || o.storage.find("&run=") != std::string::npos)
    return o.storage;
  std::string name = std::filesystem::path(out).filename().string();
  if (name.empty())
    name = std::filesystem::path(out).parent_path().filename().string();
  return o.storage + (o.storage.find('?') == std::string::npos ? "?run=" : "&run=") + name;
}

std::unique_ptr<search::RunLock> nasc::runtool::lockRunFolder(const Options &o, const std::string &out) {
  if (o.storage.empty())
    return nullptr;
  std::filesystem::create_directories(out);
  return std::make_unique<search::RunLock>(out + "/search.db.lock");
}

std::string nasc::runtool::fixed(double v, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v;
  return os.str();
}

void nasc::runtool::printMetrics(const char *what, const std::map<std::string, double> &m) {
  std::cout << "  " << what << ":";
  for (auto &[k, v] : m)
    std::cout << " " << k << "=" << (std::abs(v) >= 1000 ? fixed(v, 0) : fixed(v, 4));
  std::cout << "\n";
}

/// Writes `file`: `arch` with every parameter written out, as a network
/// named `network` (the search's name + "Best" for best.nas).
void nasc::runtool::exportArchitecture(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                        const runtime::Architecture &arch, const std::string &file, const std::string &network,
                        const std::string &title, const std::string &id) {
  // The searched file is imported only when it declares ops of its own
  // (else `nasc info best.nas` would list its spaces too).
  std::vector<std::string> imports{"std/ops"};
  if (!o.source.empty()) {
    std::string text = cli::readFileLimited(o.source, cli::kSourceLimit);
    if (std::regex_search(text, std::regex(R"((^|\n)[ \t]*op[ \t]+[A-Za-z_])")))
      imports.push_back(std::filesystem::absolute(o.source).string());
  }
  std::ofstream(file) << runtime::exportNas(artefact.ops(), space, arch, network, imports,
                                            {title, "ID: " + id,
                                             "Exported by nasc-run; every parameter written out, no choices left."});
}

void nasc::runtool::exportBest(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                const runtime::Architecture &arch, const std::string &name, const std::string &id) {
  std::string out = o.out.empty() ? "nasc-out/" + name : o.out;
  exportArchitecture(o, artefact, space, arch, out + "/best.nas", name + "Best",
                     "The best architecture of search " + name + " (" + space.name() + ")", id);
}

namespace {

/// How an objective reads in a table: its metric (with arguments), else
/// its position.
std::string objectiveName(const Json &objective, size_t k) {
  const Json &v = objective.value("value", Json());
  if (v.is_object() && v.contains("metric")) {
    std::string name = v["metric"].get<std::string>();
    const Json &args = v.value("args", Json::object());
    if (!args.empty()) {
      std::string list;
      for (auto &[key, value] : args.items())
        list += (list.empty() ? "" : ", ") + key + "=" +
                (value.is_object() && value.contains("const") ? value["const"].dump() : value.dump());
      name += "(" + list + ")";
    }
    return name;
  }
  return "objective" + std::to_string(k + 1);
}

/// A multi-objective search's Pareto set: printed as a table (by the first
/// objective, best first) and kept in OUT/pareto/: pareto.csv and one .nas
/// per architecture (named by its hash).
void reportPareto(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                  const Json &search, const std::vector<search::Record> &pareto, const std::string &name) {
  const Json &objectives = search.at("objectives");
  std::vector<search::Record> rows = pareto;
  bool minimizeFirst = objectives[0].value("direction", "maximize") == "minimize";
  std::stable_sort(rows.begin(), rows.end(), [&](const search::Record &a, const search::Record &b) {
    return minimizeFirst ? a.objectives[0] < b.objectives[0] : a.objectives[0] > b.objectives[0];
  });
  std::vector<std::string> names;
  std::string directions;
  for (size_t k = 0; k < objectives.size(); ++k) {
    names.push_back(objectiveName(objectives[k], k));
    directions += (k ? ", " : "") + objectives[k].value("direction", "maximize") + " " + names.back();
  }
  std::cout << "pareto set: " << rows.size() << " architecture" << (rows.size() == 1 ? "" : "s")
            << " no other evaluated one beats (" << directions << ")\n";
  auto cell = [](double v) { return std::abs(v) >= 1000 ? fixed(v, 0) : fixed(v, 4); };
  std::cout << "  " << std::left << std::setw(18) << "hash";
  for (const std::string &n : names)
    std::cout << std::right << std::setw(std::max<int>(12, int(n.size()) + 2)) << n;
  std::cout << "  id\n";
  for (const search::Record &r : rows) {
    std::cout << "  " << std::left << std::setw(18) << r.hash;
    for (size_t k = 0; k < names.size(); ++k)
      std::cout << std::right << std::setw(std::max<int>(12, int(names[k].size()) + 2)) << cell(r.objectives[k]);
    std::cout << "  " << r.id << "\n";
  }
  std::string out = (o.out.empty() ? "nasc-out/" + name : o.out) + "/pareto";
  std::filesystem::remove_all(out); // a resumed run's set replaces the old one
  std::filesystem::create_directories(out);
  std::ofstream csv(out + "/pareto.csv");
  csv << "hash,seq";
  for (const std::string &n : names)
    csv << ",\"" << n << "\"";
  csv << ",id\n";
  for (const search::Record &r : rows) {
    csv << r.hash << "," << r.seq;
    for (double v : r.objectives)
      csv << "," << fixed(v, 6);
    csv << ",\"" << r.id << "\"\n";
    exportArchitecture(o, artefact, space, r.arch, out + "/" + r.hash + ".nas", name + "Pareto_" + r.hash,
                       "A Pareto-optimal architecture of search " + name + " (" + space.name() + ")", r.id);
  }
  std::cout << "exported: " << out << "/pareto.csv and " << rows.size() << " .nas file"
            << (rows.size() == 1 ? "" : "s") << "\n";
}

} // namespace

int nasc::runtool::reportSearch(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                                const Json &search, const search::SearchResult &result, const std::string &name,
                                const Finish &finish) {
  if (!result.best) {
    // Multi-fidelity (hyperband): only evaluations at the full budget count.
    bool lowerOnly = std::any_of(result.records.begin(), result.records.end(), [](const search::Record &r) {
      return r.eval.metrics.count("budget") && r.score > -INFINITY;
    });
    if (lowerOnly)
      std::cerr << "nasc: error: none of the " << result.records.size()
                << " evaluations trained for the strategy's full budget yet (only those compete for the best): "
                   "continue with --resume and a larger --budget\n";
    else
      std::cerr << "nasc: error: no architecture met the constraints in " << result.records.size()
                << " evaluations\n";
    return 1;
  }
  const search::Record &best = *result.best;
  std::string out = outDir(o, name);
  std::cout << "search " << name << ": " << result.records.size() << " evaluations (" << result.stopReason << ") in "
            << fixed(result.seconds, 1) << " s\n";
  std::cout << "best: " << best.id << "\n  hash: " << best.hash << "\n";
  printMetrics("metrics", best.eval.metrics);
  search::Evaluation report = best.eval;
  if (finish.train) {
    std::cerr << "nasc: evaluating the best architecture on the test split\n";
    report = finish.train(best);
  } else if (!finish.note.empty()) {
    std::cerr << finish.note;
  }
  if (!report.report.empty())
    printMetrics("reported", report.report);
  exportBest(o, artefact, space, best.arch, name, best.id);
  std::cout << "exported: " << out << "/best.nas"
            << (finish.train && !finish.weights.empty() ? ", weights " + finish.weights : "") << "\n";
  if (!result.pareto.empty())
    reportPareto(o, artefact, space, search, result.pareto, name);
  return 0;
}

int nasc::runtool::parseOptions(int argc, char **argv, Options &o,
                                const std::function<std::string(const std::string &)> &checkDevice) {
  cli::ArgReader args(std::vector<std::string>(argv + 1, argv + argc));
  std::string a;
  try {
    while (!args.done()) {
      a = args.next();
      if (a == "-h" || a == "--help") {
        std::cout << kUsage;
        return 0;
      } else if (a == "--search")
        o.search = args.value();
      else if (a == "--strategy")
        o.strategy = args.value();
      else if (a == "--estimator")
        o.estimator = args.value();
      else if (a == "--budget") // seq is an int64 in the store
        o.budget = cli::parseCount(a, args.value(), 1, uint64_t(INT64_MAX));
      else if (a == "--seed")
        o.seed = cli::parseCount(a, args.value());
      else if (a == "--time-limit")
        o.timeLimit = cli::parseReal(a, args.value(), 0, kMaxSeconds, /*inclusive=*/false, "seconds");
      else if (a == "--epochs")
        o.epochs = int64_t(cli::parseCount(a, args.value(), 1, kMaxEpochs));
      else if (a == "--latency-batch")
        o.latencyBatch = int64_t(cli::parseCount(a, args.value(), 1, kMaxLatencyBatch));
      else if (a == "--latency-threads")
        o.latencyThreads = int(cli::parseCount(a, args.value(), 1, 4096));
      else if (a == "--out")
        o.out = args.value();
      else if (a == "--source")
        o.source = args.value();
      else if (a == "--install-artefact")
        o.installArtefact = args.value();
      else if (a == "--arch")
        o.arch = args.value(), o.archGiven = true;
      else if (a == "--device")
        o.device = checkDevice ? checkDevice(args.value()) : args.value();
      else if (a == "--fit")
        o.fit = args.value();
      else if (a == "--fit-device")
        o.fitDevice = args.value();
      else if (a == "--storage")
        o.storage = args.value();
      else if (a == "--workers")
        o.workers = int64_t(cli::parseCount(a, args.value(), 1, kMaxWorkers));
      else if (a == "--data-parallel")
        o.dataParallel = int64_t(cli::parseCount(a, args.value(), 1, kMaxWorkers));
      else if (a == "--resume" || a == "--quiet" || a == "--derive-only" || a == "--export-onnx" ||
               a == "--asynchronous") {
        if (args.hasInlineValue())
          return usage(a + " takes no value");
        (a == "--resume"        ? o.resume
         : a == "--quiet"       ? o.quiet
         : a == "--derive-only" ? o.deriveOnly
         : a == "--export-onnx" ? o.exportOnnx
                                : o.asynchronous) = true;
      } else if (!a.empty() && a[0] == '-')
        return usage("unknown option '" + a + "'");
      else if (o.command.empty())
        o.command = a;
      else if (o.artefact.empty())
        o.artefact = a;
      else
        return usage("unexpected argument '" + a + "'");
    }
  } catch (const cli::OptionError &e) {
    return usage(e.what());
  }
  if (o.command != "search" && o.command != "train" && o.command != "latency-table" && o.command != "supernet")
    return usage(o.command.empty() ? "no command given" : "unknown command '" + o.command + "'");
  if (o.artefact.empty())
    return usage("'" + o.command + "' needs a .nasa artefact");
  if ((o.workers > 0 || o.asynchronous || o.dataParallel > 0) && o.command != "search")
    return usage(std::string(o.workers > 0 ? "--workers" : o.dataParallel > 0 ? "--data-parallel" : "--asynchronous") +
                 " is for 'search' (its evaluations or its supernet in parallel); '" + o.command +
                 "' runs in one process");
  if (!o.storage.empty() && o.command != "search")
    return usage("--storage is for 'search' (where its evaluations are kept)");
  if (o.workers > 0 && o.dataParallel > 0)
    return usage("--workers spreads evaluations, --data-parallel trains a supernet: give one");
  if (o.command == "train" && !o.archGiven)
    return usage("'train' needs --arch ID (see nasc info FILE --arch)");
  return -1;
}

void nasc::runtool::writeAtomically(const std::string &path, const std::string &bytes) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << bytes;
    if (!out.flush()) {
      std::filesystem::remove(temporary);
      throw std::runtime_error("cannot write '" + path + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec)
    throw std::runtime_error("cannot write '" + path + "': " + ec.message());
}

Json nasc::runtool::searchBlock(const runtime::Artefact &artefact, const Options &o) {
  Json search = pickSearch(artefact, o.search);
  if (!o.estimator.empty())
    search["settings"]["estimator"] = {
        {"extern", o.estimator}, {"kind", "estimator"}, {"impl", o.estimator}, {"args", Json::object()}};
  return search;
}

std::pair<std::string, Json> nasc::runtool::strategyOf(const Json &search, const Options &o) {
  search::DriverOptions dopt;
  search::SearchSettings settings = search::SearchDriver::settings(search, dopt);
  std::string name = o.strategy.empty() ? settings.strategy : o.strategy;
  Json args = o.strategy.empty() ? settings.strategyArgs : Json::object();
  return {name.empty() ? std::string("random") : name, args};
}

bool nasc::runtool::isTableSearch(const runtime::Artefact &artefact, const Json &search, const Options &o) {
  const Json &settings = search.value("settings", Json::object());
  if (!settings.contains("estimator") || !settings["estimator"].is_object() ||
      settings["estimator"].value("impl", "") != "table")
    return false;
  auto [name, args] = strategyOf(search, o);
  std::vector<std::string> known = search::strategyNames();
  if (std::find(known.begin(), known.end(), name) == known.end())
    return false;
  runtime::Space space(artefact.space(search.at("settings").at("space").at("space").get<std::string>()), &search);
  return search::makeStrategy(name, space, args, 0)->proxyNeeded().empty();
}

int nasc::runtool::runTableSearch(const Options &o, PendingArtefact &pending,
                                  std::optional<runtime::Artefact> loaded) {
  runtime::Artefact artefact = loaded ? std::move(*loaded) : loadArtefact(o);
  Json search = searchBlock(artefact, o);
  std::string name = search.at("name").get<std::string>();
  runtime::Space space(artefact.space(search.at("settings").at("space").at("space").get<std::string>()), &search);
  search::DriverOptions dopt;
  dopt.budget = o.budget, dopt.seed = o.seed, dopt.timeLimit = o.timeLimit, dopt.resume = o.resume;
  dopt.progress = o.quiet ? nullptr : &std::cerr;
  search::SearchSettings settings = search::SearchDriver::settings(search, dopt);
  auto [strategyName, strategyArgs] = strategyOf(search, o);
  std::string out = outDir(o, name);
  std::filesystem::create_directories(out);
  // The store first: it locks the run folder.
  std::unique_ptr<search::RunLock> folder = lockRunFolder(o, out);
  search::Store store(storeLocation(o, out),
                      search::SearchDriver::storeMeta(space, search, dopt, strategyName, strategyArgs), o.resume);
  store.onFirstWrite([&] { pending.install(); });
  std::unique_ptr<search::Estimator> estimator = search::TableEstimator::fromSetting(space, settings.estimator);
  std::unique_ptr<search::Strategy> strategy = search::makeStrategy(strategyName, space, strategyArgs, settings.seed);
  std::cerr << "nasc: search " << name << ": space " << space.name() << " (" << space.json().value("size", "?")
            << " architectures), strategy " << strategyName << ", " << settings.budget
            << " evaluations, device cpu, run kept in " << out << "\n";
  search::SearchResult result = search::SearchDriver(space, search, *strategy, *estimator, &store, dopt).run();
  return reportSearch(o, artefact, space, search, result, name, Finish{});
}
