//===- PathSamplerTest.cpp - Which paths a supernet step trains -----------===//
#include "Compile.h"

#include "nasc/data/Dataset.h"
#include "nasc/nn/Network.h"
#include "nasc/nn/PathSampler.h"
#include "nasc/nn/Train.h"

#include <torch/torch.h>

#include <set>

using namespace nasc;
using runtime::Architecture;
using runtime::Space;

namespace {

struct Nb201 {
  runtime::Artefact artefact = test::compileFile("examples/nb201_evolution.nas");
  Space space{artefact.space("NB201Evolution.space"), &artefact.searches()[0]};
};

} // namespace

TEST(PathSampler, FairTrainsEveryAlternativeOnceAStep) {
  Nb201 nb;
  auto fair = nn::makePathSampler("fair", nb.artefact.ops(), nb.space, 3);
  for (int step = 0; step < 4; ++step) {
    std::vector<Architecture> paths = fair->next();
    ASSERT_EQ(paths.size(), 5u); // five operations on every edge
    for (size_t d = 0; d < nb.space.discrete().size(); ++d) {
      std::set<int64_t> seen;
      for (const Architecture &a : paths)
        seen.insert(a.choice[d]);
      EXPECT_EQ(seen.size(), 5u) << "decision " << d << " step " << step;
    }
  }
}

TEST(PathSampler, SandwichRunsTheLargestAndSmallestThenARandomPath) {
  Nb201 nb;
  auto sandwich = nn::makePathSampler("sandwich", nb.artefact.ops(), nb.space, 3);
  std::vector<Architecture> paths = sandwich->next();
  ASSERT_EQ(paths.size(), 3u);
  double big = runtime::plan(nb.artefact.ops(), nb.space, paths[0]).params;
  double small = runtime::plan(nb.artefact.ops(), nb.space, paths[1]).params;
  double random = runtime::plan(nb.artefact.ops(), nb.space, paths[2]).params;
  EXPECT_GE(big, random);
  EXPECT_LE(small, random);
  // NB201's space is larger than the enumeration limit: samples, then one
  // decision at a time, reach the table's extremes exactly.
  EXPECT_EQ(big, 1531546);
  EXPECT_EQ(small, 73306);
  EXPECT_EQ(nb.space.id(sandwich->next()[0]), nb.space.id(paths[0])); // the ends stay
}

TEST(PathSampler, UnknownModeNamesTheModes) {
  Nb201 nb;
  try {
    nn::makePathSampler("greedy", nb.artefact.ops(), nb.space, 0);
    FAIL();
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("uniform, fair, sandwich"), std::string::npos) << e.what();
  }
}

TEST(PathSampler, AStepOfSeveralPathsAddsTheirGradients) {
  // Two paths in one step: the update holds both paths' gradients, so a
  // weight only the second path uses moves too.
  Nb201 nb;
  runtime::Rng rng(5);
  // Edge 0->3 reaches the cell's output directly; the other edges are zero.
  Architecture a = nb.space.parseId("nb201_cell/e0_1=none,nb201_cell/e0_2=none,nb201_cell/e0_3=nor_conv_3x3,"
                                    "nb201_cell/e1_2=none,nb201_cell/e1_3=none,nb201_cell/e2_3=none");
  Architecture b = nb.space.parseId("nb201_cell/e0_1=none,nb201_cell/e0_2=none,nb201_cell/e0_3=nor_conv_1x1,"
                                    "nb201_cell/e1_2=none,nb201_cell/e1_3=none,nb201_cell/e2_3=none");
  torch::manual_seed(0);
  auto super = nn::Network::supernet(nb.artefact.ops(), nb.space, nn::Mode::SinglePath, a);
  std::set<std::string> onlyB;
  {
    auto ca = nn::Network::child(nb.artefact.ops(), nb.space, a);
    auto cb = nn::Network::child(nb.artefact.ops(), nb.space, b);
    std::set<std::string> inA;
    for (auto &p : ca->named_parameters())
      inA.insert(p.key());
    for (auto &p : cb->named_parameters())
      if (!inA.count(p.key()))
        onlyB.insert(p.key());
  }
  ASSERT_FALSE(onlyB.empty());
  std::map<std::string, at::Tensor> before;
  for (auto &p : super->named_parameters())
    before[p.key()] = p.value().clone();
  data::Dataset ds = data::subset(
      data::loadCifar10(std::string(NASC_SOURCE_DIR) + "/../shared/data/cifar10-subset", true), 0.02, 0);
  nn::TrainOptions o;
  o.batch_size = 16;
  o.max_steps = 1;
  o.weight_decay = 0;
  nn::train(*super, ds, data::channelStats(ds), o, [&](int64_t) { return std::vector<Architecture>{a, b}; });
  // (The last cell's BN scale before the final BN gets a zero gradient in
  // any architecture: the final BN cancels it. Count, don't demand all.)
  size_t moved = 0;
  for (auto &p : super->named_parameters())
    if (onlyB.count(p.key()))
      moved += !torch::equal(p.value(), before[p.key()]);
  EXPECT_GE(moved, onlyB.size() * 9 / 10) << moved << " of " << onlyB.size() << " weights only b uses moved";
  // Without the second path none of them would: one path, b's weights stay.
  auto single = nn::Network::supernet(nb.artefact.ops(), nb.space, nn::Mode::SinglePath, a);
  std::map<std::string, at::Tensor> start;
  for (auto &p : single->named_parameters())
    start[p.key()] = p.value().clone();
  nn::train(*single, ds, data::channelStats(ds), o, [&](int64_t) { return std::vector<Architecture>{a}; });
  for (auto &p : single->named_parameters())
    if (onlyB.count(p.key()))
      EXPECT_TRUE(torch::equal(p.value(), start[p.key()])) << p.key();
}
