//===- Train.cpp - Training and measuring networks ------------------------===//
#include "nasc/nn/Train.h"
#include "nasc/nn/DataParallel.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <thread>

namespace nasc::nn {

using runtime::asBool;
using runtime::asDouble;
using runtime::asInt;
namespace F = torch::nn::functional;

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

void useAllCores() {
  if (const char *env = std::getenv("OMP_NUM_THREADS"); env && std::atoi(env) > 0) {
    at::set_num_threads(std::atoi(env));
    return;
  }
  unsigned n = std::thread::hardware_concurrency();
  if (n > 0)
    at::set_num_threads(int(n));
}

TrainOptions optionsFromSetting(const Json &optimizer, const runtime::Env &env) {
  TrainOptions o;
  if (optimizer.is_null())
    return o;
  o.optimizer = optimizer.at("impl").get<std::string>();
  if (o.optimizer == "adam" || o.optimizer == "adamw") { // std/search's defaults for these
    o.lr = o.optimizer == "adam" ? 1e-3 : 5e-4;
    o.weight_decay = o.optimizer == "adam" ? 0.0 : 0.05;
    o.grad_clip = 0.0;
    o.label_smoothing = o.optimizer == "adamw" ? 0.1 : 0.0;
    o.batch_size = 128;
  } else if (o.optimizer != "sgd") {
    throw std::invalid_argument("optimizer '" + o.optimizer + "' is not one the runtime has (sgd, adam, adamw)");
  }
  const Json &args = optimizer.at("args");
  auto num = [&](const char *key, double &out) {
    if (args.contains(key))
      out = asDouble(runtime::evaluate(args[key], env));
  };
  num("lr", o.lr), num("momentum", o.momentum), num("beta1", o.beta1), num("beta2", o.beta2);
  num("weight_decay", o.weight_decay), num("grad_clip", o.grad_clip), num("label_smoothing", o.label_smoothing);
  if (args.contains("nesterov"))
    o.nesterov = asBool(runtime::evaluate(args["nesterov"], env));
  if (args.contains("cosine"))
    o.cosine = asBool(runtime::evaluate(args["cosine"], env));
  if (args.contains("batch_size"))
    o.batch_size = asInt(runtime::evaluate(args["batch_size"], env));
  if (args.contains("epochs") && asInt(runtime::evaluate(args["epochs"], env)) > 0)
    o.epochs = asInt(runtime::evaluate(args["epochs"], env));
  if (o.lr <= 0 || o.batch_size < 1)
    throw std::invalid_argument("optimizer: lr must be positive and batch_size at least 1");
  return o;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const std::vector<at::Tensor> &weights, const TrainOptions &o) {
  if (o.optimizer == "sgd")
    return std::make_unique<torch::optim::SGD>(
        weights, torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weight_decay));
  if (o.optimizer == "adam")
    return std::make_unique<torch::optim::Adam>(
        weights, torch::optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::AdamW>(
      weights, torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).weight_decay(o.weight_decay));
}

void applyGradients(torch::optim::Optimizer &opt, const std::vector<at::Tensor> &weights, DataParallel *dp,
                    double shardWeight, double clip) {
  if (dp)
    dp->reduceGradients(weights, shardWeight);
  if (clip > 0)
    torch::nn::utils::clip_grad_norm_(weights, clip);
  opt.step();
}

EpochTally::EpochTally() : start_(now()) {}

void EpochTally::add(const at::Tensor &loss, const at::Tensor &logits, const at::Tensor &labels) {
  int64_t b = labels.size(0);
  lossSum_ += loss.item<double>() * double(b);
  correct_ += logits.argmax(1).eq(labels).sum().item<int64_t>();
  seen_ += b;
}

Measured EpochTally::finish(DataParallel *dp) {
  if (dp && dp->size() > 1) { // every rank's rows (a batch smaller than the group counts once per rank)
    std::vector<double> all = dp->sum({lossSum_, double(correct_), double(seen_)});
    lossSum_ = all[0], correct_ = int64_t(std::llround(all[1])), seen_ = int64_t(std::llround(all[2]));
  }
  Measured m{seen_ ? lossSum_ / double(seen_) : 0, seen_ ? 100.0 * double(correct_) / double(seen_) : 0, seen_,
             now() - start_};
  if (!std::isfinite(m.loss))
    throw std::runtime_error("training diverged (loss is " + std::to_string(m.loss) + ")");
  return m;
}

double scheduledLr(const TrainOptions &o, int64_t step, int64_t total) {
  return o.cosine ? 0.5 * o.lr * (1 + std::cos(M_PI * double(step) / double(total))) : o.lr;
}

Measured train(Network &net, const data::Dataset &ds, const data::Normalization &norm, const TrainOptions &o,
               const StepPaths &stepPaths) {
  std::vector<at::Tensor> weights = net.weightParameters();
  std::unique_ptr<torch::optim::Optimizer> opt = makeOptimizer(weights, o);

  data::Loader loader(ds, o.batch_size, /*shuffle=*/true, o.seed, o.augment, norm, o.device);
  int64_t perEpoch = loader.numBatches();
  int64_t total = perEpoch * o.epochs;
  if (o.max_steps > 0)
    total = std::min(total, o.max_steps);
  net.train();
  Measured last;
  int64_t step = 0;
  for (int64_t epoch = 0; epoch < o.epochs && step < total; ++epoch) {
    loader.setEpoch(epoch);
    EpochTally tally;
    data::Batch global;
    DataParallel *dp = DataParallel::active(); // this rank's rows, the gradient of all of them
    while (step < total && loader.next(global)) {
      DataParallel::Shard shard = dp ? dp->shard(global) : DataParallel::Shard{global, 1.0};
      const data::Batch &batch = shard.batch;
      std::vector<runtime::Architecture> paths;
      if (stepPaths)
        paths = stepPaths(step);
      double lr = scheduledLr(o, step, total);
      for (auto &group : opt->param_groups())
        group.options().set_lr(lr);
      opt->zero_grad();
      at::Tensor logits, loss;
      for (size_t p = 0; p < std::max<size_t>(1, paths.size()); ++p) {
        if (!paths.empty())
          net.setArchitecture(paths[p]);
        DataParallel::ShardRandomness randomness(dp);
        at::Tensor out = net.forward(batch.images);
        at::Tensor l =
            F::cross_entropy(out, batch.labels, F::CrossEntropyFuncOptions().label_smoothing(o.label_smoothing));
        l.backward();
        if (p == 0)
          logits = out.detach(), loss = l.detach();
      }
      applyGradients(*opt, weights, dp, shard.weight, o.grad_clip);
      tally.add(loss, logits, batch.labels);
      ++step;
    }
    last = tally.finish(dp);
    if (o.onEpoch)
      o.onEpoch(epoch, Json{{"epoch", epoch + 1},
                            {"train_loss", last.loss},
                            {"train_accuracy", last.accuracy},
                            {"lr", scheduledLr(o, step - 1, total)},
                            {"seconds", last.seconds}});
  }
  return last;
}

Measured evaluate(Network &net, const data::Dataset &ds, const data::Normalization &norm, int64_t batchSize,
                  torch::Device device) {
  torch::NoGradGuard guard;
  net.eval();
  data::Loader loader(ds, batchSize, /*shuffle=*/false, 0, {}, norm, device);
  double start = now(), lossSum = 0;
  int64_t correct = 0, seen = 0;
  data::Batch batch;
  loader.setEpoch(0);
  while (loader.next(batch)) {
    at::Tensor logits = net.forward(batch.images);
    lossSum += F::cross_entropy(logits, batch.labels, F::CrossEntropyFuncOptions().reduction(torch::kSum))
                   .item<double>();
    correct += logits.argmax(1).eq(batch.labels).sum().item<int64_t>();
    seen += batch.labels.size(0);
  }
  net.train();
  return {seen ? lossSum / seen : 0, seen ? 100.0 * correct / seen : 0, seen, now() - start};
}

void recalibrateBatchNorm(Network &net, const data::Dataset &ds, const data::Normalization &norm, int64_t batchSize,
                          int64_t batches, torch::Device device, uint64_t seed) {
  torch::NoGradGuard guard;
  for (auto &m : net.modules(/*include_self=*/false))
    if (auto *b = m->as<torch::nn::BatchNorm2dImpl>()) {
      b->reset_running_stats();
      b->options.momentum(c10::nullopt); // a cumulative average over the batches below
    }
  net.train();
  data::Loader loader(ds, batchSize, /*shuffle=*/true, seed, {}, norm, device);
  loader.setEpoch(0);
  data::Batch batch;
  for (int64_t i = 0; i < batches && loader.next(batch); ++i)
    net.forward(batch.images);
  for (auto &m : net.modules(false))
    if (auto *b = m->as<torch::nn::BatchNorm2dImpl>())
      b->options.momentum(0.1);
}

namespace {
int latencyThreadCount = 1;
} // namespace

void setLatencyThreads(int threads) { latencyThreadCount = std::max(1, threads); }
int latencyThreads() { return latencyThreadCount; }

LatencyThreadScope::LatencyThreadScope() : previous_(at::get_num_threads()) {
  at::set_num_threads(latencyThreadCount);
}
LatencyThreadScope::~LatencyThreadScope() { at::set_num_threads(previous_); }

double measureLatencyMs(Network &net, const runtime::Shape &input, int64_t batch, torch::Device device, int warmup,
                        int repeats) {
  torch::NoGradGuard guard;
  LatencyThreadScope threads;
  net.eval();
  at::Tensor x = torch::randn({batch, input[0], input[1], input[2]}, torch::TensorOptions().device(device));
  for (int i = 0; i < warmup; ++i)
    net.forward(x);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    double start = now();
    at::Tensor y = net.forward(x);
    (void)y.sum().item<float>(); // waits for an asynchronous device
    times.push_back((now() - start) * 1000);
  }
  net.train();
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

} // namespace nasc::nn
