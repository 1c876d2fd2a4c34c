//===- LocalSearch.cpp - Best-improvement local search --------------------===//
//
// White et al., "Local search is state of the art for NAS benchmarks"
// (2020): evaluate `initial` random architectures; from the best, evaluate
// every one-decision neighbour (each active discrete decision set to each of
// its other values, feasible, not evaluated before); move to the best
// neighbour if it beats the current architecture, else the current one is a
// local optimum and the search restarts from a fresh random architecture.
// Continuous decisions keep the current architecture's values. ask() and
// tell() alternate (the driver's order).
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Strategy.h"

#include <cmath>
#include <deque>
#include <limits>
#include <unordered_set>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();

class LocalSearchStrategy : public Strategy {
public:
  LocalSearchStrategy(const Space &space, int64_t initial, uint64_t seed)
      : space_(space), initialLeft_(initial), rng_(seed) {
    if (initial < 1)
      throw std::invalid_argument("local_search: initial must be at least 1");
  }

  std::optional<Architecture> ask() override {
    if (initialLeft_ > 0 || !hasCurrent_)
      return fresh();
    if (queue_.empty()) {
      if (hasBestNeighbour_ && bestNeighbourScore_ > currentScore_) {
        current_ = bestNeighbour_, currentScore_ = bestNeighbourScore_;
      } else { // a local optimum: start again somewhere else
        hasCurrent_ = false;
        return fresh();
      }
      hasBestNeighbour_ = false;
      fillNeighbours();
      if (queue_.empty()) {
        hasCurrent_ = false;
        return fresh();
      }
    }
    Architecture a = queue_.front();
    queue_.pop_front();
    inNeighbourhood_ = true;
    return a;
  }

  void tell(const Architecture &a, double score) override {
    if (!inNeighbourhood_) { // an initial or restart architecture
      if (initialLeft_ > 0)
        --initialLeft_;
      if (!hasCurrent_ || score > currentScore_)
        current_ = a, currentScore_ = score, hasCurrent_ = true;
      if (initialLeft_ == 0 && queue_.empty() && !hasBestNeighbour_)
        fillNeighbours();
      return;
    }
    inNeighbourhood_ = false;
    if (!hasBestNeighbour_ || score > bestNeighbourScore_)
      bestNeighbour_ = a, bestNeighbourScore_ = score, hasBestNeighbour_ = true;
  }

  Json save() const override {
    Json queue = Json::array();
    for (const Architecture &a : queue_)
      queue.push_back(toJson(a));
    std::vector<std::string> seen(seen_.begin(), seen_.end());
    std::sort(seen.begin(), seen.end());
    return Json{{"strategy", "local_search"},
                {"rng", saveRng(rng_)},
                {"initial_left", initialLeft_},
                {"current", hasCurrent_ ? toJson(current_) : Json()},
                {"current_score", scoreToJson(currentScore_)},
                {"best_neighbour", hasBestNeighbour_ ? toJson(bestNeighbour_) : Json()},
                {"best_neighbour_score", scoreToJson(bestNeighbourScore_)},
                {"queue", queue},
                {"in_neighbourhood", inNeighbourhood_},
                {"seen", seen}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "local_search")
      throw std::invalid_argument("not a local-search state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    initialLeft_ = s.at("initial_left").get<int64_t>();
    hasCurrent_ = !s.at("current").is_null();
    if (hasCurrent_)
      current_ = architectureFromJson(s.at("current"));
    currentScore_ = scoreFromJson(s.at("current_score"));
    hasBestNeighbour_ = !s.at("best_neighbour").is_null();
    if (hasBestNeighbour_)
      bestNeighbour_ = architectureFromJson(s.at("best_neighbour"));
    bestNeighbourScore_ = scoreFromJson(s.at("best_neighbour_score"));
    queue_.clear();
    for (const Json &a : s.at("queue"))
      queue_.push_back(architectureFromJson(a));
    inNeighbourhood_ = s.at("in_neighbourhood").get<bool>();
    std::vector<std::string> seen = s.at("seen").get<std::vector<std::string>>();
    seen_ = std::unordered_set<std::string>(seen.begin(), seen.end());
  }

private:
  /// The state stores hashes, not IDs: it is saved after every evaluation.
  std::string key(const Architecture &a) const { return Space::hash(space_.fullId(space_.canonical(a))); }

  Architecture fresh() {
    inNeighbourhood_ = false;
    for (int t = 0; t < 100; ++t) {
      Architecture a = space_.sample(rng_);
      if (seen_.insert(key(a)).second)
        return a;
    }
    return space_.sample(rng_); // nearly everything seen: a repeat is answered from the cache
  }

  void fillNeighbours() {
    std::vector<Architecture> all;
    for (size_t k = 0; k < current_.choice.size(); ++k) {
      if (!space_.active(current_, k))
        continue;
      int64_t n = int64_t(space_.decisions()[space_.discrete()[k]].domain.size());
      for (int64_t v = 0; v < n; ++v) {
        if (v == current_.choice[k])
          continue;
        Architecture b = current_;
        b.choice[k] = v;
        b = space_.canonical(b);
        if (!space_.violated(b) && seen_.insert(key(b)).second)
          all.push_back(b);
      }
    }
    for (size_t i = all.size(); i > 1; --i) // random order, portable draw
      std::swap(all[i - 1], all[runtime::uniformIndex(rng_, i)]);
    queue_.assign(all.begin(), all.end());
  }

  const Space &space_;
  int64_t initialLeft_;
  runtime::Rng rng_;
  Architecture current_, bestNeighbour_;
  double currentScore_ = kNone, bestNeighbourScore_ = kNone;
  bool hasCurrent_ = false, hasBestNeighbour_ = false, inNeighbourhood_ = false;
  std::deque<Architecture> queue_;
  std::unordered_set<std::string> seen_;
};

} // namespace

NASC_REGISTER_STRATEGY(local_search,
                       [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
                         return std::make_unique<LocalSearchStrategy>(
                             space, runtime::asInt(strategyArg(args, "initial", 10)), seed);
                       });
