//===- Enumerate.cpp - Every feasible architecture of a space, in order ---===//
#include "nasc/search/Enumerate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

using namespace nasc::search;
namespace runtime = nasc::runtime;
using nasc::runtime::Decision;

GridIterator::GridIterator(const Space &space, int64_t points) : space_(space), points_(points) {
  if (points < 1)
    throw std::invalid_argument("grid: points must be at least 1, not " + std::to_string(points));
  const auto &ctrl = space.controlling();
  // Controlling decisions first, outer before inner: the activity of a less
  // significant digit then depends only on more significant ones, so
  // skipping inactive digits while counting misses no canonical form.
  for (size_t k : space.controllingOuterFirst())
    digits_.push_back({true, k});
  for (size_t k = 0; k < space.discrete().size(); ++k)
    if (!std::binary_search(ctrl.begin(), ctrl.end(), k))
      digits_.push_back({true, k});
  for (size_t k = 0; k < space.continuous().size(); ++k)
    digits_.push_back({false, k});
  for (auto &[discrete, k] : digits_) {
    if (discrete) {
      radix_.push_back(int64_t(space.decisions()[space.discrete()[k]].domain.size()));
    } else {
      const Decision &d = space.decisions()[space.continuous()[k]];
      radix_.push_back(d.hi > d.lo ? points_ : 1);
    }
  }
  pos_.assign(digits_.size(), 0);
}

double GridIterator::point(const Decision &d, int64_t k, int64_t points) {
  if (d.hi <= d.lo)
    return d.lo;
  double t = points == 1 ? 0.5 : double(k) / double(points - 1);
  if (d.log)
    return std::exp(std::log(d.lo) + t * (std::log(d.hi) - std::log(d.lo)));
  return d.lo + t * (d.hi - d.lo);
}

Architecture GridIterator::current() const {
  Architecture a;
  a.choice.assign(space_.discrete().size(), 0);
  a.real.assign(space_.continuous().size(), 0);
  for (size_t i = 0; i < digits_.size(); ++i) {
    auto [discrete, k] = digits_[i];
    if (discrete)
      a.choice[k] = pos_[i];
    else
      a.real[k] = point(space_.decisions()[space_.continuous()[k]], pos_[i], points_);
  }
  return a;
}

bool GridIterator::increment(const Architecture &a) {
  std::vector<bool> act(space_.discrete().size(), true);
  for (size_t k = 0; k < act.size(); ++k)
    act[k] = space_.active(a, k);
  for (size_t i = digits_.size(); i-- > 0;) {
    auto [discrete, k] = digits_[i];
    bool inactive = discrete && !act[k];
    if (!inactive && pos_[i] + 1 < radix_[i]) {
      ++pos_[i];
      std::fill(pos_.begin() + i + 1, pos_.end(), 0);
      return true;
    }
    pos_[i] = 0;
  }
  return false;
}

std::optional<Architecture> GridIterator::next() {
  while (!done_) {
    if (!started_) {
      started_ = true;
    } else if (!increment(current())) {
      done_ = true;
      break;
    }
    Architecture a = current();
    if (!(space_.canonical(a) == a) || space_.violated(a))
      continue;
    ++produced_;
    return a;
  }
  return std::nullopt;
}

Json GridIterator::save() const {
  return Json{{"points", points_}, {"pos", pos_}, {"started", started_}, {"done", done_}, {"produced", produced_}};
}

void GridIterator::restore(const Json &s) {
  std::vector<int64_t> pos = s.at("pos").get<std::vector<int64_t>>();
  if (pos.size() != pos_.size() || s.at("points").get<int64_t>() != points_)
    throw std::invalid_argument("grid state does not fit this space");
  pos_ = pos;
  started_ = s.at("started").get<bool>();
  done_ = s.at("done").get<bool>();
  produced_ = s.at("produced").get<uint64_t>();
}
