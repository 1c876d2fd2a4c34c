//===- Random.cpp - Random search without replacement ---------------------===//
//
// Uniform over the feasible canonical architectures (Space::sample), never
// the same one twice (by fullId): a draw already asked is rejected, which
// keeps the draw uniform over those not yet asked. When rejection keeps
// failing (the space is nearly exhausted) it lists the ones left in grid
// order and draws among them; ask() returns nullopt once none is left.
// The state keeps the asked architectures' hashes (16 hex digits), not their
// IDs: it is saved after every evaluation, so it must stay small.
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Enumerate.h"
#include "nasc/search/Strategy.h"

#include <unordered_set>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

/// Consecutive duplicate draws before listing what is left.
constexpr int kRejections = 100;
/// Spaces larger than this are never listed (they cannot run out anyway).
constexpr uint64_t kMaxListed = uint64_t(1) << 22;

class RandomStrategy : public Strategy {
public:
  RandomStrategy(const Space &space, uint64_t seed) : space_(space), rng_(seed) {}

  std::optional<Architecture> ask() override {
    if (!listing_) {
      for (int t = 0; t < kRejections; ++t) {
        Architecture a = space_.sample(rng_);
        if (remember(a))
          return a;
      }
      // Continuous decisions never repeat, huge spaces hardly: keep drawing.
      if (!space_.continuous().empty() || space_.discreteSize() > kMaxListed) {
        while (true) {
          Architecture a = space_.sample(rng_);
          if (remember(a))
            return a;
        }
      }
      listing_ = true;
    }
    if (!listed_)
      list();
    if (left_.empty())
      return std::nullopt;
    size_t i = size_t(runtime::uniformIndex(rng_, left_.size()));
    Architecture a = left_[i];
    left_.erase(left_.begin() + i); // keeps grid order: a restored list is the same list
    remember(a);
    return a;
  }

  void tell(const Architecture &, double) override {}

  Json save() const override {
    return Json{{"strategy", "random"}, {"rng", saveRng(rng_)}, {"asked", order_}, {"listing", listing_}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "random")
      throw std::invalid_argument("not a random-search state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    order_ = s.at("asked").get<std::vector<std::string>>();
    seen_ = std::unordered_set<std::string>(order_.begin(), order_.end());
    listing_ = s.at("listing").get<bool>();
    listed_ = false;
    left_.clear();
  }

private:
  const Space &space_;
  runtime::Rng rng_;
  std::unordered_set<std::string> seen_;
  std::vector<std::string> order_;
  bool listing_ = false, listed_ = false;
  std::vector<Architecture> left_;

  /// Marks `a` asked; false if it was.
  bool remember(const Architecture &a) {
    std::string key = Space::hash(space_.fullId(a));
    if (!seen_.insert(key).second)
      return false;
    order_.push_back(key);
    return true;
  }

  void list() {
    GridIterator grid(space_, 1);
    while (auto a = grid.next())
      if (!seen_.count(Space::hash(space_.fullId(*a))))
        left_.push_back(*a);
    listed_ = true;
  }
};

} // namespace

NASC_REGISTER_STRATEGY(random, [](const Space &space, const Json &, uint64_t seed) -> std::unique_ptr<Strategy> {
  return std::make_unique<RandomStrategy>(space, seed);
});
