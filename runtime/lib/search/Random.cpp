//===- Random.cpp - Random search without replacement ---------------------===//
//
// Uniform over the feasible canonical architectures (Space::sample), never
// the same one twice (by fullId): a draw already asked is rejected, which
// keeps the draw uniform over those not yet asked. When rejection keeps
// failing (the space is nearly exhausted) it lists the ones left in grid
// order and draws among them; ask() returns nullopt once none is left.
// The state is the generator and whether it lists; the set of asked
// architectures (by Space::key) comes back from the store on resume
// (restoreHistory): a snapshot is written with every commit and must not
// grow with the run. A state that still lists them (16 hex digits: "keys",
// or "asked", hashes of the IDs, from earlier versions) restores with them.
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Enumerate.h"
#include "nasc/search/Strategy.h"

#include <vector>

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

/// Consecutive duplicate draws before listing what is left.
constexpr int kRejections = 100;
/// Spaces larger than this are never listed (they cannot run out anyway).
constexpr uint64_t kMaxListed = uint64_t(1) << 22;

/// A set of 64-bit keys in one array (open addressing, linear probing):
/// a million asked architectures without a node and a malloc each, and one
/// cache miss a lookup.
class KeySet {
public:
  /// Adds `key`; false if it was there.
  bool insert(uint64_t key) {
    if (key == 0) { // the empty slot's mark, kept aside
      bool added = !hasZero_;
      hasZero_ = true;
      return added;
    }
    if ((size_ + 1) * 2 > slots_.size())
      grow();
    if (!place(slots_, key))
      return false;
    ++size_;
    return true;
  }
  bool contains(uint64_t key) const {
    if (key == 0)
      return hasZero_;
    if (slots_.empty())
      return false;
    for (size_t i = slot(key, slots_.size());; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == key)
        return true;
      if (slots_[i] == 0)
        return false;
    }
  }
  void clear() {
    slots_.clear();
    size_ = 0;
    hasZero_ = false;
  }

private:
  std::vector<uint64_t> slots_; ///< 0: empty; a power of two long
  size_t size_ = 0;
  bool hasZero_ = false;

  static size_t slot(uint64_t key, size_t n) {
    return size_t((key * 0x9E3779B97F4A7C15ull) >> 32) & (n - 1); // keys may be close: mix
  }
  static bool place(std::vector<uint64_t> &slots, uint64_t key) {
    for (size_t i = slot(key, slots.size());; i = (i + 1) & (slots.size() - 1)) {
      if (slots[i] == key)
        return false;
      if (slots[i] == 0) {
        slots[i] = key;
        return true;
      }
    }
  }
  void grow() {
    std::vector<uint64_t> bigger(std::max<size_t>(64, slots_.size() * 2), 0);
    for (uint64_t k : slots_)
      if (k)
        place(bigger, k);
    slots_.swap(bigger);
  }
};

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
    if (remaining_ == 0)
      return std::nullopt;
    // The i-th one left in grid order: a restored list is the same list.
    Architecture a = left_[take(size_t(runtime::uniformIndex(rng_, remaining_)))];
    remember(a);
    return a;
  }

  void tell(const Architecture &, double) override {}

  void restoreHistory(const std::vector<Architecture> &evaluated, const std::vector<double> &) override {
    for (const Architecture &a : evaluated)
      seen_.insert(keyOf(space_.canonical(a)));
  }
  void restoreAsked(const std::vector<Architecture> &asked) override { restoreHistory(asked, {}); }

  Json save() const override {
    return Json{{"strategy", "random"}, {"rng", saveRng(rng_)}, {"listing", listing_}};
  }

  void restore(const Json &s) override {
    if (s.value("strategy", "") != "random")
      throw std::invalid_argument("not a random-search state");
    restoreRng(rng_, s.at("rng").get<std::string>());
    seen_.clear();
    idHashes_ = s.contains("asked");
    for (const char *list : {"asked", "keys"})
      if (s.contains(list))
        for (const std::string &h : s.at(list).get<std::vector<std::string>>())
          seen_.insert(std::stoull(h, nullptr, 16));
    listing_ = s.at("listing").get<bool>();
    listed_ = false;
    left_.clear(), tree_.clear(), remaining_ = 0;
  }

private:
  const Space &space_;
  runtime::Rng rng_;
  KeySet seen_; ///< keyOf() every asked architecture
  bool idHashes_ = false; ///< a state from before Space::key: keys are ID hashes

  uint64_t keyOf(const Architecture &a) const { return idHashes_ ? space_.idHash(a) : Space::key(a); }
  bool listing_ = false, listed_ = false;
  /// Those not asked when listed, in grid order, and a Fenwick tree of which
  /// are still left (1) over them: the i-th left in O(log n).
  std::vector<Architecture> left_;
  std::vector<int64_t> tree_;
  size_t remaining_ = 0;

  /// Marks `a` asked; false if it was.
  bool remember(const Architecture &a) {
    return seen_.insert(keyOf(a));
  }

  void list() {
    GridIterator grid(space_, 1);
    while (auto a = grid.next())
      if (!seen_.contains(keyOf(*a)))
        left_.push_back(*a);
    tree_.assign(left_.size() + 1, 0);
    for (size_t i = 1; i <= left_.size(); ++i) { // every one left: O(n) build
      tree_[i] += 1;
      if (size_t j = i + (i & (~i + 1)); j <= left_.size())
        tree_[j] += tree_[i];
    }
    remaining_ = left_.size();
    listed_ = true;
  }

  /// Removes the i-th (0-based) left and returns its index in left_.
  size_t take(size_t i) {
    size_t pos = 0, step = 1;
    while (step * 2 <= left_.size())
      step *= 2;
    int64_t want = int64_t(i) + 1;
    for (; step; step /= 2)
      if (pos + step <= left_.size() && tree_[pos + step] < want)
        pos += step, want -= tree_[pos];
    for (size_t j = pos + 1; j <= left_.size(); j += j & (~j + 1))
      tree_[j] -= 1;
    --remaining_;
    return pos;
  }
};

} // namespace

NASC_REGISTER_STRATEGY(random, [](const Space &space, const Json &, uint64_t seed) -> std::unique_ptr<Strategy> {
  return std::make_unique<RandomStrategy>(space, seed);
});
