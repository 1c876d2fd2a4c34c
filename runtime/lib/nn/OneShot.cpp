//===- OneShot.cpp - The registry of one-shot methods and their helpers ---===//
#include "nasc/nn/OneShot.h"
#include "nasc/nn/DataParallel.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <filesystem>
#include <iomanip>
#include <mutex>
#include <sstream>

#include <map>
#include <stdexcept>

namespace nasc::nn {

namespace {

std::map<std::string, OneShotFactory> &registry() {
  static std::map<std::string, OneShotFactory> r;
  return r;
}

// Each built-in method's anchor (NASC_REGISTER_ONESHOT defines it): nasc_nn
// is a static library, and a file nothing references is not linked.
#define NASC_BUILTIN_ONESHOT(X) X(darts) X(drnas) X(enas) X(fair_darts) X(fbnet) X(gdas) X(ofa_specialize) X(pc_darts) X(proxyless) X(spos)
#define NASC_DECLARE_ONESHOT_ANCHOR(IMPL) extern "C" bool nascOneShotAnchor_##IMPL();
} // namespace
} // namespace nasc::nn

NASC_BUILTIN_ONESHOT(NASC_DECLARE_ONESHOT_ANCHOR)

namespace nasc::nn {

namespace {
void registerBuiltins() {
#define NASC_CALL_ONESHOT_ANCHOR(IMPL) (void)nascOneShotAnchor_##IMPL();
  NASC_BUILTIN_ONESHOT(NASC_CALL_ONESHOT_ANCHOR)
}

/// Asks for the given architectures in order: how the driver trains and
/// stores what a one-shot method derived.
class FixedStrategy : public search::Strategy {
public:
  explicit FixedStrategy(std::vector<Architecture> archs) : archs_(std::move(archs)) {}
  std::optional<Architecture> ask() override {
    if (next_ >= archs_.size())
      return std::nullopt;
    return archs_[next_++];
  }
  void tell(const Architecture &, double) override {}
  Json save() const override { return {{"next", next_}}; }
  void restore(const Json &state) override { next_ = state.at("next").get<size_t>(); }

private:
  std::vector<Architecture> archs_;
  size_t next_ = 0;
};
} // namespace

void registerOneShot(const std::string &impl, OneShotFactory factory) { registry()[impl] = std::move(factory); }

bool isOneShot(const std::string &impl) {
  registerBuiltins();
  return registry().count(impl) > 0;
}

std::vector<std::string> oneShotNames() {
  registerBuiltins();
  std::vector<std::string> out;
  for (auto &[name, f] : registry())
    out.push_back(name);
  return out;
}

std::unique_ptr<OneShotMethod> makeOneShot(const std::string &impl, const Json &args) {
  registerBuiltins();
  auto it = registry().find(impl);
  if (it == registry().end())
    throw std::invalid_argument("no one-shot method '" + impl + "' in this runtime");
  return it->second(args);
}

double oneShotNumber(const Json &args, const char *key, double fallback) {
  Json v = search::strategyArg(args, key, fallback);
  return runtime::asDouble(v);
}

bool oneShotFlag(const Json &args, const char *key, bool fallback) {
  Json v = search::strategyArg(args, key, fallback);
  return runtime::asBool(v);
}

TrainOptions supernetTrainOptions(const Space &space, const Json &search, int64_t epochs, uint64_t seed,
                                  torch::Device device, const data::Augment &augment) {
  Architecture first = space.first();
  std::map<std::string, Json> values = space.values(first);
  runtime::Env env;
  env.decisions = &values;
  const Json &settings = search.at("settings");
  TrainOptions o = optionsFromSetting(settings.contains("optimizer") ? settings["optimizer"] : Json(), env);
  o.epochs = epochs;
  o.seed = seed;
  o.device = device;
  o.augment = augment;
  return o;
}

OneShotResult evaluateDerived(OneShotRun &run, const std::vector<Architecture> &archs) {
  OneShotResult r;
  r.estimator = std::make_unique<TrainingEstimator>(run.ops, run.space, run.search, run.estimator);
  FixedStrategy strategy(archs);
  search::DriverOptions d = run.driver;
  d.budget = archs.size();
  search::SearchDriver driver(run.space, run.search, strategy, *r.estimator, &run.store, d);
  r.search = driver.run();
  return r;
}

namespace {
at::Tensor textTensor(const std::string &s) {
  return torch::from_blob(const_cast<char *>(s.data()), {int64_t(s.size())}, torch::kUInt8).clone();
}

std::string tensorText(const at::Tensor &t) {
  at::Tensor c = t.contiguous();
  return std::string(reinterpret_cast<const char *>(c.data_ptr<uint8_t>()), size_t(c.numel()));
}
} // namespace

Checkpoint::Checkpoint(const OneShotRun &run, const std::string &method, const std::string &identity)
    : Checkpoint(run.estimator.weightsDir.empty() ? "" : run.estimator.weightsDir + "/" + method + ".pt",
                 search::SearchDriver::fingerprint(run.space, run.search) + " " + method + " " +
                     std::to_string(run.estimator.seed) + " " + identity,
                 method, run.driver.resume, run.estimator.writes, run.estimator.log) {}

Checkpoint::Checkpoint(std::string file, std::string fingerprint, std::string method, bool resume, bool writes,
                       std::ostream *log)
    : method_(std::move(method)), file_(std::move(file)), fingerprint_(std::move(fingerprint)), resume_(resume),
      writes_(writes), log_(log) {}

int64_t Checkpoint::resume(const std::function<void(torch::serialize::InputArchive &)> &read) {
  if (!resume_ || file_.empty() || !std::filesystem::exists(file_))
    return 0;
  std::string why;
  int64_t next = 0;
  try {
    torch::serialize::InputArchive in;
    in.load_from(file_);
    at::Tensor text, epoch, rng;
    in.read("fingerprint", text);
    if (tensorText(text) != fingerprint_) {
      why = "it belongs to another search, seed or length";
    } else {
      read(in);
      in.read("epoch", epoch);
      in.read("rng", rng);
      at::Generator gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(rng);
      next = epoch.item<int64_t>() + 1;
    }
  } catch (const c10::Error &e) {
    why = e.what_without_backtrace();
  } catch (const std::exception &e) {
    why = e.what();
  }
  if (!why.empty()) {
    if (size_t eol = why.find('\n'); eol != std::string::npos)
      why.resize(eol);
    throw search::FatalEstimatorError(file_ + ": cannot resume the " + method_ + " search from it (" + why +
                                      "): delete it to search again, or pass a new --out folder");
  }
  if (log_)
    *log_ << method_ << ": resumed after epoch " << next << " from " << file_ << "\n";
  return next;
}

void Checkpoint::save(int64_t epoch, const std::function<void(torch::serialize::OutputArchive &)> &write) {
  if (file_.empty() || !writes_)
    return;
  torch::serialize::OutputArchive out;
  write(out);
  out.write("fingerprint", textTensor(fingerprint_));
  out.write("epoch", torch::tensor(epoch, torch::kInt64));
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    out.write("rng", gen.get_state());
  }
  std::filesystem::create_directories(std::filesystem::path(file_).parent_path());
  out.save_to(file_ + ".tmp");
  std::filesystem::rename(file_ + ".tmp", file_);
}

WeightStep weightStep(Network &net, torch::optim::Optimizer &opt, const std::vector<at::Tensor> &weights,
                      const data::Batch &global, const TrainOptions &o, double lr) {
  for (auto &group : opt.param_groups())
    group.options().set_lr(lr);
  for (const at::Tensor &w : weights)
    w.mutable_grad() = at::Tensor();
  DataParallel *dp = DataParallel::active(); // this rank's rows, the gradient of all of them
  DataParallel::Shard shard = dp ? dp->shard(global) : DataParallel::Shard{global, 1.0};
  const data::Batch &batch = shard.batch;
  at::Tensor logits, loss;
  {
    DataParallel::ShardRandomness randomness(dp);
    logits = net.forward(batch.images);
    loss = torch::nn::functional::cross_entropy(
        logits, batch.labels, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(o.label_smoothing));
    loss.backward();
  }
  applyGradients(opt, weights, dp, shard.weight, o.grad_clip);
  double lossValue = loss.item<double>();
  int64_t correct = logits.detach().argmax(1).eq(batch.labels).sum().item<int64_t>();
  if (dp && dp->size() > 1) { // the figures of the whole batch (a batch every rank has whole counts once)
    double share = batch.labels.size(0) == global.labels.size(0) ? 1.0 / dp->size() : 1.0;
    std::vector<double> all = dp->sum({lossValue * shard.weight, double(correct) * share});
    lossValue = all[0];
    correct = int64_t(std::llround(all[1]));
  }
  return {lossValue, correct};
}

std::string fixedText(double v, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v;
  return os.str();
}

} // namespace nasc::nn
