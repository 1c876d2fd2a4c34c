//===- Study.cpp - A search driven step by step ---------------------------===//
#include "nasc/search/Study.h"
#include "nasc/search/Pareto.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <limits>
#include <unistd.h>
#include <unordered_map>

using namespace nasc::search;
namespace runtime = nasc::runtime;
using nasc::runtime::Env;

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
/// IDs remembered for architectures asked again.
constexpr size_t kMaxNamed = size_t(1) << 20;

using Clock = std::chrono::steady_clock;

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

/// Multi-fidelity: an evaluation's budget (epochs) rides in its metrics;
/// only those at the strategy's full budget compete for the best, and the
/// cache keys on the budget too.
int64_t budgetOf(const Record &r) {
  auto it = r.eval.metrics.find("budget");
  return it == r.eval.metrics.end() ? int64_t(0) : int64_t(it->second);
}
std::string cacheKey(const std::string &id, int64_t budget) {
  return budget > 0 ? id + "@" + std::to_string(budget) : id;
}

} // namespace

struct Study::Impl {
  const Space &space;
  const Json &search;
  Strategy &strategy;
  Store *store;
  DriverOptions options;
  MetricFn metric;
  SearchSettings set;
  SearchResult result;
  std::vector<Json> constraints; ///< over metrics
  Json objectives;
  int64_t fullBudget = 0;
  ParetoSet pareto;

  std::unordered_map<std::string, Outcome> cache;
  struct Named {
    Architecture arch;
    std::string id, hash;
  };
  std::unordered_map<uint64_t, Named> names;

  /// Asked and not yet recorded, in ask order; recorded from the front as
  /// soon as the front is answered.
  struct Slot {
    Trial trial;
    std::string key; ///< cacheKey
    std::string timestamp;
    Clock::time_point asked;
    bool answered = false;
    bool cached = false; ///< answered by the cache (filled when recorded)
    const Outcome *hit = nullptr; ///< the cache's entry when it was there at ask time
    Outcome outcome;
    double seconds = 0;
    std::map<std::string, Json> values; ///< Space::values of the trial (handed out ones)
  };
  /// open[head..] (a vector that keeps its capacity: a deque of slots this
  /// size allocates per slot, a table search's hot path).
  std::vector<Slot> open;
  size_t head = 0;
  size_t openCount() const { return open.size() - head; }
  void popFront() {
    if (++head == open.size()) {
      open.clear(), head = 0;
    } else if (head >= 64 && head * 2 >= open.size()) { // trials always out: drop the recorded ones
      open.erase(open.begin(), open.begin() + std::ptrdiff_t(head));
      head = 0;
    }
  }
  /// Asked of the strategy, not yet handed out. A resume puts back the
  /// trials that were out (`budget` as asked) and those told ahead of an
  /// earlier one (`told`: answered as they come up, not evaluated again).
  struct Queued {
    Architecture arch;
    std::optional<int64_t> budget;
    std::optional<Evaluation> told;
    double seconds = 0;
  };
  std::deque<Queued> queued;

  double before = 0; ///< time of the stored evaluations
  Clock::time_point start = Clock::now();
  bool tty = false;
  double lastPrint = -kInf;
  size_t stored = 0; ///< records before this index are committed
  /// Told or recorded since the last commit (what commit() would write).
  bool dirty = false;
  Clock::time_point lastCommit = Clock::now();
  bool finished = false;
  bool drained = false; ///< ask() found the search over: no more asks

  Impl(const Space &space, const Json &search, Strategy &strategy, Store *store, DriverOptions options,
       MetricFn metric)
      : space(space), search(search), strategy(strategy), store(store), options(std::move(options)),
        metric(std::move(metric)) {}

  double elapsed() const { return before + std::chrono::duration<double>(Clock::now() - start).count(); }

  const Named &nameOf(const Architecture &a) {
    auto [it, added] = names.try_emplace(Space::key(a));
    if (!added && it->second.arch == a)
      return it->second;
    if (names.size() > kMaxNamed) { // bounded; the one just added goes too
      names.clear();
      it = names.try_emplace(Space::key(a)).first;
    }
    it->second = Named{a, space.fullId(a), ""};
    it->second.hash = Space::hash(it->second.id);
    return it->second;
  }

  bool better(const Record &r) const {
    return r.score > -kInf && (fullBudget == 0 || budgetOf(r) == fullBudget) &&
           (!result.best || r.score > result.best->score);
  }
  /// Every objective "higher is better"; empty for a failed or infeasible row.
  std::vector<double> oriented(const Record &r) const {
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
  }
  void addToPareto(const Record &r, size_t index) {
    if (objectives.size() < 2 || r.cached || (fullBudget != 0 && budgetOf(r) != fullBudget))
      return;
    std::vector<double> v = oriented(r);
    if (!v.empty())
      pareto.add(v, index);
  }

  void checkStoredRow(const Record &r, const std::string &path) const;
  void replay();
  void progress(bool final);
  /// What the strategy has asked beyond the records (Store::pending):
  /// every slot not yet recorded, then the queue; null when none.
  Json pendingTrials() const;
  void restorePending(const Json &pending, const std::string &path);
  void commit();
  /// Commits when something took time (`slow`) or kCommitInterval passed.
  void maybeCommit(bool slow) {
    if (store && dirty &&
        (slow || std::chrono::duration<double>(Clock::now() - lastCommit).count() >= kCommitInterval))
      commit();
  }
  /// Constraints over metrics, objectives and the score of an evaluation.
  Outcome judge(const Slot &slot, Evaluation e) const;
  /// Records the answered slots at the front, in ask order.
  void recordAnswered();
};

void Study::Impl::checkStoredRow(const Record &r, const std::string &path) const {
  auto bad = [&](const std::string &what) {
    return StoreError(path + ": row seq " + std::to_string(r.seq) + ": " + what);
  };
  // The architecture as stored: positions within this space's domains.
  const std::vector<size_t> &discrete = space.discrete();
  if (r.arch.choice.size() != discrete.size() || r.arch.real.size() != space.continuous().size())
    throw bad("the architecture has " + std::to_string(r.arch.choice.size()) + "+" +
              std::to_string(r.arch.real.size()) + " decisions; space " + space.name() + " has " +
              std::to_string(discrete.size()) + "+" + std::to_string(space.continuous().size()));
  for (size_t k = 0; k < discrete.size(); ++k) {
    const runtime::Decision &d = space.decisions()[discrete[k]];
    if (r.arch.choice[k] < 0 || r.arch.choice[k] >= int64_t(d.domain.size()))
      throw bad("decision '" + d.name + "' is at position " + std::to_string(r.arch.choice[k]) + " of " +
                std::to_string(d.domain.size()));
  }
  for (size_t k = 0; k < space.continuous().size(); ++k) {
    const runtime::Decision &d = space.decisions()[space.continuous()[k]];
    double v = r.arch.real[k];
    if (!(v >= d.lo && v <= d.hi))
      throw bad("decision '" + d.name + "' is " + fmt(v, "%.17g") + ", outside [" + fmt(d.lo, "%g") + ", " +
                fmt(d.hi, "%g") + "]");
  }
  Architecture parsed;
  try {
    parsed = space.parseId(r.id);
  } catch (const std::exception &e) {
    throw bad("id '" + r.id + "' is not an architecture of space " + space.name() + ": " + e.what());
  }
  if (space.fullId(space.canonical(parsed)) != r.id || !(space.canonical(parsed) == r.arch))
    throw bad("id '" + r.id + "' does not name the stored architecture (" + space.fullId(r.arch) + ")");
  if (Space::hash(r.id) != r.hash)
    throw bad("hash " + r.hash + " is not the id's (" + Space::hash(r.id) + ")");
  // The score follows from the row: the first objective (negated when
  // minimized) for a feasible evaluation without error, else -inf.
  double expected = -kInf;
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

void Study::Impl::replay() {
  if (!store)
    return;
  std::vector<Record> rows = store->records();
  std::optional<Json> snap = store->snapshot();
  if (rows.empty() && !snap)
    return;
  if (!snap)
    throw StoreError(store->path() + ": " + std::to_string(rows.size()) + " evaluations but no strategy snapshot");
  for (const Record &r : rows)
    checkStoredRow(r, store->path());
  std::optional<Json> pending = store->pending();
  if (pending)
    restorePending(*pending, store->path());
  const int64_t last = rows.empty() ? 0 : rows.back().seq;
  try {
    strategy.restore(*snap);
    std::vector<Architecture> history;
    std::vector<double> scores;
    for (const Record &r : rows)
      history.push_back(r.arch), scores.push_back(r.score);
    strategy.restoreHistory(history, scores);
    if (!queued.empty()) {
      std::vector<Architecture> asked;
      for (const Queued &q : queued)
        asked.push_back(q.arch);
      strategy.restoreAsked(asked);
    }
  } catch (const std::exception &e) {
    throw StoreError(store->path() + ": the strategy snapshot (after row seq " + std::to_string(last) +
                     ") does not restore: " + e.what());
  }
  for (Record &r : rows) {
    before += r.seconds;
    if (!r.cached)
      cache[cacheKey(r.id, budgetOf(r))] = Outcome{r.eval, r.objectives, r.score, r.feasible, r.violated};
    if (better(r))
      result.best = r;
    addToPareto(r, result.records.size());
    result.records.push_back(std::move(r));
  }
  result.resumed = true;
}

Json Study::Impl::pendingTrials() const {
  Json out = Json::array();
  for (size_t i = head; i < open.size(); ++i) {
    const Slot &o = open[i];
    Json t{{"seq", o.trial.seq}, {"id", o.trial.id}, {"budget", o.trial.budget}};
    // Told ahead of an earlier trial: kept, so a resume need not evaluate
    // it again. A cache hit or a broken requirement is found again.
    if (o.answered && !o.cached && o.hit && !space.violated(o.trial.arch)) {
      t["told"] = evaluationToJson(o.hit->eval);
      t["seconds"] = o.seconds;
    }
    out.push_back(std::move(t));
  }
  for (const Queued &q : queued) {
    Json t{{"id", space.fullId(space.canonical(q.arch))}};
    if (q.budget)
      t["budget"] = *q.budget;
    out.push_back(std::move(t));
  }
  return out.empty() ? Json() : Json{{"trials", out}};
}

void Study::Impl::restorePending(const Json &pending, const std::string &path) {
  auto bad = [&](size_t k, const std::string &what) {
    return StoreError(path + ": pending trial " + std::to_string(k + 1) + ": " + what);
  };
  if (!pending.is_object() || !pending.contains("trials") || !pending["trials"].is_array())
    throw StoreError(path + ": the pending trials are not a list");
  const Json &trials = pending["trials"];
  for (size_t k = 0; k < trials.size(); ++k) {
    const Json &t = trials[k];
    if (!t.is_object() || !t.contains("id") || !t["id"].is_string())
      throw bad(k, "no architecture id");
    Queued q;
    try {
      q.arch = space.canonical(space.parseId(t["id"].get<std::string>()));
    } catch (const std::exception &e) {
      throw bad(k, "'" + t["id"].get<std::string>() + "' is not an architecture of space " + space.name() + ": " +
                       e.what());
    }
    if (t.contains("budget")) {
      if (!t["budget"].is_number_integer() || t["budget"].get<int64_t>() < 0)
        throw bad(k, "budget is not a count of epochs");
      q.budget = t["budget"].get<int64_t>();
    }
    if (t.contains("told")) {
      try {
        q.told = evaluationFromJson(t["told"]);
      } catch (const std::exception &e) {
        throw bad(k, e.what());
      }
      if (!t.value("seconds", Json(0.0)).is_number())
        throw bad(k, "seconds is not a number");
      q.seconds = t.value("seconds", 0.0);
    }
    queued.push_back(std::move(q));
  }
}

void Study::Impl::progress(bool final) {
  if (!options.progress)
    return;
  double t = elapsed();
  if (!final && t - lastPrint < (tty ? 0.1 : options.progressInterval))
    return;
  lastPrint = t;
  size_t done = result.records.size();
  std::string best = result.best ? (result.best->objectives.empty() ? fmt(result.best->score)
                                                                    : fmt(result.best->objectives[0])) +
                                       " (" + result.best->hash.substr(0, tty ? 8 : 16) + ")"
                                 : std::string("none yet");
  std::string of = set.budget ? "/" + std::to_string(set.budget) : std::string();
  std::ostream &os = *options.progress;
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
    os << "search " << search.value("name", "") << ": " << done << of << " evaluations, best " << best << ", "
       << fmt(t, "%.1f") << " s" << (final ? " (" + result.stopReason + ")" : std::string()) << "\n";
    os.flush();
  }
}

void Study::Impl::commit() {
  if (store && (stored < result.records.size() || dirty)) {
    std::vector<const Record *> rows;
    for (size_t i = stored; i < result.records.size(); ++i)
      rows.push_back(&result.records[i]);
    Json pending = pendingTrials();
    store->append(rows, strategy.save(), &pending);
  }
  stored = result.records.size();
  dirty = false;
  lastCommit = Clock::now();
}

Outcome Study::Impl::judge(const Slot &slot, Evaluation e) const {
  Outcome o;
  o.eval = std::move(e);
  if (slot.trial.budget > 0) // kept with the row: a resume keys its cache and best on it
    o.eval.metrics["budget"] = double(slot.trial.budget);
  if (!o.eval.error.empty())
    return o;
  Env env;
  env.decisions = &slot.values;
  env.metric = [&](const std::string &name, const Json &args) {
    if (metric)
      return Json(metric(name, args, o.eval));
    auto it = o.eval.metrics.find(name);
    if (it == o.eval.metrics.end())
      throw std::invalid_argument("the evaluation has no metric '" + name + "'");
    return Json(it->second);
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
  } catch (const std::exception &ex) {
    o.eval.error = ex.what();
    o.score = -kInf;
  }
  return o;
}

void Study::Impl::recordAnswered() {
  while (head < open.size() && open[head].answered) {
    // A window of W: trial j is told to the strategy only once trial
    // j+W-1 is asked (then trial j+W is asked after it), unless no more
    // will be asked.
    if (options.window > 0 && !drained &&
        uint64_t(open[head].trial.seq) + options.window - 1 > result.records.size() + openCount())
      break;
    Slot &s = open[head];
    Record r;
    r.seq = s.trial.seq;
    r.arch = std::move(s.trial.arch);
    r.id = std::move(s.trial.id);
    r.hash = std::move(s.trial.hash);
    r.timestamp = std::move(s.timestamp);
    // An answer from the cache is read now: the trial it repeats was asked
    // earlier, so it is recorded (and cached) by now.
    const Outcome &o = s.hit ? *s.hit : s.cached ? cache.at(s.key) : s.outcome;
    r.eval = o.eval, r.objectives = o.objectives, r.score = o.score, r.feasible = o.feasible;
    r.violated = o.violated;
    r.cached = s.cached;
    r.seconds = s.cached ? 0 : s.seconds;
    popFront();
    strategy.tellObjectives(r.arch, r.score, oriented(r));
    if (better(r))
      result.best = r;
    addToPareto(r, result.records.size());
    const double seconds = r.seconds;
    result.records.push_back(std::move(r));
    // The strategy's state matches the rows and the pending trials (those
    // asked beyond them), written together.
    dirty = true;
    maybeCommit(seconds >= kSlowEvaluation);
    progress(false);
  }
}

Study::Study(const Space &space, const Json &search, Strategy &strategy, Store *store, DriverOptions options,
             MetricFn metric)
    : impl_(std::make_unique<Impl>(space, search, strategy, store, std::move(options), std::move(metric))) {
  Impl &s = *impl_;
  s.set = SearchDriver::settings(search, s.options);
  // Hard constraints over metrics: the search's, and the space's that read
  // metrics (those over decisions already shaped the space).
  for (const Json &c : search.value("constraints", Json::array()))
    if (runtime::readsMetric(c.at("condition")))
      s.constraints.push_back(c);
  for (const Json &c : space.json().value("constraints", Json::array()))
    if (runtime::readsMetric(c.at("condition")))
      s.constraints.push_back(c);
  s.objectives = search.value("objectives", Json::array());
  s.fullBudget = strategy.fullBudget();
  s.replay();
  if (s.options.tty)
    s.tty = *s.options.tty;
  else if (s.options.progress == &std::cout ||
           (s.options.progress && s.options.progress->rdbuf() == std::cout.rdbuf()))
    s.tty = ::isatty(1);
  else if (s.options.progress && (s.options.progress->rdbuf() == std::cerr.rdbuf()))
    s.tty = ::isatty(2);
  if (s.set.budget) // no copies of the records as the list grows
    s.result.records.reserve(size_t(std::min<uint64_t>(s.set.budget, 1u << 20)));
  s.stored = s.result.records.size();
  s.start = s.lastCommit = Clock::now();
}

Study::~Study() = default;

std::optional<Trial> Study::ask() {
  Impl &s = *impl_;
  while (!s.finished) {
    const uint64_t taken = s.result.records.size() + s.openCount();
    auto stop = [&](const char *why) -> std::optional<Trial> {
      s.result.stopReason = why;
      s.drained = true;
      s.recordAnswered(); // what the window held back
      return std::nullopt;
    };
    if (s.set.budget && taken >= s.set.budget)
      return stop("budget");
    if (s.queued.empty() && s.set.timeLimit > 0 && s.elapsed() >= s.set.timeLimit) // a batch finishes
      return stop("time limit");
    // The window: trial k is asked once trials 1..k-W are told.
    if (s.options.window > 0 && taken + 1 > s.result.records.size() + s.options.window)
      return std::nullopt; // wait for an outstanding trial
    if (s.queued.empty()) {
      size_t n = std::max<size_t>(1, s.options.batch);
      if (s.set.budget)
        n = std::min<uint64_t>(n, s.set.budget - taken);
      for (Architecture &a : s.strategy.askBatch(n))
        s.queued.push_back(Impl::Queued{std::move(a), std::nullopt, std::nullopt, 0});
    }
    if (s.queued.empty())
      return stop("exhausted");
    s.result.stopReason.clear();
    Impl::Queued asked = std::move(s.queued.front());
    s.queued.pop_front();
    Impl::Slot slot;
    slot.asked = Clock::now();
    Trial &t = slot.trial;
    t.seq = int64_t(taken) + 1;
    t.budget = asked.budget ? *asked.budget : s.strategy.budgetOf(asked.arch);
    t.arch = s.space.canonical(asked.arch);
    const Impl::Named &named = s.nameOf(t.arch);
    t.id = named.id;
    t.hash = named.hash;
    slot.timestamp = utcTimestamp();
    slot.key = cacheKey(t.id, t.budget);
    auto hit = s.cache.find(slot.key);
    bool repeat = hit != s.cache.end();
    if (repeat)
      slot.hit = &hit->second; // entries of an unordered_map stay put
    for (size_t i = s.head; i < s.open.size() && !repeat; ++i)
      repeat = !s.open[i].cached && s.open[i].key == slot.key;
    if (repeat) {
      slot.answered = slot.cached = true;
    } else if (std::optional<std::string> broken = s.space.violated(t.arch)) {
      slot.outcome.eval.error = "breaks requirement '" + *broken + "'";
      if (t.budget > 0)
        slot.outcome.eval.metrics["budget"] = double(t.budget);
      slot.answered = true;
      slot.seconds = std::chrono::duration<double>(Clock::now() - slot.asked).count();
      s.cache[slot.key] = slot.outcome;
    } else {
      slot.values = s.space.values(t.arch);
      for (const runtime::Decision &d : s.space.decisions())
        if (d.search)
          t.hyper[d.name] = slot.values.at(d.name);
      if (asked.told) { // told before the run stopped (resumed): not evaluated again
        auto &kept = s.cache[slot.key];
        kept = s.judge(slot, std::move(*asked.told));
        slot.hit = &kept;
        slot.answered = true;
        slot.seconds = asked.seconds;
        slot.values.clear();
      }
    }
    bool handOut = !slot.answered;
    Trial out = handOut ? slot.trial : Trial();
    s.open.push_back(std::move(slot));
    s.recordAnswered(); // with a window, this ask may let an earlier result through
    if (handOut)
      return out;
  }
  return std::nullopt;
}

void Study::tell(const Trial &trial, Evaluation evaluation, double seconds) {
  Impl &s = *impl_;
  auto it = std::find_if(s.open.begin() + std::ptrdiff_t(s.head), s.open.end(),
                         [&](const Impl::Slot &o) { return o.trial.seq == trial.seq && !o.answered; });
  if (it == s.open.end() || it->trial.id != trial.id)
    throw std::invalid_argument("trial " + std::to_string(trial.seq) + " (" + trial.hash +
                                ") is not waiting for a result: it was told already, or not asked of this study");
  it->outcome = s.judge(*it, std::move(evaluation));
  it->values.clear();
  it->seconds = seconds >= 0 ? seconds : std::chrono::duration<double>(Clock::now() - it->asked).count();
  it->answered = true;
  // Kept once, in the cache; the slot reads it there when it is recorded.
  auto &kept = s.cache[it->key];
  kept = std::move(it->outcome);
  it->hit = &kept;
  ++s.result.estimatorCalls;
  s.dirty = true;
  const bool slow = it->seconds >= kSlowEvaluation;
  s.recordAnswered();
  s.maybeCommit(slow); // a result told ahead of an earlier trial is kept too
}

const SearchResult &Study::finish() {
  Impl &s = *impl_;
  if (s.finished)
    return s.result;
  // Asked of the strategy and never answered: recorded as failed, so the
  // strategy's state (which has them) matches the rows.
  while (!s.queued.empty() && (!s.set.budget || s.result.records.size() + s.openCount() < s.set.budget)) {
    Impl::Slot slot;
    slot.trial.seq = int64_t(s.result.records.size() + s.openCount()) + 1;
    Impl::Queued &q = s.queued.front();
    slot.trial.budget = q.budget ? *q.budget : s.strategy.budgetOf(q.arch);
    slot.trial.arch = s.space.canonical(q.arch);
    std::optional<Evaluation> told = std::move(q.told);
    double seconds = q.seconds;
    s.queued.pop_front();
    slot.trial.id = s.space.fullId(slot.trial.arch);
    slot.trial.hash = Space::hash(slot.trial.id);
    slot.key = cacheKey(slot.trial.id, slot.trial.budget);
    slot.timestamp = utcTimestamp();
    if (told && !s.space.violated(slot.trial.arch)) { // told before a resume: kept as it was
      slot.values = s.space.values(slot.trial.arch);
      slot.outcome = s.judge(slot, std::move(*told));
      slot.values.clear();
      slot.seconds = seconds;
      slot.answered = true;
      s.cache.try_emplace(slot.key, slot.outcome);
    }
    s.open.push_back(std::move(slot));
  }
  s.queued.clear();
  for (size_t i = s.head; i < s.open.size(); ++i)
    if (Impl::Slot &o = s.open[i]; !o.answered) {
      o.outcome = Outcome();
      o.outcome.eval.error = "not told before the study finished";
      if (o.trial.budget > 0)
        o.outcome.eval.metrics["budget"] = double(o.trial.budget);
      o.answered = true;
      o.cached = false;
      s.cache.try_emplace(o.key, o.outcome); // what a resume's replay would cache
    }
  s.recordAnswered();
  if (s.result.stopReason.empty())
    s.result.stopReason = "stopped";
  s.commit();
  std::vector<size_t> members = s.pareto.tags();
  std::sort(members.begin(), members.end());
  s.result.pareto.clear();
  for (size_t i : members)
    s.result.pareto.push_back(s.result.records[i]);
  s.result.seconds = s.elapsed();
  if (s.store)
    s.store->finish(s.result.stopReason);
  s.progress(true);
  s.finished = true;
  return s.result;
}

const SearchResult &Study::result() const { return impl_->result; }
SearchResult Study::release() { return std::move(impl_->result); }
size_t Study::outstanding() const {
  size_t n = 0;
  for (size_t i = impl_->head; i < impl_->open.size(); ++i)
    n += !impl_->open[i].answered;
  return n;
}
const std::string &Study::stopReason() const { return impl_->result.stopReason; }
const SearchSettings &Study::settings() const { return impl_->set; }
