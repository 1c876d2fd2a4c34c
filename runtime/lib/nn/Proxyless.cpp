//===- Proxyless.cpp - ProxylessNAS: binarized paths (Cai et al., ICLR 2019)
//
// The differentiable loop (Differentiable.h) at single-path cost:
// - a weight step runs one path, each choice's alternative drawn from
//   p = softmax(alpha);
// - an architecture step draws two distinct alternatives per choice from p,
//   keeps one active (drawn from the two's renormalized p) and runs both
//   with binary gates g (1 active, 0 the other) on the valid batch; the
//   gates' gradients become the alphas' through the softmax over the two,
//   dalpha_i += sum_j dL/dg_j p_j (delta_ij - p_i), Adam (beta1 0) steps,
//   and the two alphas are shifted so their log-sum-exp stays what it was
//   (the others' probabilities do not move);
// - the loss carries the latency the search's objective asks for, with
//   LAT = sum over choices of p times each alternative's latency from a
//   lookup table (`latency`, or measured when the search starts):
//     maximize accuracy * h(latency(dev))  ->  CE / h(LAT)
//       (MnasNet's ACC x (LAT/T)^w gives ProxylessNAS's CE x (LAT/T)^-w),
//     maximize accuracy + h(latency(dev))  ->  CE - h(LAT)
//       (accuracy - lambda x latency gives CE + lambda LAT),
//   h read off the objective itself (its value and slope at LAT); an
//   objective without latency gives plain CE.
// Validation and derivation read the argmax path.
//
//===----------------------------------------------------------------------===//
#include "Differentiable.h"
#include "nasc/nn/Latency.h"
#include "nasc/runtime/Expr.h"

#include <cmath>
#include <sstream>

namespace nasc::nn {
namespace {

/// How the search's objective trades accuracy for latency.
struct LatencyObjective {
  enum Form { None, Multiply, Add } form = None;
  std::string device, text;
  /// The objective with accuracy 1 (Multiply) or 0 (Add) at latency `ms`.
  std::function<double(double ms)> h;
};

LatencyObjective readObjective(const Json &search, const Space &space) {
  LatencyObjective out;
  const Json objectives = search.value("objectives", Json::array());
  auto readsLatency = [](const Json &tree) {
    std::function<bool(const Json &)> visit = [&](const Json &t) -> bool {
      if (t.is_object() && t.value("metric", "") == "latency")
        return true;
      if (t.is_structured())
        for (const Json &c : t)
          if (visit(c))
            return true;
      return false;
    };
    return visit(tree);
  };
  size_t withLatency = 0;
  for (const Json &o : objectives)
    withLatency += readsLatency(o.at("value"));
  if (withLatency == 0)
    return out;
  if (objectives.size() != 1)
    throw std::invalid_argument("proxyless: the search has " + std::to_string(objectives.size()) +
                                " objectives; its loss needs one that weighs latency against accuracy "
                                "(e.g. maximize accuracy * (latency(\"cpu\") / 5.0) ** -0.07)");
  const Json &objective = objectives[0];
  out.text = objective.value("text", objective.value("direction", std::string("maximize")) + " objective");
  bool minimize = objective.value("direction", "maximize") == "minimize";
  auto values = std::make_shared<std::map<std::string, Json>>(space.values(space.first()));
  auto device = std::make_shared<std::string>(); // the latency metric's, once read
  auto J = [objective, values, minimize, device](double accuracy, double ms) {
    runtime::Env env;
    env.decisions = values.get();
    env.metric = [&](const std::string &name, const Json &args) -> Json {
      if (name == "accuracy")
        return accuracy;
      if (name == "latency") {
        std::string d = args.value("device", std::string());
        if (!device->empty() && d != *device)
          throw std::invalid_argument("proxyless: the objective reads latency on two devices ('" + *device +
                                      "', '" + d + "')");
        *device = d;
        return ms;
      }
      throw std::invalid_argument("proxyless: the objective reads metric '" + name +
                                  "'; its loss knows accuracy and latency");
    };
    double v = runtime::asDouble(runtime::evaluate(objective.at("value"), env));
    return minimize ? -v : v;
  };
  // Which form: linear in accuracy through the origin, or plus a constant.
  double ms = 1.0, j0 = J(0, ms), j1 = J(1, ms), j2 = J(2, ms);
  auto near = [](double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a) + std::abs(b)); };
  if (near(j0, 0) && near(j2, 2 * j1) && !near(j1, 0)) {
    out.form = LatencyObjective::Multiply;
    out.h = [J](double ms) { return J(1, ms); };
  } else if (near(j1 - j0, 1) && near(j2 - j1, 1)) {
    out.form = LatencyObjective::Add;
    out.h = [J](double ms) { return J(0, ms); };
  } else {
    throw std::invalid_argument("proxyless: cannot make a loss of objective '" + out.text +
                                "': write accuracy times a factor of latency (MnasNet's accuracy * (latency(d) / "
                                "T) ** w) or accuracy plus a term of latency (accuracy - lambda * latency(d))");
  }
  out.device = *device;
  return out;
}

class Proxyless : public DifferentiableMethod {
public:
  explicit Proxyless(const Json &args)
      : DifferentiableMethod("proxyless", args, 120),
        tableFile_(runtime::asString(search::strategyArg(args, "latency", ""))) {
    archBeta1_ = 0; // ProxylessNAS's Adam: alphas no step reached stay put
  }

protected:
  std::string describe() const override {
    std::ostringstream os;
    os << "binary gates, one path a weight step, two an architecture step, loss ";
    if (objective_.form == LatencyObjective::None)
      os << "CE (the objective reads no latency)";
    else
      os << (objective_.form == LatencyObjective::Multiply ? "CE / h(LAT)" : "CE - h(LAT)") << " from '"
         << objective_.text << "' over " << table_.ms.size() << " op configurations on " << table_.device;
    return os.str();
  }

  void configure(Network &) override {
    objective_ = readObjective(run_->search, run_->space);
    if (objective_.form == LatencyObjective::None)
      return;
    table_ = loadOrMeasureLatencyTable(tableFile_, run_->ops, run_->space, run_->estimator.device,
                                       run_->estimator.log);
    if (!objective_.device.empty() && objective_.device != table_.device)
      throw std::invalid_argument("proxyless: the objective reads latency(\"" + objective_.device +
                                  "\") but the latency table is for '" + table_.device +
                                  "' (give latency=\"TABLE.json\" measured or fitted for that device)");
  }

  /// Each choice: one alternative drawn from softmax(alpha), alone.
  void beforeForward(Network &net, int64_t) override {
    for (auto &[name, alpha] : net.alphas()) {
      torch::NoGradGuard guard;
      int64_t k = torch::multinomial(torch::softmax(alpha, 0), 1).item<int64_t>();
      at::Tensor hard = torch::zeros_like(alpha);
      hard[k] = 1.0;
      net.overrideMixWeights(name, hard, {k});
    }
  }

  void beforeValidation(Network &net) override { useArgmaxPaths(net); }

  void architectureGradient(Network &net, torch::optim::Optimizer &, const TrainOptions &o, double,
                            const data::Batch &, const data::Batch &valid, int64_t) override {
    // The expected latency under softmax(alpha): before the gates override it.
    net.clearMixOverrides();
    at::Tensor latency = objective_.form == LatencyObjective::None ? at::Tensor() : table_.expected(net);
    involved_.clear();
    std::vector<at::Tensor> gates;
    std::vector<std::string> names;
    for (auto &[name, alpha] : net.alphas()) {
      Involved in;
      {
        torch::NoGradGuard guard;
        at::Tensor p = torch::softmax(alpha, 0);
        at::Tensor two = torch::multinomial(p, std::min<int64_t>(2, p.numel()), /*replacement=*/false);
        in.index = two.to(torch::kCPU).contiguous();
        in.before = alpha.index_select(0, two).clone();
      }
      at::Tensor pair = torch::softmax(in.before, 0);
      int64_t active = in.index[torch::multinomial(pair, 1).item<int64_t>()].item<int64_t>();
      at::Tensor gate = torch::zeros_like(alpha.detach());
      gate[active] = 1.0;
      gate.requires_grad_(true);
      std::vector<int64_t> only(in.index.data_ptr<int64_t>(), in.index.data_ptr<int64_t>() + in.index.numel());
      net.overrideMixWeights(name, gate, only);
      gates.push_back(gate), names.push_back(name);
      involved_[name] = std::move(in);
    }
    at::Tensor ce = lossOf(net, valid, o.label_smoothing), loss = ce;
    if (latency.defined()) {
      // h as a tensor: its value and slope (central difference) at LAT.
      double ms = latency.item<double>(), eps = 1e-4 * std::max(ms, 1e-6);
      double h = objective_.h(ms), slope = (objective_.h(ms + eps) - objective_.h(ms - eps)) / (2 * eps);
      at::Tensor hT = h + slope * (latency - ms);
      if (objective_.form == LatencyObjective::Multiply) {
        if (!(h > 0))
          throw std::invalid_argument("proxyless: objective '" + objective_.text + "' has latency factor " +
                                      std::to_string(h) + " at " + std::to_string(ms) + " ms; it must be positive");
        loss = ce / hT;
      } else {
        loss = ce - hT;
      }
    }
    std::vector<at::Tensor> alphas = net.architectureParameters(), wrt = gates;
    wrt.insert(wrt.end(), alphas.begin(), alphas.end());
    std::vector<at::Tensor> g = gradients(loss, wrt);
    for (size_t k = 0; k < alphas.size(); ++k)
      alphas[k].mutable_grad() = g[gates.size() + k]; // the latency term's, direct
    torch::NoGradGuard guard;
    for (size_t c = 0; c < names.size(); ++c) {
      const at::Tensor &alpha = net.alphas().at(names[c]);
      const Involved &in = involved_.at(names[c]);
      at::Tensor p = torch::softmax(in.before, 0), gateGrad = g[c].index_select(0, in.index.to(g[c].device()));
      at::Tensor &grad = alpha.mutable_grad();
      for (int64_t i = 0; i < in.index.numel(); ++i) {
        at::Tensor sum = torch::zeros({}, alpha.options());
        for (int64_t j = 0; j < in.index.numel(); ++j)
          sum = sum + gateGrad[j] * p[j] * ((i == j ? 1.0 : 0.0) - p[i]);
        grad[in.index[i].item<int64_t>()] += sum;
      }
    }
  }

  /// The involved alphas shifted back to their log-sum-exp before the step.
  void afterArchitectureStep(Network &net) override {
    torch::NoGradGuard guard;
    for (auto &[name, in] : involved_) {
      const at::Tensor &alpha = net.alphas().at(name);
      at::Tensor index = in.index.to(alpha.device());
      at::Tensor now = alpha.index_select(0, index);
      at::Tensor offset = torch::logsumexp(now, 0) - torch::logsumexp(in.before, 0);
      alpha.index_copy_(0, index, now - offset);
    }
    involved_.clear();
    net.clearMixOverrides();
  }

  Json epochFigures(Network &net, const Architecture &derived) override {
    if (objective_.form == LatencyObjective::None)
      return Json::object();
    torch::NoGradGuard guard;
    net.clearMixOverrides();
    double expected = table_.expected(net).item<double>();
    double predicted = table_.predict(runtime::plan(run_->ops, run_->space, derived));
    return {{"expected_latency_ms", expected}, {"derived_latency_ms", predicted}};
  }

private:
  struct Involved {
    at::Tensor index;  ///< the two alternatives drawn (CPU, int64)
    at::Tensor before; ///< their alphas before the step
  };
  std::string tableFile_;
  LatencyTable table_;
  LatencyObjective objective_;
  std::map<std::string, Involved> involved_;
};

} // namespace
} // namespace nasc::nn

NASC_REGISTER_ONESHOT(proxyless, [](const nasc::runtime::Json &args) -> std::unique_ptr<nasc::nn::OneShotMethod> {
  return std::make_unique<nasc::nn::Proxyless>(args);
})
