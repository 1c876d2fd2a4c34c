//===- ElasticTest.cpp - Weight-sliced (Once-for-All) supernets ------------===//
#include "Compile.h"

#include "nasc/nn/Elastic.h"
#include "nasc/nn/Network.h"

#include <torch/torch.h>

#include <set>

using namespace nasc;
using runtime::Architecture;
using runtime::Json;
using runtime::Space;

namespace {

struct Compiled {
  runtime::Artefact artefact;
  std::unique_ptr<Space> space;
};

Compiled compile(const std::string &name, const std::string &network) {
  std::string src = "import \"std/ops\";\nimport \"std/search\";\n" + network +
                    "\nsearch S { space = Net(); strategy = random(); evaluations = 2; maximize accuracy; }\n";
  Compiled c{test::compileSource(name, src), nullptr};
  c.space = std::make_unique<Space>(c.artefact.space("S.space"), &c.artefact.searches()[0]);
  return c;
}

/// A scaled-down Once-for-All space: elastic stem width and kernel (a plain
/// convolution), squeeze-and-excite on it, stages of MBConv layers with
/// elastic kernel (3, 5, 7), expansion and depth, an elastic head width.
const char *kMobile = R"(
block Layer(out: int, stride: int, se: bool) {
  input x;
  choice kernel: [3, 5, 7];
  choice expand: [2, 4];
  output x |> mbconv(out, expand, kernel, stride, act="hard_swish", se=se, se_expanded=true, se_divisor=8,
                     se_gate="hard_sigmoid");
}
block Stage(out: int, stride: int, se: bool) {
  input x;
  choice depth: [1, 2, 3];
  output x |> Layer(out, stride, se) independent |> repeat(depth - 1, Layer(out, 1, se) independent);
}
network Net(classes: int = 10) {
  input image: tensor(3, 16, 16);
  choice width: [8, 12, 16];
  choice ks: [3, 5];
  choice head: [24, 32];
  node stem = image |> conv(width, kernel=ks, stride=2) |> batch_norm |> relu |> squeeze_excite(0.5);
  node s1 = stem |> Stage(16, 2, true) independent;
  node s2 = s1 |> Stage(24, 1, false) independent;
  output s2 |> conv_bn_relu(head, kernel=1) |> relu_conv_bn(head, kernel=1) |> global_avg_pool |> linear(classes);
}
)";

/// A scaled-down AutoFormer space: elastic embedding width, heads, MLP
/// ratio and depth.
const char *kFormer = R"(
block Encoder(embed: int) {
  input x;
  choice mlp_ratio: [2.0, 4.0];
  choice heads: [1, 2];
  output x |> transformer_block(heads, mlp_ratio, 8 * heads);
}
network Net(classes: int = 10) {
  input image: tensor(3, 16, 16);
  choice embed: [16, 24];
  choice depth: 1..2;
  node tokens = image |> patch_embed(embed, 4);
  node encoded = tokens |> repeat(depth, Encoder(embed) independent);
  output encoded |> layer_norm |> global_avg_pool |> linear(classes);
}
)";

/// Noise on every parameter and running statistic, so that no slice is
/// trivially an identity or a zero.
void perturb(torch::nn::Module &m) {
  torch::NoGradGuard g;
  for (at::Tensor &p : m.parameters())
    p.add_(0.1 * torch::randn_like(p));
  for (auto &b : m.named_buffers())
    if (b.key().find("running_var") != std::string::npos)
      b.value().uniform_(0.5, 2.0);
    else if (b.key().find("running_mean") != std::string::npos)
      b.value().normal_(0.0, 0.1);
}

/// The architecture taking the last (largest) value of every decision.
Architecture largestOf(const Space &space) {
  Architecture a;
  for (size_t d : space.discrete())
    a.choice.push_back(int64_t(space.decisions()[d].domain.size()) - 1);
  return space.canonical(a);
}

int64_t tensorsOf(const torch::nn::Module &m) {
  return int64_t(m.named_parameters().size() + m.named_buffers().size());
}

} // namespace

TEST(Elastic, EveryPathOfTheSupernetComputesWhatItsExtractedChildDoes) {
  torch::manual_seed(0);
  for (const char *src : {kMobile, kFormer}) {
    Compiled c = compile(src == kMobile ? "elastic_mobile" : "elastic_former", src);
    runtime::Rng rng(3);
    auto super = nn::Network::elastic(c.artefact.ops(), *c.space, c.space->sample(rng));
    perturb(*super);
    std::set<std::string> kinds;
    for (const auto &p : super->places())
      if (p.kind == nn::Network::Place::Elastic)
        kinds.insert(p.impl);
    // Every sliceable kernel of the space is elastic.
    if (src == kMobile)
      EXPECT_EQ(kinds, (std::set<std::string>{"batch_norm2d", "conv2d", "conv_bn_relu", "linear", "mbconv",
                                              "relu_conv_bn", "squeeze_excite"}));
    else
      EXPECT_EQ(kinds, (std::set<std::string>{"layer_norm", "linear", "patch_embed", "transformer_block"}));
    at::Tensor x = torch::randn({4, 3, 16, 16});
    for (int i = 0; i < 6; ++i) {
      Architecture a = i == 0 ? largestOf(*c.space) : c.space->sample(rng);
      SCOPED_TRACE(c.space->id(a));
      super->setArchitecture(a);
      auto child = nn::Network::child(c.artefact.ops(), *c.space, a);
      ASSERT_EQ(int64_t(child->inheritFrom(*super)), tensorsOf(*child)); // every tensor a slice or shared
      super->eval(), child->eval();
      EXPECT_TRUE(torch::allclose(super->forward(x), child->forward(x), 1e-5, 1e-6));
      // Training mode: batch statistics, and the running ones move alike.
      super->train(), child->train();
      EXPECT_TRUE(torch::allclose(super->forward(x), child->forward(x), 1e-5, 1e-6));
      auto again = nn::Network::child(c.artefact.ops(), *c.space, a);
      again->inheritFrom(*super);
      auto mine = child->named_buffers(), theirs = again->named_buffers();
      for (auto &b : mine)
        EXPECT_TRUE(torch::allclose(b.value().to(torch::kDouble), theirs[b.key()].to(torch::kDouble))) << b.key();
    }
  }
}

TEST(Elastic, TheSupernetHoldsTheLargestNetworkPlusTheKernelTransforms) {
  for (const char *src : {kMobile, kFormer}) {
    Compiled c = compile(src == kMobile ? "elastic_mem_mobile" : "elastic_mem_former", src);
    Architecture big = largestOf(*c.space);
    auto super = nn::Network::elastic(c.artefact.ops(), *c.space, big);
    int64_t transforms = 0;
    for (const auto &p : super->places())
      transforms += p.transformParams;
    // The largest network (`nasc info`'s exact maximum: 52,050 parameters
    // for kMobile); no sampled architecture has more.
    double largest = runtime::plan(c.artefact.ops(), *c.space, big).params;
    runtime::Rng rng(5);
    for (int i = 0; i < 50; ++i)
      EXPECT_LE(runtime::plan(c.artefact.ops(), *c.space, c.space->sample(rng)).params, largest);
    EXPECT_EQ(double(nn::countParameters(*super) - transforms), largest);
    // Every parameter is a weight the optimizer trains (sliced ones included).
    int64_t trained = 0;
    for (const at::Tensor &w : super->weightParameters())
      trained += w.numel();
    EXPECT_EQ(trained, nn::countParameters(*super));
    if (src == kMobile)
      EXPECT_EQ(largest, 52050);
    // OFA's matrices: 5x5 -> 25 x 25 and 3x3 -> 9 x 9 for each of the 6
    // MBConv places (kernels 3, 5, 7), and 9 x 9 for the stem (3, 5).
    EXPECT_EQ(transforms, src == kMobile ? 6 * (25 * 25 + 9 * 9) + 9 * 9 : 0);
    // Weights per configuration hold far more.
    auto separate = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::SinglePath, big);
    EXPECT_GT(nn::countParameters(*separate), 2 * nn::countParameters(*super));
  }
}

TEST(Elastic, SmallerKernelsAreTheTransformedCentreOfTheLargest) {
  Compiled c = compile("elastic_kernels", kMobile);
  Architecture a = largestOf(*c.space);
  auto super = nn::Network::elastic(c.artefact.ops(), *c.space, a);
  perturb(*super);
  // The first MBConv place and its configurations at kernels 7, 5, 3.
  std::shared_ptr<nn::ElasticLayer> layer;
  for (auto &m : super->named_children())
    if (m.key().find("mbconv_elastic") != std::string::npos && !layer)
      layer = std::dynamic_pointer_cast<nn::ElasticLayer>(m.value());
  ASSERT_TRUE(layer);
  at::Tensor w7 = layer->named_parameters()["depthwise_weight"];
  at::Tensor t5 = layer->named_parameters()["depthwise_transform5"];
  at::Tensor t3 = layer->named_parameters()["depthwise_transform3"];
  ASSERT_EQ(t5.sizes(), (std::vector<int64_t>{25, 25}));
  ASSERT_EQ(t3.sizes(), (std::vector<int64_t>{9, 9}));
  // A configuration of that place with kernel k.
  const Json &nodes = c.space->json().at("nodes");
  int64_t node = -1;
  for (size_t i = 0; i < nodes.size() && node < 0; ++i)
    if (nodes[i].value("kind", "") == "apply" && nodes[i]["layer"].value("op", "") == "mbconv" &&
        nodes[i]["layer"]["args"].contains("kernel") && nodes[i]["layer"]["args"]["kernel"].contains("choose"))
      node = int64_t(i);
  ASSERT_GE(node, 0);
  runtime::ResolvedOp op = super->plan().ops[node].at(0).op;
  auto withKernel = [&](int64_t k) {
    runtime::ResolvedOp o = op;
    for (size_t i = 0; i < o.names.size(); ++i)
      if (o.names[i] == "kernel")
        o.values[i] = k;
    return o;
  };
  auto depthwise = [&](int64_t k) {
    for (auto &[name, t] : layer->slices(withKernel(k)))
      if (t.dim() == 4 && t.size(1) == 1)
        return t;
    return at::Tensor();
  };
  int64_t mid = depthwise(7).size(0);
  torch::NoGradGuard g;
  at::Tensor centre5 = w7.narrow(0, 0, mid).narrow(2, 1, 5).narrow(3, 1, 5);
  at::Tensor k5 = torch::matmul(centre5.reshape({-1, 25}), t5.t()).view({mid, 1, 5, 5});
  EXPECT_TRUE(torch::allclose(depthwise(5), k5));
  at::Tensor k3 = torch::matmul(k5.narrow(2, 1, 3).narrow(3, 1, 3).reshape({-1, 9}), t3.t()).view({mid, 1, 3, 3});
  EXPECT_TRUE(torch::allclose(depthwise(3), k3));
  EXPECT_TRUE(torch::equal(depthwise(7), w7.narrow(0, 0, mid)));
}

TEST(Elastic, GradientsReachOnlyTheSliceAndTheTransformsAPathUses) {
  Compiled c = compile("elastic_grads", kMobile);
  Architecture big = largestOf(*c.space);
  auto super = nn::Network::elastic(c.artefact.ops(), *c.space, big);
  auto gradOf = [&](const Architecture &a) {
    super->zero_grad();
    super->setArchitecture(a);
    super->train();
    super->forward(torch::randn({4, 3, 16, 16})).sum().backward();
    std::map<std::string, at::Tensor> out;
    for (auto &p : super->named_parameters())
      out[p.key()] = p.value().grad().defined() ? p.value().grad().clone() : torch::zeros_like(p.value());
    return out;
  };
  // Largest path: no transformation matrix is used.
  for (auto &[name, g] : gradOf(big))
    if (name.find("transform") != std::string::npos)
      EXPECT_EQ(g.abs().sum().item<double>(), 0.0) << name;
  // Smallest path: every kernel 3, so every matrix on the way down gets a
  // gradient; the expansion's rows past the path's width get none, and the
  // layers past a stage's depth nothing.
  Architecture small = big;
  std::fill(small.choice.begin(), small.choice.end(), 0);
  small = c.space->canonical(small);
  auto grads = gradOf(small);
  int live = 0;
  for (auto &[name, g] : grads) {
    if (name.find("mbconv_elastic") == std::string::npos)
      continue;
    int64_t node = std::stoll(name.substr(1, name.find('_') - 1));
    if (!super->plan().live[node]) { // a layer past its stage's depth
      EXPECT_EQ(g.abs().sum().item<double>(), 0.0) << name;
      continue;
    }
    if (name.find("transform") != std::string::npos)
      EXPECT_GT(g.abs().sum().item<double>(), 0.0) << name;
    if (name.find(".expand_weight") != std::string::npos) {
      ++live;
      int64_t used = 0;
      for (int64_t r = 0; r < g.size(0); ++r)
        used += g[r].abs().sum().item<double>() > 0;
      const runtime::ResolvedOp &op = super->plan().ops[node].at(0).op;
      EXPECT_EQ(used, op.in[0] * runtime::asInt(op.param("expand"))) << name; // the first in x expand rows
      EXPECT_LT(used, g.size(0)) << name;
    }
  }
  EXPECT_EQ(live, 2); // one layer a stage
}

TEST(Elastic, SortingChannelsByImportanceKeepsTheLargestNetworkAndPutsTheStrongestFirst) {
  torch::manual_seed(2);
  for (const char *src : {kMobile, kFormer}) {
    Compiled c = compile(src == kMobile ? "elastic_sort_mobile" : "elastic_sort_former", src);
    Architecture big = largestOf(*c.space);
    auto super = nn::Network::elastic(c.artefact.ops(), *c.space, big);
    perturb(*super);
    super->eval();
    at::Tensor x = torch::randn({4, 3, 16, 16});
    at::Tensor before = super->forward(x);
    // A narrower path computes something else once its channels change.
    runtime::Rng rng(4);
    Architecture narrow = c.space->sample(rng);
    super->setArchitecture(narrow);
    at::Tensor narrowBefore = super->forward(x);
    EXPECT_EQ(super->sortChannelsByImportance(), src == kMobile ? 6 : 2);
    super->setArchitecture(narrow);
    EXPECT_FALSE(torch::allclose(super->forward(x), narrowBefore));
    super->setArchitecture(big);
    EXPECT_TRUE(torch::allclose(super->forward(x), before, 1e-4, 1e-5));
    for (auto &p : super->named_parameters()) {
      at::Tensor importance;
      if (p.key().find("project_weight") != std::string::npos)
        importance = p.value().abs().sum({0, 2, 3});
      else if (p.key().find("fc2_weight") != std::string::npos)
        importance = p.value().abs().sum(0);
      else
        continue;
      EXPECT_TRUE(torch::equal(importance, std::get<0>(importance.sort(0, true)))) << p.key();
    }
  }
}
