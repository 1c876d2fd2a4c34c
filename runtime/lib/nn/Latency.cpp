//===- Latency.cpp - Latency lookup tables of a space's operations --------===//
#include "nasc/nn/Latency.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>

namespace nasc::nn {

double LatencyTable::predict(const runtime::Plan &plan) const {
  double total = 0;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (!plan.live[i])
      continue;
    for (const runtime::PlacedOp &op : plan.ops[i]) {
      auto it = ms.find(op.op.key());
      if (it == ms.end())
        throw std::invalid_argument("the latency table has no entry for " + op.op.key() +
                                    " (measured for another space?)");
      total += it->second;
    }
  }
  return total;
}

Json LatencyTable::toJson() const {
  return {{"format", "nasc-latency-table"}, {"version", 1}, {"device", device}, {"batch", batch}, {"ms", ms}};
}

LatencyTable LatencyTable::fromJson(const Json &j, const std::string &file) {
  auto bad = [&](const std::string &why) { return std::invalid_argument(file + ": " + why); };
  if (!j.is_object() || j.value("format", "") != "nasc-latency-table")
    throw bad("not a nasc latency table (no \"format\": \"nasc-latency-table\")");
  if (j.value("version", 0) != 1)
    throw bad("latency table version " + j.value("version", Json(0)).dump() + ", this runtime reads version 1");
  LatencyTable t;
  if (!j.contains("device") || !j["device"].is_string() || !j.contains("batch") || !j["batch"].is_number_integer() ||
      !j.contains("ms") || !j["ms"].is_object())
    throw bad("needs \"device\" (a string), \"batch\" (an integer) and \"ms\" (an object)");
  t.device = j["device"].get<std::string>();
  t.batch = j["batch"].get<int64_t>();
  for (auto &[key, v] : j["ms"].items()) {
    if (!v.is_number() || !(v.get<double>() >= 0))
      throw bad("entry '" + key + "': expected a latency in ms (a number >= 0), found " + v.dump());
    t.ms[key] = v.get<double>();
  }
  return t;
}

LatencyTable LatencyTable::load(const std::string &file) {
  std::ifstream in(file);
  if (!in)
    throw std::invalid_argument(file + ": cannot read the latency table");
  std::stringstream text;
  text << in.rdbuf();
  Json j;
  try {
    j = Json::parse(text.str());
  } catch (const Json::exception &e) {
    throw std::invalid_argument(file + ": not JSON (" + std::string(e.what()) + ")");
  }
  return fromJson(j, file);
}

LatencyTable measureLatencyTable(const Json &ops, const Space &space, torch::Device device, int64_t batch,
                                 std::ostream *log, int warmup, int repeats) {
  std::map<std::string, runtime::ResolvedOp> configurations;
  Architecture start = space.first();
  Network::forEachConfiguration(ops, space, start,
                                [&](int64_t, const std::vector<runtime::PlacedOp> &placed) {
                                  for (const runtime::PlacedOp &p : placed)
                                    configurations.emplace(p.op.key(), p.op);
                                });
  LatencyTable t;
  t.device = device.str();
  t.batch = batch;
  torch::NoGradGuard guard;
  // Random inputs and fresh layers draw from torch's generator: its state is
  // put back afterwards, so measuring (FBNet does it when a search starts)
  // does not change what a seeded search draws next.
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  at::Tensor saved;
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    saved = gen.get_state();
  }
  struct Entry {
    std::shared_ptr<Layer> layer;
    at::Tensor input;
    std::vector<double> times;
  };
  std::vector<std::pair<std::string, Entry>> entries;
  for (auto &[key, op] : configurations) {
    Entry e;
    e.layer = makeLayer(op);
    e.layer->to(device);
    e.layer->eval();
    e.input = torch::randn({batch, op.in[0], op.in[1], op.in[2]}, torch::TensorOptions().device(device));
    entries.emplace_back(key, std::move(e));
  }
  // Every op warms up before any is timed (the first kernels of a process
  // pay the thread pool's and oneDNN's start: 3.7 ms for a 0.1 ms conv),
  // then the ops are timed round-robin, so a slow moment of the machine
  // spreads over all of them instead of falling on one.
  for (int i = 0; i < warmup; ++i)
    for (auto &[key, e] : entries)
      e.layer->forward(e.input);
  for (int i = 0; i < repeats; ++i)
    for (auto &[key, e] : entries) {
      auto t0 = std::chrono::steady_clock::now();
      at::Tensor y = e.layer->forward(e.input);
      if (!device.is_cpu())
        (void)y.sum().item<float>(); // waits for an asynchronous device
      e.times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  for (auto &[key, e] : entries) {
    std::sort(e.times.begin(), e.times.end());
    t.ms[key] = e.times[e.times.size() / 2];
  }
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(saved);
  }
  if (log)
    *log << "latency table: " << t.ms.size() << " op configurations measured on " << t.device << " at batch "
         << batch << "\n";
  return t;
}

} // namespace nasc::nn
