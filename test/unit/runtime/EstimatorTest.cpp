//===- EstimatorTest.cpp - Training estimators through the library API ----===//
#include "Compile.h"

#include "nasc/nn/Estimators.h"

#include <torch/torch.h>

#include <filesystem>
#include <unistd.h>

using namespace nasc;
using runtime::Architecture;
using runtime::Space;

namespace {

/// test/Runtime/Inputs/tiny-cifar.nas; its dataset root is relative to the
/// project root, where searches run.
struct Tiny {
  runtime::Artefact artefact = test::compileFile("test/Runtime/Inputs/tiny-cifar.nas");
  const runtime::Json &search = artefact.searches()[0]; // TinyCifar: low_fidelity
  Space space{artefact.space(search["settings"]["space"]["space"].get<std::string>()), &search};
  Tiny() { EXPECT_EQ(chdir(NASC_SOURCE_DIR), 0); }
};

} // namespace

TEST(TrainingEstimator, KeptOrRetrainedTheReportedNetworkIsTheEvaluatedOne) {
  // finish() reloads the evaluated network's weights when they were kept,
  // and otherwise trains it again from the same seed: the same test accuracy.
  Tiny t;
  runtime::Rng rng(4);
  Architecture a = t.space.sample(rng);
  nn::EstimatorOptions kept;
  kept.weightsDir = testing::TempDir() + "/estimator-weights";
  std::filesystem::remove_all(kept.weightsDir);
  nn::TrainingEstimator withWeights(t.artefact.ops(), t.space, t.search, kept);
  search::Evaluation e1 = withWeights.evaluate(a, t.space.values(a));
  search::Evaluation r1 = withWeights.finish(a, t.space.values(a), "");

  nn::TrainingEstimator without(t.artefact.ops(), t.space, t.search, nn::EstimatorOptions{});
  search::Evaluation e2 = without.evaluate(a, t.space.values(a));
  search::Evaluation r2 = without.finish(a, t.space.values(a), "");

  EXPECT_EQ(e1.metrics.at("accuracy"), e2.metrics.at("accuracy"));
  EXPECT_EQ(e1.metrics.at("loss"), e2.metrics.at("loss"));
  EXPECT_EQ(r1.report.at("accuracy"), r2.report.at("accuracy"));
  EXPECT_EQ(r1.report.at("loss"), r2.report.at("loss"));
}

TEST(TrainingEstimator, RefusesWhatItCannotTrain) {
  Tiny t;
  runtime::Json block = t.search;
  block["settings"]["estimator"] = {{"extern", "table"}, {"kind", "estimator"}, {"impl", "table"},
                                    {"args", runtime::Json::object()}};
  try {
    nn::TrainingEstimator e(t.artefact.ops(), t.space, block, nn::EstimatorOptions{});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("does not build networks"), std::string::npos) << e.what();
  }
  block["settings"]["estimator"] = {{"extern", "supernet"}, {"kind", "estimator"}, {"impl", "supernet"},
                                    {"args", {{"mode", {{"const", "greedy"}}}}}};
  EXPECT_THROW(nn::TrainingEstimator(t.artefact.ops(), t.space, block, nn::EstimatorOptions{}), std::invalid_argument);
}
