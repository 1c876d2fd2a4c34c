//===- Registry.cpp - Strategies by name, and state helpers ---------------===//
#include "nasc/search/Strategy.h"

#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

using namespace nasc::search;
namespace runtime = nasc::runtime;
using nasc::runtime::EvalError;

// Each built-in strategy's anchor (NASC_REGISTER_STRATEGY defines it):
// calling them makes the linker keep the files, so their static
// registrations run. A new built-in adds one line here.
#define NASC_BUILTIN_STRATEGIES(X) X(random) X(grid) X(evolution) X(reinforce) X(ppo) X(local_search) X(nsga2) X(bananas) X(bayesian) X(hyperband) X(successive_halving) X(bohb) X(zero_cost_ranking)
#define NASC_DECLARE_ANCHOR(IMPL) extern "C" bool nascStrategyAnchor_##IMPL();
NASC_BUILTIN_STRATEGIES(NASC_DECLARE_ANCHOR)

namespace {
std::map<std::string, StrategyFactory> &registry() {
  static std::map<std::string, StrategyFactory> r; // built on first use: safe from static initializers
  return r;
}
std::mutex &registryMutex() {
  static std::mutex m;
  return m;
}
} // namespace

void nasc::search::registerBuiltinStrategies() {
#define NASC_CALL_ANCHOR(IMPL) (void)nascStrategyAnchor_##IMPL();
  NASC_BUILTIN_STRATEGIES(NASC_CALL_ANCHOR)
}

void nasc::search::registerStrategy(const std::string &impl, StrategyFactory factory) {
  std::lock_guard<std::mutex> lock(registryMutex());
  registry()[impl] = std::move(factory);
}

std::vector<std::string> nasc::search::strategyNames() {
  registerBuiltinStrategies();
  std::lock_guard<std::mutex> lock(registryMutex());
  std::vector<std::string> out;
  for (auto &[name, f] : registry())
    out.push_back(name);
  return out;
}

std::unique_ptr<Strategy> nasc::search::makeStrategy(const std::string &impl, const Space &space, const Json &args,
                                                     uint64_t seed) {
  registerBuiltinStrategies();
  StrategyFactory factory;
  {
    std::lock_guard<std::mutex> lock(registryMutex());
    auto it = registry().find(impl);
    if (it != registry().end())
      factory = it->second;
  }
  if (!factory) {
    std::string known;
    for (const std::string &n : strategyNames())
      known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("no search strategy '" + impl + "' in this runtime (it has " + known + ")");
  }
  return factory(space, args.is_null() ? Json::object() : args, seed);
}

Json nasc::search::toJson(const Architecture &a) { return Json{{"choice", a.choice}, {"real", a.real}}; }

Architecture nasc::search::architectureFromJson(const Json &j) {
  Architecture a;
  a.choice = j.at("choice").get<std::vector<int64_t>>();
  a.real = j.value("real", std::vector<double>());
  return a;
}

std::string nasc::search::saveRng(const runtime::Rng &rng) {
  std::ostringstream os;
  os << rng;
  return os.str();
}

void nasc::search::restoreRng(runtime::Rng &rng, const std::string &state) {
  std::istringstream is(state);
  is >> rng;
  if (is.fail())
    throw std::invalid_argument("not a saved random generator state");
}

Json nasc::search::scoreToJson(double s) {
  if (std::isnan(s))
    return "nan";
  if (std::isinf(s))
    return s < 0 ? "-inf" : "inf";
  return s;
}

double nasc::search::scoreFromJson(const Json &j) {
  if (j.is_string()) {
    const std::string &s = j.get_ref<const std::string &>();
    if (s == "-inf")
      return -std::numeric_limits<double>::infinity();
    if (s == "inf")
      return std::numeric_limits<double>::infinity();
    if (s == "nan")
      return std::numeric_limits<double>::quiet_NaN();
    throw std::invalid_argument("not a score: " + s);
  }
  return j.get<double>();
}

Json nasc::search::strategyArg(const Json &args, const std::string &name, const Json &fallback) {
  if (!args.is_object())
    return fallback;
  auto it = args.find(name);
  if (it == args.end() || it->is_null())
    return fallback;
  try {
    return runtime::evaluate(*it, runtime::Env{});
  } catch (const EvalError &e) {
    throw std::invalid_argument("strategy argument '" + name + "': " + e.what());
  }
}
