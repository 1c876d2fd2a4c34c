//===- ProgressiveTest.cpp - Progressive shrinking and the sandwich rule ---===//
#include "Compile.h"

#include "nasc/data/Dataset.h"
#include "nasc/nn/Progressive.h"
#include "nasc/search/Surrogates.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

using namespace nasc;
using runtime::Architecture;
using runtime::Space;

namespace {

struct Compiled {
  runtime::Artefact artefact;
  std::unique_ptr<Space> space;
};

/// A scaled-down Once-for-All space on 32 x 32 images: kernel, expansion
/// and depth decisions per stage, an elastic head width.
const char *kSpace = R"(
import "std/ops";
import "std/search";
block Layer(out: int, stride: int) {
  input x;
  choice kernel: [3, 5, 7];
  choice expand: [2, 4];
  output x |> mbconv(out, expand, kernel, stride, act="hard_swish");
}
block Stage(out: int, stride: int) {
  input x;
  choice depth: [1, 2, 3];
  output x |> Layer(out, stride) independent |> repeat(depth - 1, Layer(out, 1) independent);
}
network Net(classes: int = 10) {
  input image: tensor(3, 32, 32);
  choice head: [16, 32];
  node stem = image |> conv(8, kernel=3, stride=2) |> batch_norm |> hard_swish;
  node s1 = stem |> Stage(8, 2) independent;
  node s2 = s1 |> Stage(16, 2) independent;
  output s2 |> conv_bn_relu(head, kernel=1) |> global_avg_pool |> linear(classes);
}
search S { space = Net(); strategy = random(); evaluations = 2; maximize accuracy; }
)";

Compiled compile() {
  Compiled c{test::compileSource("progressive", kSpace), nullptr};
  c.space = std::make_unique<Space>(c.artefact.space("S.space"), &c.artefact.searches()[0]);
  return c;
}

std::string kindOf(const Space &space, const nn::ElasticDecisions &d, size_t k) {
  (void)space;
  return d.kind[k] == nn::ElasticDecisions::Kernel       ? "kernel"
         : d.kind[k] == nn::ElasticDecisions::Depth      ? "depth"
         : d.kind[k] == nn::ElasticDecisions::Resolution ? "resolution"
                                                         : "width";
}

/// A log that throws once `text` is written: a training interrupted there.
class Interrupt : public std::streambuf {
public:
  explicit Interrupt(std::string text) : text_(std::move(text)) {}

protected:
  int overflow(int c) override {
    seen_ += char(c);
    if (seen_.find(text_) != std::string::npos)
      throw std::runtime_error("interrupted");
    return c;
  }

private:
  std::string text_, seen_;
};

} // namespace

TEST(Progressive, DecisionsAreKernelDepthOrWidthAndOrderedByParameters) {
  Compiled c = compile();
  nn::ElasticDecisions d = nn::elasticDecisions(c.artefact.ops(), *c.space);
  std::map<std::string, int> count;
  for (size_t k = 0; k < d.kind.size(); ++k) {
    const std::string &name = c.space->decisions()[c.space->discrete()[k]].name;
    std::string kind = kindOf(*c.space, d, k);
    ++count[kind];
    std::string last = name.substr(name.rfind('/') + 1);
    EXPECT_EQ(kind, last == "kernel" ? "kernel" : last == "depth" ? "depth" : "width") << name;
    // Largest first: the last value of each domain here (3 before 1, 7 before 3).
    int64_t n = int64_t(c.space->decisions()[c.space->discrete()[k]].domain.size());
    EXPECT_EQ(d.order[k].front(), n - 1) << name;
    EXPECT_EQ(d.order[k].back(), 0) << name;
    EXPECT_EQ(d.largest.choice[k], n - 1) << name;
  }
  EXPECT_EQ(count["kernel"], 6);
  EXPECT_EQ(count["depth"], 2);
  EXPECT_EQ(count["width"], 7); // six expansions and the head
  runtime::Plan big = runtime::plan(c.artefact.ops(), *c.space, d.largest);
  runtime::Plan small = runtime::plan(c.artefact.ops(), *c.space, d.smallest);
  runtime::Rng rng(1);
  for (int i = 0; i < 30; ++i) {
    double p = runtime::plan(c.artefact.ops(), *c.space, c.space->sample(rng)).params;
    EXPECT_LE(p, big.params);
    EXPECT_GE(p, small.params);
  }
}

TEST(Progressive, EachStageOpensOneKindOfDecisionMore) {
  Compiled c = compile();
  nn::ElasticDecisions d = nn::elasticDecisions(c.artefact.ops(), *c.space);
  std::vector<nn::ElasticStage> stages = nn::elasticStages("progressive", 2, d);
  std::vector<std::string> names;
  for (const auto &s : stages)
    names.push_back(s.name + ":" + std::to_string(s.epochs) + (s.distill ? "d" : "") + std::to_string(s.paths));
  EXPECT_EQ(names, (std::vector<std::string>{"largest:21", "kernel:2d1", "depth (two largest):1d2", "depth:2d2",
                                             "width (two largest):1d2", "width:2d2"}));
  // What each stage samples: per kind, the set of values seen over 300 draws.
  for (const auto &stage : stages) {
    SCOPED_TRACE(stage.name);
    runtime::Rng rng(7);
    std::vector<std::set<int64_t>> seen(d.kind.size());
    for (int i = 0; i < 150; ++i)
      for (const Architecture &a : nn::elasticPaths(*c.space, d, stage, rng))
        for (size_t k = 0; k < d.kind.size(); ++k)
          if (c.space->active(a, c.space->discrete()[k]))
            seen[k].insert(a.choice[k]);
    for (size_t k = 0; k < d.kind.size(); ++k) {
      size_t n = d.order[k].size(), open = size_t(stage.open[d.kind[k]]);
      size_t expected = open == 0 ? n : std::min(open, n);
      if (seen[k].empty())
        continue; // never active (a layer past the depths this stage draws)
      EXPECT_EQ(seen[k].size(), expected) << kindOf(*c.space, d, k) << " " << k;
      for (int64_t v : seen[k]) // the largest ones
        EXPECT_LT(std::find(d.order[k].begin(), d.order[k].end(), v) - d.order[k].begin(), int64_t(expected));
    }
  }
  // A space without kernel decisions has no kernel stage; sandwich is one stage of three paths.
  nn::ElasticDecisions noKernel = d;
  for (auto &k : noKernel.kind)
    if (k == nn::ElasticDecisions::Kernel)
      k = nn::ElasticDecisions::Width;
  EXPECT_EQ(nn::elasticStages("progressive", 1, noKernel).size(), 5u);
  std::vector<nn::ElasticStage> sandwich = nn::elasticStages("sandwich", 3, d);
  ASSERT_EQ(sandwich.size(), 1u);
  runtime::Rng rng(3);
  std::vector<Architecture> paths = nn::elasticPaths(*c.space, d, sandwich[0], rng);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(c.space->id(paths[0]), c.space->id(d.largest));
  EXPECT_EQ(c.space->id(paths[1]), c.space->id(d.smallest));
  EXPECT_THROW(nn::elasticStages("uniform", 1, d), std::invalid_argument);
}

/// The same space with OFA's elastic resolution: a search-level choice sets
/// the input size the 32 x 32 images are resized to.
const char *kResolution = R"(
import "std/ops";
import "std/search";
block Layer(out: int, stride: int) {
  input x;
  choice kernel: [3, 5];
  choice expand: [2, 4];
  output x |> mbconv(out, expand, kernel, stride, act="hard_swish");
}
network Net(res: int = 32) {
  input image: tensor(3, res, res);
  choice depth: [1, 2];
  node stem = image |> conv(8, kernel=3, stride=2) |> batch_norm |> hard_swish;
  output stem |> Layer(8, 1) independent |> repeat(depth, Layer(8, 1) independent) |> global_avg_pool |> linear(10);
}
search R { choice res: [16, 24, 32]; space = Net(res=res); strategy = random(); evaluations = 2; maximize accuracy; }
)";

TEST(Progressive, AnElasticResolutionIsSampledInEveryStageAndResizesTheImages) {
  runtime::Artefact artefact = test::compileSource("resolution", kResolution);
  Space space(artefact.space("R.space"), &artefact.searches()[0]);
  ASSERT_TRUE(space.resolutionDecided());
  nn::ElasticDecisions d = nn::elasticDecisions(artefact.ops(), space);
  size_t res = 0;
  for (size_t k = 0; k < d.kind.size(); ++k)
    if (space.decisions()[space.discrete()[k]].name == "res")
      res = k;
  EXPECT_EQ(kindOf(space, d, res), "resolution");
  // Largest first by multiply-accumulates (a resolution adds no weights).
  EXPECT_EQ(d.order[res], (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(d.largest.choice[res], 2);
  EXPECT_EQ(d.smallest.choice[res], 0);
  std::vector<nn::ElasticStage> stages = nn::elasticStages("progressive", 1, d);
  ASSERT_EQ(stages.front().name, "largest");
  for (const nn::ElasticStage &stage : stages) { // the largest stage too, as OFA's
    runtime::Rng rng(3);
    std::set<int64_t> seen;
    for (int i = 0; i < 60; ++i)
      for (const Architecture &a : nn::elasticPaths(space, d, stage, rng))
        seen.insert(a.choice[res]);
    EXPECT_EQ(seen.size(), 3u) << stage.name;
  }
  // One supernet serves every resolution: 32 x 32 images go in, each path
  // sees its own size, and its output is its child's on resized images.
  torch::manual_seed(1);
  auto net = nn::Network::elastic(artefact.ops(), space, d.largest);
  net->eval();
  at::Tensor x = torch::randn({2, 3, 32, 32});
  for (int64_t v : {0, 1, 2}) {
    Architecture a = d.largest;
    a.choice[res] = v;
    net->setArchitecture(a);
    at::Tensor y = net->forward(x);
    auto child = nn::Network::child(artefact.ops(), space, a);
    child->inheritFrom(*net);
    child->eval();
    int64_t side = std::vector<int64_t>{16, 24, 32}[size_t(v)];
    at::Tensor resized = torch::nn::functional::interpolate(
        x, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{side, side}).mode(torch::kBilinear).align_corners(false));
    EXPECT_TRUE(torch::allclose(y, child->forward(resized), 1e-5, 1e-6)) << "res " << side;
  }
  // A space whose input size is fixed still refuses other sizes (no resize).
  Compiled fixed = compile();
  EXPECT_FALSE(fixed.space->resolutionDecided());
}

TEST(Progressive, AnInterruptedTrainingResumesToTheSameWeights) {
  Compiled c = compile();
  data::Dataset ds = data::loadCifar10(std::string(NASC_SOURCE_DIR) + "/../shared/data/cifar10-subset", true);
  ds = data::subset(ds, 0.03, 0);
  data::Normalization norm = data::channelStats(ds);
  nn::TrainOptions o;
  o.batch_size = 32;
  o.seed = 5;
  nn::ElasticDecisions d = nn::elasticDecisions(c.artefact.ops(), *c.space);
  auto fresh = [&] {
    torch::manual_seed(5);
    return nn::Network::elastic(c.artefact.ops(), *c.space, d.largest);
  };
  std::string file = testing::TempDir() + "/progressive-checkpoint.pt";
  std::filesystem::remove(file);
  nn::ElasticTraining t;
  t.epochs = 1;
  t.fingerprint = "test";
  auto whole = fresh();
  std::map<std::string, at::Tensor> initial;
  for (auto &p : whole->named_parameters())
    initial[p.key()] = p.value().clone();
  nn::trainElastic(*whole, c.artefact.ops(), *c.space, ds, norm, o, t); // no checkpoint
  // Training moved every sliced layer's weights (not only the fixed ones).
  int moved = 0;
  for (auto &p : whole->named_parameters())
    if (p.key().find("_elastic_") != std::string::npos && p.key().find("transform") == std::string::npos) {
      EXPECT_FALSE(torch::equal(p.value(), initial[p.key()])) << p.key() << " did not train";
      ++moved;
    }
  EXPECT_GT(moved, 20);

  // Interrupted as the width stage starts (after the depth stages' checkpoints), then resumed.
  t.checkpoint = file;
  Interrupt interrupt("stage width (two largest)");
  std::ostream log(&interrupt);
  log.exceptions(std::ios::badbit);
  t.log = &log;
  auto first = fresh();
  EXPECT_THROW(nn::trainElastic(*first, c.artefact.ops(), *c.space, ds, norm, o, t), std::runtime_error);
  ASSERT_TRUE(std::filesystem::exists(file));
  std::ostringstream quiet;
  t.log = &quiet;
  auto resumed = fresh();
  nn::trainElastic(*resumed, c.artefact.ops(), *c.space, ds, norm, o, t);
  EXPECT_NE(quiet.str().find("resumed after epoch 4"), std::string::npos) << quiet.str();
  EXPECT_EQ(quiet.str().find("stage depth"), std::string::npos) << quiet.str(); // not trained again
  auto a = whole->named_parameters(), b = resumed->named_parameters();
  for (auto &p : a)
    EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  auto ab = whole->named_buffers(), bb = resumed->named_buffers();
  for (auto &p : ab)
    EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();
  // A checkpoint of another run is refused, naming the file.
  t.fingerprint = "another";
  try {
    auto other = fresh();
    nn::trainElastic(*other, c.artefact.ops(), *c.space, ds, norm, o, t);
    ADD_FAILURE() << "a foreign checkpoint was used";
  } catch (const std::exception &e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

TEST(Progressive, ThePredictorReadsActiveDecisionsAndLearnsToRankSubNetworks) {
  Compiled c = compile();
  const Space &space = *c.space;
  nn::ElasticDecisions d = nn::elasticDecisions(c.artefact.ops(), space);
  // Layers past a stage's depth read as zeros: two architectures that
  // differ only there have the same features.
  Architecture shallow = d.smallest, other = d.smallest;
  size_t inactive = space.discrete().size();
  for (size_t k = 0; k < space.discrete().size(); ++k)
    if (!space.active(shallow, space.discrete()[k]))
      inactive = k;
  ASSERT_LT(inactive, space.discrete().size());
  other.choice[inactive] = (other.choice[inactive] + 1) % int64_t(d.order[inactive].size());
  EXPECT_EQ(nn::predictorFeatures(space, shallow), nn::predictorFeatures(space, other));
  std::vector<float> f = nn::predictorFeatures(space, d.largest);
  size_t width = 0;
  for (size_t k = 0; k < space.discrete().size(); ++k)
    width += space.decisions()[space.discrete()[k]].domain.size();
  EXPECT_EQ(f.size(), width);
  EXPECT_EQ(std::count(f.begin(), f.end(), 1.0f), int64_t(space.discrete().size())); // all active
  // An MLP ensemble on these features ranks held-out sub-networks by a
  // score that depends on them as accuracy does on size (here: the log of
  // the parameters, plus a kernel-7 bonus the parameters do not show).
  runtime::Rng rng(11);
  std::vector<search::Features> x, hx;
  std::vector<double> y, hy;
  auto score = [&](const Architecture &a) {
    double s = std::log(runtime::plan(c.artefact.ops(), space, a).params);
    for (size_t k = 0; k < space.discrete().size(); ++k)
      if (d.kind[k] == nn::ElasticDecisions::Kernel && space.active(a, space.discrete()[k]) && a.choice[k] == 2)
        s += 0.05;
    return s;
  };
  for (int i = 0; i < 260; ++i) {
    Architecture a = space.canonical(space.sample(rng));
    (i < 200 ? x : hx).push_back(nn::predictorFeatures(space, a));
    (i < 200 ? y : hy).push_back(score(a));
  }
  search::MlpEnsemble::Options mo;
  mo.models = 3, mo.hidden = 64, mo.layers = 3, mo.epochs = 200, mo.lr = 0.005;
  search::MlpEnsemble predictor(mo);
  predictor.fit(x, y, 1);
  double concordant = 0, pairs = 0;
  for (size_t i = 0; i < hx.size(); ++i)
    for (size_t j = i + 1; j < hx.size(); ++j) {
      double a = (hy[i] - hy[j]) * (predictor.predict(hx[i]).mean - predictor.predict(hx[j]).mean);
      concordant += a > 0 ? 1 : a < 0 ? -1 : 0;
      pairs += 1;
    }
  EXPECT_GT(concordant / pairs, 0.7) << "Kendall tau on 60 held-out sub-networks";
}
