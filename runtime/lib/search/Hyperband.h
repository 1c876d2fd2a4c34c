//===- Hyperband.h - Hyperband and successive halving ---------------------===//
//
// Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel
// Bandit-Based Approach to Hyperparameter Optimization" (JMLR 2018), with
// the budget in training epochs (the estimator's, which each evaluation's
// budget replaces: full_training or low_fidelity):
//   - s_max = floor(log_eta(max_epochs / min_epochs)); brackets s = s_max,
//     s_max - 1, ..., 0, then again;
//   - bracket s starts n = ceil((s_max + 1) eta^s / (s + 1)) random
//     architectures (no two alike) at max_epochs eta^-s epochs;
//   - each rung keeps the best 1/eta (at least one) by score and trains
//     them eta times longer, until max_epochs.
// `successive_halving` runs only the most aggressive bracket (s = s_max),
// again and again. Only evaluations at max_epochs compete for the search's
// best (fullBudget). Asks may run ahead of tells: when every queued
// architecture is out for evaluation, the next bracket opens beside the
// waiting one, so parallel workers stay busy.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_SEARCH_HYPERBAND_H
#define NASC_SEARCH_HYPERBAND_H

#include "nasc/search/Strategy.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <set>

namespace nasc::search {

class HyperbandStrategy : public Strategy {
public:
  HyperbandStrategy(const Space &space, std::string name, int64_t minEpochs, int64_t maxEpochs, int64_t eta,
                    bool onlyLargest, uint64_t seed)
      : space_(space), name_(std::move(name)), rng_(seed), min_(minEpochs), max_(maxEpochs), eta_(eta),
        onlyLargest_(onlyLargest) {
    if (minEpochs < 1 || maxEpochs < minEpochs)
      throw std::invalid_argument(name_ + ": need 1 <= min_epochs <= max_epochs (got " + std::to_string(minEpochs) +
                                  " and " + std::to_string(maxEpochs) + ")");
    if (eta < 2)
      throw std::invalid_argument(name_ + ": eta must be at least 2");
    sMax_ = 0;
    for (double r = double(maxEpochs) / double(minEpochs); r >= double(eta) - 1e-9; r /= double(eta))
      ++sMax_;
    nextS_ = sMax_;
  }

  std::optional<Architecture> ask() override {
    Bracket *b = nullptr;
    for (Bracket &x : brackets_)
      if (!x.queue.empty()) {
        b = &x;
        break;
      }
    if (!b)
      b = &open();
    Architecture a = b->queue.front();
    b->queue.pop_front();
    pending_.push_back({a, space_.fullId(a), b->budget(*this), b->uid});
    return a;
  }

  void tell(const Architecture &a, double score) override {
    std::string id = space_.fullId(space_.canonical(a));
    auto p = std::find_if(pending_.begin(), pending_.end(), [&](const Pending &e) { return e.id == id; });
    if (p == pending_.end())
      return; // not asked by this strategy (nothing to learn at a known budget)
    uint64_t uid = p->bracket;
    pending_.erase(p);
    auto b = std::find_if(brackets_.begin(), brackets_.end(), [&](const Bracket &x) { return x.uid == uid; });
    if (b == brackets_.end())
      return;
    for (Member &m : b->members)
      if (!m.told && space_.fullId(m.arch) == id) {
        m.told = true, m.score = score;
        observe(m.arch, b->budget(*this), score);
        break;
      }
    if (std::all_of(b->members.begin(), b->members.end(), [](const Member &m) { return m.told; }))
      promote(*b);
  }

  int64_t budgetOf(const Architecture &a) const override {
    std::string id = space_.fullId(space_.canonical(a));
    for (auto p = pending_.rbegin(); p != pending_.rend(); ++p)
      if (p->id == id)
        return p->budget;
    return 0;
  }

  int64_t fullBudget() const override { return max_; }

  Json save() const override {
    Json brackets = Json::array();
    for (const Bracket &b : brackets_) {
      Json members = Json::array(), queue = Json::array();
      for (const Member &m : b.members)
        members.push_back(Json{{"arch", toJson(m.arch)}, {"score", scoreToJson(m.score)}, {"told", m.told}});
      for (const Architecture &a : b.queue)
        queue.push_back(toJson(a));
      brackets.push_back(
          Json{{"s", b.s}, {"rung", b.rung}, {"n", b.n}, {"uid", b.uid}, {"members", members}, {"queue", queue}});
    }
    Json pending = Json::array();
    for (const Pending &p : pending_)
      pending.push_back(Json{{"arch", toJson(p.arch)}, {"budget", p.budget}, {"bracket", p.bracket}});
    return Json{{"strategy", name_}, {"rng", saveRng(rng_)}, {"next_s", nextS_}, {"uid", uid_},
                {"brackets", brackets}, {"pending", pending}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != name_)
      throw std::invalid_argument("not a " + name_ + " state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    nextS_ = s.at("next_s").get<int64_t>();
    uid_ = s.at("uid").get<uint64_t>();
    brackets_.clear();
    for (const Json &j : s.at("brackets")) {
      Bracket b;
      b.s = j.at("s").get<int64_t>(), b.rung = j.at("rung").get<int64_t>(), b.n = j.at("n").get<int64_t>();
      b.uid = j.at("uid").get<uint64_t>();
      for (const Json &m : j.at("members"))
        b.members.push_back({architectureFromJson(m.at("arch")), scoreFromJson(m.at("score")), m.at("told").get<bool>()});
      for (const Json &a : j.at("queue"))
        b.queue.push_back(architectureFromJson(a));
      brackets_.push_back(std::move(b));
    }
    pending_.clear();
    for (const Json &p : s.at("pending")) {
      Architecture a = architectureFromJson(p.at("arch"));
      pending_.push_back({a, space_.fullId(a), p.at("budget").get<int64_t>(), p.at("bracket").get<uint64_t>()});
    }
  }

protected:
  /// A new architecture for the first rung of a bracket, none of `taken`
  /// (the bracket's so far, by fullId): uniform by default.
  virtual Architecture newArchitecture(const std::set<std::string> &taken) {
    Architecture a = space_.sample(rng_);
    for (int t = 0; t < 100 && taken.count(space_.fullId(a)); ++t)
      a = space_.sample(rng_);
    return a;
  }
  /// Every told result with the budget it was evaluated at.
  virtual void observe(const Architecture &, int64_t /*budget*/, double /*score*/) {}

  const Space &space_;
  std::string name_;
  runtime::Rng rng_;

private:
  struct Member {
    Architecture arch;
    double score = -std::numeric_limits<double>::infinity();
    bool told = false;
  };
  struct Bracket {
    int64_t s = 0, rung = 0, n = 0; // n: architectures at rung 0
    uint64_t uid = 0;
    std::vector<Member> members; // this rung's
    std::deque<Architecture> queue;
    /// Epochs at this rung: max eta^(rung - s), at least min; max at the last.
    int64_t budget(const HyperbandStrategy &h) const {
      if (rung >= s)
        return h.max_;
      double e = double(h.max_) * std::pow(double(h.eta_), double(rung - s));
      return std::max<int64_t>(h.min_, int64_t(std::llround(e)));
    }
    /// Architectures kept at rung i: floor(n eta^-i), at least 1.
    int64_t size(const HyperbandStrategy &h, int64_t i) const {
      return std::max<int64_t>(1, int64_t(std::floor(double(n) / std::pow(double(h.eta_), double(i)) + 1e-9)));
    }
  };
  struct Pending {
    Architecture arch;
    std::string id;
    int64_t budget;
    uint64_t bracket;
  };
  int64_t min_, max_, eta_, sMax_ = 0, nextS_ = 0;
  bool onlyLargest_;
  uint64_t uid_ = 0;
  std::deque<Bracket> brackets_;
  std::vector<Pending> pending_;

  Bracket &open() {
    Bracket b;
    b.s = nextS_;
    nextS_ = onlyLargest_ || nextS_ == 0 ? sMax_ : nextS_ - 1;
    b.n = int64_t(std::ceil(double(sMax_ + 1) * std::pow(double(eta_), double(b.s)) / double(b.s + 1) - 1e-9));
    b.uid = ++uid_;
    std::set<std::string> ids;
    for (int64_t i = 0; i < b.n; ++i) {
      Architecture a = newArchitecture(ids);
      ids.insert(space_.fullId(a));
      b.members.push_back({a});
      b.queue.push_back(a);
    }
    brackets_.push_back(std::move(b));
    return brackets_.back();
  }

  /// A rung is complete: keep the best 1/eta for the next, or end.
  void promote(Bracket &b) {
    if (b.rung >= b.s) {
      uint64_t uid = b.uid;
      brackets_.erase(std::find_if(brackets_.begin(), brackets_.end(), [&](const Bracket &x) { return x.uid == uid; }));
      return;
    }
    std::vector<Member> ranked = b.members;
    std::stable_sort(ranked.begin(), ranked.end(), [](const Member &x, const Member &y) { return x.score > y.score; });
    ranked.resize(size_t(std::min<int64_t>(int64_t(ranked.size()), b.size(*this, b.rung + 1))));
    ++b.rung;
    b.members.clear();
    for (Member &m : ranked) {
      b.members.push_back({m.arch});
      b.queue.push_back(m.arch);
    }
  }
};

} // namespace nasc::search

#endif
