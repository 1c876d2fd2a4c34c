//===- Progressive.h - Training elastic supernets (OFA, BigNAS) -----------===//
//
// Two ways to train a weight-sliced supernet (Network::elastic) so that its
// sub-networks need no retraining:
//
//   progressive  Once-for-All's progressive shrinking (Cai et al. 2020):
//                stages that open the space one kind of decision at a time,
//                  largest  the largest network alone (the teacher);
//                  kernel   + every kernel size;
//                  depth    + depths: the two largest first, then all;
//                  width    + every other decision (expansion, channels,
//                           heads, ...): the two largest values first, then
//                           all;
//                  (resolution) the input's size, when a decision sets
//                           it, is sampled in every stage, as OFA's
//                           elastic resolution (each batch resized to the
//                           path's input: Network::forward);
//                each `epochs` long (a stage with nothing to open is
//                skipped), the learning-rate schedule restarting per stage;
//                after the first, every loss adds `distill` x the soft
//                cross-entropy against the frozen largest network's output;
//                one sampled path a step in the kernel stage, two after (as
//                OFA's dynamic batch).
//   sandwich     BigNAS's sandwich rule with in-place distillation: each step
//                the largest path learns the labels, the smallest and a
//                uniform one the largest's soft output; `epochs` in all.
//
// A decision's kind comes from the compiled space: read by the input's
// shape it is a resolution decision, in an op's `kernel` argument a kernel
// decision, in a switch's index (a decided depth) a depth decision, anything
// else width. "Largest" is by parameters, then multiply-accumulates (a
// resolution changes only those): each decision's values are ordered by
// what they give the largest architecture.
//
// Every epoch is checkpointed (supernet, optimizer, teacher, stage, epoch,
// torch's generator; each epoch's paths and batches are seeded by its
// position): a killed training continues where it stopped and ends with the
// weights an uninterrupted one has.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_NN_PROGRESSIVE_H
#define NASC_NN_PROGRESSIVE_H

#include "nasc/nn/Train.h"

#include <ostream>
#include <string>
#include <vector>

namespace nasc::nn {

/// The decisions of a space by what they make elastic, and each one's
/// values from the largest down. The largest and smallest architectures by
/// parameters (then multiply-accumulates) are found one decision at a time
/// from the first (exact where each decision adds its own cost, as in cell
/// and elastic spaces).
struct ElasticDecisions {
  enum Kind { Kernel, Depth, Width, Resolution };
  std::vector<Kind> kind;                  ///< per discrete decision
  std::vector<std::vector<int64_t>> order; ///< per discrete decision: indices, largest first
  runtime::Architecture largest, smallest;
};
ElasticDecisions elasticDecisions(const Json &ops, const Space &space);

/// One stage of progressive shrinking (or the whole of sandwich training).
struct ElasticStage {
  std::string name;
  /// Per kind, how many of each decision's largest values it samples
  /// (0: all of them; 1: the largest only). Resolutions are open throughout.
  int open[4] = {1, 1, 1, 0};
  int64_t epochs = 0;
  /// Paths a step.
  int paths = 1;
  bool distill = false;
};
/// The stages `mode` trains for `epochs` each (progressive) or in all
/// (sandwich) on a space with these decisions. Throws for another mode.
std::vector<ElasticStage> elasticStages(const std::string &mode, int64_t epochs, const ElasticDecisions &d);

struct ElasticTraining {
  std::string mode = "progressive"; ///< progressive or sandwich
  int64_t epochs = 1;
  double distill = 1.0;
  /// The per-epoch checkpoint (empty: none) and what identifies the run in
  /// it; `resume` reads an existing one.
  std::string checkpoint, fingerprint;
  bool resume = true, writes = true;
  std::ostream *log = nullptr;
};

/// Trains the elastic supernet `net` (already on o.device) on `train`.
/// Returns the last epoch's loss and accuracy (of each step's first path).
Measured trainElastic(Network &net, const Json &ops, const Space &space, const data::Dataset &train,
                      const data::Normalization &norm, const TrainOptions &o, const ElasticTraining &t);

/// What an accuracy predictor reads of a sub-network (OFA's encoding):
/// each discrete decision one-hot when active, all zeros when a depth (or
/// any switch) leaves it out, so architectures that differ only in unused
/// layers read the same; each continuous decision scaled to [0, 1].
std::vector<float> predictorFeatures(const Space &space, const runtime::Architecture &a);

/// One step's paths in `stage` (sampled from `rng`; the largest first).
std::vector<runtime::Architecture> elasticPaths(const Space &space, const ElasticDecisions &d,
                                                const ElasticStage &stage, runtime::Rng &rng);

} // namespace nasc::nn

#endif // NASC_NN_PROGRESSIVE_H
