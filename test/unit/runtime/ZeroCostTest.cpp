//===- ZeroCostTest.cpp - Zero-cost proxies on untrained networks ---------===//
#include "Compile.h"

#include "nasc/nn/ZeroCost.h"

#include <torch/torch.h>

#include <cmath>

using namespace nasc;
using runtime::Architecture;
using runtime::Space;

namespace {

const char *kSmall = R"(
import "std/ops";
import "std/search";
import "std/spaces/nb201";
search Small {
  space = NasBench201(C=8, N=1);
  strategy = random();
  evaluations = 2;
  maximize accuracy;
}
)";

std::shared_ptr<nn::Network> build(const runtime::Artefact &a, const Space &space, const std::string &id) {
  torch::manual_seed(0);
  return nn::Network::child(a.ops(), space, space.parseId(id));
}

std::string uniformCell(const std::string &op) {
  std::string id;
  for (const char *e : {"e0_1", "e0_2", "e0_3", "e1_2", "e1_3", "e2_3"})
    id += (id.empty() ? "" : ",") + std::string("nb201_cell/") + e + "=" + op;
  return id;
}

} // namespace

TEST(ZeroCost, EveryProxyScoresAndLeavesTheNetworkAsItWas) {
  runtime::Artefact a = test::compileSource("zc", kSmall);
  Space space(a.space("Small.space"), &a.searches()[0]);
  torch::manual_seed(1);
  at::Tensor images = torch::randn({16, 3, 32, 32}), labels = torch::randint(0, 10, {16});
  for (const std::string &proxy : nn::zeroCostProxies()) {
    SCOPED_TRACE(proxy);
    auto net = build(a, space, uniformCell("nor_conv_3x3"));
    std::vector<at::Tensor> before;
    for (const at::Tensor &p : net->parameters())
      before.push_back(p.clone());
    double score = nn::zeroCostScore(*net, proxy, images, labels);
    EXPECT_TRUE(std::isfinite(score)) << score;
    size_t i = 0;
    for (const at::Tensor &p : net->parameters()) {
      EXPECT_EQ(p.scalar_type(), torch::kFloat);
      EXPECT_TRUE(torch::equal(p, before[i++]));
      EXPECT_FALSE(p.grad().defined() && p.grad().abs().sum().item<double>() > 0);
    }
  }
  auto net = build(a, space, uniformCell("nor_conv_3x3"));
  EXPECT_THROW(nn::zeroCostScore(*net, "grasp", images, labels), std::invalid_argument);
}

TEST(ZeroCost, ProxiesPreferConvolutionsToEmptyCells) {
  // A cell of convolutions against one whose every edge is zero: every
  // proxy ranks the convolutions higher (the benchmark's accuracies do too:
  // about 94% against 10%).
  runtime::Artefact a = test::compileSource("zc2", kSmall);
  Space space(a.space("Small.space"), &a.searches()[0]);
  torch::manual_seed(2);
  at::Tensor images = torch::randn({32, 3, 32, 32}), labels = torch::randint(0, 10, {32});
  for (const std::string &proxy : nn::zeroCostProxies()) {
    auto conv = build(a, space, uniformCell("nor_conv_3x3")), none = build(a, space, uniformCell("none"));
    EXPECT_GT(nn::zeroCostScore(*conv, proxy, images, labels), nn::zeroCostScore(*none, proxy, images, labels))
        << proxy;
  }
}
