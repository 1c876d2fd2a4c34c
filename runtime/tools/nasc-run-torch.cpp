//===- nasc-run-torch.cpp - The runtime's LibTorch half --------------------===//
//
// What nasc-run hands over (RunCommon.h): searches that train (full or low
// fidelity, supernets, one-shot methods, zero-cost proxies, measured
// latencies), `train` and `latency-table`, and any run given --device. It
// takes nasc-run's command line and does table searches too.
//
//===----------------------------------------------------------------------===//
#include "RunCommon.h"
#include "TorchCommon.h"
#include "nasc/cli/CommandLine.h"
#include "nasc/dist/Mpi.h"
#include "nasc/data/DataError.h"
#include "nasc/nn/Estimators.h"
#include "nasc/nn/Latency.h"
#include "nasc/nn/OneShot.h"
#include "nasc/nn/Onnx.h"
#include "nasc/nn/Progressive.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Export.h"
#include "nasc/search/Driver.h"
#include "nasc/search/Store.h"
#include "nasc/search/TableEstimator.h"

#include <torch/cuda.h>
#include <torch/serialize.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <iostream>
#include <regex>
#include <stdexcept>

using namespace nasc;
using namespace nasc::runtool;
using runtime::Json;

namespace {
/// The devices this build can run on, for messages: cpu, and cuda when
/// LibTorch was built with CUDA and sees a device.
std::string supportedDevices() { return torch::cuda::is_available() ? "cpu, cuda" : "cpu"; }
} // namespace

std::string nasc::runtool::checkDevice(const std::string &name) {
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

torch::Device nasc::runtool::deviceOf(const std::string &name) {
  if (name.empty())
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  return torch::Device(checkDevice(name));
}

SearchEstimator nasc::runtool::makeEstimator(const runtime::Artefact &artefact, const runtime::Space &space,
                                             const Json &search, const search::SearchSettings &settings,
                                             const nn::EstimatorOptions &eopt) {
  SearchEstimator e;
  if (!settings.estimator.is_null() && settings.estimator.at("impl") == "table") {
    e.estimator = search::TableEstimator::fromSetting(space, settings.estimator);
  } else {
    auto t = std::make_unique<nn::TrainingEstimator>(artefact.ops(), space, search, eopt);
    e.trainer = t.get();
    e.estimator = std::move(t);
  }
  return e;
}

namespace {

double trainedWidth(const Json *search);
std::shared_ptr<nn::Network> writeOnnx(const runtime::Artefact &artefact, const runtime::Space &space,
                                       const runtime::Architecture &a, const std::string &weights, uint64_t seed,
                                       int64_t batch, const std::string &output, double width);
} // namespace

/// After ofa_specialize: each target's network, as the search measured it
/// with the supernet's weights, then on the test split (the estimator's
/// finish(): inherited weights, BN recalibrated), exported as
/// OUT/specialized-LABEL.nas and .pt.
static void reportSpecialized(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                       const search::SearchResult &result, const std::vector<nn::OneShotResult::Specialized> &list,
                       const std::string &name, const std::string &out, nn::TrainingEstimator &trainer) {
  for (const nn::OneShotResult::Specialized &w : list) {
    std::cout << "specialized for " << w.target << ": ";
    if (w.figures.at("feasible") <= 0) {
      std::cout << "no architecture found that meets it\n";
      continue;
    }
    std::string id = space.id(w.arch);
    std::cout << id << "\n  hash: " << space.hash(id) << "\n";
    std::map<std::string, double> figures = w.figures;
    figures.erase("feasible");
    printMetrics("predicted", figures);
    for (const search::Record &r : result.records)
      if (r.id == space.fullId(w.arch) && r.eval.error.empty()) {
        printMetrics("measured", r.eval.metrics);
        break;
      }
    std::string base = out + "/specialized-" + w.label;
    search::Evaluation e = trainer.finish(w.arch, space.values(w.arch), base + ".pt");
    printMetrics("reported", e.report);
    exportArchitecture(o, artefact, space, w.arch, base + ".nas", name + "Specialized",
                       "Search " + name + " (" + space.name() + ") specialised for " + w.target, id);
    std::cout << "exported: " << base << ".nas, weights " << base << ".pt\n";
  }
}

namespace {
int runSearch(const Options &o, PendingArtefact &pending) {
  runtime::Artefact artefact = loadArtefact(o);
  Json search = searchBlock(artefact, o);
  if (isTableSearch(artefact, search, o) && !o.deriveOnly) {
    if (o.exportOnnx)
      throw cli::OptionError("--export-onnx: a table search trains no network, so there are no weights to export");
    if (!o.device.empty())
      deviceOf(o.device); // checked, though a table needs none
    return runTableSearch(o, pending);
  }
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
  std::unique_ptr<search::RunLock> folder = lockRunFolder(o, out);
  search::Store store(storeLocation(o, out),
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
  eopt.supernetEpochs = [&store](int64_t epoch, const Json &figures) { store.appendEpoch(epoch, figures); };
  std::unique_ptr<search::Estimator> estimator;
  nn::TrainingEstimator *trainer = nullptr;
  search::SearchResult result;
  std::vector<nn::OneShotResult::Specialized> specialized;
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
    specialized = std::move(r.specialized);
  } else {
    SearchEstimator made = makeEstimator(artefact, space, search, settings, eopt);
    estimator = std::move(made.estimator);
    trainer = made.trainer;
    std::unique_ptr<search::Strategy> strategy =
        search::makeStrategy(strategyName, space, strategyArgs, settings.seed);
    std::unique_ptr<search::ProxyScorer> proxy; // zero_cost_ranking, warmup
    if (std::string p = strategy->proxyNeeded(); !p.empty()) {
      proxy = nn::makeProxyScorer(artefact.ops(), space, search, eopt, p);
      strategy->setProxyScorer(proxy.get());
    }
    std::cerr << "nasc: search " << name << ": space " << space.name() << " (" << space.json().value("size", "?")
              << " architectures), strategy " << strategyName << ", " << settings.budget << " evaluations, device "
              << device.str() << ", run kept in " << out << "\n";
    search::SearchDriver driver(space, search, *strategy, *estimator, &store, dopt);
    result = driver.run();
  }
  return finishSearch(o, artefact, space, search, result, name, out, trainer, specialized);
}

} // namespace

int nasc::runtool::finishSearch(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                                const Json &search, const search::SearchResult &result, const std::string &name,
                                const std::string &out, nn::TrainingEstimator *trainer,
                                const std::vector<nn::OneShotResult::Specialized> &specialized) {
  Finish finish;
  if (trainer && trainer->trains()) {
    finish.train = [&](const search::Record &best) {
      auto budget = best.eval.metrics.find("budget"); // hyperband: the epochs it won at
      return trainer->finish(best.arch, space.values(best.arch), out + "/best.pt",
                             budget == best.eval.metrics.end() ? 0 : int64_t(budget->second));
    };
    finish.weights = out + "/best.pt";
  } else if (trainer) {
    finish.note = "nasc: zero-cost scores rank untrained networks; train the best with: nasc train " +
                  (o.source.empty() ? o.artefact : o.source) + " --arch '" + result.best.value_or(search::Record{}).id +
                  "'\n";
  }
  int status = reportSearch(o, artefact, space, search, result, name, finish);
  if (o.exportOnnx) {
    if (finish.weights.empty() || !result.best || !std::filesystem::exists(finish.weights))
      throw std::invalid_argument("--export-onnx: this search trained no network for its best (zero-cost scores "
                                  "rank untrained ones): nothing to export");
    writeOnnx(artefact, space, result.best->arch, finish.weights, 0, 1, out + "/best.onnx", trainedWidth(&search));
    std::cout << "exported: " << out << "/best.onnx (ONNX, docs/export.md)\n";
  }
  if (status == 0 && trainer && !specialized.empty())
    reportSpecialized(o, artefact, space, result, specialized, name, out, *trainer);
  return status;
}

namespace {

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

/// `nasc-run supernet SPACE.nasa`: each weight-sharing mode's supernet of
/// the search's space, built, and what it holds (docs/runtime.md, "Elastic
/// supernets").
int runSupernetInfo(const Options &o) {
  runtime::Artefact artefact = loadArtefact(o);
  const Json &search = pickSearch(artefact, o.search);
  runtime::Space space(artefact.space(search.at("settings").at("space").at("space").get<std::string>()), &search);
  nn::ElasticDecisions ends = nn::elasticDecisions(artefact.ops(), space);
  double largest = runtime::plan(artefact.ops(), space, ends.largest).params;
  std::cout << "supernet of space " << space.name() << " (" << space.json().value("size", "?")
            << " architectures); the largest network has " << fixed(largest, 0) << " parameters\n";
  std::shared_ptr<nn::Network> elastic;
  try {
    elastic = nn::Network::elastic(artefact.ops(), space, ends.largest);
  } catch (const std::invalid_argument &e) {
    std::cout << "  not shareable: " << e.what() << "\n";
    return 0;
  }
  std::cout << "  node  place         kernel               mode               configurations  parameters\n";
  int64_t elasticParams = 0, transforms = 0, sliced = 0;
  for (const nn::Network::Place &p : elastic->places()) {
    bool isElastic = p.kind == nn::Network::Place::Elastic;
    std::cout << "  " << std::left << std::setw(6) << p.node << std::setw(14) << (p.path.empty() ? "-" : p.path)
              << std::setw(21) << p.impl
              << std::setw(19) << (isElastic ? "elastic" : p.configurations == 1 ? "fixed" : "per configuration")
              << std::setw(16) << p.configurations << fixed(double(p.params), 0)
              << (p.transformParams ? " + " + fixed(double(p.transformParams), 0) + " kernel transforms" : "")
              << std::right << "\n";
    elasticParams += p.params, transforms += p.transformParams, sliced += isElastic;
  }
  std::cout << "elastic (supernet(mode=\"progressive\"), \"sandwich\"): " << fixed(double(elasticParams), 0)
            << " parameters + " << fixed(double(transforms), 0) << " kernel transformation parameters; " << sliced
            << " sliced layer(s)\n";
  try {
    auto separate = nn::Network::supernet(artefact.ops(), space, nn::Mode::SinglePath, ends.largest);
    std::cout << "per configuration (supernet(mode=\"uniform\"), \"fair\"; spos, enas): "
              << fixed(double(nn::countParameters(*separate)), 0) << " parameters in " << separate->numModules()
              << " modules\n";
  } catch (const std::invalid_argument &e) {
    std::cout << "per configuration (supernet(mode=\"uniform\"), \"fair\"): not shareable: " << e.what() << "\n";
  }
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

/// The width the search's estimator trains its networks at (low_fidelity's
/// width_mult; 1 otherwise): the width of every weight file its run keeps.
double trainedWidth(const Json *search) {
  if (!search || !search->at("settings").contains("estimator"))
    return 1.0;
  const Json &e = search->at("settings").at("estimator");
  if (e.value("impl", "") != "low_fidelity" || !e.contains("args") || !e["args"].contains("width_mult"))
    return 1.0;
  return runtime::asDouble(runtime::evaluate(e["args"]["width_mult"], runtime::Env{}));
}

/// Architecture `a` with `weights` (a torch::save of its child network;
/// empty: initialized from `seed`) written to `output` as ONNX; the network,
/// at the width the search trains (trainedWidth).
std::shared_ptr<nn::Network> writeOnnx(const runtime::Artefact &artefact, const runtime::Space &space,
                                       const runtime::Architecture &a, const std::string &weights, uint64_t seed,
                                       int64_t batch, const std::string &output, double width) {
  torch::manual_seed(seed);
  std::shared_ptr<nn::Network> net = nn::Network::child(artefact.ops(), space, a, width);
  if (!weights.empty()) {
    try {
      torch::load(net, weights);
    } catch (const c10::Error &e) {
      std::string why = e.what_without_backtrace();
      throw std::runtime_error(weights + ": cannot load these weights into " + space.id(a) + " (" +
                               why.substr(0, why.find('\n')) + ")");
    }
  }
  net->eval();
  std::string bytes = nn::exportOnnx(*net, space, batch, space.name());
  writeAtomically(output, bytes);
  std::cerr << "nasc: exported " << space.id(a) << " ("
            << (weights.empty() ? "initialized, seed " + std::to_string(seed) : "weights " + weights)
            << (width != 1.0 ? ", at width " + fixed(width, 2) + ", the search's low_fidelity width_mult" : "") << ") to "
            << output << ": ONNX opset 13, input image [" << (batch == 0 ? "batch" : std::to_string(batch)) << ", "
            << net->plan().shapes[0].value_or(runtime::Shape{0, 0, 0})[0] << ", ...], " << bytes.size() / 1024
            << " KiB\n";
  return net;
}

/// `nasc-run export SPACE.nasa --arch ID -o NET.onnx [--weights W.pt]
/// [--search S] [--batch N|dynamic] [--seed N] [--reference-input IN
/// --reference-output OUT]`: the child network of ID with the weights of
/// W.pt (a run's best.pt or weights/HASH.pt; without it, initialized from
/// --seed) as ONNX. The reference files are raw float32: OUT gets what
/// LibTorch computes on IN ([batch, C, H, W]), what an ONNX runtime's
/// output is compared with (test/Runtime/Inputs/check_onnx.py).
int runExport(int argc, char **argv) {
  std::string artefactPath, arch, output, weights, searchName, refIn, refOut, format = "onnx";
  Options located; // --storage: a run folder's store in PostgreSQL
  int64_t batch = 1;
  uint64_t seed = 0;
  bool archGiven = false;
  try {
    std::vector<std::string> args(argv + 2, argv + argc);
    cli::ArgReader reader(args);
    while (!reader.done()) {
      std::string a = reader.next();
      if (a == "--arch")
        arch = reader.value(), archGiven = true; // "" names the one network of a space without decisions
      else if (a == "-o")
        output = reader.value("a file");
      else if (a == "--weights")
        weights = reader.value("a file");
      else if (a == "--search")
        searchName = reader.value();
      else if (a == "--format")
        format = reader.value();
      else if (a == "--batch") {
        std::string v = reader.value("a count or 'dynamic'");
        try {
          batch = v == "dynamic" ? 0 : int64_t(cli::parseCount(a, v, 1, 4096));
        } catch (const cli::OptionError &) {
          throw cli::OptionError("--batch: expected a whole number from 1 to 4096 or 'dynamic', got '" + v + "'");
        }
      } else if (a == "--seed")
        seed = cli::parseCount(a, reader.value());
      else if (a == "--reference-input")
        refIn = reader.value("a file");
      else if (a == "--reference-output")
        refOut = reader.value("a file");
      else if (a == "--storage")
        located.storage = reader.value("a PostgreSQL URI");
      else if (!a.empty() && a[0] == '-')
        return usage("unknown option '" + a + "' for export");
      else if (artefactPath.empty())
        artefactPath = a;
      else
        return usage("export takes one artefact");
    }
  } catch (const cli::OptionError &e) {
    return usage(e.what());
  }
  if (format != "onnx")
    return usage("--format " + format + ": export writes onnx");
  if (artefactPath.empty() || output.empty())
    return usage("export needs a run folder or SPACE.nasa, and -o FILE.onnx");
  // A run folder: its artefact and search, the best architecture unless
  // --arch names another, and the trained weights of that architecture
  // (weights/HASH.pt, or best.pt for the best).
  if (std::filesystem::is_directory(artefactPath)) {
    std::string dir = artefactPath;
    std::unique_ptr<search::Store> store = search::Store::openForReading(storeLocation(located, dir));
    if (searchName.empty())
      searchName = store->metaValue("search").value_or("");
    const search::Record *best = nullptr;
    std::vector<search::Record> rows = store->records();
    for (const search::Record &r : rows)
      if (r.score > -std::numeric_limits<double>::infinity() && (!best || r.score > best->score))
        best = &r;
    if (!archGiven) {
      if (!best)
        throw std::invalid_argument(dir + ": no evaluation met the constraints: name one with --arch");
      arch = best->id;
    }
    artefactPath = dir + "/space.nasa";
    if (weights.empty()) {
      std::string hash = runtime::Space::hash(arch);
      if (std::filesystem::exists(dir + "/weights/" + hash + ".pt"))
        weights = dir + "/weights/" + hash + ".pt";
      else if (best && best->id == arch && std::filesystem::exists(dir + "/best.pt"))
        weights = dir + "/best.pt";
      else
        throw std::invalid_argument(dir + " has no trained weights for " + arch +
                                    " (a table or zero-cost search trains none): pass --weights FILE.pt, or "
                                    "export the file with freshly initialized weights");
    }
  }
  else if (!archGiven)
    return usage("export needs --arch ID with an artefact or a .nas file");
  if (refIn.empty() != refOut.empty())
    return usage("--reference-input and --reference-output go together");
  runtime::Artefact artefact = runtime::loadArtefact(artefactPath);
  // The search's space (a run's IDs carry its hyperparameters) when there is
  // one search or one is named, else the only network's.
  std::optional<Json> search;
  if (!searchName.empty() || artefact.searches().size() == 1)
    search = pickSearch(artefact, searchName);
  std::unique_ptr<runtime::Space> space;
  if (search)
    space = std::make_unique<runtime::Space>(
        artefact.space(search->at("settings").at("space").at("space").get<std::string>()), &*search);
  else if (artefact.spaces().size() == 1)
    space = std::make_unique<runtime::Space>(artefact.spaces()[0]);
  else
    throw std::invalid_argument(artefactPath + " has several spaces and no search: name one with --search");
  runtime::Architecture a;
  try {
    a = space->canonical(space->parseId(arch));
  } catch (const std::invalid_argument &e) {
    throw std::invalid_argument("--arch: not an architecture of " + space->name() + ": " + e.what());
  }
  std::shared_ptr<nn::Network> net =
      writeOnnx(artefact, *space, a, weights, seed, batch, output, trainedWidth(search ? &*search : nullptr));
  if (!refIn.empty()) {
    std::string raw = cli::readFileLimited(refIn, uint64_t(1) << 30);
    const runtime::Shape &in = *net->plan().shapes[0];
    int64_t n = int64_t(raw.size() / sizeof(float)) / (in[0] * in[1] * in[2]);
    if (n < 1 || size_t(n * in[0] * in[1] * in[2]) * sizeof(float) != raw.size())
      throw std::invalid_argument(refIn + ": not a whole number of " + std::to_string(in[0]) + "x" +
                                  std::to_string(in[1]) + "x" + std::to_string(in[2]) + " float32 images");
    at::Tensor x = torch::from_blob(raw.data(), {n, in[0], in[1], in[2]}, torch::kFloat).clone();
    torch::NoGradGuard noGrad;
    at::Tensor y = net->forward(x).contiguous();
    std::ofstream out(refOut, std::ios::binary);
    out.write(reinterpret_cast<const char *>(y.data_ptr<float>()), std::streamsize(y.numel() * sizeof(float)));
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "export") {
    try {
      return runExport(argc, argv);
    } catch (const std::exception &e) {
      std::cerr << "nasc: error: " << e.what() << "\n";
      return 1;
    }
  }
  Options o;
  PendingArtefact pending(o);
  int status = parseOptions(argc, argv, o, checkDevice);
  if (status >= 0)
    return status;
  nn::setLatencyThreads(o.latencyThreads);
  if (o.workers > 0 || (o.dataParallel > 0 && dist::Mpi::launchedRanks() == 0))
    return launchRanks(argv, o);
  if (dist::Mpi::launchedRanks() > 1) {
    if (o.command == "search")
      return runParallelSearch(o, pending);
    std::cerr << "nasc: error: '" << o.command << "' runs in one process: run it without mpirun (a search "
              << "spreads its evaluations over the ranks)\n";
    return 2;
  }
  if (o.asynchronous)
    return usage("--asynchronous is for searches on workers: give --workers N, or run under mpirun");
  try {
    if (o.command == "latency-table")
      return runLatencyTable(o);
    if (o.command == "supernet")
      return runSupernetInfo(o);
    return o.command == "search" ? runSearch(o, pending) : runTrain(o, pending);
  } catch (const std::exception &e) {
    std::cerr << "nasc: error: " << e.what() << "\n";
    return 1;
  }
}
