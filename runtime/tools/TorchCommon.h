//===- TorchCommon.h - What nasc-run-torch's commands share ---------------===//
//
// The LibTorch half of nasc-run (nasc-run-torch.cpp) and its MPI searches
// (ParallelSearch.cpp): devices, the search's estimator, and how a finished
// search is reported (its best trained standalone, exported).
//
//===----------------------------------------------------------------------===//
#ifndef NASC_RUNTOOLS_TORCHCOMMON_H
#define NASC_RUNTOOLS_TORCHCOMMON_H

#include "RunCommon.h"
#include "nasc/nn/Estimators.h"
#include "nasc/nn/OneShot.h"

#include <memory>

namespace nasc::runtool {

/// `--device` checked before anything is loaded: cpu, cuda or cuda:N of
/// this build, else an OptionError naming what it supports (never a raw
/// LibTorch exception).
std::string checkDevice(const std::string &name);
/// The device of `--device NAME` (empty: cuda when available, else cpu).
torch::Device deviceOf(const std::string &name);

/// The search's estimator: its table, or a training estimator (`trainer`,
/// which also trains the best at the end).
struct SearchEstimator {
  std::unique_ptr<search::Estimator> estimator;
  nn::TrainingEstimator *trainer = nullptr;
};
SearchEstimator makeEstimator(const runtime::Artefact &artefact, const runtime::Space &space, const Json &search,
                              const search::SearchSettings &settings, const nn::EstimatorOptions &eopt);

/// After a search: trains the best standalone (training estimators),
/// prints and exports it (reportSearch), writes OUT/best.onnx with
/// --export-onnx, and reports and exports what a one-shot method
/// specialised (ofa_specialize: OUT/specialized-LABEL.nas and .pt). The
/// exit status.
int finishSearch(const Options &o, const runtime::Artefact &artefact, const runtime::Space &space,
                 const Json &search, const search::SearchResult &result, const std::string &name,
                 const std::string &out, nn::TrainingEstimator *trainer,
                 const std::vector<nn::OneShotResult::Specialized> &specialized = {});

/// `--workers N` / `--data-parallel N`: replaces this process by `mpirun
/// -np N+1` / `-np N` of itself (ParallelSearch.cpp). Returns only on an
/// error (printed): its status.
int launchRanks(char **argv, const Options &o);
/// A search in an MPI world of several ranks: rank 0 runs the strategy and
/// the store, the others evaluate; a one-shot method's supernet is trained
/// data-parallel by every rank instead (docs/scaling.md).
int runParallelSearch(const Options &o, PendingArtefact &pending);

} // namespace nasc::runtool

#endif // NASC_RUNTOOLS_TORCHCOMMON_H
