//===- LatencyTest.cpp - Latency tables: fitting, files, expected latency -===//
#include "Compile.h"

#include "nasc/nn/Latency.h"

#include <torch/torch.h>

#include <cmath>
#include <random>
#include <set>

using namespace nasc;
using runtime::Architecture;
using runtime::Json;
using runtime::Space;

namespace {

using Compiled = test::CompiledSpace;

Compiled tiny() { return test::tinyNb201("latency_tiny"); }

/// A made-up device: every op configuration has its own cost (a `zero` op,
/// never computed, none).
double hiddenMs(const std::string &key) {
  return key.rfind("zero(", 0) == 0 ? 0.0 : 0.05 + double(std::hash<std::string>{}(key) % 1000) / 1000.0;
}

double hiddenLatency(const Compiled &c, const Architecture &a, double base) {
  runtime::Plan plan = runtime::plan(c.artefact.ops(), *c.space, a);
  double total = base;
  for (size_t i = 0; i < plan.ops.size(); ++i)
    if (plan.live[i])
      for (const runtime::PlacedOp &op : plan.ops[i])
        total += hiddenMs(op.op.key());
  return total;
}

} // namespace

TEST(Latency, FitPredictsWholeNetworksOfADeviceWithPerOpCosts) {
  // Whole-network latencies that are exactly a base plus per-op costs: the
  // fitted table predicts networks it never saw, to rounding.
  Compiled c = tiny();
  runtime::Rng rng(3);
  std::vector<nn::MeasuredLatency> samples;
  for (int i = 0; i < 300; ++i) {
    Architecture a = c.space->sample(rng);
    samples.push_back({a, hiddenLatency(c, a, 0.7)});
  }
  nn::LatencyFit fit = nn::fitLatencyTable(c.artefact.ops(), *c.space, samples, "made_up", 1);
  // Cells without an input-output edge make networks whose output does not
  // depend on their input: left out.
  EXPECT_GT(fit.constant, 0u);
  EXPECT_EQ(fit.samples + fit.constant, 300u);
  EXPECT_EQ(fit.heldOut, fit.samples / 5);
  EXPECT_LT(fit.heldOutErrorPct, 0.01);
  EXPECT_LT(fit.meanErrorPct, 0.01);
  EXPECT_EQ(fit.table.device, "made_up");
  for (auto &[key, ms] : fit.table.ms)
    EXPECT_GE(ms, 0.0) << key;
  for (int i = 0; i < 50; ++i) {
    Architecture a = c.space->sample(rng);
    double truth = hiddenLatency(c, a, 0.7);
    EXPECT_NEAR(fit.table.predict(runtime::plan(c.artefact.ops(), *c.space, a)), truth, 1e-4 * truth);
  }
  // Every configuration a supernet can reach has an entry (0 when its cost
  // cannot be told from the base), so expected latency never misses one.
  std::set<std::string> reached;
  nn::Network::forEachConfiguration(c.artefact.ops(), *c.space, c.space->first(),
                                    [&](int64_t node, const runtime::Plan &plan, const Architecture &) {
                                      for (const runtime::PlacedOp &p : plan.ops[node])
                                        reached.insert(p.op.key());
                                    });
  for (const std::string &key : reached)
    EXPECT_TRUE(fit.table.ms.count(key)) << key;
}

TEST(Latency, FitKeepsCostsNonNegativeOnNoisyFigures) {
  // Measured figures are noisy: an unconstrained least-squares fit gives
  // some op a negative cost, which would make a mixture's expected latency
  // reward it.
  Compiled c = tiny();
  runtime::Rng rng(5);
  std::mt19937_64 noise(9);
  std::normal_distribution<double> jitter(0.0, 0.3);
  std::vector<nn::MeasuredLatency> samples;
  for (int i = 0; i < 200; ++i) {
    Architecture a = c.space->sample(rng);
    samples.push_back({a, std::max(0.1, hiddenLatency(c, a, 0.2) * 0.1 + jitter(noise))});
  }
  nn::LatencyFit fit = nn::fitLatencyTable(c.artefact.ops(), *c.space, samples, "noisy", 1);
  EXPECT_GE(fit.table.baseMs, 0.0);
  for (auto &[key, ms] : fit.table.ms)
    EXPECT_GE(ms, 0.0) << key;
  EXPECT_THROW(nn::fitLatencyTable(c.artefact.ops(), *c.space, {samples.begin(), samples.begin() + 9}, "few", 1),
               std::invalid_argument);
}

TEST(Latency, FittedTableRoundTripsAndAddsItsBaseToExpectedLatency) {
  Compiled c = tiny();
  runtime::Rng rng(7);
  std::vector<nn::MeasuredLatency> samples;
  for (int i = 0; i < 50; ++i) {
    Architecture a = c.space->sample(rng);
    samples.push_back({a, hiddenLatency(c, a, 1.5)});
  }
  nn::LatencyTable t = nn::fitLatencyTable(c.artefact.ops(), *c.space, samples, "made_up", 1).table;
  nn::LatencyTable back = nn::LatencyTable::fromJson(t.toJson(), "t.json");
  EXPECT_EQ(back.baseMs, t.baseMs);
  EXPECT_EQ(back.ms, t.ms);
  EXPECT_EQ(back.fitted.at("samples"), t.fitted.at("samples"));

  auto mixed = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, c.space->first());
  EXPECT_NEAR(t.expected(*mixed).item<double>(), mixed->expectedLatency(t.ms).item<double>() + t.baseMs, 1e-4);

  // Version 1 (before base_ms) still reads, with no base; a bad base is
  // named.
  Json v1 = t.toJson();
  v1["version"] = 1;
  v1.erase("base_ms");
  EXPECT_EQ(nn::LatencyTable::fromJson(v1, "v1.json").baseMs, 0.0);
  Json bad = t.toJson();
  bad["base_ms"] = -1;
  try {
    nn::LatencyTable::fromJson(bad, "bad.json");
    FAIL() << "a negative base_ms was read";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: \"base_ms\""), std::string::npos) << e.what();
  }
}
