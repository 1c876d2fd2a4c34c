//===- ZeroCost.cpp - Scoring untrained networks --------------------------===//
#include "nasc/nn/ZeroCost.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace nasc::nn {

namespace F = torch::nn::functional;

const std::vector<std::string> &zeroCostProxies() {
  static const std::vector<std::string> names{"naswot", "synflow", "snip", "grad_norm", "jacob_cov"};
  return names;
}

namespace {

double naswot(Network &net, const at::Tensor &images) {
  torch::NoGradGuard guard;
  std::vector<at::Tensor> codes;
  {
    ReluCodeRecorder recorder(codes);
    net.forward(images);
  }
  if (codes.empty())
    throw std::invalid_argument("naswot needs ReLUs: this network has none");
  int64_t b = images.size(0);
  at::Tensor k = torch::zeros({b, b}, torch::kDouble);
  for (const at::Tensor &c : codes)
    k += torch::matmul(c, c.t()) + torch::matmul(1 - c, (1 - c).t());
  auto [sign, logdet] = torch::linalg::slogdet(k);
  return logdet.item<double>();
}

double synflow(Network &net, const at::Tensor &images) {
  bool training = net.is_training();
  net.eval();
  net.to(torch::kDouble);
  std::vector<at::Tensor> signs;
  {
    torch::NoGradGuard guard;
    for (at::Tensor &p : net.parameters()) {
      signs.push_back(torch::sign(p));
      p.abs_();
    }
  }
  net.zero_grad();
  at::Tensor ones = torch::ones({1, images.size(1), images.size(2), images.size(3)},
                                torch::TensorOptions().dtype(torch::kDouble).device(images.device()));
  net.forward(ones).sum().backward();
  double score = 0;
  {
    torch::NoGradGuard guard;
    size_t i = 0;
    for (at::Tensor &p : net.parameters()) {
      if (p.grad().defined())
        score += (p * p.grad()).abs().sum().item<double>();
      p.mul_(signs[i++]);
    }
  }
  net.zero_grad();
  net.to(torch::kFloat);
  net.train(training);
  return score;
}

/// Mellor et al.'s first score: how uncorrelated the input Jacobians of the
/// samples are (eigenvalues of their correlation matrix).
double jacobCov(Network &net, const at::Tensor &images) {
  at::Tensor x = images.clone().requires_grad_(true);
  net.zero_grad();
  at::Tensor out = net.forward(x).sum();
  if (out.requires_grad())
    out.backward();
  if (!x.grad().defined() || x.grad().abs().sum().item<double>() == 0) {
    net.zero_grad();
    return std::numeric_limits<double>::lowest(); // the output ignores the input: the worst score there is
  }
  at::Tensor j = x.grad().flatten(1).to(torch::kDouble);
  net.zero_grad();
  at::Tensor centered = j - j.mean(1, /*keepdim=*/true);
  at::Tensor cov = torch::matmul(centered, centered.t());
  at::Tensor sd = cov.diagonal().clamp_min(1e-30).sqrt();
  at::Tensor corr = cov / torch::outer(sd, sd);
  at::Tensor v = torch::linalg::eigvalsh(corr, "L");
  constexpr double k = 1e-5;
  return -(torch::log(v + k) + 1.0 / (v + k)).sum().item<double>();
}

/// Gradients of the loss on the batch, for snip and grad_norm.
void lossGradients(Network &net, const at::Tensor &images, const at::Tensor &labels) {
  net.zero_grad();
  F::cross_entropy(net.forward(images), labels).backward();
}

} // namespace

double zeroCostScore(Network &net, const std::string &proxy, const at::Tensor &images, const at::Tensor &labels) {
  if (proxy == "naswot")
    return naswot(net, images);
  if (proxy == "synflow")
    return synflow(net, images);
  if (proxy == "jacob_cov")
    return jacobCov(net, images);
  if (proxy == "snip" || proxy == "grad_norm") {
    lossGradients(net, images, labels);
    double score = 0;
    for (const at::Tensor &p : net.parameters())
      if (p.grad().defined())
        score += proxy == "snip" ? (p * p.grad()).abs().sum().item<double>() : p.grad().norm().item<double>();
    net.zero_grad();
    return score;
  }
  std::string known;
  for (const std::string &n : zeroCostProxies())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("zero_cost: no proxy '" + proxy + "' in this runtime (it has " + known + ")");
}

} // namespace nasc::nn
