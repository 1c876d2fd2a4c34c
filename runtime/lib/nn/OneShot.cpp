//===- OneShot.cpp - The registry of one-shot methods and their helpers ---===//
#include "nasc/nn/OneShot.h"

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
#define NASC_BUILTIN_ONESHOT(X) X(darts) X(drnas) X(enas) X(fair_darts) X(fbnet) X(gdas) X(spos)
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
  Architecture first;
  first.choice.assign(space.discrete().size(), 0);
  for (size_t c : space.continuous())
    first.real.push_back(space.decisions()[c].lo);
  std::map<std::string, Json> values = space.values(space.canonical(first));
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

} // namespace nasc::nn
