//===- OneShot.h - Search methods that own a supernet ---------------------===//
//
// Black-box strategies (search/Strategy.h) propose architectures that an
// estimator measures one at a time. One-shot methods instead own a supernet
// and the loop that trains it: DARTS alternates weight steps on the train
// split with architecture steps on the valid split, then derives one
// architecture; SPOS trains a single-path supernet, then evolves
// subnetworks that inherit its weights. Each method is one file in
// runtime/lib/nn/ with a NASC_REGISTER_ONESHOT line and its name in
// OneShot.cpp's NASC_BUILTIN_ONESHOT list (docs/runtime-search.md,
// "One-shot methods"); nasc-run only dispatches to it.
//
// What every method leaves behind is what a black-box search leaves: the
// evaluated architectures in the store (for DARTS, the derived one trained
// standalone with the search's estimator), so printing, export and --resume
// stay the tool's. Per-epoch figures go to the store's epoch rows.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_ONESHOT_H
#define NASC_NN_ONESHOT_H

#include "nasc/nn/Estimators.h"
#include "nasc/search/Driver.h"

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace nasc::nn {

/// What a one-shot method runs with.
struct OneShotRun {
  const Json &ops;   ///< the artefact's ops
  const Space &space;
  const Json &search; ///< the search block (after prepare())
  search::DriverOptions driver;
  search::Store &store;
  EstimatorOptions estimator; ///< device, seed, weightsDir (the run's weights/), log
  /// Train the derived architecture standalone (DARTS-like methods); false:
  /// derive, record nothing, and let the tool export it.
  bool trainDerived = true;
};

struct OneShotResult {
  search::SearchResult search;
  /// The estimator that measured search.records (finish() reports the
  /// test accuracy of the best); null when nothing was trained.
  std::unique_ptr<TrainingEstimator> estimator;
  /// Set when the method derived an architecture it did not evaluate
  /// (trainDerived false).
  std::optional<Architecture> derived;
  /// Networks the method specialised for targets (ofa_specialize): each is
  /// in search.records; the tool exports each as OUT/specialized-LABEL.nas
  /// and .pt with the estimator's finish() (inherited weights, test split).
  struct Specialized {
    std::string label;  ///< e.g. "1.5ms"
    std::string target; ///< what it was chosen for, as text
    Architecture arch;
    std::map<std::string, double> figures; ///< predicted_accuracy, predicted_latency_ms, ...
  };
  std::vector<Specialized> specialized;
};

class OneShotMethod {
public:
  virtual ~OneShotMethod() = default;
  /// Called before the store is opened: a method that is a composition of
  /// an estimator and a strategy (SPOS) rewrites the search block and the
  /// budget here, so the store's meta describes what runs.
  virtual void prepare(Json &search, search::DriverOptions &driver) {}
  virtual OneShotResult run(OneShotRun &run) = 0;
};

/// `args`: the strategy's evaluated arguments (std/search's defaults for
/// those left out).
using OneShotFactory = std::function<std::unique_ptr<OneShotMethod>(const Json &args)>;
void registerOneShot(const std::string &impl, OneShotFactory factory);
bool isOneShot(const std::string &impl);
std::unique_ptr<OneShotMethod> makeOneShot(const std::string &impl, const Json &args);
std::vector<std::string> oneShotNames();

// Helpers the methods share.

/// A strategy argument as a number / bool, `fallback` when absent.
double oneShotNumber(const Json &args, const char *key, double fallback);
bool oneShotFlag(const Json &args, const char *key, bool fallback);

/// The search's optimizer setting as TrainOptions for a supernet (the
/// search's own decisions at their first values), `epochs` long.
TrainOptions supernetTrainOptions(const Space &space, const Json &search, int64_t epochs, uint64_t seed,
                                  torch::Device device, const data::Augment &augment);

/// One weight step of a supernet on `batch` at learning rate `lr`:
/// gradients set to none first (not zero: a weight no path of this step
/// reaches is left alone, as PyTorch 2's zero_grad does, so a step does not
/// depend on what earlier steps reached, which a resumed search cannot
/// know), forward, cross-entropy with the options' label smoothing,
/// backward, clipping, the optimizer's step. Returns the batch's loss and
/// how many it classified right.
struct WeightStep {
  double loss = 0;
  int64_t correct = 0;
};
WeightStep weightStep(Network &net, torch::optim::Optimizer &opt, const std::vector<at::Tensor> &weights,
                      const data::Batch &batch, const TrainOptions &o, double lr);

/// Runs the search's estimator on `archs` through the driver (one store
/// row each, resumable like any search): how a method that derives
/// architectures trains and records them.
OneShotResult evaluateDerived(OneShotRun &run, const std::vector<Architecture> &archs);

/// A one-shot method's per-epoch checkpoint, RUN/weights/METHOD.pt: the
/// parts the method writes (networks, optimizers, its own state) plus, always,
/// a fingerprint of the search, method, seed and `identity` (its length),
/// the epoch, and torch's CPU generator; saved through a temporary file and
/// a rename, so a kill never leaves half of one.
class Checkpoint {
public:
  Checkpoint(const OneShotRun &run, const std::string &method, const std::string &identity);
  /// The same for a file outside a one-shot run (an estimator's training):
  /// `resume` false never reads it; `writes` false never writes it.
  Checkpoint(std::string file, std::string fingerprint, std::string method, bool resume, bool writes,
             std::ostream *log);
  /// With --resume and the file present: checks the fingerprint, calls
  /// `read`, restores the generator and returns the epoch to continue at;
  /// 0 otherwise. A file that does not load or belongs to another run is a
  /// FatalEstimatorError naming it.
  int64_t resume(const std::function<void(torch::serialize::InputArchive &)> &read);
  void save(int64_t epoch, const std::function<void(torch::serialize::OutputArchive &)> &write);
  const std::string &file() const { return file_; }

  /// A module's or optimizer's state under `key`.
  template <class T> static void put(torch::serialize::OutputArchive &out, const char *key, const T &part) {
    torch::serialize::OutputArchive sub;
    part.save(sub);
    out.write(key, sub);
  }
  template <class T> static void get(torch::serialize::InputArchive &in, const char *key, T &part) {
    torch::serialize::InputArchive sub;
    in.read(key, sub);
    part.load(sub);
  }

private:
  std::string method_, file_, fingerprint_;
  bool resume_, writes_;
  std::ostream *log_;
};

/// `v` with `digits` decimals (log lines).
std::string fixedText(double v, int digits);

#define NASC_REGISTER_ONESHOT(IMPL, FACTORY)                                                                      \
  static const bool nascOneShotRegistered_##IMPL = [] {                                                           \
    ::nasc::nn::registerOneShot(#IMPL, FACTORY);                                                                  \
    return true;                                                                                                   \
  }();                                                                                                             \
  extern "C" bool nascOneShotAnchor_##IMPL() { return nascOneShotRegistered_##IMPL; }

} // namespace nasc::nn

#endif // NASC_NN_ONESHOT_H
