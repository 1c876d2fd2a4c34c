//===- Driver.cpp - Running a search --------------------------------------===//
#include "nasc/search/Driver.h"
#include "nasc/search/Pareto.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <ctime>
#include <iostream>
#include <limits>
#include <unistd.h>
#include <unordered_map>

using namespace nasc::search;
namespace runtime = nasc::runtime;
using nasc::runtime::Env;
using nasc::runtime::EvalError;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// Store writes: an evaluation that took at least kSlowEvaluation seconds
/// is committed at once with everything before it; cheaper ones (table
/// lookups, cache hits) are grouped into one transaction at least every
/// kCommitInterval seconds, so a killed run loses at most that much cheap
/// work (which a resume redoes identically) and a table search is not
/// bound by one transaction per evaluation.
constexpr double kSlowEvaluation = 1e-3;
constexpr double kCommitInterval = 0.05;
/// IDs remembered for architectures asked again (SearchDriver::run).
constexpr size_t kMaxNamed = size_t(1) << 20;

std::string fnv(const std::string &s) { return Space::hash(s); }

std::string fmt(double v, const char *f = "%.4f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// What the cache keeps of an evaluation: everything but seq and timing.
struct Outcome {
  Evaluation eval;
  std::vector<double> objectives;
  double score = -kInf;
  bool feasible = true;
  std::string violated;
};

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

void SearchDriver::checkStoredRow(const Record &r, const std::string &path) const {
  auto bad = [&](const std::string &what) {
    return StoreError(path + ": row seq " + std::to_string(r.seq) + ": " + what);
  };
  // The architecture as stored: positions within this space's domains.
  const std::vector<size_t> &discrete = space_.discrete();
  if (r.arch.choice.size() != discrete.size() || r.arch.real.size() != space_.continuous().size())
    throw bad("the architecture has " + std::to_string(r.arch.choice.size()) + "+" +
              std::to_string(r.arch.real.size()) + " decisions; space " + space_.name() + " has " +
              std::to_string(discrete.size()) + "+" + std::to_string(space_.continuous().size()));
  for (size_t k = 0; k < discrete.size(); ++k) {
    const runtime::Decision &d = space_.decisions()[discrete[k]];
    if (r.arch.choice[k] < 0 || r.arch.choice[k] >= int64_t(d.domain.size()))
      throw bad("decision '" + d.name + "' is at position " + std::to_string(r.arch.choice[k]) + " of " +
                std::to_string(d.domain.size()));
  }
  for (size_t k = 0; k < space_.continuous().size(); ++k) {
    const runtime::Decision &d = space_.decisions()[space_.continuous()[k]];
    double v = r.arch.real[k];
    if (!(v >= d.lo && v <= d.hi))
      throw bad("decision '" + d.name + "' is " + fmt(v, "%.17g") + ", outside [" + fmt(d.lo, "%g") + ", " +
                fmt(d.hi, "%g") + "]");
  }
  Architecture parsed;
  try {
    parsed = space_.parseId(r.id);
  } catch (const std::exception &e) {
    throw bad("id '" + r.id + "' is not an architecture of space " + space_.name() + ": " + e.what());
  }
  if (space_.fullId(space_.canonical(parsed)) != r.id || !(space_.canonical(parsed) == r.arch))
    throw bad("id '" + r.id + "' does not name the stored architecture (" + space_.fullId(r.arch) + ")");
  if (Space::hash(r.id) != r.hash)
    throw bad("hash " + r.hash + " is not the id's (" + Space::hash(r.id) + ")");
  // The score follows from the row: the first objective (negated when
  // minimized) for a feasible evaluation without error, else -inf.
  double expected = -kInf;
  const Json objectives = search_.value("objectives", Json::array());
  if (r.eval.error.empty() && r.feasible && !r.objectives.empty() && !objectives.empty()) {
    bool minimize = objectives[0].value("direction", "maximize") == "minimize";
    expected = minimize ? -r.objectives[0] : r.objectives[0];
    if (std::isnan(expected))
      expected = -kInf;
  }
  if (!(r.score == expected))
    throw bad("score " + fmt(r.score, "%.17g") + " is not what the row's objectives give (" +
              fmt(expected, "%.17g") + ")");
}

SearchResult SearchDriver::run() {
  using Clock = std::chrono::steady_clock;
  SearchSettings set = settings(search_, options_);
  SearchResult result;
  std::unordered_map<std::string, Outcome> cache;
  // IDs and hashes of architectures met before, by Space::key (checked
  // against the architecture): a strategy that asks one again does not
  // build its ID again.
  struct Named {
    Architecture arch;
    std::string id, hash;
  };
  std::unordered_map<uint64_t, Named> names;
  auto nameOf = [&](const Architecture &a) -> const Named & {
    auto [it, added] = names.try_emplace(Space::key(a));
    if (!added && it->second.arch == a)
      return it->second;
    if (names.size() > kMaxNamed) { // bounded; the one just added goes too
      names.clear();
      it = names.try_emplace(Space::key(a)).first;
    }
    it->second = Named{a, space_.fullId(a), ""};
    it->second.hash = Space::hash(it->second.id);
    return it->second;
  };

  // Hard constraints over metrics: the search's, and the space's that read
  // metrics (those over decisions already shaped the space).
  std::vector<Json> constraints;
  for (const Json &c : search_.value("constraints", Json::array()))
    if (runtime::readsMetric(c.at("condition")))
      constraints.push_back(c);
  for (const Json &c : space_.json().value("constraints", Json::array()))
    if (runtime::readsMetric(c.at("condition")))
      constraints.push_back(c);
  const Json objectives = search_.value("objectives", Json::array());

  // Multi-fidelity: an evaluation's budget (epochs) rides in its metrics;
  // only those at the strategy's full budget compete for the best, and the
  // cache keys on the budget too.
  const int64_t fullBudget = strategy_.fullBudget();
  auto budgetOf = [](const Record &r) {
    auto it = r.eval.metrics.find("budget");
    return it == r.eval.metrics.end() ? int64_t(0) : int64_t(it->second);
  };
  auto cacheKey = [](const std::string &id, int64_t budget) {
    return budget > 0 ? id + "@" + std::to_string(budget) : id;
  };
  auto better = [&](const Record &r, const std::optional<Record> &best) {
    return r.score > -kInf && (fullBudget == 0 || budgetOf(r) == fullBudget) && (!best || r.score > best->score);
  };
  // Every objective "higher is better"; empty for a failed or infeasible row.
  auto oriented = [&](const Record &r) {
    std::vector<double> v;
    if (r.score == -kInf || r.objectives.size() != objectives.size())
      return v;
    for (size_t k = 0; k < objectives.size(); ++k) {
      double x = objectives[k].value("direction", "maximize") == "minimize" ? -r.objectives[k] : r.objectives[k];
      if (std::isnan(x))
        return std::vector<double>{};
      v.push_back(x);
    }
    return v;
  };
  ParetoSet pareto;
  auto addToPareto = [&](const Record &r, size_t index) {
    if (objectives.size() < 2 || r.cached || (fullBudget != 0 && budgetOf(r) != fullBudget))
      return;
    std::vector<double> v = oriented(r);
    if (!v.empty())
      pareto.add(v, index);
  };

  double before = 0; // time of the stored evaluations
  if (store_) {
    std::vector<Record> stored = store_->records();
    if (!stored.empty()) {
      std::optional<Json> snap = store_->snapshot();
      if (!snap)
        throw StoreError(store_->path() + ": " + std::to_string(stored.size()) +
                         " evaluations but no strategy snapshot");
      for (const Record &r : stored)
        checkStoredRow(r, store_->path());
      try {
        strategy_.restore(*snap);
        std::vector<Architecture> history;
        std::vector<double> scores;
        for (const Record &r : stored)
          history.push_back(r.arch), scores.push_back(r.score);
        strategy_.restoreHistory(history, scores);
      } catch (const std::exception &e) {
        throw StoreError(store_->path() + ": the strategy snapshot (after row seq " +
                         std::to_string(stored.back().seq) + ") does not restore: " + e.what());
      }
      for (Record &r : stored) {
        before += r.seconds;
        if (!r.cached)
          cache[cacheKey(r.id, budgetOf(r))] = Outcome{r.eval, r.objectives, r.score, r.feasible, r.violated};
        if (better(r, result.best))
          result.best = r;
        addToPareto(r, result.records.size());
        result.records.push_back(std::move(r));
      }
      result.resumed = true;
    }
  }

  // Progress.
  bool tty = false;
  if (options_.tty)
    tty = *options_.tty;
  else if (options_.progress == &std::cout || (options_.progress && options_.progress->rdbuf() == std::cout.rdbuf()))
    tty = ::isatty(1);
  else if (options_.progress && (options_.progress->rdbuf() == std::cerr.rdbuf()))
    tty = ::isatty(2);
  auto start = Clock::now();
  auto elapsed = [&] { return before + std::chrono::duration<double>(Clock::now() - start).count(); };
  double lastPrint = -kInf;
  auto progress = [&](bool final) {
    if (!options_.progress)
      return;
    double t = elapsed();
    if (!final && t - lastPrint < (tty ? 0.1 : options_.progressInterval))
      return;
    lastPrint = t;
    size_t done = result.records.size();
    std::string best = result.best ? (result.best->objectives.empty() ? fmt(result.best->score)
                                                                      : fmt(result.best->objectives[0])) +
                                         " (" + result.best->hash.substr(0, tty ? 8 : 16) + ")"
                                   : std::string("none yet");
    std::string of = set.budget ? "/" + std::to_string(set.budget) : std::string();
    std::ostream &os = *options_.progress;
    if (tty) {
      std::string bar;
      if (set.budget) {
        int width = 24, filled = int(double(width) * double(done) / double(set.budget));
        bar = "[" + std::string(std::min(filled, width), '#') + std::string(width - std::min(filled, width), '.') + "] ";
      }
      os << "\r" << bar << done << of << "  best " << best << "  " << fmt(t, "%.1f") << " s\x1b[K";
      if (final)
        os << "\n";
      os.flush();
    } else {
      os << "search " << search_.value("name", "") << ": " << done << of << " evaluations, best " << best
         << ", " << fmt(t, "%.1f") << " s" << (final ? " (" + result.stopReason + ")" : std::string()) << "\n";
      os.flush();
    }
  };

  std::deque<Architecture> queued; // asked in the current batch, not yet evaluated
  if (set.budget) // no copies of the records as the list grows
    result.records.reserve(size_t(std::min<uint64_t>(set.budget, 1u << 20)));
  size_t stored = result.records.size(); // records before this index are committed
  auto lastCommit = Clock::now();
  auto commit = [&] {
    if (store_ && stored < result.records.size()) {
      std::vector<const Record *> rows;
      for (size_t i = stored; i < result.records.size(); ++i)
        rows.push_back(&result.records[i]);
      store_->append(rows, strategy_.save());
    }
    stored = result.records.size();
    lastCommit = Clock::now();
  };

  while (true) {
    if (set.budget && result.records.size() >= set.budget) {
      result.stopReason = "budget";
      break;
    }
    if (queued.empty() && set.timeLimit > 0 && elapsed() >= set.timeLimit) { // a batch finishes
      result.stopReason = "time limit";
      break;
    }
    if (queued.empty()) {
      size_t n = std::max<size_t>(1, options_.batch);
      if (set.budget)
        n = std::min<uint64_t>(n, set.budget - result.records.size());
      std::vector<Architecture> batch = strategy_.askBatch(n);
      queued.assign(batch.begin(), batch.end());
    }
    if (queued.empty()) {
      result.stopReason = "exhausted";
      break;
    }
    std::optional<Architecture> asked = std::move(queued.front());
    queued.pop_front();
    Record r;
    r.seq = int64_t(result.records.size()) + 1;
    r.arch = space_.canonical(*asked);
    const Named &named = nameOf(r.arch);
    r.id = named.id;
    r.hash = named.hash;
    r.timestamp = utcTimestamp();
    const int64_t budget = strategy_.budgetOf(*asked);
    if (budget > 0 && !estimator_.takesBudget())
      throw std::invalid_argument("the strategy asks for an evaluation at " + std::to_string(budget) +
                                  (budget == 1 ? " epoch" : " epochs") +
                                  ", but the estimator has one fidelity (a table): use full_training or "
                                  "low_fidelity, whose epochs the budget replaces");
    const std::string key = cacheKey(r.id, budget);
    if (auto hit = cache.find(key); hit != cache.end()) {
      const Outcome &o = hit->second;
      r.eval = o.eval, r.objectives = o.objectives, r.score = o.score, r.feasible = o.feasible;
      r.violated = o.violated;
      r.cached = true;
    } else {
      auto t0 = Clock::now();
      Outcome o;
      std::map<std::string, Json> values = space_.values(r.arch);
      if (std::optional<std::string> broken = space_.violated(r.arch)) {
        o.eval.error = "breaks requirement '" + *broken + "'";
      } else {
        std::map<std::string, Json> hyper;
        for (const runtime::Decision &d : space_.decisions())
          if (d.search)
            hyper[d.name] = values.at(d.name);
        try {
          o.eval = budget > 0 ? estimator_.evaluateAt(r.arch, hyper, budget) : estimator_.evaluate(r.arch, hyper);
        } catch (const FatalEstimatorError &) {
          throw; // not this architecture's outcome: nothing is stored for it
        } catch (const std::exception &e) {
          o.eval.error = e.what();
        }
        ++result.estimatorCalls;
      }
      if (budget > 0) // kept with the row: a resume keys its cache and best on it
        o.eval.metrics["budget"] = double(budget);
      if (o.eval.error.empty()) {
        Env env;
        env.decisions = &values;
        env.metric = [&](const std::string &name, const Json &args) {
          return Json(estimator_.metric(name, args, o.eval));
        };
        try {
          for (const Json &c : constraints)
            if (!runtime::asBool(runtime::evaluate(c.at("condition"), env))) {
              o.feasible = false;
              o.violated = c.value("text", c.value("message", std::string("a requirement")));
              break;
            }
          for (const Json &obj : objectives)
            o.objectives.push_back(runtime::asDouble(runtime::evaluate(obj.at("value"), env)));
          if (o.feasible && !o.objectives.empty()) {
            bool minimize = objectives[0].value("direction", "maximize") == "minimize";
            o.score = minimize ? -o.objectives[0] : o.objectives[0];
            if (std::isnan(o.score))
              o.score = -kInf;
          }
        } catch (const std::exception &e) {
          o.eval.error = e.what();
          o.score = -kInf;
        }
      }
      r.eval = o.eval, r.objectives = o.objectives, r.score = o.score, r.feasible = o.feasible;
      r.violated = o.violated;
      r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      cache[key] = std::move(o);
    }
    strategy_.tellObjectives(r.arch, r.score, oriented(r));
    if (better(r, result.best))
      result.best = r;
    addToPareto(r, result.records.size());
    const double seconds = r.seconds;
    result.records.push_back(std::move(r));
    // Mid-batch the strategy has asked ahead: its state would not match the
    // rows, so batches commit whole.
    if (store_ && queued.empty() &&
        (seconds >= kSlowEvaluation ||
         std::chrono::duration<double>(Clock::now() - lastCommit).count() >= kCommitInterval))
      commit();
    progress(false);
  }
  commit();
  std::vector<size_t> members = pareto.tags();
  std::sort(members.begin(), members.end());
  for (size_t i : members)
    result.pareto.push_back(result.records[i]);
  result.seconds = elapsed();
  if (store_)
    store_->finish(result.stopReason);
  progress(true);
  return result;
}
