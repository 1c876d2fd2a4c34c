//===- OfaSpecialize.cpp - Once-for-All's specialisation to targets -------===//
//
// Once-for-All (Cai et al. 2020, section 3.3) serves many devices from one
// trained elastic supernet without training again: score sub-networks with
// the supernet's weights, fit an accuracy predictor to them, and search, per
// latency target, the architecture the predictor likes best among those the
// latency model says meet it.
//
// Here: the search's estimator is the elastic supernet (supernet(mode=
// "progressive" or "sandwich"), trained on the first evaluation). The
// strategy asks `samples` distinct random sub-networks (scored by the
// estimator: BN recalibrated, validation accuracy; ordinary store rows),
// then fits an MLP ensemble on the one-hot of each one's active decisions,
// then for each target runs evolution on the predictor (population,
// generations, mutation_rate; OFA's EvolutionFinder) over architectures
// whose predicted latency (a latency table: `latency`, or measured on this
// device once and kept in weights/latency-table.json so a resume predicts
// the same) is within the target and that meet the search's constraints
// on params, flops and latency (predicted). Each target's winner is
// evaluated like the samples; the tool exports it with its inherited
// weights as OUT/specialized-<target>ms.nas and .pt.
//
// Everything the strategy decides follows from the stored rows and the
// seed, so --resume continues where it stopped and chooses the same.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/Latency.h"
#include "nasc/nn/OneShot.h"
#include "nasc/nn/Progressive.h"
#include "nasc/nn/Train.h"
#include "nasc/search/Strategy.h"
#include "nasc/search/Surrogates.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace nasc::nn {
namespace {

using runtime::Rng;

/// A latency target: milliseconds, or a percentage of the way from the
/// smallest network's latency to the largest's ("50%").
struct Target {
  double value = 0;
  bool percent = false;
};

std::vector<Target> parseTargets(const std::string &text) {
  std::vector<Target> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty())
      continue;
    Target t;
    std::string number = item;
    if (!number.empty() && number.back() == '%')
      t.percent = true, number.pop_back();
    size_t used = 0;
    try {
      t.value = std::stod(number, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used == 0 || used != number.size() || !(t.value > 0) || !std::isfinite(t.value) ||
        (t.percent && t.value > 100))
      throw std::invalid_argument("ofa_specialize: targets are latencies in ms or percentages (of the way from the "
                                  "smallest network's latency to the largest's) separated by commas, not '" +
                                  item + "'");
    out.push_back(t);
  }
  return out;
}

std::string msLabel(double ms) {
  std::ostringstream os;
  os << ms;
  return os.str() + "ms";
}

class Specializer : public search::Strategy {
public:
  struct Settings {
    std::vector<Target> targets; // empty: one target, the search's constraints alone
    int64_t samples = 100, population = 100, generations = 50;
    double mutationRate = 0.1;
    uint64_t seed = 0;
  };

  /// `measure`: an architecture's end-to-end latency on this device (ms).
  Specializer(const Json &ops, const Space &space, const Json &search, LatencyTable table, Settings s,
              std::function<double(const Architecture &)> measure, std::ostream *log)
      : ops_(ops), space_(space), table_(std::move(table)), s_(std::move(s)), rng_(s_.seed),
        measure_(std::move(measure)), log_(log) {
    for (const Json *list : {&search, &space.json()})
      for (const Json &c : list->value("constraints", Json::array()))
        if (runtime::readsMetric(c.at("condition")))
          constraints_.push_back(c);
    // Only what a specialisation can predict: costs and latency.
    for (const Json &c : constraints_)
      checkMetrics(c.at("condition"), c.value("text", "a constraint"));
  }

  std::optional<Architecture> ask() override {
    if (asked_ < s_.samples) {
      // Sub-networks that meet the search's constraints (latency by the
      // table, not calibrated yet): the predictor learns where it will be used.
      for (int attempt = 0; attempt < 1000; ++attempt) {
        Architecture a = space_.canonical(space_.sample(rng_));
        if (feasible(a, 0) && seen_.insert(space_.id(a)).second) {
          ++asked_;
          return a;
        }
      }
      asked_ = s_.samples; // a space smaller than `samples`: every one of it drawn
    }
    if (!chosen_)
      chooseWinners();
    while (next_ < winners_.size())
      if (const auto &w = winners_[next_++]; w.figures.at("feasible") > 0)
        return w.arch;
    return std::nullopt;
  }

  void tell(const Architecture &a, double score) override {
    history_.push_back(a);
    scores_.push_back(score);
  }

  /// The winners are saved once chosen: they rest on latencies measured
  /// then, which a resume would measure differently.
  Json save() const override {
    Json winners = Json::array();
    for (const auto &w : winners_)
      winners.push_back({{"label", w.label}, {"target", w.target}, {"arch", search::toJson(w.arch)},
                         {"figures", w.figures}});
    return {{"rng", search::saveRng(rng_)}, {"asked", asked_}, {"next", next_}, {"chosen", chosen_},
            {"winners", winners}};
  }
  void restore(const Json &state) override {
    search::restoreRng(rng_, state.at("rng").get<std::string>());
    asked_ = state.at("asked").get<int64_t>();
    next_ = state.at("next").get<size_t>();
    chosen_ = state.at("chosen").get<bool>();
    winners_.clear();
    for (const Json &w : state.at("winners"))
      winners_.push_back({w.at("label").get<std::string>(), w.at("target").get<std::string>(),
                          search::architectureFromJson(w.at("arch")),
                          w.at("figures").get<std::map<std::string, double>>()});
  }
  void restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &scores) override {
    history_ = evaluated;
    scores_ = scores;
    for (const Architecture &a : evaluated)
      seen_.insert(space_.id(space_.canonical(a)));
  }

  const std::vector<OneShotResult::Specialized> &winners() const { return winners_; }

private:
  const Json &ops_;
  const Space &space_;
  LatencyTable table_;
  Settings s_;
  Rng rng_;
  std::vector<Json> constraints_;
  std::function<double(const Architecture &)> measure_;
  std::ostream *log_;
  int64_t asked_ = 0;
  size_t next_ = 0;
  bool chosen_ = false;
  /// measured ms = a x the table's sum + b, fit over the samples.
  double slope_ = 1, intercept_ = 0;
  std::set<std::string> seen_;
  std::vector<Architecture> history_;
  std::vector<double> scores_;
  std::vector<OneShotResult::Specialized> winners_; // in target order

  static void checkMetrics(const Json &tree, const std::string &text) {
    if (tree.is_object()) {
      if (tree.contains("metric")) {
        std::string m = tree["metric"].get<std::string>();
        if (m != "params" && m != "flops" && m != "latency")
          throw std::invalid_argument("ofa_specialize: the constraint '" + text + "' reads " + m +
                                      ", which a specialisation cannot predict (params, flops and latency it can)");
      }
      for (auto &[k, v] : tree.items())
        checkMetrics(v, text);
    } else if (tree.is_array()) {
      for (const Json &v : tree)
        checkMetrics(v, text);
    }
  }

  struct Candidate {
    Architecture arch;
    double accuracy = 0, latency = 0;
  };

  /// The architecture's predicted latency, or nullopt when it breaks the
  /// space, the search's constraints or the latency bound.
  std::optional<double> feasible(const Architecture &a, double bound) const {
    if (space_.violated(a))
      return std::nullopt;
    runtime::Plan p;
    double ms = 0;
    try {
      p = runtime::plan(ops_, space_, a);
      ms = slope_ * table_.predict(p) + intercept_;
    } catch (const std::exception &) {
      return std::nullopt;
    }
    if (bound > 0 && ms > bound)
      return std::nullopt;
    std::map<std::string, Json> values = space_.values(a);
    runtime::Env env;
    env.decisions = &values;
    env.metric = [&](const std::string &m, const Json &) -> Json {
      return m == "params" ? Json(p.params) : m == "flops" ? Json(p.flops) : Json(ms);
    };
    for (const Json &c : constraints_)
      if (!runtime::asBool(runtime::evaluate(c.at("condition"), env)))
        return std::nullopt;
    return ms;
  }

  /// The table sums each op's latency measured alone, which misses how a
  /// whole network runs (per-op overheads, caches): a line through the
  /// samples' measured end-to-end latencies corrects it.
  void calibrate() {
    std::vector<double> x, y;
    for (size_t i = 0; i < history_.size() && i < size_t(s_.samples) && x.size() < 50; ++i) {
      Architecture a = space_.canonical(history_[i]);
      try {
        x.push_back(table_.predict(runtime::plan(ops_, space_, a)));
        y.push_back(measure_(a));
      } catch (const std::exception &) {
        if (x.size() > y.size())
          x.pop_back();
      }
    }
    if (x.size() < 3)
      return;
    // Least squares on relative errors (weights 1 / measured^2): a fast
    // network's error counts as much as a slow one's.
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      double w = 1 / (y[i] * y[i]);
      sw += w, sx += w * x[i], sy += w * y[i], sxx += w * x[i] * x[i], sxy += w * x[i] * y[i];
    }
    double det = sw * sxx - sx * sx;
    auto relError = [&](double a, double b) {
      double e = 0;
      for (size_t i = 0; i < x.size(); ++i)
        e += std::abs(a * x[i] + b - y[i]) / y[i] / double(x.size());
      return e;
    };
    double before = relError(1, 0);
    if (det > 0) {
      double a = (sw * sxy - sx * sy) / det, b = (sy - a * sx) / sw;
      if (a > 0 && relError(a, b) < before)
        slope_ = a, intercept_ = b;
    }
    double after = relError(slope_, intercept_);
    if (log_)
      *log_ << "ofa_specialize: latency model: measured = " << fixedText(slope_, 3) << " x table "
            << (intercept_ < 0 ? "- " : "+ ") << fixedText(std::abs(intercept_), 4) << " ms over " << x.size()
            << " sub-networks; mean |error| " << fixedText(100 * before, 1) << "% -> " << fixedText(100 * after, 1)
            << "%\n";
  }

  /// How well the predictor ranks sub-networks it did not see: fit on four
  /// fifths of the samples, Kendall's tau and the mean |error| on the rest.
  void reportHeldOut(const search::MlpEnsemble::Options &mo, const std::vector<search::Features> &x,
                     const std::vector<double> &y) const {
    if (!log_ || x.size() < 10)
      return;
    std::vector<search::Features> fx;
    std::vector<double> fy, truth, guess;
    for (size_t i = 0; i < x.size(); ++i)
      if (i % 5 != 4)
        fx.push_back(x[i]), fy.push_back(y[i]);
    search::MlpEnsemble m(mo);
    m.fit(fx, fy, s_.seed);
    double error = 0;
    for (size_t i = 4; i < x.size(); i += 5) {
      truth.push_back(y[i]), guess.push_back(m.predict(x[i]).mean);
      error += std::abs(guess.back() - truth.back());
    }
    double concordant = 0, pairs = 0;
    for (size_t i = 0; i < truth.size(); ++i)
      for (size_t j = i + 1; j < truth.size(); ++j) {
        double a = (truth[i] - truth[j]) * (guess[i] - guess[j]);
        concordant += a > 0 ? 1 : a < 0 ? -1 : 0;
        pairs += 1;
      }
    *log_ << "ofa_specialize: accuracy predictor on " << truth.size() << " held-out sub-networks (fit on "
          << fx.size() << "): mean |error| " << fixedText(error / double(truth.size()), 2) << " points, Kendall tau "
          << fixedText(pairs > 0 ? concordant / pairs : 0, 2) << "\n";
  }

  void chooseWinners() {
    chosen_ = true;
    calibrate();
    // The predictor: the samples told so far that scored (not -inf).
    std::vector<search::Features> x;
    std::vector<double> y;
    for (size_t i = 0; i < history_.size() && i < size_t(s_.samples); ++i)
      if (std::isfinite(scores_[i]))
        x.push_back(predictorFeatures(space_, space_.canonical(history_[i]))), y.push_back(scores_[i]);
    if (x.size() < 2)
      throw std::runtime_error("ofa_specialize: fewer than two sub-networks scored; nothing to fit a predictor to");
    search::MlpEnsemble::Options mo;
    mo.models = 3, mo.hidden = 64, mo.layers = 3, mo.epochs = 200, mo.lr = 0.005;
    reportHeldOut(mo, x, y);
    search::MlpEnsemble predictor(mo);
    predictor.fit(x, y, s_.seed);
    auto score = [&](const Architecture &a) { return predictor.predict(predictorFeatures(space_, a)).mean; };

    // Relative targets: between the smallest and the largest network's latency.
    ElasticDecisions ends = elasticDecisions(ops_, space_);
    double lo = feasible(ends.smallest, 0).value_or(0), hi = feasible(ends.largest, 0).value_or(0);
    std::vector<Target> targets = s_.targets.empty() ? std::vector<Target>{Target{}} : s_.targets;
    for (const Target &target : targets) {
      double bound = target.percent ? lo + target.value / 100 * (hi - lo) : target.value;
      Rng rng(s_.seed ^ std::hash<double>{}(target.value) ^ (target.percent ? 1 : 0));
      auto candidate = [&](const Architecture &a) -> std::optional<Candidate> {
        Architecture c = space_.canonical(a);
        if (auto ms = feasible(c, bound))
          return Candidate{c, score(c), *ms};
        return std::nullopt;
      };
      std::vector<Candidate> population;
      for (int64_t tries = 0; int64_t(population.size()) < s_.population && tries < 100 * s_.population; ++tries)
        if (auto c = candidate(space_.sample(rng)))
          population.push_back(*c);
      OneShotResult::Specialized w;
      std::ostringstream pct;
      pct << target.value;
      w.label = target.percent ? pct.str() + "pct" : bound > 0 ? msLabel(bound) : "constraints";
      w.target = bound <= 0 ? "the search's constraints"
                 : target.percent ? "latency <= " + msLabel(bound) + " (" + pct.str() + "% of the way from " +
                                        msLabel(lo) + " to " + msLabel(hi) + "; predicted)"
                                  : "latency <= " + msLabel(bound) + " (predicted)";
      if (population.empty()) {
        w.figures["feasible"] = 0; // none found: reported, not exported
        winners_.push_back(w);
        continue;
      }
      auto byAccuracy = [](const Candidate &a, const Candidate &b) { return a.accuracy > b.accuracy; };
      size_t parents = std::max<size_t>(1, population.size() / 4);
      for (int64_t g = 0; g < s_.generations; ++g) {
        std::sort(population.begin(), population.end(), byAccuracy);
        population.resize(parents);
        size_t mutants = size_t(s_.population) / 2;
        for (int64_t tries = 0; population.size() < parents + mutants && tries < 20 * s_.population; ++tries)
          if (auto c = candidate(space_.mutate(population[runtime::uniformIndex(rng, parents)].arch, rng,
                                               s_.mutationRate)))
            population.push_back(*c);
        for (int64_t tries = 0; int64_t(population.size()) < s_.population && tries < 20 * s_.population; ++tries)
          if (auto c = candidate(space_.crossover(population[runtime::uniformIndex(rng, parents)].arch,
                                                  population[runtime::uniformIndex(rng, parents)].arch, rng)))
            population.push_back(*c);
      }
      const Candidate &best = *std::max_element(population.begin(), population.end(),
                                                [&](const Candidate &a, const Candidate &b) { return byAccuracy(b, a); });
      w.arch = best.arch;
      w.figures = {{"predicted_accuracy", best.accuracy}, {"predicted_latency_ms", best.latency}, {"feasible", 1}};
      winners_.push_back(w);
    }
  }
};

/// The search's estimator, keeping each evaluation's measured latency (by
/// ID) for the latency model: the figures the store holds, so the model is
/// fit to the same measurements the report shows.
class LatencyKeeping : public search::Estimator {
public:
  LatencyKeeping(search::Estimator &inner, const Space &space) : inner_(inner), space_(space) {}
  search::Evaluation evaluate(const Architecture &a, const std::map<std::string, Json> &hyper) override {
    search::Evaluation e = inner_.evaluate(a, hyper);
    keep(a, e);
    return e;
  }
  double metric(const std::string &name, const Json &args, const search::Evaluation &e) const override {
    return inner_.metric(name, args, e);
  }
  void keep(const Architecture &a, const search::Evaluation &e) {
    if (auto it = e.metrics.find("latency"); it != e.metrics.end() && e.error.empty())
      latency_[space_.id(space_.canonical(a))] = it->second;
  }
  std::optional<double> latency(const Architecture &a) const {
    auto it = latency_.find(space_.id(space_.canonical(a)));
    return it == latency_.end() ? std::nullopt : std::optional<double>(it->second);
  }

private:
  search::Estimator &inner_;
  const Space &space_;
  std::map<std::string, double> latency_;
};

class OfaSpecialize : public OneShotMethod {
public:
  explicit OfaSpecialize(const Json &args) {
    s_.targets = parseTargets(runtime::asString(search::strategyArg(args, "targets", "")));
    s_.samples = int64_t(oneShotNumber(args, "samples", 100));
    s_.population = int64_t(oneShotNumber(args, "population", 100));
    s_.generations = int64_t(oneShotNumber(args, "generations", 50));
    s_.mutationRate = oneShotNumber(args, "mutation_rate", 0.1);
    tableFile_ = runtime::asString(search::strategyArg(args, "latency", ""));
    if (s_.samples < 2 || s_.population < 2 || s_.generations < 0)
      throw std::invalid_argument("ofa_specialize: samples and population must be at least 2, generations at least 0");
    if (!(s_.mutationRate >= 0 && s_.mutationRate <= 1))
      throw std::invalid_argument("ofa_specialize: mutation_rate must be in [0, 1]");
  }

  void prepare(Json &search, search::DriverOptions &driver) override {
    const Json &settings = search.at("settings");
    const Json &est = settings.contains("estimator") ? settings["estimator"] : Json();
    std::string mode;
    if (!est.is_null() && est.value("impl", "") == "supernet" && est.at("args").contains("mode"))
      mode = runtime::asString(runtime::evaluate(est["args"]["mode"], runtime::Env{}));
    if (mode != "progressive" && mode != "sandwich")
      throw std::invalid_argument("ofa_specialize needs an elastic supernet: estimator = supernet(mode=\"progressive\") "
                                  "or supernet(mode=\"sandwich\")");
    uint64_t needed = uint64_t(s_.samples) + std::max<size_t>(1, s_.targets.size());
    if (driver.budget) // --budget: a run stopped early on purpose, continued with --resume
      return;
    if (!settings.contains("evaluations")) {
      driver.budget = needed;
      return;
    }
    uint64_t budget = uint64_t(runtime::asInt(runtime::evaluate(settings["evaluations"], {})));
    if (budget < needed)
      throw std::invalid_argument("ofa_specialize: " + std::to_string(s_.samples) + " samples and " +
                                  std::to_string(std::max<size_t>(1, s_.targets.size())) +
                                  " target(s) need evaluations >= " + std::to_string(needed) + ", not " +
                                  std::to_string(budget) + " (or leave evaluations out)");
  }

  OneShotResult run(OneShotRun &run) override {
    OneShotResult r;
    r.estimator = std::make_unique<TrainingEstimator>(run.ops, run.space, run.search, run.estimator);
    LatencyTable table = latencyTable(run);
    search::SearchSettings settings = search::SearchDriver::settings(run.search, run.driver);
    s_.seed = settings.seed;
    if (run.estimator.log)
      *run.estimator.log << "nasc: ofa_specialize: " << s_.samples << " sub-networks scored with the supernet's "
                         << "weights, an accuracy predictor, evolution (population " << s_.population << ", "
                         << s_.generations << " generations) per target: "
                         << (s_.targets.empty() ? std::string("the search's constraints") : targetsText())
                         << "; latency table of " << table.ms.size() << " op configurations on " << table.device << "\n";
    LatencyKeeping estimator(*r.estimator, run.space);
    for (const search::Record &row : run.store.records()) // a resumed run's evaluations
      estimator.keep(row.arch, row.eval);
    auto measure = [&](const Architecture &a) {
      if (std::optional<double> ms = estimator.latency(a))
        return *ms;
      auto net = Network::child(run.ops, run.space, a); // not evaluated here (cannot happen for a sample)
      net->to(run.estimator.device);
      runtime::Plan p = runtime::plan(run.ops, run.space, a);
      const Json &nodes = run.space.json().at("nodes");
      size_t input = 0;
      while (input + 1 < nodes.size() && nodes[input].value("kind", "") != "input")
        ++input;
      return measureLatencyMs(*net, p.shapes.at(input).value(), run.estimator.latencyBatch, run.estimator.device);
    };
    Specializer strategy(run.ops, run.space, run.search, table, s_, measure, run.estimator.log);
    search::DriverOptions d = run.driver;
    search::SearchDriver driver(run.space, run.search, strategy, estimator, &run.store, d);
    r.search = driver.run();
    r.specialized = strategy.winners();
    return r;
  }

private:
  Specializer::Settings s_;
  std::string tableFile_;

  std::string targetsText() const {
    std::string t;
    for (const Target &v : s_.targets) {
      std::ostringstream os;
      os << v.value;
      t += (t.empty() ? "" : ", ") + (v.percent ? os.str() + "%" : msLabel(v.value));
    }
    return t;
  }

  /// The given table, or one measured here once and kept with the run.
  LatencyTable latencyTable(const OneShotRun &run) const {
    if (!tableFile_.empty())
      return LatencyTable::load(tableFile_);
    std::string kept = run.estimator.weightsDir.empty() ? "" : run.estimator.weightsDir + "/latency-table.json";
    if (!kept.empty() && std::filesystem::exists(kept))
      return LatencyTable::load(kept);
    LatencyTable t = measureLatencyTable(run.ops, run.space, run.estimator.device, run.estimator.latencyBatch,
                                         run.estimator.log);
    if (!kept.empty() && run.estimator.writes) {
      std::filesystem::create_directories(run.estimator.weightsDir);
      std::ofstream(kept + ".tmp") << t.toJson().dump(1) << "\n";
      std::filesystem::rename(kept + ".tmp", kept);
    }
    return t;
  }
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(ofa_specialize,
                      [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
                        return std::make_unique<nasc::nn::OfaSpecialize>(args);
                      })
