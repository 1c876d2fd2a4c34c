//===- NetworkTest.cpp - Child networks, supernets, determinism -----------===//
#include "Compile.h"

#include "nasc/data/Dataset.h"
#include "nasc/nn/Network.h"
#include "nasc/nn/Train.h"

#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <set>

using namespace nasc;
using runtime::Architecture;
using runtime::Json;
using runtime::Space;

namespace {

using Compiled = test::CompiledSpace;

Compiled tiny() { return test::tinyNb201("tiny"); }

/// A cell whose node 2 keeps 2 of 3 mixed edges (DARTS's input choice),
/// searched by `strategy`.
std::string inputChoiceSpace(const std::string &strategy) {
  return R"(
import "std/ops";
import "std/search";
const OPS = [zero, identity, avg_pool(3)];
cell C {
  input x0;
  choice e0_1: OPS;
  node x1 = e0_1(x0);
  choice e0_2: OPS;
  choice e1_2: OPS;
  choice f0_2: OPS;
  choice in2: 2 of [e0_2(x0), e1_2(x1), f0_2(x0)];
  output sum(in2);
}
network N {
  input image: tensor(3, 8, 8);
  output image |> conv(4) |> (C shared as c) |> global_avg_pool |> linear(2);
}
search S { space = N(); strategy = )" +
         strategy + "(); maximize accuracy; }\n";
}

/// What `nasc info FILE --arch ID` prints: parameters and MACs.
std::array<double, 2> compilerCost(const std::string &file, const std::string &id) {
  std::string cmd = std::string(NASC_BINARY_DIR) + "/bin/nasc info " + file + " --arch '" + id + "'";
  FILE *p = popen(cmd.c_str(), "r");
  char buf[4096] = {0};
  std::string out;
  while (fgets(buf, sizeof buf, p))
    out += buf;
  pclose(p);
  // canonical ID \t hash \t params \t flops
  size_t t1 = out.find('\t'), t2 = out.find('\t', t1 + 1), t3 = out.find('\t', t2 + 1);
  if (t3 == std::string::npos)
    throw std::runtime_error("nasc info printed: " + out);
  return {std::stod(out.substr(t2 + 1, t3 - t2 - 1)), std::stod(out.substr(t3 + 1))};
}

std::set<std::string> parameterNames(const torch::nn::Module &m) {
  std::set<std::string> out;
  for (auto &p : m.named_parameters())
    out.insert(p.key());
  return out;
}

} // namespace

TEST(Network, ChildCostsEqualTheCompilersAndTheModules) {
  // The plan's params/MACs are the compiler's for the same architecture, and
  // the modules built hold exactly that many parameters.
  for (const char *file : {"examples/nb201_evolution.nas", "examples/fashion_mnist.nas"}) {
    runtime::Artefact a = test::compileFile(file);
    const Json &search = a.searches()[0];
    Space space(a.space(search["settings"]["space"]["space"].get<std::string>()), &search);
    runtime::Rng rng(7);
    for (int i = 0; i < 6; ++i) {
      Architecture arch = space.sample(rng);
      std::string id = space.id(arch);
      SCOPED_TRACE(std::string(file) + " " + id);
      auto net = nn::Network::child(a.ops(), space, arch);
      auto [params, flops] = compilerCost(std::string(NASC_SOURCE_DIR) + "/" + file, id);
      EXPECT_EQ(net->plan().params, params);
      EXPECT_EQ(net->plan().flops, flops);
      EXPECT_EQ(double(nn::countParameters(*net)), params);
      runtime::Shape in = *net->plan().shapes[0];
      at::Tensor y = net->forward(torch::randn({2, in[0], in[1], in[2]}));
      EXPECT_EQ(y.size(1), 10);
    }
  }
}

TEST(Network, SinglePathStepTouchesOnlyThePath) {
  Compiled c = tiny();
  runtime::Rng rng(1);
  Architecture start = c.space->sample(rng);
  auto super = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::SinglePath, start);
  for (int trial = 0; trial < 3; ++trial) {
    Architecture a = c.space->sample(rng);
    super->setArchitecture(a);
    super->zero_grad();
    super->forward(torch::randn({2, 3, 32, 32})).sum().backward();
    std::set<std::string> path = parameterNames(*nn::Network::child(c.artefact.ops(), *c.space, a));
    int touched = 0;
    for (auto &p : super->named_parameters()) {
      bool hasGrad = p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0;
      if (!path.count(p.key()))
        EXPECT_FALSE(hasGrad) << p.key() << " is off the path but got a gradient";
      touched += hasGrad;
    }
    EXPECT_GT(touched, 0);
  }
  // A supernet holds every alternative: more weights than any child.
  EXPECT_GT(nn::countParameters(*super), nn::countParameters(*nn::Network::child(c.artefact.ops(), *c.space, start)));
}

TEST(Network, MixedWithOneHotWeightsEqualsTheChild) {
  Compiled c = tiny();
  runtime::Rng rng(3);
  Architecture a = c.space->sample(rng);
  torch::manual_seed(0);
  auto mixed = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, a);
  EXPECT_EQ(mixed->architectureParameters().size(), 6u);
  for (size_t d = 0; d < c.space->discrete().size(); ++d) {
    const runtime::Decision &dec = c.space->decisions()[c.space->discrete()[d]];
    at::Tensor w = torch::zeros({int64_t(dec.domain.size())});
    w[a.choice[d]] = 1.0;
    mixed->overrideMixWeights(dec.name, w);
  }
  auto child = nn::Network::child(c.artefact.ops(), *c.space, a);
  EXPECT_GT(child->inheritFrom(*mixed), 0u);
  mixed->eval();
  child->eval();
  at::Tensor x = torch::randn({3, 3, 32, 32});
  at::Tensor ym = mixed->forward(x), yc = child->forward(x);
  EXPECT_TRUE(torch::allclose(ym, yc, 1e-5, 1e-6)) << (ym - yc).abs().max().item<double>();
  // Without the override the mixture is a softmax over all alternatives: different.
  for (auto &[name, alpha] : mixed->alphas())
    mixed->overrideMixWeights(name, at::Tensor());
  EXPECT_FALSE(torch::allclose(mixed->forward(x), yc, 1e-5, 1e-6));
  // Architecture and weight parameters are separate sets.
  size_t all = mixed->parameters().size();
  EXPECT_EQ(mixed->architectureParameters().size() + mixed->weightParameters().size(), all);
}

TEST(Network, MixedSupernetDerivesTheStrongestAlternatives) {
  Compiled c = tiny();
  runtime::Rng rng(5);
  Architecture a = c.space->sample(rng);
  auto mixed = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, a);
  // The strongest alternative of each choice, except that `none` (a zero
  // op, position 0 in NB201) is never derived: DARTS takes the strongest
  // other one (here nor_conv_3x3 at half the weight) instead.
  Architecture want = c.space->sample(rng), expect = want;
  int zeros = 0;
  {
    torch::NoGradGuard g;
    for (size_t d = 0; d < c.space->discrete().size(); ++d) {
      at::Tensor alpha = mixed->alphas().at(c.space->decisions()[c.space->discrete()[d]].name);
      alpha.zero_();
      alpha[want.choice[d]] = 1.0;
      if (want.choice[d] == 0) {
        alpha[3] = 0.5;
        expect.choice[d] = 3;
        ++zeros;
      }
    }
  }
  EXPECT_GT(zeros, 0) << "the sample should exercise the zero rule";
  EXPECT_EQ(c.space->id(mixed->derive()), c.space->id(expect));
}

TEST(Network, MixedSupernetDerivesTheStrongestEdgesOfAnInputChoice) {
  // DARTS's rule for a node that keeps 2 of its incoming edges: rank each
  // edge by its strongest non-zero operation weight, keep the top 2. Edge 0
  // has the largest weight overall, but on `zero`: it ranks by its 0.2.
  runtime::Artefact art = test::compileSource("edges", inputChoiceSpace("darts"));
  Space space(art.space("S.space"), &art.searches()[0]);
  runtime::Rng rng(1);
  auto mixed = nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, space.sample(rng));
  auto set = [&](const std::string &name, std::vector<double> logits) {
    torch::NoGradGuard g;
    mixed->alphas().at(name).copy_(torch::log(torch::tensor(logits, torch::kFloat)));
  };
  set("c/e0_1", {0.1, 0.3, 0.6});
  set("c/f0_2", {0.1, 0.3, 0.6}); // edge 2: 0.6 on avg_pool
  set("c/e0_2", {0.8, 0.2, 0.0}); // edge 0: zero strongest, 0.2 otherwise
  set("c/e1_2", {0.3, 0.3, 0.4}); // edge 1: 0.4
  std::string id = space.id(mixed->derive());
  EXPECT_NE(id.find("c/in2=1+2"), std::string::npos) << id;
  EXPECT_NE(id.find("c/f0_2=avg_pool(3)"), std::string::npos) << id;
  EXPECT_NE(id.find("c/e1_2=avg_pool(3)"), std::string::npos) << id;
  // Edge 0 is not kept, so its operation reads as the first (canonical form).
  EXPECT_NE(id.find("c/e0_2=zero"), std::string::npos) << id;
  // Entropies are of the mixing weights.
  EXPECT_NEAR(mixed->mixEntropies().at("c/e1_2"), -(0.6 * std::log(0.3) + 0.4 * std::log(0.4)), 1e-5);
}

TEST(Network, PartialChannelsMixAFractionPassTheRestAndShuffle) {
  // PC-DARTS's mixed step with K = 2 on 4 channels: the alternatives run
  // on channels 0-1, channels 2-3 pass by (max-pooled where the
  // alternatives stride), then the shuffle of 2 groups orders them 0,2,1,3.
  const char *src = R"(
import "std/ops";
import "std/search";
network Flat {
  input image: tensor(4, 1, 1);
  choice layer: [identity, zero];
  output image |> layer;
}
network Strided {
  input image: tensor(4, 2, 2);
  choice layer: [max_pool(3, stride=2), zero(stride=2)];
  output image |> layer;
}
search F { space = Flat(); strategy = pc_darts(); maximize accuracy; }
search S { space = Strided(); strategy = pc_darts(); maximize accuracy; }
)";
  runtime::Artefact art = test::compileSource("partial", src);
  nn::MixedOptions pc;
  pc.partialChannels = 2;
  {
    Space space(art.space("F.space"), &art.searches()[0]);
    auto net = nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, space.first(), pc);
    EXPECT_EQ(net->partialChoices(), std::make_pair(int64_t(1), int64_t(1)));
    at::Tensor x = torch::randn({3, 4, 1, 1});
    net->overrideMixWeights("layer", torch::tensor({0.25f, 0.75f}));
    at::Tensor y = net->forward(x), xf = x.flatten(1);
    at::Tensor want = torch::stack({0.25 * xf.select(1, 0), xf.select(1, 2), 0.25 * xf.select(1, 1), xf.select(1, 3)}, 1);
    EXPECT_TRUE(torch::allclose(y, want)) << y << want;
    // Without partial channels the same weights scale every channel.
    auto full = nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, space.first());
    full->overrideMixWeights("layer", torch::tensor({0.25f, 0.75f}));
    EXPECT_TRUE(torch::allclose(full->forward(x), 0.25 * xf));
    EXPECT_EQ(full->partialChoices(), std::make_pair(int64_t(0), int64_t(1)));
  }
  {
    Space space(art.space("S.space"), &art.searches()[1]);
    auto net = nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, space.first(), pc);
    EXPECT_EQ(net->partialChoices().first, 1);
    at::Tensor x = torch::randn({3, 4, 2, 2});
    net->overrideMixWeights("layer", torch::tensor({1.0f, 0.0f}));
    // max_pool(3, stride 2) of a 2x2 map and the pass-by's pooling are both its maximum.
    at::Tensor m = x.flatten(2).amax(2);
    at::Tensor want = torch::stack({m.select(1, 0), m.select(1, 2), m.select(1, 1), m.select(1, 3)}, 1);
    EXPECT_TRUE(torch::allclose(net->forward(x), want));
  }
  // Channels not divisible by K mix in full; NB201's convolutions are
  // built for C/K channels, so the supernet has fewer weights.
  Compiled c = tiny();
  pc.partialChannels = 4;
  auto partial = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, c.space->first(), pc);
  auto full = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, c.space->first());
  EXPECT_EQ(partial->partialChoices(), std::make_pair(int64_t(18), int64_t(18)));
  EXPECT_LT(nn::countParameters(*partial), nn::countParameters(*full));
  for (auto &p : partial->named_parameters())
    if (p.value().dim() == 4 && p.key().find("_c3_") != std::string::npos) // nor_conv_3x3 in a mixed edge
      EXPECT_TRUE(p.value().size(0) == 1 || p.value().size(0) == 2 || p.value().size(0) == 4) << p.key() << p.value().sizes();
  EXPECT_EQ(partial->forward(torch::randn({2, 3, 32, 32})).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(Network, EdgeNormalizationWeighsAndRanksTheCandidates) {
  // PC-DARTS's edge weights: an input choice reads candidate j scaled by
  // softmax(beta)_j, and derive() ranks candidates by that times their
  // strongest non-zero op weight.
  runtime::Artefact art = test::compileSource("edges", inputChoiceSpace("pc_darts"));
  Space space(art.space("S.space"), &art.searches()[0]);
  nn::MixedOptions pc;
  pc.edgeNormalization = true;
  auto mixed = nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, space.first(), pc);
  ASSERT_EQ(mixed->edgeWeights().size(), 1u);
  EXPECT_EQ(mixed->architectureParameters().size(), mixed->alphas().size() + 1);
  {
    torch::NoGradGuard g;
    for (auto &[name, alpha] : mixed->alphas())
      alpha.copy_(torch::log(torch::tensor({0.2f, 0.5f, 0.3f})));
    mixed->edgeWeights().at("c/in2").copy_(torch::log(torch::tensor({0.5f, 0.1f, 0.4f})));
  }
  // Equal op weights: the edge weights decide, 0 and 2.
  std::string id = space.id(mixed->derive());
  EXPECT_NE(id.find("c/in2=0+2"), std::string::npos) << id;
  EXPECT_NEAR(mixed->mixWeightsByChoice().at("c/in2")[1], 0.1, 1e-6);
  // The edge weights scale what the node sums and get a gradient.
  mixed->forward(torch::randn({2, 3, 8, 8})).sum().backward();
  at::Tensor gb = mixed->edgeWeights().at("c/in2").grad();
  ASSERT_TRUE(gb.defined());
  EXPECT_GT(gb.abs().sum().item<double>(), 0);
  // Without edge normalization the same alphas tie and the first two win.
  auto plain = nn::Network::supernet(art.ops(), space, nn::Mode::Mixed, space.first());
  {
    torch::NoGradGuard g;
    for (auto &[name, alpha] : plain->alphas())
      alpha.copy_(torch::log(torch::tensor({0.2f, 0.5f, 0.3f})));
  }
  EXPECT_NE(space.id(plain->derive()).find("c/in2=0+1"), std::string::npos) << space.id(plain->derive());
}

TEST(Network, HardSampledMixtureRunsOnePathWithTheSoftGradient) {
  // GDAS's forward: overrideMixWeights(d, w, k) computes alternative k only;
  // no weight of another alternative gets a gradient, yet every alpha entry
  // does (through the straight-through weights).
  Compiled c = tiny();
  runtime::Rng rng(3);
  auto mixed = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, c.space->sample(rng));
  const int64_t k = 3; // nor_conv_3x3 on every edge
  for (auto &[name, alpha] : mixed->alphas()) {
    at::Tensor soft = torch::softmax(alpha, 0);
    at::Tensor hard = torch::zeros_like(soft.detach());
    hard[k] = 1.0;
    mixed->overrideMixWeights(name, hard - soft.detach() + soft, {k});
  }
  mixed->forward(torch::randn({2, 3, 32, 32})).sum().backward();
  size_t onPath = 0, offPath = 0;
  for (auto &p : mixed->named_parameters()) {
    bool has = p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0;
    if (p.key().rfind("alpha_", 0) == 0) {
      EXPECT_TRUE(has) << p.key();
      EXPECT_GT((p.value().grad() != 0).sum().item<int64_t>(), 1) << "the soft gradient reaches every alternative";
    } else if (p.key().find("_c3") != std::string::npos) {
      onPath += has;
    } else if (p.key().find("_c2") != std::string::npos) {
      offPath += p.value().grad().defined(); // nor_conv_1x1: not sampled, so not even run
    }
  }
  EXPECT_GT(onPath, 0u);
  EXPECT_EQ(offPath, 0u);
}

TEST(Network, BinaryGatesRunTwoPathsAndGradeBoth) {
  // ProxylessNAS's architecture step: gates (1 on the active alternative, 0
  // on the other sampled one) with `only` the two; both run, both gates get
  // a gradient, no other alternative runs.
  Compiled c = tiny();
  auto mixed = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, c.space->first());
  std::vector<at::Tensor> gates;
  for (auto &[name, alpha] : mixed->alphas()) {
    at::Tensor g = torch::zeros({5});
    g[3] = 1.0; // nor_conv_3x3 active, avg_pool_3x3 (4) the other sampled one
    g.requires_grad_(true);
    mixed->overrideMixWeights(name, g, {3, 4});
    gates.push_back(g);
  }
  mixed->forward(torch::randn({2, 3, 32, 32})).sum().backward();
  for (const at::Tensor &g : gates) {
    ASSERT_TRUE(g.grad().defined());
    EXPECT_NE(g.grad()[3].item<double>(), 0);
    EXPECT_NE(g.grad()[4].item<double>(), 0) << "the inactive sampled path must run to grade its gate";
  }
  size_t ran = 0, other = 0;
  for (auto &p : mixed->named_parameters()) {
    bool has = p.value().grad().defined();
    if (p.key().find("_c3_") != std::string::npos)
      ran += has;
    else if (p.key().find("_c2_") != std::string::npos) // nor_conv_1x1: not sampled
      other += has;
  }
  EXPECT_GT(ran, 0u);
  EXPECT_EQ(other, 0u);
  EXPECT_GT(mixed->named_parameters().size(), ran + 10) << "nor_conv_1x1's weights exist";
}

TEST(Network, TrainingIsDeterministicOnCpu) {
  Compiled c = tiny();
  data::Dataset ds = data::loadCifar10(std::string(NASC_SOURCE_DIR) + "/../shared/data/cifar10-subset", true);
  ds = data::subset(ds, 0.05, 0);
  data::Normalization norm = data::channelStats(ds);
  runtime::Rng rng(11);
  Architecture a = c.space->sample(rng);
  nn::TrainOptions o;
  o.batch_size = 32;
  o.max_steps = 4;
  o.augment = {4, true};
  o.seed = 42;
  auto run = [&] {
    torch::manual_seed(42);
    auto net = nn::Network::child(c.artefact.ops(), *c.space, a);
    nn::train(*net, ds, norm, o);
    return net;
  };
  auto n1 = run(), n2 = run();
  auto p1 = n1->named_parameters(), p2 = n2->named_parameters();
  ASSERT_EQ(p1.size(), p2.size());
  for (auto &p : p1)
    EXPECT_TRUE(torch::equal(p.value(), *p2.find(p.key()))) << p.key() << " differs between two runs";
  o.seed = 43; // another seed: another batch order and augmentation
  torch::manual_seed(42);
  auto n3 = nn::Network::child(c.artefact.ops(), *c.space, a);
  nn::train(*n3, ds, norm, o);
  bool anyDiffers = false;
  for (auto &p : n3->named_parameters())
    anyDiffers |= !torch::equal(p.value(), *p1.find(p.key()));
  EXPECT_TRUE(anyDiffers);
}

TEST(Network, ChildInheritsSupernetWeights) {
  Compiled c = tiny();
  runtime::Rng rng(9);
  Architecture a = c.space->sample(rng);
  auto super = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::SinglePath, a);
  auto child = nn::Network::child(c.artefact.ops(), *c.space, a);
  size_t tensors = child->named_parameters().size() + child->named_buffers().size();
  EXPECT_EQ(child->inheritFrom(*super), tensors);
  super->eval();
  child->eval();
  at::Tensor x = torch::randn({2, 3, 32, 32});
  EXPECT_TRUE(torch::equal(super->forward(x), child->forward(x)));
}

TEST(Network, WidthMultiplierShrinksEveryChannelAlike) {
  // NAS-Bench-201 with 16 channels at width 0.5 is the 8-channel network.
  auto compile = [](int c) {
    std::string src = std::string(test::kTinyNb201).replace(std::string(test::kTinyNb201).find("C=4"), 3, "C=" + std::to_string(c));
    Compiled out{test::compileSource("width" + std::to_string(c), src), nullptr};
    out.space = std::make_unique<Space>(out.artefact.space("Tiny.space"), &out.artefact.searches()[0]);
    return out;
  };
  Compiled wide = compile(16), narrow = compile(8);
  runtime::Rng rng(13);
  for (int i = 0; i < 4; ++i) {
    Architecture a = wide.space->sample(rng);
    auto half = nn::Network::child(wide.artefact.ops(), *wide.space, a, 0.5);
    auto eight = nn::Network::child(narrow.artefact.ops(), *narrow.space, a);
    EXPECT_EQ(nn::countParameters(*half), nn::countParameters(*eight)) << wide.space->id(a);
    EXPECT_EQ(half->plan().params, eight->plan().params);
    EXPECT_EQ(half->plan().flops, eight->plan().flops);
    EXPECT_EQ(half->forward(torch::randn({2, 3, 32, 32})).size(1), 10); // the classifier keeps its classes
  }
}

TEST(Network, EveryStdlibSpaceBuildsWithTheCompilersCosts) {
  // Children of sampled architectures of every standard space: the modules
  // hold exactly the parameters the compiler's cost analysis gives for the
  // same ID (input-choice spaces through the compiler's fixed network).
  int compared = 0;
  for (const char *file : {"stdlib/spaces/darts.nas", "stdlib/spaces/nasnet.nas", "stdlib/spaces/mnasnet.nas",
                           "stdlib/spaces/transformer.nas", "stdlib/spaces/zoph_le.nas",
                           "stdlib/spaces/efficientnet.nas"}) {
    runtime::Artefact a = test::compileFile(file);
    for (const Json &s : a.spaces()) {
      Space space(s);
      runtime::Rng rng(21);
      for (int i = 0; i < 2; ++i) {
        Architecture arch = space.sample(rng);
        std::string id = space.id(arch);
        SCOPED_TRACE(std::string(file) + " " + id);
        runtime::Plan p = runtime::plan(a.ops(), space, arch);
        auto [params, flops] = compilerCost(std::string(NASC_SOURCE_DIR) + "/" + file, id);
        EXPECT_EQ(p.params, params);
        EXPECT_EQ(p.flops, flops);
        auto net = nn::Network::child(a.ops(), space, arch);
        EXPECT_EQ(double(nn::countParameters(*net)), p.params);
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 10);
}

TEST(Network, DartsMixedSupernetRunsEveryEdge) {
  // The DARTS search network as a differentiable supernet: one alpha vector
  // per edge decision (14 normal + 14 reduce), input choices take every
  // candidate, and a step reaches every alpha.
  runtime::Artefact a = test::compileFile("stdlib/spaces/darts.nas");
  Space space(a.spaces()[0]);
  runtime::Rng rng(2);
  auto mixed = nn::Network::supernet(a.ops(), space, nn::Mode::Mixed, space.sample(rng));
  EXPECT_EQ(mixed->architectureParameters().size(), 28u);
  runtime::Shape in = *mixed->plan().shapes[0];
  at::Tensor y = mixed->forward(torch::randn({2, in[0], in[1], in[2]}));
  EXPECT_EQ(y.size(0), 2);
  y.sum().backward();
  for (const at::Tensor &alpha : mixed->architectureParameters()) {
    ASSERT_TRUE(alpha.grad().defined());
    EXPECT_GT(alpha.grad().abs().sum().item<double>(), 0.0);
  }
}

namespace {

/// ReLUs in the autograd graph of y (each keeps its own output for backward).
int reluNodes(const at::Tensor &y) {
  std::set<torch::autograd::Node *> seen;
  std::vector<torch::autograd::Node *> stack{y.grad_fn().get()};
  int relus = 0;
  while (!stack.empty()) {
    torch::autograd::Node *n = stack.back();
    stack.pop_back();
    if (!n || !seen.insert(n).second)
      continue;
    relus += n->name().find("Relu") != std::string::npos;
    for (const torch::autograd::Edge &e : n->next_edges())
      stack.push_back(e.function.get());
  }
  return relus;
}

} // namespace

TEST(Network, LayersThatStartWithAReluOfOneInputShareIt) {
  // NAS-Bench-201's cell with nor_conv_3x3 on every edge: node 0 feeds three
  // ReLU-conv-BN ops, node 1 two, node 2 one. A Python network runs six
  // ReLUs a cell; nasc runs one per input (three a cell), with the same
  // result, and a NASWOT recorder still sees one code per op.
  Compiled c = tiny();
  auto arch = [&](const std::string &op) {
    std::string id;
    for (const char *e : {"e0_1", "e0_2", "e1_2", "e0_3", "e1_3", "e2_3"})
      id += std::string(id.empty() ? "" : ",") + "nb201_cell/" + e + "=" + op;
    return c.space->parseId(id);
  };
  torch::manual_seed(0);
  at::Tensor x = torch::randn({2, 3, 32, 32});
  auto conv = nn::Network::child(c.artefact.ops(), *c.space, arch("nor_conv_3x3"));
  auto skip = nn::Network::child(c.artefact.ops(), *c.space, arch("skip_connect"));
  int cellRelus = reluNodes(conv->forward(x)) - reluNodes(skip->forward(x));
  EXPECT_EQ(cellRelus, 3 * 3) << "3 cells (C=4, N=1), one ReLU per input read by convolutions";
  std::vector<at::Tensor> codes, skipCodes;
  {
    nn::ReluCodeRecorder rec(codes);
    conv->forward(x);
  }
  {
    nn::ReluCodeRecorder rec(skipCodes);
    skip->forward(x);
  }
  EXPECT_EQ(codes.size() - skipCodes.size(), 3u * 6u) << "one code per ReLU-conv-BN op, as the benchmark's";
  // The mixed supernet shares across edges too: node 0's ReLU feeds the
  // convolutions of all three of its edges.
  auto mixed = nn::Network::supernet(c.artefact.ops(), *c.space, nn::Mode::Mixed, c.space->first());
  EXPECT_EQ(reluNodes(mixed->forward(x)) - reluNodes(skip->forward(x)), 3 * 3);
}
