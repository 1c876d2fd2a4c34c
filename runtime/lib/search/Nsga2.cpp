//===- Nsga2.cpp - NSGA-II: non-dominated sorting genetic search ----------===//
//
// Deb, Pratap, Agarwal & Meyarivan, "A Fast and Elitist Multiobjective
// Genetic Algorithm: NSGA-II" (IEEE TEC 2002), over architectures:
//   - generation 0: `population` random architectures (no two alike);
//   - each later generation: `population` children of the parents, each by
//     two binary tournaments (lower front wins, then the larger crowding
//     distance, then the first drawn), uniform crossover of the two winners
//     with probability `crossover` (Space::crossover; else the first
//     winner), then mutation (Space::mutate: each gene with probability
//     `mutation_rate`, at least one) so no child copies a parent;
//   - when a generation's children are all told, parents and children are
//     sorted into fronts and the next parents are the first `population`
//     by front, the last front cut by crowding distance.
// Objectives come oriented "higher is better" (tellObjectives); a failed or
// infeasible child is ranked below every feasible one. With one objective
// it is a (mu + lambda) genetic algorithm on the score.
// Batch-friendly: a generation's children are made at once, so asks may run
// ahead of tells; an ask beyond the generation breeds from the same parents.
//
// `surrogate="gp"` (NSGANetV2, Lu et al., ECCV 2020: NSGA-II whose
// offspring a surrogate screens): each generation breeds `candidates`
// times as many children as it asks, fits one Gaussian process per
// objective (Hamming kernel on one-hot architectures, Surrogates.h) on the
// best-ranked evaluations so far, and asks the `population` children that
// add the most hypervolume to the evaluated front by their optimistic
// prediction (mean + std), one at a time, each counted before the next.
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Encoding.h"
#include "nasc/search/Pareto.h"
#include "nasc/search/Strategy.h"
#include "nasc/search/Surrogates.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <set>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

class Nsga2Strategy : public Strategy {
public:
  Nsga2Strategy(const Space &space, int64_t population, double crossover, double mutation, std::string surrogate,
                int64_t candidates, uint64_t seed)
      : space_(space), size_(population), crossover_(crossover), mutation_(mutation),
        surrogate_(std::move(surrogate)), candidates_(candidates), rng_(seed) {
    if (population < 2)
      throw std::invalid_argument("nsga2: population must be at least 2");
    if (surrogate_ != "none" && surrogate_ != "gp")
      throw std::invalid_argument("nsga2: surrogate must be \"none\" or \"gp\", not \"" + surrogate_ + "\"");
    if (candidates_ < 1)
      throw std::invalid_argument("nsga2: candidates must be at least 1");
    if (!(crossover >= 0 && crossover <= 1))
      throw std::invalid_argument("nsga2: crossover must be in [0, 1]");
    if (!(mutation >= 0 && mutation <= 1))
      throw std::invalid_argument("nsga2: mutation_rate must be in [0, 1]");
  }

  std::optional<Architecture> ask() override {
    if (queue_.empty())
      breed();
    Architecture a = queue_.front();
    queue_.pop_front();
    return a;
  }

  void tell(const Architecture &a, double score) override {
    tellObjectives(a, score, score == -kInf ? std::vector<double>{} : std::vector<double>{score});
  }

  void tellObjectives(const Architecture &a, double score, const std::vector<double> &objectives) override {
    Objectives v = objectives;
    if (score == -kInf || v.empty())
      v.assign(std::max<size_t>(width(), 1), -kInf);
    if (width_ == 0 && !objectives.empty())
      width_ = objectives.size();
    children_.push_back({space_.canonical(a), v});
    evaluated_.insert(space_.fullId(children_.back().arch));
    if (surrogate_ != "none")
      history_.push_back(children_.back());
    if (int64_t(children_.size()) >= size_)
      select();
  }

  Json save() const override {
    auto members = [](const std::vector<Member> &ms) {
      Json out = Json::array();
      for (const Member &m : ms) {
        Json obj = Json::array();
        for (double x : m.objectives)
          obj.push_back(scoreToJson(x));
        out.push_back(Json{{"arch", toJson(m.arch)}, {"objectives", obj}});
      }
      return out;
    };
    Json queue = Json::array();
    for (const Architecture &a : queue_)
      queue.push_back(toJson(a));
    return Json{{"strategy", "nsga2"}, {"rng", saveRng(rng_)},       {"generation", generation_},
                {"width", width_},     {"parents", members(parents_)}, {"children", members(children_)},
                {"queue", queue},      {"history", members(history_)}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "nsga2")
      throw std::invalid_argument("not an nsga2 state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    generation_ = s.at("generation").get<int64_t>();
    width_ = s.at("width").get<size_t>();
    auto members = [](const Json &j) {
      std::vector<Member> out;
      for (const Json &m : j) {
        Objectives v;
        for (const Json &x : m.at("objectives"))
          v.push_back(scoreFromJson(x));
        out.push_back({architectureFromJson(m.at("arch")), v});
      }
      return out;
    };
    parents_ = members(s.at("parents"));
    children_ = members(s.at("children"));
    history_ = members(s.value("history", Json::array()));
    queue_.clear();
    for (const Json &a : s.at("queue"))
      queue_.push_back(architectureFromJson(a));
    evaluated_.clear();
    rankParents();
  }

  void restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &) override {
    for (const Architecture &a : evaluated)
      evaluated_.insert(space_.fullId(space_.canonical(a)));
  }

private:
  struct Member {
    Architecture arch;
    Objectives objectives;
  };
  const Space &space_;
  int64_t size_;
  double crossover_, mutation_;
  std::string surrogate_;
  int64_t candidates_; ///< children bred per child asked, when a surrogate screens them
  runtime::Rng rng_;
  /// Every evaluation told (surrogate only): what the models fit.
  std::vector<Member> history_;
  /// The most evaluations a model fits (the best-ranked): a Gaussian
  /// process costs their cube.
  static constexpr size_t kMaxFit = 150;
  int64_t generation_ = 0;
  size_t width_ = 0; ///< objectives per point, once a feasible one is told
  std::vector<Member> parents_, children_;
  std::deque<Architecture> queue_;
  /// Every architecture told: children that repeat one are bred again
  /// (a repeat costs an evaluation and teaches nothing). Not saved: the
  /// driver gives it back on resume (restoreHistory).
  std::set<std::string> evaluated_;
  /// Per parent: its front and crowding distance (from the parents alone,
  /// as the survivors were ranked).
  std::vector<size_t> front_;
  std::vector<double> crowding_;

  size_t width() const { return width_; }

  /// The next batch of asks: random for generation 0, else children
  /// (screened by the surrogate when there is one).
  void breed() {
    std::set<std::string> seen = evaluated_;
    for (const Member &m : parents_)
      seen.insert(space_.fullId(m.arch));
    auto fresh = [&](const Architecture &a) { return seen.insert(space_.fullId(a)).second; };
    bool screen = surrogate_ != "none" && !parents_.empty() && width_ > 0;
    std::vector<Architecture> bred, stale; // stale: repeats, asked only when too few are fresh
    for (int64_t i = 0; i < (screen ? size_ * candidates_ : size_); ++i) {
      Architecture child;
      bool isFresh = false;
      for (int t = 0; t < 100 && !isFresh; ++t) {
        child = parents_.empty() ? space_.sample(rng_) : offspring();
        isFresh = fresh(child);
      }
      (isFresh || !screen ? bred : stale).push_back(child);
    }
    if (screen)
      bred = screened(std::move(bred));
    for (size_t i = 0; int64_t(bred.size()) < size_ && i < stale.size(); ++i)
      bred.push_back(stale[i]); // a small space, all but exhausted: repeats, as without the screen
    for (Architecture &a : bred)
      queue_.push_back(std::move(a));
  }

  /// The `size_` of `pool` a Gaussian process per objective expects to add
  /// the most hypervolume to the evaluated front (optimistically: mean +
  /// std), picked one at a time; the rest in breeding order when none adds.
  std::vector<Architecture> screened(std::vector<Architecture> pool) {
    if (int64_t(pool.size()) <= size_)
      return pool;
    std::vector<Objectives> points;
    std::vector<const Member *> feasible;
    for (const Member &m : history_)
      if (m.objectives.size() == width_ && m.objectives[0] > -kInf)
        points.push_back(m.objectives), feasible.push_back(&m);
    if (points.size() < 4)
      return std::vector<Architecture>(pool.begin(), pool.begin() + size_);
    // Fit on the best-ranked (whole fronts, then the first of the next).
    std::vector<size_t> fit;
    std::vector<std::vector<size_t>> fronts = nonDominatedSort(points);
    for (const std::vector<size_t> &f : fronts)
      for (size_t i : f)
        if (fit.size() < kMaxFit)
          fit.push_back(i);
    std::vector<Features> x;
    for (size_t i : fit)
      x.push_back(ArchitectureEncoding::oneHot(space_, feasible[i]->arch));
    // Each objective scaled to the evaluated range; the reference just below.
    Objectives lo(width_, kInf), hi(width_, -kInf);
    for (const Objectives &p : points)
      for (size_t k = 0; k < width_; ++k)
        lo[k] = std::min(lo[k], p[k]), hi[k] = std::max(hi[k], p[k]);
    auto scaled = [&](Objectives p) {
      for (size_t k = 0; k < width_; ++k)
        p[k] = hi[k] > lo[k] ? (p[k] - lo[k]) / (hi[k] - lo[k]) : 0.0;
      return p;
    };
    std::vector<Objectives> predicted(pool.size(), Objectives(width_));
    for (size_t k = 0; k < width_; ++k) {
      std::vector<double> y;
      for (size_t i : fit)
        y.push_back(points[i][k]);
      GaussianProcess gp;
      gp.fit(x, y);
      for (size_t c = 0; c < pool.size(); ++c) {
        Prediction p = gp.predict(ArchitectureEncoding::oneHot(space_, pool[c]));
        predicted[c][k] = p.mean + p.std;
      }
    }
    std::vector<Objectives> front;
    for (size_t i : fronts.front())
      front.push_back(scaled(points[i]));
    const Objectives reference(width_, -0.1);
    double volume = hypervolume(front, reference);
    std::vector<Architecture> out;
    std::vector<bool> taken(pool.size(), false);
    while (int64_t(out.size()) < size_) {
      size_t best = pool.size();
      double gain = 1e-12;
      for (size_t c = 0; c < pool.size(); ++c) {
        if (taken[c])
          continue;
        front.push_back(scaled(predicted[c]));
        double g = hypervolume(front, reference) - volume;
        front.pop_back();
        if (g > gain)
          gain = g, best = c;
      }
      if (best == pool.size())
        break; // none adds: the rest as bred
      taken[best] = true;
      out.push_back(pool[best]);
      front.push_back(scaled(predicted[best]));
      volume += gain;
    }
    for (size_t c = 0; c < pool.size() && int64_t(out.size()) < size_; ++c)
      if (!taken[c])
        out.push_back(pool[c]);
    return out;
  }

  Architecture offspring() {
    const Architecture &a = parents_[tournament()].arch;
    const Architecture &b = parents_[tournament()].arch;
    Architecture child = uniform() < crossover_ ? space_.crossover(a, b, rng_) : a;
    return space_.mutate(child, rng_, mutation_);
  }

  size_t tournament() {
    size_t i = runtime::uniformIndex(rng_, parents_.size()), j = runtime::uniformIndex(rng_, parents_.size());
    if (front_[j] != front_[i])
      return front_[j] < front_[i] ? j : i;
    return crowding_[j] > crowding_[i] ? j : i;
  }

  double uniform() { return runtime::uniformReal(rng_); }

  /// Environmental selection: parents + children -> the next parents.
  void select() {
    std::vector<Member> all = std::move(parents_);
    for (Member &c : children_)
      all.push_back(std::move(c));
    children_.clear();
    // A point told before the objective count was known (all failed) has
    // one -inf; widen it so every vector compares.
    for (Member &m : all)
      if (m.objectives.size() < width_)
        m.objectives.assign(width_, -kInf);
    std::vector<Objectives> points;
    for (const Member &m : all)
      points.push_back(m.objectives);
    parents_.clear();
    for (const std::vector<size_t> &front : nonDominatedSort(points)) {
      if (int64_t(parents_.size()) >= size_)
        break;
      std::vector<size_t> take = front;
      if (int64_t(parents_.size() + front.size()) > size_) {
        std::vector<double> d = crowdingDistance(points, front);
        std::vector<size_t> order(front.size());
        for (size_t i = 0; i < order.size(); ++i)
          order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return d[x] > d[y]; });
        take.clear();
        for (size_t i = 0; int64_t(parents_.size() + take.size()) < size_; ++i)
          take.push_back(front[order[i]]);
      }
      for (size_t i : take)
        parents_.push_back(all[i]);
    }
    ++generation_;
    rankParents();
  }

  void rankParents() {
    std::vector<Objectives> points;
    for (const Member &m : parents_)
      points.push_back(m.objectives);
    front_.assign(parents_.size(), 0);
    crowding_.assign(parents_.size(), 0);
    std::vector<std::vector<size_t>> fronts = nonDominatedSort(points);
    for (size_t f = 0; f < fronts.size(); ++f) {
      std::vector<double> d = crowdingDistance(points, fronts[f]);
      for (size_t i = 0; i < fronts[f].size(); ++i)
        front_[fronts[f][i]] = f, crowding_[fronts[f][i]] = d[i];
    }
  }
};

} // namespace

NASC_REGISTER_STRATEGY(nsga2, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  return std::make_unique<Nsga2Strategy>(space, runtime::asInt(strategyArg(args, "population", 50)),
                                         runtime::asDouble(strategyArg(args, "crossover", 0.9)),
                                         runtime::asDouble(strategyArg(args, "mutation_rate", 0.1)),
                                         runtime::asString(strategyArg(args, "surrogate", "none")),
                                         runtime::asInt(strategyArg(args, "candidates", 20)), seed);
});
