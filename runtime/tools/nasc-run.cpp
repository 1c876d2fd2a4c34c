//===- nasc-run.cpp - The runtime: searches and trains compiled spaces ----===//
//
//   nasc-run search SPACE.nasa [options]   run the search the artefact holds
//   nasc-run train SPACE.nasa --arch ID    train one architecture standalone
//
// `nasc search FILE.nas` compiles the file and runs this (the compiler
// itself does not link LibTorch: it stays fast to start).
//
//===----------------------------------------------------------------------===//
#include "nasc/cli/CommandLine.h"
#include "nasc/data/DataError.h"
#include "nasc/nn/Estimators.h"
#include "nasc/nn/Latency.h"
#include "nasc/nn/OneShot.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Export.h"
#include "nasc/search/Driver.h"
#include "nasc/search/TableEstimator.h"

#include <torch/cuda.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <regex>
#include <stdexcept>

using namespace nasc;
using runtime::Json;

namespace {

// Bounds of the numeric options (docs/runtime.md, "What is validated").
constexpr double kMaxSeconds = 1e9; // ~31 years
constexpr uint64_t kMaxEpochs = 1000000, kMaxLatencyBatch = 65536;

const char *kUsage = R"(usage: nasc-run <command> SPACE.nasa [options]

commands:
  search SPACE.nasa      run the artefact's search (the only one, or --search NAME)
  train SPACE.nasa --arch ID
                         train one architecture standalone with the search's
                         dataset and optimizer, report validation and test accuracy
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
  --source FILE.nas      the file the artefact was compiled from (best.nas imports it)
  --install-artefact FILE
                         SPACE.nasa is a temporary beside FILE (nasc search and
                         nasc train compile into one): it is renamed to FILE when
                         the run first changes its store (train: once the
                         architecture is read, unless the folder holds a search's
                         store), and removed otherwise, so that a refused run
                         leaves the folder's artefact as it was
  --derive-only          one-shot methods (darts): derive and export the
                         architecture without training it standalone
  --quiet                no progress bar

Every option also takes the form --option=VALUE. Numbers are decimal digits:
--budget 1 or more, --seed 0 or more, --time-limit seconds > 0, --epochs and
--latency-batch 1 or more.
)";

struct Options {
  std::string command, artefact, search, strategy, estimator, out, source, arch, device, installArtefact;
  std::string fit, fitDevice; // latency-table --fit FILE.csv --fit-device D
  std::optional<uint64_t> budget, seed;
  std::optional<double> timeLimit;
  int64_t epochs = 0, latencyBatch = 1;
  bool resume = false, quiet = false, deriveOnly = false;
};

/// The artefact a run was given as a temporary (--install-artefact FILE):
/// renamed to FILE once the run takes its folder, removed if it never does
/// (the run was refused, a bad option included, or failed before changing
/// anything). Reads the options when it acts: made before they are parsed.
class PendingArtefact {
public:
  explicit PendingArtefact(const Options &o) : o(o) {}
  PendingArtefact(const PendingArtefact &) = delete;
  PendingArtefact &operator=(const PendingArtefact &) = delete;
  ~PendingArtefact() {
    std::error_code ec;
    if (!o.installArtefact.empty() && !o.artefact.empty() && !installed)
      std::filesystem::remove(o.artefact, ec);
  }
  void install() {
    if (o.installArtefact.empty() || installed)
      return;
    std::error_code ec;
    std::filesystem::rename(o.artefact, o.installArtefact, ec);
    if (ec)
      throw std::runtime_error(o.installArtefact + ": cannot install the compiled artefact " + o.artefact +
                               " there: " + ec.message());
    installed = true;
  }

private:
  const Options &o;
  bool installed = false;
};

/// The run's artefact. One that nasc compiled into a temporary is named in
/// messages ("... has no search block") by its source, or else by where it
/// goes, not by the temporary's name.
runtime::Artefact loadArtefact(const Options &o) {
  runtime::Artefact a = runtime::loadArtefact(o.artefact);
  if (!o.installArtefact.empty())
    a.path = o.source.empty() ? o.installArtefact : o.source;
  return a;
}

int usage(const std::string &message) {
  std::cerr << "nasc-run: error: " << message << "\nrun 'nasc-run --help' for usage\n";
  return 2;
}

const Json &pickSearch(const runtime::Artefact &a, const std::string &name) {
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

/// The devices this build can run on, for messages: cpu, and cuda when
/// LibTorch was built with CUDA and sees a device.
std::string supportedDevices() { return torch::cuda::is_available() ? "cpu, cuda" : "cpu"; }

/// `--device` checked before anything is loaded: cpu, cuda or cuda:N of
/// this build, else an OptionError naming what it supports (never a raw
/// LibTorch exception).
std::string checkDevice(const std::string &name) {
  auto refuse = [&](const std::string &why) -> std::string {
    throw cli::OptionError("--device: " + why + "; this build supports: " + supportedDevices());
  };
  if (name == "cpu")
    return name;
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      return refuse("'" + name + "' needs CUDA, which this LibTorch does not have or sees no device for");
    if (name != "cuda") {
      uint64_t index = cli::parseCount("--device cuda:N", name.substr(5));
      if (index >= uint64_t(torch::cuda::device_count()))
        return refuse("no CUDA device " + std::to_string(index) + " (" + std::to_string(torch::cuda::device_count()) +
                      " seen)");
    }
    return name;
  }
  return refuse("unknown device '" + name + "'");
}

torch::Device deviceOf(const std::string &name) {
  if (name.empty())
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  return torch::Device(checkDevice(name));
}

std::string fixed(double v, int digits = 2) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v;
  return os.str();
}

void printMetrics(const char *what, const std::map<std::string, double> &m) {
  std::cout << "  " << what << ":";
  for (auto &[k, v] : m)
    std::cout << " " << k << "=" << (std::abs(v) >= 1000 ? fixed(v, 0) : fixed(v, 4));
  std::cout << "\n";
}

/// Writes `file`: `arch` with every parameter written out, as a network
/// named `network` (the search's name + "Best" for best.nas).
void exportArchitecture(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
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

/// Writes OUT/best.nas.
void exportBest(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                const runtime::Architecture &arch, const std::string &name, const std::string &id) {
  std::string out = o.out.empty() ? "nasc-out/" + name : o.out;
  exportArchitecture(o, artefact, space, arch, out + "/best.nas", name + "Best",
                     "The best architecture of search " + name + " (" + space.name() + ")", id);
}

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

int runSearch(const Options &o, PendingArtefact &pending) {
  runtime::Artefact artefact = loadArtefact(o);
  Json search = pickSearch(artefact, o.search);
  if (!o.estimator.empty())
    search["settings"]["estimator"] = {
        {"extern", o.estimator}, {"kind", "estimator"}, {"impl", o.estimator}, {"args", Json::object()}};
  std::string name = search.at("name").get<std::string>();
  const Json &spaceRef = search.at("settings").at("space");
  runtime::Space space(artefact.space(spaceRef.at("space").get<std::string>()), &search);

  search::DriverOptions dopt;
  dopt.budget = o.budget, dopt.seed = o.seed, dopt.timeLimit = o.timeLimit, dopt.resume = o.resume;
  dopt.progress = o.quiet ? nullptr : &std::cerr;
  search::SearchSettings settings = search::SearchDriver::settings(search, dopt);
  std::string strategyName = o.strategy.empty() ? settings.strategy : o.strategy;
  Json strategyArgs = o.strategy.empty() ? settings.strategyArgs : Json::object();
  if (strategyName.empty())
    strategyName = "random";
  // One-shot methods (darts, spos, ...) own their loop; the others are
  // ask/tell strategies the driver runs.
  std::unique_ptr<nn::OneShotMethod> oneShot;
  if (nn::isOneShot(strategyName)) {
    oneShot = nn::makeOneShot(strategyName, strategyArgs);
    oneShot->prepare(search, dopt);
    settings = search::SearchDriver::settings(search, dopt);
  } else if (o.deriveOnly) {
    throw cli::OptionError("--derive-only: strategy '" + strategyName +
                           "' does not derive an architecture (one-shot methods do: " +
                           [] {
                             std::string all;
                             for (const std::string &n : nn::oneShotNames())
                               all += (all.empty() ? "" : ", ") + n;
                             return all;
                           }() +
                           ")");
  }

  std::string out = o.out.empty() ? "nasc-out/" + name : o.out;
  std::filesystem::create_directories(out);
  // The store first: it locks the run folder, so a second search on the
  // same folder is refused before it touches weights/ or anything else.
  search::Store store(out + "/search.db",
                      search::SearchDriver::storeMeta(space, search, dopt, strategyName, strategyArgs), o.resume);
  // The folder's artefact is the store's: replaced when the store is (a
  // resume refused for a damaged row, or with nothing to add, keeps both).
  store.onFirstWrite([&] { pending.install(); });
  torch::Device device = deviceOf(o.device);
  nn::useAllCores();

  nn::EstimatorOptions eopt;
  eopt.device = device;
  eopt.seed = settings.seed;
  eopt.weightsDir = out + "/weights";
  eopt.latencyBatch = o.latencyBatch;
  eopt.log = o.quiet ? nullptr : &std::cerr;
  std::unique_ptr<search::Estimator> estimator;
  nn::TrainingEstimator *trainer = nullptr;
  search::SearchResult result;
  if (oneShot) {
    std::cerr << "nasc: search " << name << ": space " << space.name() << " (" << space.json().value("size", "?")
              << " architectures), one-shot method " << strategyName << ", device " << device.str()
              << ", run kept in " << out << "\n";
    nn::OneShotRun run{artefact.ops(), space, search, dopt, store, eopt, !o.deriveOnly};
    nn::OneShotResult r = oneShot->run(run);
    if (r.derived) { // derived, not trained: export it as it is
      store.finish("derived");
      std::string id = space.id(*r.derived);
      std::cout << "search " << name << ": derived by " << strategyName << "\nderived: " << id << "\n  hash: "
                << space.hash(id) << "\n";
      exportBest(o, artefact, space, *r.derived, name, id);
      std::cout << "exported: " << out << "/best.nas\n";
      return 0;
    }
    result = std::move(r.search);
    trainer = r.estimator.get();
    estimator = std::move(r.estimator);
  } else {
    if (!settings.estimator.is_null() && settings.estimator.at("impl") == "table") {
      estimator = search::TableEstimator::fromSetting(space, settings.estimator);
    } else {
      auto t = std::make_unique<nn::TrainingEstimator>(artefact.ops(), space, search, eopt);
      trainer = t.get();
      estimator = std::move(t);
    }
    std::unique_ptr<search::Strategy> strategy =
        search::makeStrategy(strategyName, space, strategyArgs, settings.seed);
    std::cerr << "nasc: search " << name << ": space " << space.name() << " (" << space.json().value("size", "?")
              << " architectures), strategy " << strategyName << ", " << settings.budget << " evaluations, device "
              << device.str() << ", run kept in " << out << "\n";
    search::SearchDriver driver(space, search, *strategy, *estimator, &store, dopt);
    result = driver.run();
  }
  if (!result.best) {
    std::cerr << "nasc: error: no architecture met the constraints in " << result.records.size() << " evaluations\n";
    return 1;
  }
  const search::Record &best = *result.best;
  std::cout << "search " << name << ": " << result.records.size() << " evaluations (" << result.stopReason << ") in "
            << fixed(result.seconds, 1) << " s\n";
  std::cout << "best: " << best.id << "\n  hash: " << best.hash << "\n";
  printMetrics("metrics", best.eval.metrics);
  search::Evaluation report = best.eval;
  std::map<std::string, Json> hyper = space.values(best.arch);
  bool trained = trainer && trainer->trains();
  if (trained) {
    std::cerr << "nasc: evaluating the best architecture on the test split\n";
    report = trainer->finish(best.arch, hyper, out + "/best.pt");
  } else if (trainer) {
    std::cerr << "nasc: zero-cost scores rank untrained networks; train the best with: nasc train "
              << (o.source.empty() ? o.artefact : o.source) << " --arch '" << best.id << "'\n";
  }
  if (!report.report.empty())
    printMetrics("reported", report.report);
  exportBest(o, artefact, space, best.arch, name, best.id);
  std::cout << "exported: " << out << "/best.nas" << (trained ? ", weights " + out + "/best.pt" : "") << "\n";
  if (!result.pareto.empty())
    reportPareto(o, artefact, space, search, result.pareto, name);
  return 0;
}

/// `latency-table --fit FILE.csv --fit-device D`: per-op latencies fit to
/// the whole networks' latencies of device D (nn::fitLatencyTable).
nn::LatencyTable fitLatencyTable(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space) {
  if (o.fitDevice.empty())
    throw cli::OptionError("--fit needs --fit-device D (which column of " + o.fit + " to fit)");
  search::TableEstimator::LatencyFile file = search::TableEstimator::readLatencies(space, o.fit);
  if (std::find(file.devices.begin(), file.devices.end(), o.fitDevice) == file.devices.end()) {
    std::string known;
    for (const std::string &d : file.devices)
      known += (known.empty() ? "" : ", ") + d;
    throw std::runtime_error(o.fit + ": no device '" + o.fitDevice + "' (its devices are " + known + ")");
  }
  std::vector<nn::MeasuredLatency> samples;
  for (const auto &row : file.rows)
    samples.push_back({space.parseId(row.id), row.ms.at(o.fitDevice)});
  // NAS-Bench-201's figures are at batch 1 except titan_rtx_256's.
  int64_t batch = o.fitDevice.size() > 4 && o.fitDevice.compare(o.fitDevice.size() - 4, 4, "_256") == 0 ? 256 : 1;
  nn::LatencyFit fit = nn::fitLatencyTable(artefact.ops(), space, samples, o.fitDevice, batch);
  fit.table.fitted["from"] = o.fit;
  std::cout << std::fixed << std::setprecision(2) << "latency fit: " << fit.samples << " networks of " << o.fit
            << " on " << o.fitDevice << " (" << fit.constant
            << " left out: their output does not depend on their input): mean |error| " << fit.meanErrorPct << "% (fit to all); held out "
            << fit.heldOut << ": mean |error| " << fit.heldOutErrorPct << "%, max " << fit.heldOutMaxErrorPct
            << "%; base " << fit.table.baseMs << " ms\n"
            << std::defaultfloat;
  return fit.table;
}

/// `nasc-run latency-table SPACE.nasa --out FILE`: the latency of every op
/// configuration of the search's space on this device (nn/Latency.h).
int runLatencyTable(const Options &o) {
  if (o.out.empty())
    throw cli::OptionError("'latency-table' needs --out FILE (where the table goes)");
  runtime::Artefact artefact = loadArtefact(o);
  const Json &search = pickSearch(artefact, o.search);
  runtime::Space space(artefact.space(search.at("settings").at("space").at("space").get<std::string>()), &search);
  nn::LatencyTable table;
  if (!o.fit.empty()) {
    table = fitLatencyTable(o, artefact, space);
  } else {
    if (!o.fitDevice.empty())
      throw cli::OptionError("--fit-device names a device of the --fit file; give --fit FILE.csv too");
    nn::useAllCores();
    torch::Device device = deviceOf(o.device);
    table = nn::measureLatencyTable(artefact.ops(), space, device, o.latencyBatch, o.quiet ? nullptr : &std::cerr);
  }
  std::string tmp = o.out + ".tmp";
  {
    std::ofstream out(tmp);
    out << table.toJson().dump(1) << "\n";
    if (!out)
      throw std::runtime_error(o.out + ": cannot write the latency table");
  }
  std::filesystem::rename(tmp, o.out);
  std::cout << "latency table: " << table.ms.size() << " op configurations of space " << space.name() << " on "
            << table.device << " at batch " << table.batch << ": " << o.out << "\n";
  return 0;
}

int runTrain(const Options &o, PendingArtefact &pending) {
  runtime::Artefact artefact = loadArtefact(o);
  const Json &search = pickSearch(artefact, o.search);
  runtime::Space space(artefact.space(search.at("settings").at("space").at("space").get<std::string>()), &search);
  runtime::Architecture a = space.parseId(o.arch);
  Json block = search;
  if (o.epochs > 0) { // a full_training estimator of that length
    block["settings"]["estimator"] = {{"extern", "full_training"}, {"kind", "estimator"}, {"impl", "full_training"},
                                      {"args", {{"epochs", {{"const", o.epochs}}}}}};
  }
  nn::useAllCores();
  nn::EstimatorOptions eopt;
  eopt.device = deviceOf(o.device);
  eopt.seed = o.seed.value_or(0);
  eopt.latencyBatch = o.latencyBatch;
  eopt.log = &std::cerr;
  std::string out = o.out.empty() ? "nasc-out/train" : o.out;
  std::filesystem::create_directories(out);
  // A search's run folder keeps the search's artefact (its store's).
  if (!std::filesystem::exists(out + "/search.db"))
    pending.install();
  eopt.weightsDir = out + "/weights"; // finish() reloads them instead of training again
  nn::TrainingEstimator trainer(artefact.ops(), space, block, eopt);
  search::Evaluation e = trainer.evaluate(a, space.values(a));
  std::cout << "architecture: " << space.id(a) << "\n";
  printMetrics("metrics", e.metrics);
  search::Evaluation t = trainer.finish(a, space.values(a), out + "/model.pt");
  printMetrics("test", t.report);
  std::cout << "weights: " << out << "/model.pt\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  PendingArtefact pending(o);
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
      else if (a == "--out")
        o.out = args.value();
      else if (a == "--source")
        o.source = args.value();
      else if (a == "--install-artefact")
        o.installArtefact = args.value();
      else if (a == "--arch")
        o.arch = args.value();
      else if (a == "--device")
        o.device = checkDevice(args.value());
      else if (a == "--fit")
        o.fit = args.value();
      else if (a == "--fit-device")
        o.fitDevice = args.value();
      else if (a == "--resume" || a == "--quiet" || a == "--derive-only") {
        if (args.hasInlineValue())
          return usage(a + " takes no value");
        (a == "--resume" ? o.resume : a == "--quiet" ? o.quiet : o.deriveOnly) = true;
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
  if (o.command != "search" && o.command != "train" && o.command != "latency-table")
    return usage(o.command.empty() ? "no command given" : "unknown command '" + o.command + "'");
  if (o.artefact.empty())
    return usage("'" + o.command + "' needs a .nasa artefact");
  if (o.command == "train" && o.arch.empty())
    return usage("'train' needs --arch ID (see nasc info FILE --arch)");
  try {
    if (o.command == "latency-table")
      return runLatencyTable(o);
    return o.command == "search" ? runSearch(o, pending) : runTrain(o, pending);
  } catch (const std::exception &e) {
    std::cerr << "nasc: error: " << e.what() << "\n";
    return 1;
  }
}
