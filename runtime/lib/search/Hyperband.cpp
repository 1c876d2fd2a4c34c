//===- Hyperband.cpp - Registration of hyperband and successive_halving ---===//
#include "Hyperband.h"

using namespace nasc::search;
namespace runtime = nasc::runtime;

namespace {

Json arg(const Json &args, const char *name, int64_t fallback) { return strategyArg(args, name, fallback); }

} // namespace

NASC_REGISTER_STRATEGY(hyperband, [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
  return std::make_unique<HyperbandStrategy>(space, "hyperband", runtime::asInt(arg(args, "min_epochs", 1)),
                                             runtime::asInt(arg(args, "max_epochs", 81)),
                                             runtime::asInt(arg(args, "eta", 3)), false, seed);
});

NASC_REGISTER_STRATEGY(successive_halving,
                       [](const Space &space, const Json &args, uint64_t seed) -> std::unique_ptr<Strategy> {
                         return std::make_unique<HyperbandStrategy>(
                             space, "successive_halving", runtime::asInt(arg(args, "min_epochs", 1)),
                             runtime::asInt(arg(args, "max_epochs", 81)), runtime::asInt(arg(args, "eta", 3)), true,
                             seed);
                       });
