//===- SpaceTest.cpp - Domains, IDs, canonical forms, sampling ------------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/runtime/Space.h"
#include "nasc/search/Enumerate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace nasc::runtime;
using nasc::search::GridIterator;


namespace {

/// The space `name` of `file`'s artefact, with the search block that
/// explores it (if any).
Space load(const std::string &file, const std::string &name) {
  const Artefact &art = nasc_test::compiled(file);
  const Json *search = nullptr;
  for (const Json &s : art.searches())
    if (s.at("settings").contains("space") && s["settings"]["space"].value("space", "") == name)
      search = &s;
  return Space(art.space(name), search);
}

std::string src(const std::string &rel) { return nasc_test::sourceDir() + "/" + rel; }

const char *kTiny = R"(
import "std/ops";
import "std/search";

network Tiny() {
  input image: tensor(3, 8, 8);
  choice a: [8, 16, 24];
  choice b: [8, 16, 24];
  choice k: [1, 3];
  require a <= b, "the second layer is not narrower";
  output image |> conv(a, kernel=k) |> conv(b) |> global_avg_pool |> linear(10);
}

search TinySearch {
  space = Tiny();
  strategy = random();
  evaluations = 10;
  seed = 1;
  maximize accuracy;
}
)";

const char *kConditional = R"(
import "std/ops";

cell Layer() {
  input x;
  choice w: [8, 16, 32];
  output x |> conv(w);
}

network Cond() {
  input image: tensor(3, 8, 8);
  choice depth: 1..3;
  choice k: [1, 3];
  output image |> conv(8, kernel=k) |> repeat(depth, Layer() independent) |> global_avg_pool |> linear(10);
}
)";

/// Asks `nasc info --arch` about each ID: the compiler's canonical ID and hash.
std::vector<std::pair<std::string, std::string>> compilerIds(const std::string &file, const std::string &space,
                                                             const std::vector<std::string> &ids) {
  std::string list;
  for (const std::string &id : ids)
    list += id + "\n";
  static int n = 0;
  std::string path = nasc_test::writeFile("ids" + std::to_string(n++) + ".txt", list);
  int status = 0;
  std::string out = nasc_test::run("'" + nasc_test::nascBinary() + "' info '" + file + "' --space '" + space +
                                       "' --archs '" + path + "'",
                                   &status, false);
  EXPECT_EQ(status, 0) << out;
  std::vector<std::pair<std::string, std::string>> result;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, hash;
    std::getline(fields, id, '\t');
    std::getline(fields, hash, '\t');
    result.push_back({id, hash});
  }
  return result;
}

void expectCompilerIds(const std::string &file, const std::string &spaceName, int count) {
  SCOPED_TRACE(file + " " + spaceName);
  Space space = load(file, spaceName);
  Rng rng(11);
  std::vector<Architecture> archs;
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    archs.push_back(space.sample(rng));
    ids.push_back(space.id(archs.back()));
  }
  auto compiler = compilerIds(file, spaceName, ids);
  ASSERT_EQ(compiler.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(compiler[i].first, ids[i]);
    EXPECT_EQ(compiler[i].second, Space::hash(ids[i]));
    // Round trip: the ID names the architecture (continuous decisions via fullId).
    Architecture back = space.parseId(space.fullId(archs[i]));
    EXPECT_EQ(back, archs[i]) << space.fullId(archs[i]);
    EXPECT_EQ(space.parseId(ids[i]).choice, archs[i].choice);
  }
}

/// The IDs of the grid's architectures, each checked to come once, and
/// that there are `n`.
std::vector<std::string> expectGridOnce(const Space &space, size_t n) {
  GridIterator grid(space);
  std::set<std::string> seen;
  std::vector<std::string> ids;
  while (auto g = grid.next()) {
    EXPECT_TRUE(seen.insert(space.id(*g)).second);
    ids.push_back(space.id(*g));
  }
  EXPECT_EQ(seen.size(), n);
  return ids;
}

/// `space.sample` draws its `n` feasible canonical forms uniformly (400
/// draws each, +-90).
void expectUniformSampling(const Space &space, size_t n, uint64_t seed) {
  Rng rng(seed);
  std::map<std::string, int> counts;
  for (size_t i = 0; i < n * 400; ++i) {
    Architecture a = space.sample(rng);
    ASSERT_EQ(space.canonical(a), a);
    ASSERT_FALSE(space.violated(a));
    ++counts[space.id(a)];
  }
  EXPECT_EQ(counts.size(), n);
  for (auto &[id, k] : counts)
    EXPECT_NEAR(k, 400, 90) << id;
}

/// The compiler canonicalizes `ids` to themselves.
void expectCompilerKeeps(const std::string &file, const std::string &spaceName, const std::vector<std::string> &ids) {
  auto compiler = compilerIds(file, spaceName, ids);
  ASSERT_EQ(compiler.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(compiler[i].first, ids[i]);
}

TEST(Space, Nb201Domains) {
  Space space = load(src("examples/nb201_evolution.nas"), "NB201Evolution.space");
  ASSERT_EQ(space.discrete().size(), 6u);
  EXPECT_TRUE(space.continuous().empty());
  EXPECT_EQ(space.discreteSize(), 15625u);
  const Decision &d = space.decisions()[space.discrete()[0]];
  EXPECT_EQ(d.kind, Decision::Kind::Categorical);
  EXPECT_EQ(d.text, (std::vector<std::string>{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}));
}

TEST(Space, KnownIdAndHash) {
  // test/Driver/arch.test: the compiler's canonical ID and hash of this cell.
  Space space = load(src("stdlib/spaces/nb201.nas"), "NasBench201.space");
  Architecture a = space.parseId("nb201_cell/e2_3=skip_connect,nb201_cell/e0_1=avg_pool_3x3,nb201_cell/"
                                 "e0_2=nor_conv_1x1,nb201_cell/e1_2=skip_connect,nb201_cell/e0_3=nor_conv_1x1,"
                                 "nb201_cell/e1_3=skip_connect");
  std::string id = space.id(a);
  EXPECT_EQ(id, "nb201_cell/e0_1=avg_pool_3x3,nb201_cell/e0_2=nor_conv_1x1,nb201_cell/e0_3=nor_conv_1x1,"
                "nb201_cell/e1_2=skip_connect,nb201_cell/e1_3=skip_connect,nb201_cell/e2_3=skip_connect");
  EXPECT_EQ(Space::hash(id), "e3ca265ca493a031");
  EXPECT_EQ(space.fullId(a), id);
}

TEST(Space, ParseIdErrorsAreTheCompilers) {
  Space space = load(src("stdlib/spaces/nb201.nas"), "NasBench201.space");
  auto error = [&](const std::string &id) {
    try {
      space.parseId(id);
    } catch (const std::invalid_argument &e) {
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  EXPECT_EQ(error("nb201_cell/e0_1=sepconv"), "decision 'nb201_cell/e0_1' has no alternative 'sepconv' (it has none, "
                                              "skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)");
  EXPECT_EQ(error("cell/e0_1=none"), "the space has no decision 'cell/e0_1'");
  // A name it does not have after a comma is read into the label before it.
  EXPECT_EQ(error("nb201_cell/e0_1=none,cell/e0_2=none"),
            "decision 'nb201_cell/e0_1' has no alternative 'none,cell/e0_2=none' (it has none, skip_connect, "
            "nor_conv_1x1, nor_conv_3x3, avg_pool_3x3); 'cell/e0_2' is not a decision of this space");
  EXPECT_EQ(error("nb201_cell/e0_1=none"), "decision 'nb201_cell/e0_2' is not given");
  EXPECT_EQ(error("nb201_cell/e0_1=none,nb201_cell/e0_1=none"), "decision 'nb201_cell/e0_1' is given twice");
}

TEST(Space, IdsMatchTheCompilerFashionMnist) {
  expectCompilerIds(src("examples/fashion_mnist.nas"), "FashionMNIST.space", 12);
  expectCompilerIds(src("examples/fashion_mnist.nas"), "FashionNet.space", 6);
}

TEST(Space, IdsMatchTheCompilerNb201) {
  expectCompilerIds(src("examples/nb201_evolution.nas"), "NB201Evolution.space", 20);
}

TEST(Space, IdsMatchTheCompilerDartsPicks) {
  // The reduce cell's input edges have labels with commas
  // ("max_pool(3, stride=2)"), which `nasc info --arch` cannot split (a
  // compiler limitation): ask it about architectures whose labels have none.
  std::string file = src("stdlib/spaces/darts.nas");
  Space space = load(file, "Darts.space");
  Rng pickRng(13);
  std::vector<Architecture> archs;
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    Architecture a = space.sample(pickRng);
    for (size_t k = 0; k < space.discrete().size(); ++k) {
      const Decision &d = space.decisions()[space.discrete()[k]];
      if (d.text[a.choice[k]].find(',') != std::string::npos)
        a.choice[k] = std::find_if(d.text.begin(), d.text.end(),
                                   [](const std::string &t) { return t.find(',') == std::string::npos; }) -
                      d.text.begin();
    }
    archs.push_back(a);
    ids.push_back(space.id(a));
  }
  auto compiler = compilerIds(file, "Darts.space", ids);
  ASSERT_EQ(compiler.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(compiler[i].first, ids[i]);
    EXPECT_EQ(compiler[i].second, Space::hash(ids[i]));
  }
  // The runtime reads its own IDs back, commas in labels and all.
  Rng rng0(17);
  for (int i = 0; i < 50; ++i) {
    Architecture a = space.sample(rng0);
    ASSERT_EQ(space.parseId(space.id(a)), a) << space.id(a);
  }
  // A pick of 2 of 3 candidates: the 3 masks with two bits.
  for (size_t k : space.discrete()) {
    const Decision &d = space.decisions()[k];
    if (d.name == "normal/in3") {
      EXPECT_EQ(d.kind, Decision::Kind::Pick);
      EXPECT_EQ(d.text, (std::vector<std::string>{"0+1", "0+2", "1+2"}));
    }
  }
  Rng rng(3);
  Architecture a = space.sample(rng);
  std::string id = space.id(a);
  std::string bad = id;
  size_t at = bad.find("normal/in3=") + std::string("normal/in3=").size();
  bad.replace(at, bad.find(',', at) - at, "0");
  try {
    space.parseId(bad);
    FAIL() << bad;
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "input choice 'normal/in3' picks 2 of its candidates, not 1");
  }
}

TEST(Space, IdsMatchTheCompilerConditionalAndSubsets) {
  expectCompilerIds(src("stdlib/spaces/transformer.nas"), "VisionTransformer.space", 6);
  expectCompilerIds(src("stdlib/spaces/zoph_le.nas"), "ZophLe.space", 6);
  expectCompilerIds(src("examples/efficientnet_phi.nas"), "EfficientNetScaling.space", 4);
}

TEST(Space, FloatRangeFromTheSearchBlock) {
  Space space = load(src("examples/fashion_mnist.nas"), "FashionMNIST.space");
  ASSERT_EQ(space.continuous().size(), 1u);
  const Decision &lr = space.decisions()[space.continuous()[0]];
  EXPECT_EQ(lr.name, "lr");
  EXPECT_TRUE(lr.search);
  EXPECT_TRUE(lr.log);
  EXPECT_DOUBLE_EQ(lr.lo, 0.02);
  EXPECT_DOUBLE_EQ(lr.hi, 0.2);
  Rng rng(5);
  double logSum = 0;
  for (int i = 0; i < 2000; ++i) {
    Architecture a = space.sample(rng);
    ASSERT_GE(a.real[0], 0.02);
    ASSERT_LE(a.real[0], 0.2);
    logSum += std::log(a.real[0]);
  }
  // Log-uniform: the mean log is the midpoint of the logs.
  EXPECT_NEAR(logSum / 2000, 0.5 * (std::log(0.02) + std::log(0.2)), 0.05);
  // The ID leaves it out (a hyperparameter), fullId keeps it.
  Architecture a = space.sample(rng);
  EXPECT_EQ(space.id(a).find("lr"), std::string::npos);
  EXPECT_NE(space.fullId(a).find(";lr="), std::string::npos);
}

TEST(Space, SamplingMeetsRequirements) {
  std::string file = nasc_test::writeFile("tiny.nas", kTiny);
  Space space = load(file, "TinySearch.space");
  EXPECT_EQ(space.discreteSize(), 18u);
  Rng rng(1);
  std::map<std::string, int> counts;
  for (int i = 0; i < 12000; ++i) {
    Architecture a = space.sample(rng);
    ASSERT_FALSE(space.violated(a)) << space.id(a);
    std::map<std::string, Json> v = space.values(a);
    ASSERT_LE(asInt(v["a"]), asInt(v["b"]));
    ++counts[space.id(a)];
  }
  // The 12 feasible architectures (nasc info: "feasible: 12"), uniformly.
  EXPECT_EQ(counts.size(), 12u);
  for (auto &[id, n] : counts)
    EXPECT_NEAR(n, 1000, 150) << id;
  Architecture bad = space.parseId("a=24,b=8,k=1");
  EXPECT_EQ(space.violated(bad).value_or(""), "a <= b");
}

TEST(Space, ConditionalCanonicalFormsAndUniformSampling) {
  std::string file = nasc_test::writeFile("cond.nas", kConditional);
  Space space = load(file, "Cond.space");
  ASSERT_EQ(space.controlling().size(), 1u);
  // depth=1: only the first copy's width matters.
  Architecture a = space.parseId("Layer#0.0/w=16,Layer#0.1/w=32,Layer#0.2/w=8,depth=1,k=3");
  Architecture c = space.canonical(a);
  EXPECT_EQ(space.id(c), "Layer#0.0/w=16,Layer#0.1/w=8,Layer#0.2/w=8,depth=1,k=3");
  EXPECT_TRUE(space.active(a, 0) || space.active(a, 1)); // some copy is active
  std::map<std::string, Json> v = space.values(a);
  EXPECT_EQ(v.at("repeat#0"), 1); // the switch's index
  // 2 * (3 + 9 + 27) = 78 canonical forms (the compiler's size), uniformly.
  expectUniformSampling(space, 78, 9);
  expectGridOnce(space, 78);
  // id() writes what it is given; the compiler canonicalizes an ID it is
  // given (inactive widths at their first value), as canonical() does.
  auto compiler = compilerIds(file, "Cond.space", {space.id(a)});
  ASSERT_EQ(compiler.size(), 1u);
  EXPECT_EQ(compiler[0].first, space.id(c));
}

const char *kNestedBlocks = R"(
import "std/ops";

block Cell {
  input x;
  choice k: [3, 5];
  output x |> conv(8, kernel=k);
}

block Deep {
  input x;
  choice depth: 1..3;
  output x |> repeat(depth, Cell independent);
}

block Wide {
  input x;
  choice width: [24, 8, 16];
  choice mode: [1, 2];
  require mode == 2 || width != 24;
  output x |> conv(width);
}

network Nested() {
  input image: tensor(3, 8, 8);
  choice top: [Deep independent, Wide independent, conv(4)];
  output image |> top |> global_avg_pool |> linear(10);
}
)";

// A choice among searched blocks, one of which decides its own depth:
// controlling decisions nest (Deep's depth is used only when top is Deep).
// 14 + 6 + 1 = 21 canonical forms, 20 feasible (Wide's requirement binds
// only where Wide is chosen), sampled uniformly, enumerated once each by the
// grid, with the compiler's IDs.
TEST(Space, ChoiceAmongSearchedBlocks) {
  std::string file = nasc_test::writeFile("nested.nas", kNestedBlocks);
  Space space = load(file, "Nested.space");
  ASSERT_EQ(space.controlling().size(), 2u);
  // The choice comes before the depth it decides the use of.
  ASSERT_EQ(space.controllingOuterFirst().size(), 2u);
  EXPECT_EQ(space.decisions()[space.discrete()[space.controllingOuterFirst()[0]]].name, "top");
  Architecture deep = space.parseId("Deep#0/Cell#0.0/k=5,Deep#0/Cell#0.1/k=3,Deep#0/Cell#0.2/k=3,Deep#0/depth=2,"
                                    "Wide#0/mode=2,Wide#0/width=8,top=Deep");
  EXPECT_EQ(space.id(space.canonical(deep)), "Deep#0/Cell#0.0/k=5,Deep#0/Cell#0.1/k=3,Deep#0/Cell#0.2/k=3,"
                                             "Deep#0/depth=2,Wide#0/mode=1,Wide#0/width=24,top=Deep");
  // Wide's first values break its requirement, which binds only under Wide.
  EXPECT_FALSE(space.violated(space.canonical(deep)));
  expectUniformSampling(space, 20, 5);
  expectCompilerKeeps(file, "Nested.space", expectGridOnce(space, 20));
}

// MnasNet's block: `repeat(min(n, 1), first)` and `repeat(max(n - 1, 0),
// rest)` read the same decisions, which are used when the first repeats:
// 1 + 4 + 8 = 13 canonical forms (the compiler's size), enumerated once
// each by the grid, sampled uniformly, with the compiler's IDs.
TEST(Space, TwoRepetitionsOfOneDepth) {
  std::string file = src("test/Shapes/Inputs/two-repetitions.nas");
  Space space = load(file, "Two.space");
  Architecture none = space.parseId("Stage#0/k=5,Stage#0/n=0,Stage#0/skip=false,Stage#0/w=16");
  EXPECT_EQ(space.id(space.canonical(none)), "Stage#0/k=3,Stage#0/n=0,Stage#0/skip=true,Stage#0/w=8");
  Architecture one = space.parseId("Stage#0/k=5,Stage#0/n=1,Stage#0/skip=false,Stage#0/w=16");
  EXPECT_EQ(space.id(space.canonical(one)), "Stage#0/k=5,Stage#0/n=1,Stage#0/skip=true,Stage#0/w=16");
  std::vector<std::string> ids = expectGridOnce(space, 13);
  expectUniformSampling(space, 13, 3);
  expectCompilerKeeps(file, "Two.space", ids);
}

// Ten widths, each a `let` over the one before read twice (doubling, and
// the shortcut's test): the artefact writes them once each (a tree written
// out would hold 2^10 copies of the first); the runtime reads them through
// the let, in the switches and in the requirement c10 <= 256: the 848 of
// 1,024 architectures with at most six doublings, as the compiler counts.
TEST(Space, SharedSubexpressionsOfALetChain) {
  std::string file = src("test/Artefact/Inputs/doubling-chain.nas");
  Space space = load(file, "DoublingChain.space");
  std::vector<std::string> ids = expectGridOnce(space, 848);
  expectCompilerKeeps(file, "DoublingChain.space", ids);
  Architecture seven = space.parseId("d1=2,d10=2,d2=2,d3=2,d4=2,d5=2,d6=2,d7=1,d8=1,d9=1");
  EXPECT_TRUE(space.violated(seven).has_value());
  Architecture six = space.parseId("d1=2,d10=1,d2=2,d3=2,d4=2,d5=2,d6=2,d7=1,d8=1,d9=1");
  EXPECT_FALSE(space.violated(six).has_value());
}

TEST(Space, MutateChangesExactlyOneDecision) {
  Space space = load(src("examples/nb201_evolution.nas"), "NB201Evolution.space");
  Rng rng(4);
  Architecture a = space.sample(rng);
  for (int i = 0; i < 2000; ++i) {
    Architecture b = space.mutate(a, rng);
    int changed = 0;
    for (size_t k = 0; k < a.choice.size(); ++k)
      changed += a.choice[k] != b.choice[k];
    ASSERT_EQ(changed, 1);
    a = b;
  }
  // With a rate, each decision independently, at least one.
  int total = 0;
  for (int i = 0; i < 2000; ++i) {
    Architecture b = space.mutate(a, rng, 0.5);
    int changed = 0;
    for (size_t k = 0; k < a.choice.size(); ++k)
      changed += a.choice[k] != b.choice[k];
    ASSERT_GE(changed, 1);
    total += changed;
  }
  // Binomial(6, 1/2), with one decision instead of none (1/64).
  EXPECT_NEAR(total / 2000.0, 3.0 + 1.0 / 64, 0.15);
}

TEST(Space, MutateStaysFeasibleAndCanonical) {
  std::string file = nasc_test::writeFile("tiny2.nas", kTiny);
  Space space = load(file, "Tiny.space");
  Rng rng(2);
  Architecture a = space.sample(rng);
  for (int i = 0; i < 500; ++i) {
    a = space.mutate(a, rng);
    ASSERT_FALSE(space.violated(a));
  }
  std::string cf = nasc_test::writeFile("cond2.nas", kConditional);
  Space cond = load(cf, "Cond.space");
  Architecture c = cond.sample(rng);
  for (int i = 0; i < 500; ++i) {
    c = cond.mutate(c, rng);
    ASSERT_EQ(cond.canonical(c), c);
  }
}

TEST(Space, UniformIndexIsDeterministic) {
  Rng a(123), b(123);
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(uniformIndex(a, 7), uniformIndex(b, 7));
  Rng r(1);
  std::vector<int> counts(5);
  for (int i = 0; i < 50000; ++i)
    ++counts[uniformIndex(r, 5)];
  for (int n : counts)
    EXPECT_NEAR(n, 10000, 400);
  double u = uniformReal(r);
  EXPECT_GE(u, 0.0);
  EXPECT_LT(u, 1.0);
}

} // namespace

// Requirements that leave a third of each of 25 independent layers: a
// random draw meets all of them with probability 3^-25, so rejection could
// never sample this space. Components (one per layer) make every draw
// feasible, uniform over each layer's 4 feasible (width, heads) pairs.
TEST(Space, SamplingIsFeasibleByConstructionUnderTightRequirements) {
  std::string src = R"(
import "std/ops";

block Layer {
  input x;
  choice width: [16, 24, 32];
  choice heads: [2, 3, 4, 5];
  require width % heads == 0 && heads != 2;
  output x |> conv(width);
}

network Tight() {
  input image: tensor(3, 8, 8);
  output image |> repeat(25, Layer independent) |> global_avg_pool |> linear(10);
}
)";
  std::string file = nasc_test::writeFile("tight.nas", src);
  int status = 0;
  std::string info = nasc_test::run("'" + nasc_test::nascBinary() + "' info '" + file + "'", &status, false);
  ASSERT_EQ(status, 0) << info;
  // 4^25 feasible of 12^25.
  EXPECT_NE(info.find("feasible: 1125899906842624 architectures"), std::string::npos) << info;
  Space space = load(file, "Tight.space");
  Rng rng(3);
  std::map<std::string, int> firstLayer;
  const int draws = 4 * 300;
  for (int i = 0; i < draws; ++i) {
    Architecture a = space.sample(rng); // rejection would give up after 100,000 draws
    ASSERT_FALSE(space.violated(a)) << space.id(a);
    std::map<std::string, Json> v = space.values(a);
    ++firstLayer[v.at("Layer#0.0/width").dump() + "/" + v.at("Layer#0.0/heads").dump()];
  }
  EXPECT_EQ(firstLayer.size(), 4u);
  for (auto &[pair, n] : firstLayer)
    EXPECT_NEAR(n, 300, 75) << pair;
}
