//===- Enas.cpp - Efficient NAS by parameter sharing (Pham et al. 2018) ---===//
//
// An LSTM controller samples architectures of the single-path supernet, one
// decision after another (its input: an embedding of the previous
// decision's choice; its output: a softmax head per decision over that
// decision's domain, picks included as their masks). Each epoch:
//   1. shared weights: every train batch trains the path of a fresh
//      controller sample (the search's optimizer and schedule);
//   2. controller: `controller_steps` samples, each rewarded with its
//      accuracy on one valid batch (shared weights, eval mode), REINFORCE
//      with an exponential moving-average baseline (`baseline_decay`) and an
//      entropy bonus (`entropy`), Adam (`controller_lr`).
// Figures (train loss/accuracy, mean reward, the baseline, the controller's
// most likely architecture, each decision's entropy) go to the store's
// epoch rows; a checkpoint (supernet, controller, both optimizers, the
// baseline, torch's RNG) to weights/enas.pt. At the end `samples`
// architectures are drawn and the one with the best accuracy on a valid
// batch (shared weights) is trained standalone with the search's estimator.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/OneShot.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace nasc::nn {
namespace {

namespace F = torch::nn::functional;


/// The controller: an LSTM cell stepping through the space's discrete
/// decisions.
struct ControllerImpl : torch::nn::Module {
  ControllerImpl(const Space &space, int64_t hidden) : hidden(hidden) {
    cell = register_module("lstm", torch::nn::LSTMCell(hidden, hidden));
    start = register_parameter("start", torch::zeros({1, hidden}));
    for (size_t d = 0; d < space.discrete().size(); ++d) {
      int64_t n = int64_t(space.decisions()[space.discrete()[d]].domain.size());
      heads.push_back(register_module("head" + std::to_string(d), torch::nn::Linear(hidden, n)));
      embeddings.push_back(register_module("embed" + std::to_string(d), torch::nn::Embedding(n, hidden)));
    }
  }
  struct Sample {
    std::vector<int64_t> choice;
    at::Tensor logProb, entropy; ///< summed over decisions
    std::vector<double> entropies;
  };
  /// Samples (or, greedy, takes each argmax of) one architecture.
  Sample sample(bool greedy = false) {
    Sample s;
    at::Tensor x = start, h = torch::zeros({1, hidden}), c = torch::zeros({1, hidden});
    s.logProb = torch::zeros({});
    s.entropy = torch::zeros({});
    for (size_t d = 0; d < heads.size(); ++d) {
      std::tie(h, c) = cell(x, std::make_tuple(h, c));
      at::Tensor logits = heads[d](h).squeeze(0);
      at::Tensor logp = torch::log_softmax(logits, 0);
      int64_t k = greedy ? logits.argmax().item<int64_t>() : torch::multinomial(logp.exp().detach(), 1).item<int64_t>();
      at::Tensor h1 = -(logp.exp() * logp).sum();
      s.choice.push_back(k);
      s.logProb = s.logProb + logp[k];
      s.entropy = s.entropy + h1;
      s.entropies.push_back(h1.item<double>());
      x = embeddings[d](torch::tensor({k}, torch::kLong));
    }
    return s;
  }
  int64_t hidden;
  torch::nn::LSTMCell cell{nullptr};
  at::Tensor start;
  std::vector<torch::nn::Linear> heads;
  std::vector<torch::nn::Embedding> embeddings;
};
TORCH_MODULE(Controller);



class Enas : public OneShotMethod {
public:
  explicit Enas(const Json &args)
      : controllerLr_(oneShotNumber(args, "controller_lr", 3.5e-4)), entropy_(oneShotNumber(args, "entropy", 1e-4)),
        epochs_(int64_t(oneShotNumber(args, "epochs", 150))),
        controllerSteps_(int64_t(oneShotNumber(args, "controller_steps", 50))),
        baselineDecay_(oneShotNumber(args, "baseline_decay", 0.95)),
        samples_(int64_t(oneShotNumber(args, "samples", 100))), hidden_(int64_t(oneShotNumber(args, "hidden", 64))) {
    if (epochs_ < 1 || controllerSteps_ < 1 || samples_ < 1 || hidden_ < 1)
      throw std::invalid_argument("enas: epochs, controller_steps, samples and hidden must be at least 1");
    if (!(controllerLr_ > 0) || baselineDecay_ < 0 || baselineDecay_ >= 1)
      throw std::invalid_argument("enas: needs controller_lr > 0 and 0 <= baseline_decay < 1");
  }

  OneShotResult run(OneShotRun &run) override;

private:
  double controllerLr_, entropy_;
  int64_t epochs_, controllerSteps_;
  double baselineDecay_;
  int64_t samples_, hidden_;
};

OneShotResult Enas::run(OneShotRun &run) {
  const Space &space = run.space;
  std::ostream *log = run.estimator.log;
  uint64_t seed = run.estimator.seed;
  torch::Device device = run.estimator.device;
  Architecture start = space.first();
  SearchData d = loadSearchData(space, run.search, start, seed);
  TrainOptions o = supernetTrainOptions(space, run.search, epochs_, seed, device, d.augment);

  torch::manual_seed(seed);
  std::shared_ptr<Network> net = Network::supernet(run.ops, space, Mode::SinglePath, start);
  net->to(device);
  Controller controller(space, hidden_);
  std::vector<at::Tensor> weights = net->weightParameters();
  std::unique_ptr<torch::optim::Optimizer> wopt = makeOptimizer(weights, o);
  torch::optim::Adam copt(controller->parameters(), torch::optim::AdamOptions(controllerLr_));
  data::Loader trainLoader(d.train, o.batch_size, /*shuffle=*/true, seed, d.augment, d.norm, device);
  data::Loader validLoader(d.valid, o.batch_size, /*shuffle=*/true, seed + 1, {}, d.norm, device);
  int64_t perEpoch = trainLoader.numBatches(), total = perEpoch * epochs_;
  if (perEpoch == 0 || validLoader.numBatches() == 0)
    throw std::invalid_argument("enas: the train or valid split is empty");
  double baseline = 0;
  bool baselineSet = false;

  auto architecture = [&](const std::vector<int64_t> &choice) {
    Architecture a = start;
    a.choice = choice;
    return space.canonical(a);
  };
  auto validAccuracy = [&](const Architecture &a, const data::Batch &b) {
    torch::NoGradGuard guard;
    net->setArchitecture(a);
    net->eval();
    at::Tensor logits = net->forward(b.images);
    net->train();
    return 100.0 * logits.argmax(1).eq(b.labels).sum().item<double>() / double(b.labels.size(0));
  };

  Checkpoint checkpoint(run, "enas", std::to_string(epochs_));
  int64_t firstEpoch = checkpoint.resume([&](torch::serialize::InputArchive &in) {
    Checkpoint::get(in, "network", *net);
    Checkpoint::get(in, "controller", *controller);
    Checkpoint::get(in, "weight_optimizer", *wopt);
    Checkpoint::get(in, "controller_optimizer", copt);
    at::Tensor base;
    in.read("baseline", base);
    baseline = base[0].item<double>();
    baselineSet = base[1].item<double>() != 0;
  });
  if (log && firstEpoch == 0)
    *log << "enas: single-path supernet of " << net->numModules() << " modules, an LSTM controller over "
         << space.discrete().size() << " decisions, " << epochs_ << " epoch(s) of " << perEpoch << " steps + "
         << controllerSteps_ << " controller steps\n";

  for (int64_t epoch = firstEpoch; epoch < epochs_; ++epoch) {
    auto t0 = std::chrono::steady_clock::now();
    trainLoader.setEpoch(epoch);
    validLoader.setEpoch(epoch);
    net->train();
    double lossSum = 0;
    int64_t correct = 0, seen = 0, step = epoch * perEpoch;
    data::Batch batch;
    for (; trainLoader.next(batch); ++step) {
      std::vector<int64_t> choice;
      {
        torch::NoGradGuard guard;
        choice = controller->sample().choice;
      }
      net->setArchitecture(architecture(choice));
      WeightStep w = weightStep(*net, *wopt, weights, batch, o, scheduledLr(o, step, total));
      int64_t b = batch.labels.size(0);
      lossSum += w.loss * b;
      correct += w.correct;
      seen += b;
    }
    double trainLoss = seen ? lossSum / seen : 0, trainAccuracy = seen ? 100.0 * correct / seen : 0;
    if (!std::isfinite(trainLoss))
      throw std::runtime_error("enas: training diverged in epoch " + std::to_string(epoch + 1));
    double rewardSum = 0;
    for (int64_t k = 0; k < controllerSteps_; ++k) {
      ControllerImpl::Sample s = controller->sample();
      double reward = validAccuracy(architecture(s.choice), validLoader.batch(k % validLoader.numBatches()));
      if (!baselineSet)
        baseline = reward, baselineSet = true;
      else
        baseline = baselineDecay_ * baseline + (1 - baselineDecay_) * reward;
      at::Tensor loss = -(reward - baseline) * s.logProb - entropy_ * s.entropy;
      copt.zero_grad();
      loss.backward();
      copt.step();
      rewardSum += reward;
    }
    ControllerImpl::Sample best;
    {
      torch::NoGradGuard guard;
      best = controller->sample(/*greedy=*/true);
    }
    Architecture likely = architecture(best.choice);
    Json entropy = Json::object();
    for (size_t i = 0; i < best.entropies.size(); ++i)
      entropy[space.decisions()[space.discrete()[i]].name] = best.entropies[i];
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    run.store.appendEpoch(epoch, {{"epoch", epoch + 1},
                                  {"train_loss", trainLoss},
                                  {"train_accuracy", trainAccuracy},
                                  {"mean_reward", rewardSum / double(controllerSteps_)},
                                  {"baseline", baseline},
                                  {"derived", space.id(likely)},
                                  {"entropy", entropy},
                                  {"seconds", seconds}});
    checkpoint.save(epoch, [&](torch::serialize::OutputArchive &out) {
      Checkpoint::put(out, "network", *net);
      Checkpoint::put(out, "controller", *controller);
      Checkpoint::put(out, "weight_optimizer", *wopt);
      Checkpoint::put(out, "controller_optimizer", copt);
      out.write("baseline", torch::tensor({baseline, baselineSet ? 1.0 : 0.0}, torch::kDouble));
    });
    if (log)
      *log << "enas: epoch " << epoch + 1 << "/" << epochs_ << "  train loss " << fixedText(trainLoss, 4) << " acc "
           << fixedText(trainAccuracy, 2) << "  reward " << fixedText(rewardSum / double(controllerSteps_), 2)
           << "  baseline " << fixedText(baseline, 2) << "  " << fixedText(seconds, 1) << " s\n"
           << "enas:   most likely " << space.id(likely) << "\n";
  }
  // The final choice: the best of `samples` controller samples on one valid batch.
  validLoader.setEpoch(epochs_);
  data::Batch held = validLoader.batch(0);
  Architecture chosen;
  double bestAccuracy = -1;
  for (int64_t k = 0; k < samples_; ++k) {
    std::vector<int64_t> choice;
    {
      torch::NoGradGuard guard;
      choice = controller->sample().choice;
    }
    Architecture a = architecture(choice);
    if (space.violated(a))
      continue;
    double acc = validAccuracy(a, held);
    if (acc > bestAccuracy)
      bestAccuracy = acc, chosen = a;
  }
  if (bestAccuracy < 0)
    throw std::runtime_error("enas: none of the " + std::to_string(samples_) +
                             " sampled architectures meets the space's requirements");
  if (log)
    *log << "enas: best of " << samples_ << " samples (" << fixedText(bestAccuracy, 2)
         << "% on a valid batch with shared weights): " << space.id(chosen) << "\n";
  if (!run.trainDerived) {
    OneShotResult r;
    r.derived = chosen;
    return r;
  }
  if (log)
    *log << "enas: training the chosen architecture standalone with the search's estimator\n";
  return evaluateDerived(run, {chosen});
}

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(enas, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Enas>(args);
})
