//===- Spos.cpp - Single-path one-shot (Guo et al. 2020) ------------------===//
//
// A composition: a supernet trained by uniform path sampling (the supernet
// estimator, trained once and kept with the run), then regularized
// evolution over subnetworks that inherit its weights, population x
// generations evaluations unless the search gives `evaluations`.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/OneShot.h"

#include <algorithm>
#include <iostream>

namespace nasc::nn {
namespace {

class Spos : public OneShotMethod {
public:
  explicit Spos(const Json &args)
      : population_(int64_t(oneShotNumber(args, "population", 50))),
        generations_(int64_t(oneShotNumber(args, "generations", 20))),
        epochs_(int64_t(oneShotNumber(args, "epochs", 120))), rate_(oneShotNumber(args, "mutation_rate", 0.1)) {
    if (population_ < 1 || generations_ < 1 || epochs_ < 1)
      throw std::invalid_argument("spos: population, generations and epochs must be at least 1");
  }

  void prepare(Json &search, search::DriverOptions &driver) override {
    search["settings"]["estimator"] = {{"extern", "supernet"},
                                       {"kind", "estimator"},
                                       {"impl", "supernet"},
                                       {"args", {{"mode", {{"const", "uniform"}}}, {"epochs", {{"const", epochs_}}}}}};
    if (!driver.budget && !search.at("settings").contains("evaluations"))
      driver.budget = uint64_t(population_ * generations_);
  }

  OneShotResult run(OneShotRun &run) override {
    if (run.estimator.log)
      *run.estimator.log << "nasc: spos = a uniform single-path supernet (" << epochs_
                         << " epochs) + evolution (population " << population_ << ")\n";
    OneShotResult r;
    r.estimator = std::make_unique<TrainingEstimator>(run.ops, run.space, run.search, run.estimator);
    Json evolution{{"population", population_},
                   {"sample", std::max<int64_t>(2, population_ / 4)},
                   {"mutation_rate", rate_}};
    search::SearchSettings settings = search::SearchDriver::settings(run.search, run.driver);
    std::unique_ptr<search::Strategy> strategy =
        search::makeStrategy("evolution", run.space, evolution, settings.seed);
    search::SearchDriver driver(run.space, run.search, *strategy, *r.estimator, &run.store, run.driver);
    r.search = driver.run();
    return r;
  }

private:
  int64_t population_, generations_, epochs_;
  double rate_;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(spos, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Spos>(args);
})
