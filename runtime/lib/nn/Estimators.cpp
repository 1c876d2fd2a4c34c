//===- Estimators.cpp - Estimators that train networks --------------------===//
#include "nasc/nn/Estimators.h"

#include "nasc/data/Dataset.h"
#include "nasc/nn/PathSampler.h"
#include "nasc/nn/Progressive.h"
#include "nasc/search/Driver.h"
#include "nasc/nn/ZeroCost.h"

#include <algorithm>

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <sstream>

namespace nasc::nn {

using runtime::asDouble;
using runtime::asInt;
using runtime::asString;
using search::Evaluation;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// A setting's argument, evaluated, or `fallback` when the setting leaves it out.
Json arg(const Json &setting, const char *key, const Json &fallback, const runtime::Env &env) {
  if (setting.is_object() && setting.contains("args") && setting["args"].contains(key))
    return runtime::evaluate(setting["args"][key], env);
  return fallback;
}

/// Saves `module` to `file` through a temporary file beside it and a
/// rename: a process killed while saving leaves the previous file (or
/// none), never a truncated one that a resumed search would trip over.
template <class Module> void saveAtomically(const Module &module, const std::string &file) {
  std::string tmp = file + ".tmp";
  torch::save(module, tmp);
  std::filesystem::rename(tmp, file);
}

/// Loads `file` (weights this run saved, `what` they are) into `module`.
/// A file that does not load (damaged, truncated, from another space) is
/// an error naming it that stops the search: scoring architectures with
/// it, or training again over it, would give another run.
template <class Module> void loadKept(Module &module, const std::string &file, const std::string &what) {
  std::string why;
  try {
    torch::load(module, file);
    return;
  } catch (const c10::Error &e) {
    why = e.what_without_backtrace();
  } catch (const std::exception &e) {
    why = e.what();
  }
  if (size_t eol = why.find('\n'); eol != std::string::npos)
    why.resize(eol);
  throw search::FatalEstimatorError(file + ": cannot load " + what + " (" + why +
                                    "): the file is damaged or from another run; delete it to train again, "
                                    "or pass a new --out folder");
}

const Json &datasetSetting(const Json &search) {
  const Json &s = search.at("settings");
  if (!s.contains("dataset") || s["dataset"].is_null())
    throw std::invalid_argument("search '" + search.at("name").get<std::string>() +
                                "' has no dataset: training estimators need one");
  return s["dataset"];
}

/// What tells two loads of a dataset setting apart.
std::string dataKey(const Space &space, const Json &search, const Architecture &a) {
  const Json &ds = datasetSetting(search);
  std::map<std::string, Json> values = space.values(a);
  runtime::Env env;
  env.decisions = &values;
  return ds.at("impl").get<std::string>() + "|" + asString(arg(ds, "root", "", env)) + "|" +
         std::to_string(asDouble(arg(ds, "valid_fraction", 0.1, env))) + "|" +
         std::to_string(asInt(arg(ds, "size", 0, env)));
}

/// The images of `d` have the shape of `a`'s input.
void checkInput(const Space &space, const SearchData &d, const Architecture &a) {
  std::map<std::string, Json> values = space.values(a);
  runtime::Env env;
  env.decisions = &values;
  const Json &s = space.json().at("inputs").at(0).at("shape");
  int64_t c = asInt(runtime::evaluate(s[0], env)), h = asInt(runtime::evaluate(s[1], env)),
          w = asInt(runtime::evaluate(s[2], env));
  // An elastic resolution resizes each batch to the architecture's input.
  bool resized = space.resolutionDecided();
  if (c != d.train.channels() || (!resized && (h != d.train.height() || w != d.train.width())))
    throw std::invalid_argument("the space's input is " + std::to_string(c) + "x" + std::to_string(h) + "x" +
                                std::to_string(w) + " but dataset '" + d.train.name + "' has " +
                                std::to_string(d.train.channels()) + "x" + std::to_string(d.train.height()) + "x" +
                                std::to_string(d.train.width()) + " images");
}

} // namespace

SearchData loadSearchData(const Space &space, const Json &search, const Architecture &a, uint64_t seed,
                          double subset) {
  const Json &ds = datasetSetting(search);
  std::map<std::string, Json> values = space.values(a);
  runtime::Env env;
  env.decisions = &values;
  std::string impl = ds.at("impl").get<std::string>();
  std::string root = asString(arg(ds, "root", "", env));
  double validFraction = asDouble(arg(ds, "valid_fraction", 0.1, env));
  int64_t size = asInt(arg(ds, "size", 0, env));
  SearchData d;
  data::Dataset all = data::loadDataset(impl, root, /*train=*/true, size);
  std::tie(d.train, d.valid) = data::splitTrainValid(all, validFraction, seed);
  if (data::hasTestSplit(impl, root))
    d.test = data::loadDataset(impl, root, /*train=*/false, size);
  if (subset < 1.0)
    d.train = data::subset(d.train, subset, seed);
  d.norm = data::channelStats(d.train);
  if (impl == "cifar10" || impl == "cifar100")
    d.augment = {4, true}; // the standard CIFAR pad-crop and flip
  else if (impl == "image_folder")
    d.augment = {0, true};
  checkInput(space, d, a);
  return d;
}

struct TrainingEstimator::Impl {
  Json ops;
  Space space;
  Json search;
  EstimatorOptions options;
  std::string kind; // full_training, low_fidelity, supernet
  int64_t epochs = 1;
  double subsetFraction = 1.0, widthMult = 1.0;
  std::string supernetMode = "uniform";
  double distill = 1.0; // progressive, sandwich
  /// progressive and sandwich train an elastic (weight-sliced) supernet.
  bool elastic() const { return supernetMode == "progressive" || supernetMode == "sandwich"; }
  std::string proxy = "naswot"; // zero_cost
  int64_t proxyBatch = 64;
  /// The data one architecture trains on. A dataset setting may read the
  /// search's decisions (EfficientNet's resolution follows phi): one load
  /// per distinct setting, kept.
  using Data = SearchData;
  std::map<std::string, Data> loaded;
  std::shared_ptr<Network> supernet;
  bool supernetTrained = false;

  Impl(const Json &ops, const Space &space, const Json &search, const EstimatorOptions &o)
      : ops(ops), space(space), search(search), options(o) {}

  const Json &setting(const char *key) const {
    static const Json none;
    const Json &s = search.at("settings");
    return s.contains(key) ? s[key] : none;
  }

  uint64_t seedFor(const Architecture &a) const {
    std::ostringstream reals;
    for (double r : a.real)
      reals << r << ";";
    return options.seed ^ std::stoull(Space::hash(space.id(space.canonical(a)) + "|" + reals.str()), nullptr, 16);
  }

  TrainOptions trainOptions(const Architecture &a, const Data &d) const {
    std::map<std::string, Json> values = space.values(a);
    runtime::Env env;
    env.decisions = &values;
    TrainOptions o = optionsFromSetting(setting("optimizer"), env);
    // The optimizer's epochs set the schedule's length; the estimator's how long to train.
    o.epochs = epochs;
    o.augment = d.augment;
    o.seed = seedFor(a);
    o.device = options.device;
    return o;
  }

  /// The data `a` trains on (loaded on first use), checked against the
  /// shape of `a`'s input.
  const Data &dataFor(const Architecture &a) {
    std::string key = dataKey(space, search, a);
    auto it = loaded.find(key);
    if (it == loaded.end())
      it = loaded.emplace(key, loadSearchData(space, search, a, options.seed, subsetFraction)).first;
    else
      checkInput(space, it->second, a);
    return it->second;
  }

  /// Trained weights are kept per architecture and hyperparameters (two
  /// learning rates train two networks), and per budget when a strategy
  /// sets the epochs (hyperband trains one network at several).
  std::string weightsKey(const Architecture &a) const {
    std::string id = space.fullId(space.canonical(a));
    return Space::hash(budget > 0 ? id + "@" + std::to_string(budget) : id);
  }
  /// The epochs of the evaluation in progress when a strategy chose them
  /// (evaluateAt), else 0: the estimator's own `epochs`.
  int64_t budget = 0;

  std::string weightsFile(const std::string &name) const {
    return options.weightsDir.empty() ? "" : options.weightsDir + "/" + name + ".pt";
  }

  void trainSupernet(const Architecture &any) {
    if (supernetTrained)
      return;
    trainSupernetOnce(any);
    if (options.supernetTrained)
      options.supernetTrained();
  }

  void trainSupernetOnce(const Architecture &any) {
    torch::manual_seed(options.seed);
    supernet = elastic() ? Network::elastic(ops, space, any) : Network::supernet(ops, space, Mode::SinglePath, any);
    supernet->to(options.device);
    std::string file = weightsFile("supernet");
    if (!file.empty() && std::filesystem::exists(file)) {
      loadKept(supernet, file, "the trained supernet"); // a resumed search does not train it again
      supernetTrained = true;
      return;
    }
    const Data &d = dataFor(any);
    TrainOptions o = trainOptions(any, d);
    o.seed = options.seed;
    o.onEpoch = options.supernetEpochs;
    if (elastic()) {
      int64_t sliced = 0, params = 0;
      for (const Network::Place &p : supernet->places())
        sliced += p.kind == Network::Place::Elastic, params += p.params + p.transformParams;
      if (options.log)
        *options.log << "supernet: elastic, " << sliced << " sliced layer(s), " << params
                     << " parameters; training by " << supernetMode << (supernetMode == "progressive" ? " shrinking" : " rule")
                     << ", " << epochs << " epoch(s)" << (supernetMode == "progressive" ? " a stage" : "") << "\n";
      ElasticTraining t;
      t.mode = supernetMode;
      t.epochs = epochs;
      t.distill = distill;
      t.checkpoint = weightsFile("supernet-progress");
      t.fingerprint = search::SearchDriver::fingerprint(space, search) + " " + std::to_string(options.seed);
      t.writes = options.writes;
      t.log = options.log;
      double start = now();
      trainElastic(*supernet, ops, space, d.train, d.norm, o, t);
      if (options.log)
        *options.log << "supernet: trained in " << int(now() - start) << " s\n";
      if (!file.empty() && options.writes) {
        std::filesystem::create_directories(options.weightsDir);
        saveAtomically(supernet, file);
        std::filesystem::remove(t.checkpoint); // supernet.pt now stands for it
      }
      supernetTrained = true;
      return;
    }
    std::unique_ptr<PathSampler> sampler = makePathSampler(supernetMode, ops, space, options.seed);
    double start = now();
    if (options.log)
      *options.log << "supernet: " << supernet->numModules() << " modules, training " << epochs
                   << " epoch(s) by " << supernetMode << " path sampling\n";
    nn::train(*supernet, d.train, d.norm, o, [&](int64_t) { return sampler->next(); });
    if (options.log)
      *options.log << "supernet: trained in " << int(now() - start) << " s\n";
    if (!file.empty() && options.writes) {
      std::filesystem::create_directories(options.weightsDir);
      saveAtomically(supernet, file);
    }
    supernetTrained = true;
  }
};

TrainingEstimator::TrainingEstimator(const Json &ops, const Space &space, const Json &search,
                                     const EstimatorOptions &options)
    : impl_(std::make_unique<Impl>(ops, space, search, options)) {
  Impl &m = *impl_;
  const Json &est = m.setting("estimator");
  m.kind = est.is_null() ? "full_training" : est.at("impl").get<std::string>();
  runtime::Env env;
  if (m.kind == "full_training") {
    m.epochs = asInt(arg(est, "epochs", 200, env));
  } else if (m.kind == "low_fidelity") {
    m.epochs = asInt(arg(est, "epochs", 10, env));
    m.subsetFraction = asDouble(arg(est, "subset", 1.0, env));
    m.widthMult = asDouble(arg(est, "width_mult", 1.0, env));
    if (m.widthMult <= 0 || m.widthMult > 4)
      throw std::invalid_argument("low_fidelity: width_mult must be in (0, 4]");
    if (m.subsetFraction <= 0 || m.subsetFraction > 1)
      throw std::invalid_argument("low_fidelity: subset must be in (0, 1]");
  } else if (m.kind == "supernet") {
    m.epochs = asInt(arg(est, "epochs", 100, env));
    m.supernetMode = asString(arg(est, "mode", "uniform", env));
    m.distill = asDouble(arg(est, "distill", 1.0, env));
    if (m.distill < 0)
      throw std::invalid_argument("supernet: distill must not be negative");
    if (m.supernetMode == "progressive")
      elasticStages(m.supernetMode, m.epochs, {}); // progressive is not a path sampler
    else
      makePathSampler(m.supernetMode, m.ops, m.space, 0); // an unknown mode fails here
  } else if (m.kind == "zero_cost") {
    m.epochs = 1; // nothing trains; one batch scores
    m.proxy = asString(arg(est, "proxy", "naswot", env));
    m.proxyBatch = asInt(arg(est, "batch_size", 64, env));
    const auto &known = zeroCostProxies();
    if (std::find(known.begin(), known.end(), m.proxy) == known.end())
      throw std::invalid_argument("zero_cost: no proxy '" + m.proxy + "' in this runtime (it has naswot, synflow, snip, grad_norm, jacob_cov)");
    if (m.proxyBatch < 2)
      throw std::invalid_argument("zero_cost: batch_size must be at least 2");
  } else {
    throw std::invalid_argument("estimator '" + m.kind +
                                "' does not build networks (these do: full_training, low_fidelity, supernet, zero_cost)");
  }
  if (m.epochs < 1)
    throw std::invalid_argument(m.kind + ": epochs must be at least 1");
  runtime::Rng rng(options.seed); // fail now, not at the first evaluation, when the data is wrong
  m.dataFor(m.space.sample(rng));
}

TrainingEstimator::~TrainingEstimator() = default;

bool TrainingEstimator::trains() const { return impl_->kind != "zero_cost"; }

bool TrainingEstimator::takesBudget() const {
  return impl_->kind == "full_training" || impl_->kind == "low_fidelity";
}

namespace {
/// Sets the epochs (and the weights' key) for one evaluation.
struct BudgetScope {
  TrainingEstimator::Impl &m;
  int64_t epochs;
  BudgetScope(TrainingEstimator::Impl &m, int64_t budget) : m(m), epochs(m.epochs) {
    if (budget > 0)
      m.epochs = m.budget = budget;
  }
  ~BudgetScope() { m.epochs = epochs, m.budget = 0; }
};
} // namespace

Evaluation TrainingEstimator::evaluateAt(const Architecture &a, const std::map<std::string, Json> &hyper,
                                         int64_t budget) {
  if (!takesBudget())
    throw std::invalid_argument("the " + impl_->kind + " estimator takes no budget (epochs per evaluation)");
  BudgetScope scope(*impl_, budget);
  return evaluate(a, hyper);
}

Evaluation TrainingEstimator::evaluate(const Architecture &a, const std::map<std::string, Json> &) {
  Impl &m = *impl_;
  Evaluation e;
  double start = now();
  std::shared_ptr<Network> net;
  const Impl::Data &d = m.dataFor(a);
  if (m.kind == "zero_cost") {
    // Every architecture is scored on the same batch, at its own seeded
    // initialization: the scores rank architectures, not batches.
    torch::manual_seed(m.seedFor(a));
    net = Network::child(m.ops, m.space, a);
    net->to(m.options.device);
    data::Loader loader(d.train, m.proxyBatch, /*shuffle=*/true, m.options.seed, {}, d.norm, m.options.device);
    data::Batch batch = loader.batch(0);
    double score = zeroCostScore(*net, m.proxy, batch.images, batch.labels);
    e.metrics["zero_cost"] = score;
    e.metrics["accuracy"] = score; // what `maximize accuracy` ranks by: the proxy stands in for it
    e.metrics["train_seconds"] = now() - start;
    e.metrics["params"] = net->plan().params;
    e.metrics["flops"] = net->plan().flops;
    return e;
  }
  if (m.kind == "supernet") {
    m.trainSupernet(a);
    m.supernet->setArchitecture(a);
    if (m.supernet->isElastic()) { // scored as the child it hands out: its slices, its own latency
      net = Network::child(m.ops, m.space, a);
      net->to(m.options.device);
      net->inheritFrom(*m.supernet);
    } else {
      net = m.supernet;
    }
    recalibrateBatchNorm(*net, d.train, d.norm, 64, 8, m.options.device, m.seedFor(a));
  } else {
    torch::manual_seed(m.seedFor(a));
    net = Network::child(m.ops, m.space, a, m.widthMult);
    net->to(m.options.device);
    Measured t = nn::train(*net, d.train, d.norm, m.trainOptions(a, d));
    e.metrics["train_loss"] = t.loss;
    e.metrics["train_accuracy"] = t.accuracy;
    if (std::string file = m.weightsFile(m.weightsKey(a)); !file.empty() && m.options.writes) {
      std::filesystem::create_directories(m.options.weightsDir);
      saveAtomically(net, file);
    }
  }
  e.metrics["train_seconds"] = now() - start;
  Measured v = nn::evaluate(*net, d.valid, d.norm, 256, m.options.device);
  e.metrics["accuracy"] = v.accuracy;
  e.metrics["loss"] = v.loss;
  e.metrics["params"] = net->plan().params;
  e.metrics["flops"] = net->plan().flops;
  const runtime::Shape input{d.train.channels(), d.train.height(), d.train.width()};
  e.metrics["latency"] = measureLatencyMs(*net, input, m.options.latencyBatch, m.options.device);
  return e;
}

double TrainingEstimator::metric(const std::string &name, const Json &args, const Evaluation &e) const {
  if (name == "latency" || name == "energy") {
    std::string device = args.contains("device") ? asString(args["device"]) : "";
    if (name == "energy" || (device != "cpu" && device != "local" && device != impl_->options.device.str()))
      throw std::invalid_argument("this estimator measures latency on this machine only (device \"cpu\"), not " +
                                  name + "(\"" + device + "\")");
  }
  return search::Estimator::metric(name, args, e);
}

Evaluation TrainingEstimator::finish(const Architecture &best, const std::map<std::string, Json> &,
                                     const std::string &weightsPath, int64_t budget) {
  Impl &m = *impl_;
  BudgetScope scope(m, takesBudget() ? budget : 0);
  Evaluation e;
  if (m.kind == "zero_cost")
    return e; // nothing was trained: there is no network to report on
  // Seeded as evaluate() seeds it: retrained (weights not kept), it is the same network.
  torch::manual_seed(m.seedFor(best));
  std::shared_ptr<Network> net = Network::child(m.ops, m.space, best, m.kind == "supernet" ? 1.0 : m.widthMult);
  net->to(m.options.device);
  std::string kept = m.weightsFile(m.weightsKey(best));
  const Impl::Data &d = m.dataFor(best);
  if (m.kind == "supernet") {
    m.trainSupernet(best);
    m.supernet->setArchitecture(best);
    net->inheritFrom(*m.supernet);
    recalibrateBatchNorm(*net, d.train, d.norm, 64, 8, m.options.device, m.seedFor(best));
  } else if (!kept.empty() && std::filesystem::exists(kept)) {
    loadKept(net, kept, "the best architecture's trained weights");
  } else {
    nn::train(*net, d.train, d.norm, m.trainOptions(best, d));
  }
  const data::Dataset &held = d.test.size() > 0 ? d.test : d.valid;
  Measured t = nn::evaluate(*net, held, d.norm, 256, m.options.device);
  e.report["accuracy"] = t.accuracy;
  e.report["loss"] = t.loss;
  e.report["test_samples"] = double(t.samples);
  e.metrics["params"] = double(countParameters(*net));
  if (!weightsPath.empty())
    saveAtomically(net, weightsPath);
  return e;
}

} // namespace nasc::nn
