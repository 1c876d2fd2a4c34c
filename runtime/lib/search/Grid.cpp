//===- Grid.cpp - Grid search ---------------------------------------------===//
//
// Every feasible canonical architecture once, in GridIterator's order
// (float decisions take `points` values); then ask() returns nullopt.
//
//===----------------------------------------------------------------------===//
#include "nasc/search/Enumerate.h"
#include "nasc/search/Strategy.h"

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

class GridStrategy : public Strategy {
public:
  GridStrategy(const Space &space, int64_t points) : it_(space, points) {}
  std::optional<Architecture> ask() override { return it_.next(); }
  void tell(const Architecture &, double) override {}
  Json save() const override { return Json{{"strategy", "grid"}, {"grid", it_.save()}}; }
  void restore(const Json &s) override {
    if (s.value("strategy", "") != "grid")
      throw std::invalid_argument("not a grid-search state");
    it_.restore(s.at("grid"));
  }

private:
  GridIterator it_;
};

} // namespace

NASC_REGISTER_STRATEGY(grid, [](const Space &space, const Json &args, uint64_t) -> std::unique_ptr<Strategy> {
  int64_t points = runtime::asInt(strategyArg(args, "points", 5));
  return std::make_unique<GridStrategy>(space, points);
});
