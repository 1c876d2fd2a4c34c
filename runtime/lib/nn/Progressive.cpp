//===- Progressive.cpp - Training elastic supernets (OFA, BigNAS) ---------===//
#include "nasc/nn/Progressive.h"

#include "nasc/nn/DataParallel.h"
#include "nasc/nn/OneShot.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace nasc::nn {

using runtime::Architecture;
using runtime::Rng;
namespace F = torch::nn::functional;

namespace {

/// Decision names a tree reads.
void namesIn(const Json &tree, std::set<std::string> &out) {
  if (tree.is_object()) {
    for (const char *key : {"decision", "choose"})
      if (tree.contains(key) && tree[key].is_string())
        out.insert(tree[key].get<std::string>());
    for (auto &[k, v] : tree.items())
      namesIn(v, out);
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      namesIn(v, out);
  }
}

/// Decisions read by op arguments named `kernel` anywhere in a layer tree.
void kernelNames(const Json &tree, std::set<std::string> &out) {
  if (tree.is_object()) {
    if (tree.contains("op") && tree.contains("args") && tree["args"].is_object() && tree["args"].contains("kernel"))
      namesIn(tree["args"]["kernel"], out);
    for (auto &[k, v] : tree.items())
      kernelNames(v, out);
  } else if (tree.is_array()) {
    for (const Json &v : tree)
      kernelNames(v, out);
  }
}

const char *kindName(int kind) {
  return kind == ElasticDecisions::Kernel ? "kernel"
         : kind == ElasticDecisions::Depth ? "depth"
         : kind == ElasticDecisions::Width ? "width"
                                           : "resolution";
}

/// Soft-target cross-entropy: -sum soft * log_softmax(logits), batch mean.
at::Tensor softCrossEntropy(const at::Tensor &logits, const at::Tensor &soft) {
  return -(soft * torch::log_softmax(logits, 1)).sum(1).mean();
}

} // namespace

ElasticDecisions elasticDecisions(const Json &ops, const Space &space) {
  std::set<std::string> depth, kernel, resolution;
  for (const Json &input : space.json().at("inputs"))
    if (input.contains("shape"))
      namesIn(input["shape"], resolution);
  for (const Json &node : space.json().at("nodes")) {
    if (node.contains("index"))
      namesIn(node["index"], depth);
    if (node.contains("layer"))
      kernelNames(node["layer"], kernel);
  }
  ElasticDecisions d;
  const auto &discrete = space.discrete();
  for (size_t k = 0; k < discrete.size(); ++k) {
    const std::string &name = space.decisions()[discrete[k]].name;
    d.kind.push_back(resolution.count(name) ? ElasticDecisions::Resolution
                     : depth.count(name)    ? ElasticDecisions::Depth
                     : kernel.count(name)   ? ElasticDecisions::Kernel
                                            : ElasticDecisions::Width);
  }
  // Parameters, then multiply-accumulates: resolutions (and other
  // decisions that add no weights) order by compute. {-1, -1}: not costed.
  using Cost = std::pair<double, double>;
  auto cost = [&](const Architecture &a) -> Cost {
    if (space.violated(a))
      return {-1, -1};
    try {
      runtime::Plan p = runtime::plan(ops, space, a);
      return {double(p.params), double(p.flops)};
    } catch (const std::exception &) {
      return {-1, -1};
    }
  };
  // The largest by coordinate ascent over the decisions (exact where the
  // cost grows with each decision alone, as in elastic spaces), then each
  // decision's values ordered by what they give it.
  Architecture a = space.first();
  Cost best = cost(a);
  auto climb = [&](Architecture &x, Cost &score, int direction) {
    for (bool improved = true; improved;) {
      improved = false;
      for (size_t k = 0; k < x.choice.size(); ++k)
        for (int64_t v = 0; v < int64_t(space.decisions()[discrete[k]].domain.size()); ++v) {
          Architecture b = x;
          b.choice[k] = v;
          Cost c = cost(b);
          if (c.first >= 0 && (score.first < 0 || (direction > 0 ? c > score : c < score)))
            x = b, score = c, improved = true;
        }
    }
  };
  climb(a, best, +1);
  if (best.first < 0)
    throw std::invalid_argument("elastic supernet: no architecture of the space could be costed");
  d.largest = space.canonical(a);
  d.order.resize(discrete.size());
  for (size_t k = 0; k < discrete.size(); ++k) {
    std::vector<std::pair<Cost, int64_t>> by;
    for (int64_t v = 0; v < int64_t(space.decisions()[discrete[k]].domain.size()); ++v) {
      Architecture b = d.largest;
      b.choice[k] = v;
      by.emplace_back(cost(b), v);
    }
    std::sort(by.begin(), by.end(), [](auto &x, auto &y) { return x.first != y.first ? x.first > y.first : x.second > y.second; });
    for (auto &[c, v] : by)
      d.order[k].push_back(v);
  }
  Architecture s = d.largest;
  Cost least = best;
  climb(s, least, -1);
  d.smallest = space.canonical(s);
  return d;
}

std::vector<ElasticStage> elasticStages(const std::string &mode, int64_t epochs, const ElasticDecisions &d) {
  if (epochs < 1)
    throw std::invalid_argument("supernet: epochs must be at least 1");
  std::vector<ElasticStage> stages;
  if (mode == "sandwich") {
    ElasticStage s;
    s.name = "sandwich";
    s.open[0] = s.open[1] = s.open[2] = s.open[3] = 0;
    s.epochs = epochs;
    s.paths = 3;
    s.distill = true;
    return {s};
  }
  if (mode != "progressive")
    throw std::invalid_argument("elastic training: no mode '" + mode + "' (progressive, sandwich)");
  bool has[4] = {false, false, false, false};
  for (size_t k = 0; k < d.kind.size(); ++k)
    has[d.kind[k]] |= d.order[k].size() > 1;
  ElasticStage largest;
  largest.name = "largest";
  largest.epochs = epochs;
  stages.push_back(largest);
  ElasticStage open = largest;
  open.distill = true;
  for (int kind : {ElasticDecisions::Kernel, ElasticDecisions::Depth, ElasticDecisions::Width}) {
    if (!has[kind])
      continue;
    open.paths = kind == ElasticDecisions::Kernel ? 1 : 2;
    if (kind != ElasticDecisions::Kernel) { // the two largest values first
      open.open[kind] = 2;
      open.name = std::string(kindName(kind)) + " (two largest)";
      open.epochs = (epochs + 1) / 2;
      stages.push_back(open);
    }
    open.open[kind] = 0;
    open.name = kindName(kind);
    open.epochs = epochs;
    stages.push_back(open);
  }
  return stages;
}

std::vector<float> predictorFeatures(const Space &space, const Architecture &a) {
  std::vector<float> f;
  for (size_t k = 0; k < space.discrete().size(); ++k) {
    size_t d = space.discrete()[k], n = space.decisions()[d].domain.size();
    bool active = space.active(a, d);
    for (size_t v = 0; v < n; ++v)
      f.push_back(active && a.choice[k] == int64_t(v) ? 1.0f : 0.0f);
  }
  for (size_t c = 0; c < space.continuous().size(); ++c) {
    const runtime::Decision &d = space.decisions()[space.continuous()[c]];
    double x = d.log ? (std::log(a.real[c]) - std::log(d.lo)) / (std::log(d.hi) - std::log(d.lo))
                     : (a.real[c] - d.lo) / (d.hi - d.lo);
    f.push_back(float(x));
  }
  return f;
}

std::vector<Architecture> elasticPaths(const Space &space, const ElasticDecisions &d, const ElasticStage &stage,
                                       Rng &rng) {
  auto draw = [&]() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      Architecture a = space.sample(rng); // continuous decisions uniform
      for (size_t k = 0; k < d.kind.size(); ++k) {
        size_t n = d.order[k].size(), open = size_t(stage.open[d.kind[k]]);
        size_t among = open == 0 ? n : std::min(open, n);
        a.choice[k] = d.order[k][runtime::uniformIndex(rng, among)];
      }
      if (!space.violated(a))
        return space.canonical(a);
    }
    return d.largest; // a stage whose draws keep breaking a requirement trains the largest
  };
  std::vector<Architecture> paths;
  if (stage.name == "sandwich")
    return {d.largest, d.smallest, draw()};
  for (int p = 0; p < stage.paths; ++p)
    paths.push_back(draw());
  return paths;
}

Measured trainElastic(Network &net, const Json &ops, const Space &space, const data::Dataset &ds,
                      const data::Normalization &norm, const TrainOptions &o, const ElasticTraining &t) {
  ElasticDecisions d = elasticDecisions(ops, space);
  std::vector<ElasticStage> stages = elasticStages(t.mode, t.epochs, d);
  std::vector<at::Tensor> weights = net.weightParameters();
  if (t.log)
    for (size_t k = 0; k < d.kind.size(); ++k)
      if (d.kind[k] == ElasticDecisions::Resolution && d.order[k].size() > 1)
        *t.log << "supernet: elastic resolution: '" << space.decisions()[space.discrete()[k]].name
               << "' sampled in every stage, each batch resized to the path's input\n";
  std::shared_ptr<Network> teacher; // progressive: the largest network after the first stage, frozen

  Checkpoint checkpoint(t.checkpoint, t.fingerprint + " " + t.mode + " " + std::to_string(t.epochs), "supernet",
                        t.resume, t.writes, t.log);
  int64_t stageAt = 0, epochAt = 0; // where to continue
  std::unique_ptr<torch::optim::Optimizer> opt = makeOptimizer(weights, o);
  auto makeTeacher = [&]() {
    teacher = Network::child(ops, space, d.largest);
    teacher->to(o.device);
    teacher->eval();
    for (at::Tensor &p : teacher->parameters())
      p.set_requires_grad(false);
  };
  // Epochs are numbered through all stages in the checkpoint.
  std::vector<int64_t> firstEpoch;
  int64_t totalEpochs = 0;
  for (const ElasticStage &s : stages)
    firstEpoch.push_back(totalEpochs), totalEpochs += s.epochs;
  int64_t next = checkpoint.resume([&](torch::serialize::InputArchive &in) {
    Checkpoint::get(in, "supernet", net);
    at::Tensor stage;
    in.read("stage", stage);
    int64_t s = stage.item<int64_t>();
    if (s > 0 && stages.at(size_t(s)).distill) { // .at: a damaged stage number is the file's error
      makeTeacher();
      Checkpoint::get(in, "teacher", *teacher);
    }
    Checkpoint::get(in, "optimizer", *opt);
  });
  if (next > 0) {
    // The stage holding epoch `next` (a finished stage moves on: a fresh optimizer then).
    while (stageAt + 1 < int64_t(stages.size()) && next >= firstEpoch[size_t(stageAt + 1)])
      ++stageAt;
    epochAt = next - firstEpoch[size_t(stageAt)];
    if (next >= totalEpochs)
      stageAt = int64_t(stages.size()), epochAt = 0;
  }

  Measured last;
  for (size_t si = size_t(stageAt); si < stages.size(); ++si) {
    const ElasticStage &stage = stages[si];
    if (si > size_t(stageAt) || epochAt == 0) {
      // Before widths open: the hidden channels sorted by importance, so the
      // narrower configurations keep the ones that matter (OFA).
      if (t.mode == "progressive" && stage.open[ElasticDecisions::Width] != 1 &&
          stages[si - 1].open[ElasticDecisions::Width] == 1)
        if (int64_t n = net.sortChannelsByImportance(); n > 0 && t.log)
          *t.log << "supernet: channels of " << n << " elastic layer(s) sorted by importance (L1)\n";
      opt = makeOptimizer(weights, o); // the schedule and momentum restart per stage, as OFA's phases
      if (stage.distill && t.mode == "progressive" && !teacher) {
        makeTeacher();
        teacher->inheritFrom(net);
      }
    }
    data::Loader loader(ds, o.batch_size, /*shuffle=*/true, o.seed, o.augment, norm, o.device);
    int64_t perEpoch = loader.numBatches(), total = perEpoch * stage.epochs;
    if (t.log && epochAt == 0)
      *t.log << "supernet: stage " << stage.name << ", " << stage.epochs << " epoch(s), " << stage.paths
             << " path(s) a step" << (stage.distill && t.distill > 0 ? ", distilled" : "") << "\n";
    for (int64_t epoch = (si == size_t(stageAt) ? epochAt : 0); epoch < stage.epochs; ++epoch) {
      int64_t global = firstEpoch[si] + epoch;
      loader.setEpoch(global);
      Rng rng(o.seed ^ (0x9e3779b97f4a7c15ULL * uint64_t(global + 1))); // this epoch's paths
      net.train();
      EpochTally tally;
      int64_t step = epoch * perEpoch;
      data::Batch whole;
      DataParallel *dp = DataParallel::active(); // this rank's rows, the gradient of all of them
      while (loader.next(whole)) {
        DataParallel::Shard shard = dp ? dp->shard(whole) : DataParallel::Shard{whole, 1.0};
        const data::Batch &batch = shard.batch;
        std::vector<Architecture> paths = elasticPaths(space, d, stage, rng);
        for (auto &group : opt->param_groups())
          group.options().set_lr(scheduledLr(o, step, total));
        for (const at::Tensor &w : weights)
          w.mutable_grad() = at::Tensor(); // a slice no path reaches is left alone
        at::Tensor soft;
        if (teacher && stage.distill && t.distill > 0) {
          torch::NoGradGuard g;
          soft = torch::softmax(teacher->forward(batch.images), 1);
        }
        at::Tensor logits, loss;
        for (size_t p = 0; p < paths.size(); ++p) {
          net.setArchitecture(paths[p]);
          DataParallel::ShardRandomness randomness(dp);
          at::Tensor out = net.forward(batch.images);
          at::Tensor l;
          bool inPlace = t.mode == "sandwich" && p > 0 && stage.distill && t.distill > 0;
          if (inPlace) // BigNAS: the smaller paths learn the largest's output
            l = t.distill * softCrossEntropy(out, soft);
          else
            l = F::cross_entropy(out, batch.labels, F::CrossEntropyFuncOptions().label_smoothing(o.label_smoothing));
          if (soft.defined() && !inPlace && t.mode == "progressive")
            l = l + t.distill * softCrossEntropy(out, soft);
          l.backward();
          if (t.mode == "sandwich" && p == 0)
            soft = torch::softmax(out.detach(), 1);
          if (p == 0)
            logits = out.detach(), loss = l.detach();
        }
        applyGradients(*opt, weights, dp, shard.weight, o.grad_clip);
        tally.add(loss, logits, batch.labels);
        ++step;
        if (o.max_steps > 0 && step >= o.max_steps)
          break;
      }
      last = tally.finish(dp);
      if (t.log)
        *t.log << "supernet: " << stage.name << " epoch " << epoch + 1 << "/" << stage.epochs << ": loss "
               << fixedText(last.loss, 4) << ", accuracy " << fixedText(last.accuracy, 2) << "% (" << int(last.seconds)
               << " s)\n";
      if (o.onEpoch)
        o.onEpoch(global, Json{{"epoch", global + 1},
                               {"stage", stage.name},
                               {"train_loss", last.loss},
                               {"train_accuracy", last.accuracy},
                               {"lr", scheduledLr(o, step - 1, total)},
                               {"seconds", last.seconds}});
      checkpoint.save(global, [&](torch::serialize::OutputArchive &out) {
        Checkpoint::put(out, "supernet", net);
        Checkpoint::put(out, "optimizer", *opt);
        out.write("stage", torch::tensor(int64_t(si), torch::kInt64));
        if (teacher)
          Checkpoint::put(out, "teacher", *teacher);
      });
    }
    epochAt = 0;
  }
  return last;
}

} // namespace nasc::nn
