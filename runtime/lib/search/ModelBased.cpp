//===- ModelBased.cpp - The loop shared by surrogate-model strategies -----===//
#include "ModelBased.h"
#include "nasc/search/Surrogates.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {
/// Parents of the mutated candidates: this many of the best evaluated.
constexpr size_t kParents = 10;
} // namespace

ModelBasedStrategy::ModelBasedStrategy(const Space &space, std::string name, int64_t initial, int64_t candidates,
                                       int64_t batch, double randomShare, uint64_t seed)
    : space_(space), rng_(seed), name_(std::move(name)), initial_(initial), candidates_(candidates), batch_(batch),
      randomShare_(randomShare), seed_(seed) {
  if (initial < 1)
    throw std::invalid_argument(name_ + ": initial must be at least 1");
  if (candidates < 1)
    throw std::invalid_argument(name_ + ": candidates must be at least 1");
  if (batch < 1)
    throw std::invalid_argument(name_ + ": batch must be at least 1");
}

std::optional<Architecture> ModelBasedStrategy::ask() {
  if (queue_.empty() && asked_ < initial_ && warmup_.samples > 0 && !warmed_) {
    warmed_ = true;
    for (Architecture &a : proxyTop(space_, rng_, warmup_.get(name_), warmup_.samples, initial_ - asked_,
                                    [&](const std::string &id) { return known_.count(id) > 0; }))
      queue_.push_back(std::move(a));
  }
  if (queue_.empty()) {
    if (asked_ < initial_) {
      Architecture a = space_.sample(rng_);
      for (int t = 0; t < 100 && known_.count(space_.fullId(a)); ++t)
        a = space_.sample(rng_);
      queue_.push_back(a);
    } else {
      propose();
    }
  }
  Architecture a = queue_.front();
  queue_.pop_front();
  ++asked_;
  pending_.push_back(a);
  known_.insert(space_.fullId(a));
  return a;
}

void ModelBasedStrategy::tell(const Architecture &a, double score) {
  Architecture c = space_.canonical(a);
  auto it = std::find(pending_.begin(), pending_.end(), c);
  if (it != pending_.end())
    pending_.erase(it);
  history_.push_back({c, score});
  known_.insert(space_.fullId(c));
}

std::vector<Architecture> ModelBasedStrategy::pool() {
  std::vector<const std::pair<Architecture, double> *> ranked;
  for (const auto &h : history_)
    if (h.second > -std::numeric_limits<double>::infinity())
      ranked.push_back(&h);
  std::stable_sort(ranked.begin(), ranked.end(), [](auto *a, auto *b) { return a->second > b->second; });
  std::vector<Architecture> parents;
  std::set<std::string> parentIds;
  for (auto *h : ranked)
    if (parents.size() < kParents && parentIds.insert(space_.fullId(h->first)).second)
      parents.push_back(h->first);
  std::vector<Architecture> out;
  std::set<std::string> inPool;
  size_t random = parents.empty() ? size_t(candidates_) : size_t(std::llround(double(candidates_) * randomShare_));
  size_t attempts = 0, limit = size_t(candidates_) * 20;
  while (out.size() < size_t(candidates_) && attempts++ < limit) {
    Architecture a;
    if (out.size() < size_t(candidates_) - random) {
      // One decision changed, a third of the time two.
      a = space_.mutate(parents[attempts % parents.size()], rng_);
      if (runtime::uniformReal(rng_) < 1.0 / 3.0)
        a = space_.mutate(a, rng_);
    } else {
      a = space_.sample(rng_);
    }
    std::string id = space_.fullId(a);
    if (!known_.count(id) && inPool.insert(id).second)
      out.push_back(a);
  }
  // The neighbourhood is used up: fill with random architectures.
  for (size_t t = 0; out.size() < size_t(candidates_) && t < limit; ++t) {
    Architecture a = space_.sample(rng_);
    std::string id = space_.fullId(a);
    if (!known_.count(id) && inPool.insert(id).second)
      out.push_back(a);
  }
  return out;
}

void ModelBasedStrategy::propose() {
  std::vector<Architecture> candidates = pool();
  if (candidates.empty()) { // everything evaluated: repeats are the driver's cache hits
    queue_.push_back(space_.sample(rng_));
    return;
  }
  std::vector<Architecture> x;
  std::vector<double> y;
  for (const auto &h : history_)
    if (h.second > -std::numeric_limits<double>::infinity())
      x.push_back(h.first), y.push_back(h.second);
  size_t count = std::min(size_t(batch_), candidates.size());
  std::vector<size_t> picked;
  if (x.size() < 2) {
    for (size_t i = 0; i < count; ++i)
      picked.push_back(i); // nothing to learn from yet: the pool's order
  } else {
    picked = choose(candidates, count, x, normalScores(y), pending_, seed_ * 0x9E3779B97F4A7C15ull + history_.size());
  }
  for (size_t i : picked) {
    queue_.push_back(candidates[i]);
    known_.insert(space_.fullId(candidates[i]));
  }
}

Json ModelBasedStrategy::save() const {
  Json queue = Json::array(), pending = Json::array();
  for (const Architecture &a : queue_)
    queue.push_back(toJson(a));
  for (const Architecture &a : pending_)
    pending.push_back(toJson(a));
  return Json{{"strategy", name_}, {"rng", saveRng(rng_)}, {"seed", seed_},
              {"asked", asked_},     {"queue", queue},       {"pending", pending}, {"warmed", warmed_}};
}

void ModelBasedStrategy::restore(const Json &s) {
  if (s.value("strategy", "") != name_)
    throw std::invalid_argument("not a " + name_ + " state");
  restoreRng(rng_, s.at("rng").get<std::string>());
  asked_ = s.at("asked").get<int64_t>();
  warmed_ = s.value("warmed", false);
  seed_ = s.at("seed").get<uint64_t>(); // the models' seeds derive from it
  queue_.clear(), pending_.clear(), history_.clear(), known_.clear();
  for (const Json &a : s.at("queue")) {
    queue_.push_back(architectureFromJson(a));
    known_.insert(space_.fullId(queue_.back()));
  }
  for (const Json &a : s.at("pending")) {
    pending_.push_back(architectureFromJson(a));
    known_.insert(space_.fullId(pending_.back()));
  }
}

void ModelBasedStrategy::restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &scores) {
  history_.clear();
  for (size_t i = 0; i < evaluated.size(); ++i) {
    history_.push_back({space_.canonical(evaluated[i]), scores.at(i)});
    known_.insert(space_.fullId(history_.back().first));
  }
}
