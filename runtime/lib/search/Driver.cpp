//===- Driver.cpp - Running a search --------------------------------------===//
#include "nasc/search/Driver.h"
#include "nasc/search/Study.h"

#include <algorithm>
#include <chrono>

using namespace nasc::search;
namespace runtime = nasc::runtime;
using nasc::runtime::Env;
using nasc::runtime::EvalError;

namespace {

std::string fnv(const std::string &s) { return Space::hash(s); }

} // namespace

SearchSettings SearchDriver::settings(const Json &search, const DriverOptions &options) {
  SearchSettings s;
  const Json &set = search.contains("settings") ? search["settings"] : Json::object();
  auto value = [&](const char *key) -> std::optional<Json> {
    auto it = set.find(key);
    if (it == set.end())
      return std::nullopt;
    try {
      return runtime::evaluate(*it, Env{});
    } catch (const EvalError &e) {
      throw std::invalid_argument(std::string("search setting '") + key + "': " + e.what());
    }
  };
  if (auto v = value("evaluations"))
    s.budget = uint64_t(std::max<int64_t>(0, runtime::asInt(*v)));
  if (auto v = value("seed"))
    s.seed = uint64_t(runtime::asInt(*v));
  if (auto v = value("time_limit"))
    s.timeLimit = runtime::asDouble(*v);
  if (auto v = value("strategy")) {
    s.strategy = v->value("impl", "");
    s.strategyArgs = v->value("args", Json::object());
  }
  if (auto it = set.find("estimator"); it != set.end())
    s.estimator = *it;
  if (options.budget)
    s.budget = *options.budget;
  if (options.seed)
    s.seed = *options.seed;
  if (options.timeLimit)
    s.timeLimit = *options.timeLimit;
  return s;
}

std::string SearchDriver::fingerprint(const Space &space, const Json &search) {
  Json s = search;
  if (s.contains("settings"))
    for (const char *key : {"evaluations", "time_limit", "seed"})
      s["settings"].erase(key);
  return fnv(space.json().dump() + "\n" + s.dump());
}

StoreMeta SearchDriver::storeMeta(const Space &space, const Json &search, const DriverOptions &options,
                                  const std::string &strategy, const Json &strategyArgs) {
  SearchSettings s = settings(search, options);
  StoreMeta m;
  m.search = search.value("name", "");
  m.fingerprint = fingerprint(space, search);
  std::string impl = strategy.empty() ? s.strategy : strategy;
  Json args = strategy.empty() ? s.strategyArgs : (strategyArgs.is_null() ? Json::object() : strategyArgs);
  m.strategy = impl + " " + args.dump();
  m.seed = s.seed;
  m.budget = s.budget;
  return m;
}

SearchDriver::SearchDriver(const Space &space, const Json &search, Strategy &strategy, Estimator &estimator,
                           Store *store, DriverOptions options)
    : space_(space), search_(search), strategy_(strategy), estimator_(estimator), store_(store),
      options_(std::move(options)) {}

SearchResult SearchDriver::run() {
  using Clock = std::chrono::steady_clock;
  Study study(space_, search_, strategy_, store_, options_,
              [this](const std::string &name, const Json &args, const Evaluation &e) {
                return estimator_.metric(name, args, e);
              });
  while (std::optional<Trial> t = study.ask()) {
    if (t->budget > 0 && !estimator_.takesBudget())
      throw std::invalid_argument("the strategy asks for an evaluation at " + std::to_string(t->budget) +
                                  (t->budget == 1 ? " epoch" : " epochs") +
                                  ", but the estimator has one fidelity (a table): use full_training or "
                                  "low_fidelity, whose epochs the budget replaces");
    auto t0 = Clock::now();
    Evaluation e;
    try {
      e = t->budget > 0 ? estimator_.evaluateAt(t->arch, t->hyper, t->budget) : estimator_.evaluate(t->arch, t->hyper);
    } catch (const FatalEstimatorError &) {
      throw; // not this architecture's outcome: nothing is stored for it
    } catch (const std::exception &ex) {
      e = Evaluation();
      e.error = ex.what();
    }
    study.tell(*t, std::move(e), std::chrono::duration<double>(Clock::now() - t0).count());
  }
  study.finish();
  return study.release();
}
