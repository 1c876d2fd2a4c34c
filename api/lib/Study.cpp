//===- Study.cpp - Ask/tell studies for a host's own evaluation loop -------===//
//
// A thin layer over search::Study (the runtime's search loop, the same one
// `nasc search` runs): a space study synthesises a search block whose
// objectives read the metrics "objective0", "objective1", ...; a search
// block's study keeps its objectives, constraints and settings.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

#include "nasc/runtime/Plan.h"
#include "nasc/search/Pareto.h"
#include "nasc/search/Proxy.h"
#include "nasc/search/Strategy.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace nasc {

struct Study::Impl {
  std::shared_ptr<Space::Impl> space;
  std::shared_ptr<Json> search; ///< the block the study runs (space studies: made here)
  bool spaceStudy = false;
  std::unique_ptr<search::ProxyScorer> scorer; ///< outlives the strategy that holds it
  std::unique_ptr<search::Strategy> strategy;
  std::unique_ptr<search::Store> store;
  std::unique_ptr<search::Study> study;
  std::map<int64_t, search::Trial> out; ///< handed out, not yet told
  std::vector<std::string> directions;
  /// Per objective: the metric it is (empty when an expression).
  std::vector<std::string> objectiveMetrics;
  std::set<std::string> metricsRead; ///< by the objectives and constraints

  Trial toHost(const search::Trial &t) const {
    Trial out;
    out.number = t.seq;
    out.id = t.id;
    out.hash = t.hash;
    out.params = space->toHost(t.arch);
    out.budget = t.budget;
    return out;
  }
  TrialResult toHost(const search::Record &r) const {
    TrialResult out;
    out.number = r.seq;
    out.id = r.id;
    out.hash = r.hash;
    out.params = space->toHost(r.arch);
    if (r.eval.error.empty())
      out.values = r.objectives;
    for (const auto &[k, v] : r.eval.metrics)
      out.metrics[k] = v;
    out.error = r.eval.error;
    out.feasible = r.feasible;
    out.cached = r.cached;
    out.seconds = r.seconds;
    return out;
  }
  search::Trial take(const Trial &t) {
    auto it = out.find(t.number);
    if (it == out.end() || it->second.id != t.id)
      throw Error("trial " + std::to_string(t.number) + " (" + t.hash +
                  ") is not waiting for a result: it was told already, or not asked of this study");
    search::Trial taken = std::move(it->second);
    out.erase(it);
    return taken;
  }
};

namespace {

/// Scores by the host's function (StudyOptions::proxyScorer).
class HostProxyScorer : public search::ProxyScorer {
public:
  HostProxyScorer(const Space::Impl &space, std::string proxy, decltype(StudyOptions::proxyScorer) fn)
      : space_(space), proxy_(std::move(proxy)), fn_(std::move(fn)) {}
  std::vector<double> score(const std::vector<runtime::Architecture> &candidates) override {
    std::vector<Architecture> host;
    host.reserve(candidates.size());
    for (const runtime::Architecture &a : candidates)
      host.push_back(space_.toHost(a));
    std::vector<double> scores = fn_(proxy_, host);
    if (scores.size() != candidates.size())
      throw Error("the proxy scorer returned " + std::to_string(scores.size()) + " scores for " +
                  std::to_string(candidates.size()) + " candidates");
    for (double x : scores)
      if (std::isnan(x))
        throw Error("the proxy scorer returned NaN");
    return scores;
  }

private:
  const Space::Impl &space_;
  std::string proxy_;
  decltype(StudyOptions::proxyScorer) fn_;
};

/// The proxies the compiler counts, without building a network: params,
/// flops, and a rank average of both (search::proxyMembers).
class CountingProxyScorer : public search::ProxyScorer {
public:
  CountingProxyScorer(const Space::Impl &space, const std::string &proxy)
      : space_(space), members_(search::proxyMembers(proxy, {"params", "flops"})) {}
  std::vector<double> score(const std::vector<runtime::Architecture> &candidates) override {
    std::vector<std::vector<double>> perMember;
    for (const std::string &m : members_) {
      std::vector<double> s;
      for (const runtime::Architecture &a : candidates) {
        runtime::Plan p = runtime::plan(space_.program->artefact.ops(), *space_.space, a);
        s.push_back(double(m == "params" ? p.params : p.flops));
      }
      perMember.push_back(std::move(s));
    }
    return perMember.size() == 1 ? perMember.front() : search::averageRanks(perMember);
  }

private:
  const Space::Impl &space_;
  std::vector<std::string> members_;
};

void collectMetrics(const Json &tree, std::set<std::string> &out) {
  if (tree.is_object()) {
    if (auto it = tree.find("metric"); it != tree.end() && it->is_string())
      out.insert(it->get<std::string>());
    for (const auto &[k, v] : tree.items())
      collectMetrics(v, out);
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      collectMetrics(v, out);
  }
}

std::unique_ptr<Study::Impl> makeStudy(std::shared_ptr<Space::Impl> space, std::shared_ptr<Json> search,
                                       bool spaceStudy, const StudyOptions &o) {
  auto s = std::make_unique<Study::Impl>();
  s->space = std::move(space);
  s->search = std::move(search);
  s->spaceStudy = spaceStudy;
  const runtime::Space &rs = *s->space->space;
  for (const Json &obj : s->search->value("objectives", Json::array())) {
    s->directions.push_back(obj.value("direction", "maximize"));
    const Json &v = obj.at("value");
    bool plain = v.is_object() && v.contains("metric") && v.value("args", Json::object()).empty();
    s->objectiveMetrics.push_back(plain ? v.at("metric").get<std::string>() : std::string());
  }
  collectMetrics(s->search->value("objectives", Json::array()), s->metricsRead);
  collectMetrics(s->search->value("constraints", Json::array()), s->metricsRead);
  collectMetrics(s->space->spaceJson.value("constraints", Json::array()), s->metricsRead);

  // What the options leave unset comes from the block's settings (a
  // synthesised block has none: random, seed 0, no limit).
  search::DriverOptions dopt;
  dopt.seed = o.seed;
  dopt.budget = o.budget;
  search::SearchSettings set;
  try {
    set = search::SearchDriver::settings(*s->search, dopt);
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  std::string strategy = o.strategy;
  Json args = o.args.is_null() ? Json::object() : o.args;
  if (strategy.empty()) {
    strategy = set.strategy.empty() ? "random" : set.strategy;
    if (!set.strategy.empty() && args.empty())
      args = set.strategyArgs;
  }
  try {
    s->strategy = search::makeStrategy(strategy, rs, args, set.seed);
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  if (std::string proxy = s->strategy->proxyNeeded(); !proxy.empty()) {
    if (o.proxyScorer) {
      s->scorer = std::make_unique<HostProxyScorer>(*s->space, proxy, o.proxyScorer);
    } else {
      try {
        s->scorer = std::make_unique<CountingProxyScorer>(*s->space, proxy);
      } catch (const std::invalid_argument &) {
        throw Error("strategy '" + strategy + "' ranks candidates with the zero-cost proxy '" + proxy +
                    "', which scores untrained networks: give the study a proxy scorer (Python: proxy_scorer=fn, "
                    "fn(proxy, candidates) -> one score each), use proxy=\"params\" or \"flops\" (counted by "
                    "the compiler), or run it with nasc search");
      }
    }
    s->strategy->setProxyScorer(s->scorer.get());
  }
  try {
    if (!o.storage.empty()) {
      std::error_code ec;
      // A PostgreSQL run is resumed when it is there (the store starts a
      // missing one); a file when it holds something.
      bool exists = search::Store::isPostgres(o.storage) ||
                    (std::filesystem::exists(o.storage, ec) && std::filesystem::file_size(o.storage, ec) > 0);
      dopt.resume = exists;
      s->store = std::make_unique<search::Store>(
          o.storage, search::SearchDriver::storeMeta(rs, *s->search, dopt, strategy, args), exists);
    }
    s->study = std::make_unique<search::Study>(rs, *s->search, *s->strategy, s->store.get(), dopt);
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  return s;
}

} // namespace

bool Space::isSearchSpace() const { return impl_->search != nullptr; }

Study Space::study(const StudyOptions &options) const {
  if (impl_->search && options.directions.empty())
    return Study(makeStudy(impl_, impl_->search, false, options));
  std::vector<std::string> directions = options.directions;
  if (directions.empty())
    directions = {"maximize"};
  Json search = {{"name", impl_->name + ".study"}, {"decisions", Json::array()}, {"constraints", Json::array()},
                 {"objectives", Json::array()}, {"settings", Json::object()}};
  if (impl_->search) // a search block's space: its hyperparameters stay decisions
    search["decisions"] = impl_->search->value("decisions", Json::array());
  for (size_t i = 0; i < directions.size(); ++i) {
    const std::string &d = directions[i];
    if (d != "maximize" && d != "minimize")
      throw Error("direction '" + d + "': use \"maximize\" or \"minimize\"");
    search["objectives"].push_back(
        {{"direction", d}, {"value", {{"metric", "objective" + std::to_string(i)}, {"args", Json::object()}}}});
  }
  return Study(makeStudy(impl_, std::make_shared<Json>(std::move(search)), true, options));
}

Study Program::searchStudy(const std::string &name, const StudyOptions &options) const {
  return searchSpace(name).study(options);
}

Study::Study(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Study::~Study() = default;
Study::Study(Study &&) noexcept = default;
Study &Study::operator=(Study &&) noexcept = default;

std::optional<Trial> Study::ask() {
  std::optional<search::Trial> t;
  try {
    t = impl_->study->ask();
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  if (!t)
    return std::nullopt;
  Trial host = impl_->toHost(*t);
  impl_->out.emplace(t->seq, std::move(*t));
  return host;
}

void Study::tell(const Trial &trial, double value) { tell(trial, std::vector<double>{value}); }

void Study::tell(const Trial &trial, const std::vector<double> &values) {
  if (values.size() != impl_->directions.size())
    throw Error("the study has " + std::to_string(impl_->directions.size()) + " objective(s); " +
                std::to_string(values.size()) + " value(s) told");
  std::map<std::string, double> metrics;
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string &metric = impl_->objectiveMetrics[i];
    if (metric.empty())
      throw Error("objective " + std::to_string(i + 1) +
                  " of the search block is an expression over metrics: tell the study the metrics it reads");
    metrics[metric] = values[i];
  }
  tell(trial, metrics);
}

void Study::tell(const Trial &trial, const std::map<std::string, double> &given) {
  // Costs the compiler knows exactly need not be measured: `require params
  // <= 60_000` reads the architecture's own.
  std::map<std::string, double> metrics = given;
  bool needsCost = false;
  for (const char *cost : {"params", "flops"})
    needsCost = needsCost || (impl_->metricsRead.count(cost) && !metrics.count(cost));
  if (needsCost)
    if (auto it = impl_->out.find(trial.number); it != impl_->out.end()) {
      try {
        runtime::Plan p = runtime::plan(impl_->space->program->artefact.ops(), *impl_->space->space, it->second.arch);
        metrics.emplace("params", p.params);
        metrics.emplace("flops", p.flops);
      } catch (const std::exception &) {
        // Not costed (an op without cost rules): the check below names it.
      }
    }
  std::vector<std::string> missing;
  for (const std::string &m : impl_->metricsRead)
    if (!metrics.count(m))
      missing.push_back(m);
  if (!missing.empty()) {
    std::string list;
    for (const std::string &m : missing)
      list += (list.empty() ? "'" : ", '") + m + "'";
    throw Error("trial " + std::to_string(trial.number) + ": the objectives and constraints read " + list +
                ", which the result does not give");
  }
  search::Trial t = impl_->take(trial);
  search::Evaluation e;
  for (const auto &[k, v] : metrics)
    e.metrics[k] = v;
  impl_->study->tell(t, std::move(e));
}

void Study::fail(const Trial &trial, const std::string &error) {
  search::Trial t = impl_->take(trial);
  search::Evaluation e;
  e.error = error.empty() ? "failed" : error;
  impl_->study->tell(t, std::move(e));
}

size_t Study::outstanding() const { return impl_->study->outstanding(); }

std::optional<TrialResult> Study::best() const {
  const search::SearchResult &r = impl_->study->result();
  if (!r.best)
    return std::nullopt;
  return impl_->toHost(*r.best);
}

std::vector<TrialResult> Study::trials() const {
  std::vector<TrialResult> out;
  for (const search::Record &r : impl_->study->result().records)
    out.push_back(impl_->toHost(r));
  return out;
}

std::vector<TrialResult> Study::pareto() const {
  // finish() fills the result's Pareto set; before it, compute it from the
  // records so far (what a host checking progress expects).
  const search::SearchResult &r = impl_->study->result();
  std::vector<TrialResult> out;
  if (impl_->directions.size() < 2)
    return out;
  std::vector<const search::Record *> candidates;
  std::set<std::string> seen;
  for (const search::Record &rec : r.records)
    if (rec.eval.error.empty() && rec.feasible && !rec.cached && rec.objectives.size() == impl_->directions.size() &&
        seen.insert(rec.id).second)
      candidates.push_back(&rec);
  // The driver's own Pareto set (search/Pareto.h), over the records so far.
  search::ParetoSet set;
  for (size_t i = 0; i < candidates.size(); ++i) {
    search::Objectives v;
    for (size_t k = 0; k < impl_->directions.size(); ++k)
      v.push_back(impl_->directions[k] == "minimize" ? -candidates[i]->objectives[k] : candidates[i]->objectives[k]);
    set.add(v, i);
  }
  std::vector<size_t> members = set.tags();
  std::sort(members.begin(), members.end());
  for (size_t i : members)
    out.push_back(impl_->toHost(*candidates[i]));
  return out;
}

void Study::finish() {
  try {
    impl_->study->finish();
  } catch (const std::exception &e) {
    throw Error(e.what());
  }
  impl_->out.clear();
  impl_->store.reset(); // written and unlocked: another study may resume it
}

bool Study::resumed() const { return impl_->study->result().resumed; }
std::vector<std::string> Study::directions() const { return impl_->directions; }

void optimize(Study &study, const Evaluator &evaluate) {
  while (std::optional<Trial> t = study.ask()) {
    std::map<std::string, double> metrics;
    try {
      metrics = evaluate(*t);
    } catch (const std::exception &e) {
      study.fail(*t, e.what());
      continue;
    }
    study.tell(*t, metrics);
  }
  study.finish();
}

} // namespace nasc
