//===- Latency.cpp - Latency lookup tables of a space's operations --------===//
#include "nasc/nn/Latency.h"
#include "nasc/nn/Train.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <chrono>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>

namespace nasc::nn {

double LatencyTable::predict(const runtime::Plan &plan) const {
  double total = baseMs;
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

at::Tensor LatencyTable::expected(const Network &net) const { return net.expectedLatency(ms) + baseMs; }

Json LatencyTable::toJson() const {
  Json j = {{"format", "nasc-latency-table"}, {"version", 2}, {"device", device}, {"batch", batch}, {"threads", threads},
            {"base_ms", baseMs}, {"ms", ms}};
  if (!fitted.is_null())
    j["fitted"] = fitted;
  return j;
}

LatencyTable LatencyTable::fromJson(const Json &j, const std::string &file) {
  auto bad = [&](const std::string &why) { return std::invalid_argument(file + ": " + why); };
  if (!j.is_object() || j.value("format", "") != "nasc-latency-table")
    throw bad("not a nasc latency table (no \"format\": \"nasc-latency-table\")");
  // Version 1 had no base_ms (0).
  Json version = j.value("version", Json(0));
  if (version != 1 && version != 2)
    throw bad("latency table version " + version.dump() + ", this runtime reads versions 1 and 2");
  LatencyTable t;
  if (!j.contains("device") || !j["device"].is_string() || !j.contains("batch") || !j["batch"].is_number_integer() ||
      !j.contains("ms") || !j["ms"].is_object())
    throw bad("needs \"device\" (a string), \"batch\" (an integer) and \"ms\" (an object)");
  t.device = j["device"].get<std::string>();
  t.batch = j["batch"].get<int64_t>();
  if (j.contains("threads")) { // tables written before it were measured on every core
    if (!j["threads"].is_number_integer() || j["threads"].get<int64_t>() < 1)
      throw bad("\"threads\" must be a positive integer");
    t.threads = int(j["threads"].get<int64_t>());
  } else {
    t.threads = 0;
  }
  if (j.contains("base_ms")) {
    const Json &b = j["base_ms"];
    if (!b.is_number() || !(b.get<double>() >= 0) || !std::isfinite(b.get<double>()))
      throw bad("\"base_ms\": expected a latency in ms (a number >= 0), found " + b.dump());
    t.baseMs = b.get<double>();
  }
  if (j.contains("fitted"))
    t.fitted = j["fitted"];
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
                                [&](int64_t node, const runtime::Plan &plan, const Architecture &) {
                                  for (const runtime::PlacedOp &p : plan.ops[node])
                                    configurations.emplace(p.op.key(), p.op);
                                });
  LatencyTable t;
  t.device = device.str();
  t.batch = batch;
  t.threads = latencyThreads();
  torch::NoGradGuard guard;
  LatencyThreadScope threads; // as whole networks are measured
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

namespace {

/// min ||X w - y|| over w >= 0 (Lawson and Hanson's active set method; the
/// unconstrained steps by least squares of minimum norm, so columns that
/// depend on each other do not stop it). X is [n, k] double, y [n].
at::Tensor nonNegativeLeastSquares(const at::Tensor &X, const at::Tensor &y) {
  int64_t k = X.size(1);
  at::Tensor w = torch::zeros({k}, X.options());
  std::vector<bool> passive(size_t(k), false);
  double tol = 1e-10 * std::max(1.0, (X.abs().sum() * y.abs().max()).item<double>());
  auto solve = [&]() { // least squares on the passive columns, 0 elsewhere
    std::vector<int64_t> cols;
    for (int64_t j = 0; j < k; ++j)
      if (passive[size_t(j)])
        cols.push_back(j);
    at::Tensor index = torch::tensor(cols, torch::kLong);
    at::Tensor sub = X.index_select(1, index);
    at::Tensor z = std::get<0>(torch::linalg_lstsq(sub, y.unsqueeze(1), c10::nullopt, "gelsd")).squeeze(1);
    at::Tensor full = torch::zeros({k}, X.options());
    full.index_put_({index}, z);
    return full;
  };
  for (int64_t outer = 0; outer < 3 * k; ++outer) {
    at::Tensor g = X.t().matmul(y - X.matmul(w)); // minus the gradient
    int64_t best = -1;
    double most = tol;
    for (int64_t j = 0; j < k; ++j)
      if (!passive[size_t(j)] && g[j].item<double>() > most)
        most = g[j].item<double>(), best = j;
    if (best < 0)
      break;
    passive[size_t(best)] = true;
    for (int64_t inner = 0; inner < 3 * k; ++inner) {
      at::Tensor z = solve();
      double step = 1.0;
      bool feasible = true;
      for (int64_t j = 0; j < k; ++j)
        if (passive[size_t(j)] && z[j].item<double>() <= 0) {
          feasible = false;
          double wj = w[j].item<double>(), zj = z[j].item<double>();
          step = std::min(step, wj / (wj - zj));
        }
      if (feasible) {
        w = z;
        break;
      }
      w = w + step * (z - w);
      for (int64_t j = 0; j < k; ++j)
        if (passive[size_t(j)] && w[j].item<double>() <= 1e-14) {
          passive[size_t(j)] = false;
          w[j] = 0.0;
        }
    }
  }
  return w;
}

} // namespace

LatencyFit fitLatencyTable(const Json &ops, const Space &space, const std::vector<MeasuredLatency> &samples,
                           const std::string &device, int64_t batch) {
  if (samples.size() < 10)
    throw std::invalid_argument("fitting a latency table needs at least 10 measured architectures, given " +
                                std::to_string(samples.size()));
  // How often each sample's plan runs each op configuration. Networks whose
  // output does not depend on their input are left out: a device compiler
  // folds them to a constant (NAS-Bench-201's Pixel 3 figure for a cell
  // without an input-output edge is 0.003 ms), which no sum over ops
  // describes.
  LatencyFit out;
  std::vector<const MeasuredLatency *> kept;
  std::map<std::string, std::vector<double>> counts; // key -> per kept sample
  std::set<std::string> keys;
  for (const MeasuredLatency &sample : samples) {
    runtime::Plan plan = runtime::plan(ops, space, sample.arch);
    for (size_t i = 0; i < plan.ops.size(); ++i)
      if (plan.live[i])
        for (const runtime::PlacedOp &op : plan.ops[i])
          keys.insert(op.op.key());
    if (!plan.readsInput) {
      ++out.constant;
      continue;
    }
    size_t a = kept.size();
    kept.push_back(&sample);
    for (size_t i = 0; i < plan.ops.size(); ++i)
      if (plan.live[i])
        for (const runtime::PlacedOp &op : plan.ops[i]) {
          std::vector<double> &c = counts[op.op.key()];
          c.resize(samples.size(), 0.0);
          c[a] += 1;
        }
  }
  if (kept.size() < 10)
    throw std::invalid_argument("fitting a latency table needs at least 10 measured architectures whose output "
                                "depends on their input, given " + std::to_string(kept.size()));
  for (auto &[key, c] : counts)
    c.resize(kept.size());
  // One feature per group of configurations whose counts are proportional
  // (the same cell op in every stage): feature column = the first's counts,
  // member m's counts = ratio[m] x that. Counts that never vary are the
  // base's.
  struct Feature {
    std::vector<double> column;
    std::vector<std::pair<std::string, double>> members; // key, ratio
  };
  std::vector<Feature> features;
  for (auto &[key, c] : counts) {
    if (std::all_of(c.begin(), c.end(), [&](double n) { return n == c[0]; }))
      continue;
    size_t pivot = size_t(std::find_if(c.begin(), c.end(), [](double n) { return n != 0; }) - c.begin());
    bool placed = false;
    for (Feature &f : features) {
      if (f.column[pivot] == 0)
        continue;
      double ratio = c[pivot] / f.column[pivot];
      bool proportional = true;
      for (size_t a = 0; a < c.size() && proportional; ++a)
        proportional = std::abs(c[a] - ratio * f.column[a]) <= 1e-9 * std::abs(c[a]);
      if (proportional) {
        f.members.push_back({key, ratio});
        placed = true;
        break;
      }
    }
    if (!placed)
      features.push_back({c, {{key, 1.0}}});
  }
  int64_t k = int64_t(features.size()) + 1; // + the base
  auto design = [&](const std::vector<size_t> &rows) {
    at::Tensor X = torch::ones({int64_t(rows.size()), k}, torch::kDouble);
    at::Tensor y = torch::empty({int64_t(rows.size())}, torch::kDouble);
    auto Xa = X.accessor<double, 2>();
    auto ya = y.accessor<double, 1>();
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t f = 0; f < features.size(); ++f)
        Xa[int64_t(r)][int64_t(f) + 1] = features[f].column[rows[r]];
      ya[int64_t(r)] = kept[rows[r]]->ms;
    }
    return std::pair{X, y};
  };
  // Mean and greatest |error| in percent of `w` on `rows`.
  auto errors = [&](const at::Tensor &w, const std::vector<size_t> &rows) {
    auto [X, y] = design(rows);
    at::Tensor pct = (X.matmul(w) - y).abs() / y * 100.0;
    return std::pair{pct.mean().item<double>(), pct.max().item<double>()};
  };

  out.samples = kept.size();
  std::vector<size_t> order(kept.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::mt19937_64 rng(0);
  std::shuffle(order.begin(), order.end(), rng);
  out.heldOut = kept.size() / 5;
  std::vector<size_t> train(order.begin() + long(out.heldOut), order.end()),
      test(order.begin(), order.begin() + long(out.heldOut));
  auto fitTo = [&](const std::vector<size_t> &rows) {
    auto [X, y] = design(rows);
    return nonNegativeLeastSquares(X, y);
  };
  std::tie(out.heldOutErrorPct, out.heldOutMaxErrorPct) = errors(fitTo(train), test);
  at::Tensor w = fitTo(order);
  out.meanErrorPct = errors(w, order).first;

  LatencyTable &t = out.table;
  t.device = device;
  t.batch = batch;
  t.baseMs = w[0].item<double>();
  for (const std::string &key : keys)
    t.ms[key] = 0;
  // A group's cost is spread so that each member op costs the same.
  for (size_t f = 0; f < features.size(); ++f) {
    double ratios = 0;
    for (auto &[key, ratio] : features[f].members)
      ratios += ratio;
    for (auto &[key, ratio] : features[f].members)
      t.ms[key] = w[int64_t(f) + 1].item<double>() / ratios;
  }
  t.fitted = {{"samples", out.samples},
              {"constant_left_out", out.constant},
              {"mean_error_pct", out.meanErrorPct},
              {"held_out", out.heldOut},
              {"held_out_mean_error_pct", out.heldOutErrorPct},
              {"held_out_max_error_pct", out.heldOutMaxErrorPct}};
  return out;
}

LatencyTable loadOrMeasureLatencyTable(const std::string &file, const Json &ops, const Space &space,
                                       torch::Device device, std::ostream *log) {
  return file.empty() ? measureLatencyTable(ops, space, device, 1, log) : LatencyTable::load(file);
}

} // namespace nasc::nn
