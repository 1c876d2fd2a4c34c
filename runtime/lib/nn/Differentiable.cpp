//===- Differentiable.cpp - The loop of differentiable one-shot methods ---===//
//
// The mixed supernet (Network, Mode::Mixed) built once (seeded); each step
// first moves the alphas on a batch of the valid split (Adam, betas
// 0.5/0.999, as the DARTS code), then the weights on a batch of the train
// split (the search's optimizer, its schedule, gradient clipping). After
// every epoch: validation loss/accuracy, the derived architecture, each
// choice's mixing weights and entropy go to the store's epoch rows and the
// log, and a checkpoint (weights, alphas, both optimizers, the RNG, the
// epoch) to weights/NAME.pt, which --resume continues from. Finally the
// derived architecture (Network::derive) is trained standalone with the
// search's estimator and stored as the run's evaluation.
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"
#include "nasc/nn/DataParallel.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace nasc::nn {
namespace {



double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

namespace F = torch::nn::functional;

at::Tensor lossOf(Network &net, const data::Batch &b, double smoothing) {
  return F::cross_entropy(net.forward(b.images), b.labels, F::CrossEntropyFuncOptions().label_smoothing(smoothing));
}

/// Gradients of `loss` with respect to `params`, zeros where it does not reach.
std::vector<at::Tensor> gradients(const at::Tensor &loss, const std::vector<at::Tensor> &params) {
  std::vector<at::Tensor> g =
      torch::autograd::grad({loss}, params, {}, /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
  for (size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined())
      g[i] = torch::zeros_like(params[i]);
  return g;
}

DifferentiableMethod::DifferentiableMethod(std::string name, const Json &args, int64_t defaultEpochs)
    : name_(std::move(name)), archLr_(oneShotNumber(args, "arch_lr", 3e-4)),
      archWeightDecay_(oneShotNumber(args, "arch_weight_decay", 1e-3)),
      epochs_(int64_t(oneShotNumber(args, "epochs", double(defaultEpochs)))),
      warmup_(int64_t(oneShotNumber(args, "warmup", 0.0))) {
  if (epochs_ < 1)
    throw std::invalid_argument(name_ + ": epochs must be at least 1");
  if (warmup_ < 0 || warmup_ >= epochs_)
    throw std::invalid_argument(name_ + ": warmup must be at least 0 and less than epochs (" +
                                std::to_string(epochs_) + ")");
  if (!(archLr_ > 0))
    throw std::invalid_argument(name_ + ": arch_lr must be positive");
}

void DifferentiableMethod::architectureGradient(Network &net, torch::optim::Optimizer &, const TrainOptions &o,
                                                double, const data::Batch &, const data::Batch &valid,
                                                int64_t epoch) {
  std::vector<at::Tensor> alphas = net.architectureParameters();
  beforeForward(net, epoch);
  at::Tensor loss = architectureLoss(net, lossOf(net, valid, o.label_smoothing));
  std::vector<at::Tensor> g = gradients(loss, alphas);
  for (size_t k = 0; k < alphas.size(); ++k)
    alphas[k].mutable_grad() = g[k];
}

OneShotResult DifferentiableMethod::run(OneShotRun &run) {
  run_ = &run;
  const Space &space = run.space;
  std::ostream *log = run.estimator.log;
  uint64_t seed = run.estimator.seed;
  torch::Device device = run.estimator.device;
  Architecture start = space.first();
  SearchData d = loadSearchData(space, run.search, start, seed);
  TrainOptions o = supernetTrainOptions(space, run.search, epochs_, seed, device, d.augment);

  torch::manual_seed(seed);
  std::shared_ptr<Network> net = Network::supernet(run.ops, space, Mode::Mixed, start, mixedOptions());
  net->to(device);
  configure(*net);
  std::vector<at::Tensor> weights = net->weightParameters(), alphas = net->architectureParameters();
  if (alphas.empty())
    throw std::invalid_argument(name_ + ": space " + space.name() +
                                " has no choice among layers: there is nothing to mix (use a black-box strategy)");
  std::unique_ptr<torch::optim::Optimizer> wopt = makeOptimizer(weights, o);
  torch::optim::Adam aopt(alphas, torch::optim::AdamOptions(archLr_).betas({archBeta1_, 0.999}).weight_decay(archWeightDecay_));
  data::Loader trainLoader(d.train, o.batch_size, /*shuffle=*/true, seed, d.augment, d.norm, device);
  data::Loader validLoader(d.valid, o.batch_size, /*shuffle=*/true, seed + 1, d.augment, d.norm, device);
  int64_t perEpoch = trainLoader.numBatches(), total = perEpoch * epochs_;
  if (perEpoch == 0 || validLoader.numBatches() == 0)
    throw std::invalid_argument(name_ + ": the train or valid split is empty");

  Checkpoint checkpoint(run, name_, std::to_string(epochs_));
  int64_t firstEpoch = checkpoint.resume([&](torch::serialize::InputArchive &in) {
    Checkpoint::get(in, "network", *net);
    Checkpoint::get(in, "weight_optimizer", *wopt);
    Checkpoint::get(in, "arch_optimizer", aopt);
  });
  if (log && firstEpoch == 0)
    *log << name_ << ": mixed supernet of " << net->numModules() << " modules, " << net->alphas().size()
         << " mixed choices, " << epochs_ << " epoch(s) of " << perEpoch << " steps, "
         << (warmup_ ? "architecture steps from epoch " + std::to_string(warmup_ + 1) + ", " : "") << describe()
         << "\n";

  for (int64_t epoch = firstEpoch; epoch < epochs_; ++epoch) {
    double startTime = now(), lossSum = 0;
    int64_t correct = 0, seen = 0, step = epoch * perEpoch;
    trainLoader.setEpoch(epoch);
    validLoader.setEpoch(epoch);
    net->train();
    data::Batch batch;
    double lastNote = startTime;
    for (int64_t i = 0; trainLoader.next(batch); ++i, ++step) {
      // A long epoch (a large supernet on a CPU) says how it goes, every
      // 30 s: nothing else is printed until it ends.
      if (log && i > 0 && now() - lastNote >= 30) {
        lastNote = now();
        double perStep = (lastNote - startTime) / double(i);
        *log << name_ << ": epoch " << epoch + 1 << "/" << epochs_ << " step " << i << "/" << perEpoch << ", "
             << fixedText(perStep, 2) << " s a step, the epoch's steps done in ~"
             << fixedText(perStep * double(perEpoch - i) / 60.0, 1) << " min\n"
             << std::flush;
      }
      data::Batch valid = validLoader.batch(i % validLoader.numBatches());
      double lr = scheduledLr(o, step, total);
      // Architecture step on the valid batch (after the warm-up).
      if (epoch >= warmup_) {
        aopt.zero_grad();
        if (DataParallel *dp = DataParallel::active()) { // this rank's rows; the gradient of all of them
          DataParallel::ShardRandomness randomness(dp);
          DataParallel::Shard t = dp->shard(batch), v = dp->shard(valid);
          architectureGradient(*net, *wopt, o, lr, t.batch, v.batch, epoch);
          dp->reduceGradients(alphas, v.weight);
        } else {
          architectureGradient(*net, *wopt, o, lr, batch, valid, epoch);
        }
        aopt.step();
        afterArchitectureStep(*net);
      }
      // Weight step on the train batch.
      beforeForward(*net, epoch);
      WeightStep w = weightStep(*net, *wopt, weights, batch, o, lr);
      for (const at::Tensor &a : alphas) // the weight step's backward reached them too
        a.mutable_grad() = at::Tensor();
      int64_t b = batch.labels.size(0);
      lossSum += w.loss * b;
      correct += w.correct;
      seen += b;
    }
    double trainLoss = seen ? lossSum / seen : 0, trainAccuracy = seen ? 100.0 * correct / seen : 0;
    if (!std::isfinite(trainLoss))
      throw std::runtime_error(name_ + ": training diverged in epoch " + std::to_string(epoch + 1) + " (loss " +
                               std::to_string(trainLoss) + ")");
    beforeValidation(*net);
    Measured v = nn::evaluate(*net, d.valid, d.norm, 256, device);
    Architecture derived = net->derive();
    std::map<std::string, double> entropy = net->mixEntropies();
    Json figures{{"epoch", epoch + 1},
                 {"train_loss", trainLoss},
                 {"train_accuracy", trainAccuracy},
                 {"valid_loss", v.loss},
                 {"valid_accuracy", v.accuracy},
                 {"lr", scheduledLr(o, step - 1, total)},
                 {"seconds", now() - startTime},
                 {"derived", space.id(derived)},
                 {"entropy", entropy},
                 {"weights", net->mixWeightsByChoice()}};
    Json own = epochFigures(*net, derived);
    for (auto &[key, value] : own.items())
      figures[key] = value;
    run.store.appendEpoch(epoch, figures);
    checkpoint.save(epoch, [&](torch::serialize::OutputArchive &out) {
      Checkpoint::put(out, "network", *net);
      Checkpoint::put(out, "weight_optimizer", *wopt);
      Checkpoint::put(out, "arch_optimizer", aopt);
    });
    if (log) {
      double meanEntropy = 0;
      for (auto &[name, h] : entropy)
        meanEntropy += h / double(entropy.size());
      *log << name_ << ": epoch " << epoch + 1 << "/" << epochs_ << "  train loss " << fixedText(trainLoss, 4) << " acc "
           << fixedText(trainAccuracy, 2) << "  valid loss " << fixedText(v.loss, 4) << " acc " << fixedText(v.accuracy, 2)
           << "  entropy " << fixedText(meanEntropy, 3);
      for (auto &[key, value] : own.items())
        if (value.is_number())
          *log << "  " << key << " " << fixedText(value.get<double>(), 3);
      *log << "  " << fixedText(now() - startTime, 1) << " s\n"
           << name_ << ":   derived " << space.id(derived) << "\n";
    }
  }
  Architecture derived = net->derive();
  if (log) {
    *log << name_ << ": entropy of each choice:";
    for (auto &[name, h] : net->mixEntropies())
      *log << " " << name << "=" << fixedText(h, 3);
    *log << "\n" << name_ << ": derived architecture " << space.id(derived) << "\n";
  }
  if (!run.trainDerived) {
    OneShotResult r;
    r.derived = derived;
    return r;
  }
  if (log)
    *log << name_ << ": training the derived architecture standalone with the search's estimator\n";
  return evaluateDerived(run, {derived});
}

void DifferentiableMethod::useArgmaxPaths(Network &net) {
  for (auto &[name, alpha] : net.alphas()) {
    int64_t k = alpha.argmax().item<int64_t>();
    at::Tensor hard = torch::zeros_like(alpha.detach());
    hard[k] = 1.0;
    net.overrideMixWeights(name, hard, {k});
  }
}

} // namespace nasc::nn
