//===- Elastic.cpp - Weight-sliced layers of an elastic supernet ----------===//
//
// Each kernel here mirrors its ordinary module in Ops.cpp: the same
// computation, written on slices of tensors sized for the largest
// configuration, and slices() names them as the ordinary module does (the
// Chain's step indices, the submodules' names), so a child network copies
// them by name. ElasticTest checks both against makeLayer per kernel.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/Elastic.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace nasc::nn {

using runtime::asBool;
using runtime::asDouble;
using runtime::asInt;
using runtime::asString;
using runtime::ResolvedOp;
namespace F = torch::nn::functional;

int64_t ElasticLayer::transformParameters() const {
  int64_t n = 0;
  for (auto &[k, t] : transforms_)
    n += t.numel();
  return n;
}

namespace {

int64_t I(const ResolvedOp &op, const char *name) { return asInt(op.param(name)); }
bool B(const ResolvedOp &op, const char *name) { return asBool(op.param(name)); }

using Slices = std::vector<std::pair<std::string, at::Tensor>>;

at::Tensor first(const at::Tensor &t, int64_t dim, int64_t n) {
  if (n > t.size(dim))
    throw std::invalid_argument("elastic layer: a configuration needs " + std::to_string(n) +
                                " along a dimension of size " + std::to_string(t.size(dim)));
  return t.narrow(dim, 0, n);
}

/// Reorders `t` along `dim` by `order` (in place, no gradient).
void permute(const at::Tensor &t, int64_t dim, const at::Tensor &order) {
  if (t.defined())
    t.copy_(t.index_select(dim, order));
}

/// The largest value of `f` over the configurations.
template <typename Fn> int64_t largest(const std::vector<ResolvedOp> &configs, Fn f) {
  int64_t m = 0;
  for (const ResolvedOp &op : configs)
    m = std::max(m, int64_t(f(op)));
  return m;
}

/// The base of the kernels below: registers tensors and keeps the slots.
class Kernel : public ElasticLayer {
protected:
  at::Tensor param(const std::string &name, at::Tensor t) { return register_parameter(name, std::move(t)); }
  at::Tensor buffer(const std::string &name, at::Tensor t) { return register_buffer(name, std::move(t)); }

  /// A convolution weight [out, in (1 if depthwise), kh, kw] at its largest
  /// sizes; a square kernel that varies gets OFA's transformation matrices.
  struct Conv {
    at::Tensor weight, bias;
    bool depthwise = false;
    std::vector<int64_t> kernels; // ascending; one entry when fixed or not square
    std::map<int64_t, at::Tensor> *transforms = nullptr;

    /// The weight of configuration (out, in, k x kw).
    at::Tensor sliced(int64_t out, int64_t in, int64_t k, int64_t kw) const {
      at::Tensor w = first(weight, 0, out);
      if (!depthwise)
        w = first(w, 1, in);
      if (w.size(2) == k && w.size(3) == kw)
        return w;
      if (k != kw || std::find(kernels.begin(), kernels.end(), k) == kernels.end())
        throw std::invalid_argument("elastic layer: no " + std::to_string(k) + "x" + std::to_string(kw) + " kernel");
      // Down one kernel size at a time: the centre, then its transformation.
      for (auto it = kernels.rbegin(); it != kernels.rend() && *it >= k; ++it) {
        int64_t s = *it;
        if (s == w.size(2))
          continue;
        int64_t off = (w.size(2) - s) / 2;
        w = w.narrow(2, off, s).narrow(3, off, s);
        w = F::linear(w.reshape({-1, s * s}), transforms->at(s)).view({w.size(0), w.size(1), s, s});
      }
      return w;
    }
    at::Tensor biasFor(int64_t out) const { return bias.defined() ? first(bias, 0, out) : at::Tensor(); }
    void add(Slices &out, const std::string &prefix, int64_t o, int64_t in, int64_t k, int64_t kw) const {
      out.emplace_back(prefix + "weight", sliced(o, in, k, kw));
      if (bias.defined())
        out.emplace_back(prefix + "bias", biasFor(o));
    }
  };

  /// As torch::nn::Conv2d initialises: Kaiming-uniform weights, bias
  /// uniform in +-1/sqrt(fan in), for the largest fan in.
  Conv conv(const std::string &name, int64_t out, int64_t in, std::set<int64_t> kernels, int64_t kw, bool depthwise,
            bool bias) {
    Conv c;
    c.depthwise = depthwise;
    c.kernels.assign(kernels.begin(), kernels.end());
    int64_t k = c.kernels.back();
    c.weight = param(name + "_weight", torch::empty({out, depthwise ? 1 : in, k, kw}));
    torch::nn::init::kaiming_uniform_(c.weight, std::sqrt(5.0));
    if (bias) {
      double bound = 1.0 / std::sqrt(double(c.weight[0].numel()));
      c.bias = param(name + "_bias", torch::empty({out}).uniform_(-bound, bound));
    }
    if (k == kw)
      for (size_t i = 0; i + 1 < c.kernels.size(); ++i) {
        int64_t s = c.kernels[i];
        transforms_[s] = param(name + "_transform" + std::to_string(s), torch::eye(s * s));
      }
    c.transforms = &transforms_;
    return c;
  }

  /// A BatchNorm2d (momentum 0.1, eps 1e-5) over the first c channels; its
  /// running statistics are updated in place in the slice.
  struct Norm {
    at::Tensor weight, bias, mean, var, count;
    at::Tensor forward(const at::Tensor &x, bool training) const {
      int64_t c = x.size(1);
      if (training) {
        torch::NoGradGuard g;
        count.add_(1);
      }
      return torch::batch_norm(x, weight.defined() ? first(weight, 0, c) : at::Tensor(),
                               bias.defined() ? first(bias, 0, c) : at::Tensor(), first(mean, 0, c), first(var, 0, c),
                               training, 0.1, 1e-5, at::globalContext().userEnabledCuDNN());
    }
    void permute(const at::Tensor &order) const {
      for (const at::Tensor *t : {&weight, &bias, &mean, &var})
        nasc::nn::permute(*t, 0, order);
    }
    void add(Slices &out, const std::string &prefix, int64_t c) const {
      if (weight.defined())
        out.emplace_back(prefix + "weight", first(weight, 0, c)), out.emplace_back(prefix + "bias", first(bias, 0, c));
      out.emplace_back(prefix + "running_mean", first(mean, 0, c));
      out.emplace_back(prefix + "running_var", first(var, 0, c));
      out.emplace_back(prefix + "num_batches_tracked", count);
    }
  };
  Norm norm(const std::string &name, int64_t c, bool affine = true) {
    Norm n;
    if (affine)
      n.weight = param(name + "_weight", torch::ones({c})), n.bias = param(name + "_bias", torch::zeros({c}));
    n.mean = buffer(name + "_running_mean", torch::zeros({c}));
    n.var = buffer(name + "_running_var", torch::ones({c}));
    n.count = buffer(name + "_num_batches_tracked", torch::zeros({}, torch::kLong));
    return n;
  }

  /// A torch::nn::Linear [out, in] (bias optional).
  struct Dense {
    at::Tensor weight, bias;
    at::Tensor forward(const at::Tensor &x, int64_t out) const {
      at::Tensor w = first(first(weight, 0, out), 1, x.size(-1));
      return F::linear(x, w, bias.defined() ? first(bias, 0, out) : at::Tensor());
    }
    void add(Slices &s, const std::string &prefix, int64_t out, int64_t in) const {
      s.emplace_back(prefix + "weight", first(first(weight, 0, out), 1, in));
      if (bias.defined())
        s.emplace_back(prefix + "bias", first(bias, 0, out));
    }
  };
  Dense dense(const std::string &name, int64_t out, int64_t in, bool bias = true) {
    Dense d;
    d.weight = param(name + "_weight", torch::empty({out, in}));
    torch::nn::init::kaiming_uniform_(d.weight, std::sqrt(5.0));
    if (bias) {
      double bound = 1.0 / std::sqrt(double(in));
      d.bias = param(name + "_bias", torch::empty({out}).uniform_(-bound, bound));
    }
    return d;
  }

  /// A torch::nn::LayerNorm over the last dimension's first c entries.
  struct LayerNorm {
    at::Tensor weight, bias;
    at::Tensor forward(const at::Tensor &x) const {
      int64_t c = x.size(-1);
      return torch::layer_norm(x, {c}, weight.defined() ? first(weight, 0, c) : at::Tensor(),
                               bias.defined() ? first(bias, 0, c) : at::Tensor(), 1e-5);
    }
    void add(Slices &s, const std::string &prefix, int64_t c) const {
      if (weight.defined())
        s.emplace_back(prefix + "weight", first(weight, 0, c)), s.emplace_back(prefix + "bias", first(bias, 0, c));
    }
  };
  LayerNorm layerNorm(const std::string &name, int64_t c, bool affine = true) {
    LayerNorm n;
    if (affine)
      n.weight = param(name + "_weight", torch::ones({c})), n.bias = param(name + "_bias", torch::zeros({c}));
    return n;
  }
};

// ---- convolutions ----------------------------------------------------------------

/// Whether a convolution of `op` slices: ungrouped, or depthwise (one group
/// per channel, as many out as in).
std::optional<std::string> convKind(const ResolvedOp &op, int64_t groups) {
  int64_t out = I(op, "out");
  if (groups == 1)
    return std::string("full");
  if (groups == op.in[0] && out == op.in[0])
    return std::string("depthwise");
  return std::nullopt;
}

std::set<int64_t> kernelsOf(const std::vector<ResolvedOp> &configs) {
  std::set<int64_t> ks;
  for (const ResolvedOp &op : configs)
    ks.insert(I(op, "kernel"));
  return ks;
}

/// conv2d, conv_bn_relu and relu_conv_bn: a convolution with a BN and a
/// ReLU around it as the ordinary kernel chains them.
class ConvLayer : public Kernel {
public:
  explicit ConvLayer(const std::vector<ResolvedOp> &configs) : impl_(configs[0].impl) {
    const ResolvedOp &op = configs[0];
    bool square = I(op, "kernel") == kernelW(op);
    depthwise_ = *convKind(op, groups(op)) == "depthwise";
    int64_t out = largest(configs, [](const ResolvedOp &o) { return I(o, "out"); });
    int64_t in = largest(configs, [](const ResolvedOp &o) { return o.in[0]; });
    std::set<int64_t> kernels = square ? kernelsOf(configs) : std::set<int64_t>{I(op, "kernel")};
    conv_ = conv("conv", out, in, kernels, square ? *kernels.rbegin() : kernelW(op), depthwise_,
                 impl_ == "conv2d" && B(op, "bias"));
    if (impl_ != "conv2d")
      norm_ = norm("bn", out);
  }
  at::Tensor forward(const ResolvedOp &op, const at::Tensor &x) override {
    int64_t out = I(op, "out"), k = I(op, "kernel"), kw = kernelW(op), d = dilation(op);
    at::Tensor y = impl_ == "relu_conv_bn" ? nn::relu(x) : x;
    y = torch::conv2d(y, conv_.sliced(out, x.size(1), k, kw), conv_.biasFor(out), {I(op, "stride"), I(op, "stride")},
                      {d * (k - 1) / 2, d * (kw - 1) / 2}, {d, d}, depthwise_ ? out : 1);
    if (impl_ == "conv2d")
      return y;
    y = norm_.forward(y, is_training());
    return impl_ == "conv_bn_relu" ? nn::relu(y) : y;
  }
  Slices slices(const ResolvedOp &op) override {
    Slices s;
    int64_t out = I(op, "out");
    // Chain indices: relu_conv_bn's ReLU is step 0.
    std::string c = impl_ == "relu_conv_bn" ? "1." : "0.", b = impl_ == "relu_conv_bn" ? "2." : "1.";
    conv_.add(s, c, out, op.in[0], I(op, "kernel"), kernelW(op));
    if (impl_ != "conv2d")
      norm_.add(s, b, out);
    return s;
  }
  static int64_t kernelW(const ResolvedOp &op) { return op.impl == "relu_conv_bn" ? I(op, "kernel") : I(op, "kernel_w"); }
  static int64_t groups(const ResolvedOp &op) { return op.impl == "relu_conv_bn" ? 1 : I(op, "groups"); }
  static int64_t dilation(const ResolvedOp &op) { return op.impl == "conv_bn_relu" ? 1 : I(op, "dilation"); }

private:
  std::string impl_;
  bool depthwise_ = false;
  Conv conv_;
  Norm norm_;
};

class BatchNormLayer : public Kernel {
public:
  explicit BatchNormLayer(const std::vector<ResolvedOp> &configs) {
    norm_ = norm("bn", largest(configs, [](const ResolvedOp &o) { return o.in[0]; }), B(configs[0], "affine"));
  }
  at::Tensor forward(const ResolvedOp &, const at::Tensor &x) override { return norm_.forward(x, is_training()); }
  Slices slices(const ResolvedOp &op) override {
    Slices s;
    norm_.add(s, "0.", op.in[0]);
    return s;
  }

private:
  Norm norm_;
};

// ---- inverted bottleneck ------------------------------------------------------------

/// MBConv at its largest input, expanded width, kernel, squeeze and output
/// (OFA's DynamicMBConvLayer): the expansion's first mid rows, the
/// depthwise kernel's centre through the transformation matrices, the
/// squeeze-and-excite's first squeeze x mid.
class MBConvLayer : public Kernel {
public:
  explicit MBConvLayer(const std::vector<ResolvedOp> &configs) {
    const ResolvedOp &op = configs[0];
    expandConv_ = B(op, "expand_conv");
    se_ = B(op, "se");
    int64_t in = largest(configs, [](const ResolvedOp &o) { return o.in[0]; });
    int64_t mid = largest(configs, [](const ResolvedOp &o) { return midOf(o); });
    int64_t out = largest(configs, [](const ResolvedOp &o) { return I(o, "out"); });
    if (expandConv_)
      expand_ = conv("expand", mid, in, {1}, 1, false, false), bn1_ = norm("bn1", mid);
    depthwise_ = conv("depthwise", mid, mid, kernelsOf(configs), largest(configs, [](const ResolvedOp &o) {
                        return I(o, "kernel");
                      }), true, false);
    bn2_ = norm("bn2", mid);
    if (se_) {
      int64_t squeeze = largest(configs, [](const ResolvedOp &o) { return I(o, "se_width"); });
      reduce_ = conv("se_reduce", squeeze, mid, {1}, 1, false, true);
      restore_ = conv("se_expand", mid, squeeze, {1}, 1, false, true);
    }
    project_ = conv("project", out, mid, {1}, 1, false, false);
    bn3_ = norm("bn3", out);
  }

  static int64_t midOf(const ResolvedOp &op) { return B(op, "expand_conv") ? op.in[0] * I(op, "expand") : op.in[0]; }

  at::Tensor forward(const ResolvedOp &op, const at::Tensor &x) override {
    int64_t c = x.size(1), mid = midOf(op), k = I(op, "kernel"), s = I(op, "stride"), out = I(op, "out");
    Activation act = activation(asString(op.param("act")));
    bool training = is_training();
    at::Tensor y = x;
    if (expandConv_)
      y = act(bn1_.forward(torch::conv2d(y, expand_.sliced(mid, c, 1, 1)), training));
    y = torch::conv2d(y, depthwise_.sliced(mid, mid, k, k), {}, {s, s}, {(k - 1) / 2, (k - 1) / 2}, {1, 1}, mid);
    y = act(bn2_.forward(y, training));
    if (se_) {
      int64_t q = I(op, "se_width");
      at::Tensor g = torch::conv2d(y.mean({2, 3}, true), reduce_.sliced(q, mid, 1, 1), reduce_.biasFor(q));
      g = torch::conv2d(torch::relu(g), restore_.sliced(mid, q, 1, 1), restore_.biasFor(mid));
      y = y * (asString(op.param("se_gate")) == "hard_sigmoid" ? torch::hardsigmoid(g) : torch::sigmoid(g));
    }
    y = bn3_.forward(torch::conv2d(y, project_.sliced(out, mid, 1, 1)), training);
    return B(op, "skip") && s == 1 && out == c ? y + x : y;
  }

  bool sortByImportance() override {
    torch::NoGradGuard g;
    at::Tensor order = std::get<1>(project_.weight.abs().sum({0, 2, 3}).sort(0, /*descending=*/true));
    permute(project_.weight, 1, order);
    if (se_) {
      permute(reduce_.weight, 1, order);
      permute(restore_.weight, 0, order), permute(restore_.bias, 0, order);
      // The squeeze units too, by the weights that read them.
      at::Tensor squeeze = std::get<1>(restore_.weight.abs().sum({0, 2, 3}).sort(0, true));
      permute(restore_.weight, 1, squeeze);
      permute(reduce_.weight, 0, squeeze), permute(reduce_.bias, 0, squeeze);
    }
    bn2_.permute(order);
    permute(depthwise_.weight, 0, order);
    if (expandConv_) {
      bn1_.permute(order);
      permute(expand_.weight, 0, order);
    }
    return true;
  }

  Slices slices(const ResolvedOp &op) override {
    // MBConv's body Chain: [expand conv, bn, act,] depthwise, bn, act, [se,] project, bn.
    Slices s;
    int64_t c = op.in[0], mid = midOf(op), k = I(op, "kernel"), out = I(op, "out");
    int64_t at = 0;
    auto name = [&](int64_t i) { return "body." + std::to_string(i) + "."; };
    if (expandConv_) {
      expand_.add(s, name(0), mid, c, 1, 1);
      bn1_.add(s, name(1), mid);
      at = 3;
    }
    depthwise_.add(s, name(at), mid, mid, k, k);
    bn2_.add(s, name(at + 1), mid);
    at += 3;
    if (se_) {
      int64_t q = I(op, "se_width");
      reduce_.add(s, name(at) + "reduce.", q, mid, 1, 1);
      restore_.add(s, name(at) + "expand.", mid, q, 1, 1);
      ++at;
    }
    project_.add(s, name(at), out, mid, 1, 1);
    bn3_.add(s, name(at + 1), out);
    return s;
  }

private:
  bool expandConv_ = false, se_ = false;
  Conv expand_, depthwise_, reduce_, restore_, project_;
  Norm bn1_, bn2_, bn3_;
};

class SqueezeExciteLayer : public Kernel {
public:
  explicit SqueezeExciteLayer(const std::vector<ResolvedOp> &configs) {
    int64_t c = largest(configs, [](const ResolvedOp &o) { return o.in[0]; });
    int64_t q = largest(configs, squeeze);
    reduce_ = conv("reduce", q, c, {1}, 1, false, true);
    restore_ = conv("expand", c, q, {1}, 1, false, true);
  }
  static int64_t squeeze(const ResolvedOp &op) {
    return std::max<int64_t>(1, std::llround(double(I(op, "base")) * asDouble(op.param("ratio"))));
  }
  at::Tensor forward(const ResolvedOp &op, const at::Tensor &x) override {
    int64_t c = x.size(1), q = squeeze(op);
    at::Tensor g = torch::conv2d(x.mean({2, 3}, true), reduce_.sliced(q, c, 1, 1), reduce_.biasFor(q));
    g = torch::conv2d(torch::relu(g), restore_.sliced(c, q, 1, 1), restore_.biasFor(c));
    return x * (asString(op.param("gate")) == "hard_sigmoid" ? torch::hardsigmoid(g) : torch::sigmoid(g));
  }
  Slices slices(const ResolvedOp &op) override {
    Slices s;
    int64_t q = squeeze(op);
    reduce_.add(s, "reduce.", q, op.in[0], 1, 1);
    restore_.add(s, "expand.", op.in[0], q, 1, 1);
    return s;
  }

private:
  Conv reduce_, restore_;
};

// ---- dense layers and transformers ------------------------------------------------------

/// linear: a fully connected layer over each position's channels.
class LinearLayer : public Kernel {
public:
  explicit LinearLayer(const std::vector<ResolvedOp> &configs) {
    fc_ = dense("fc", largest(configs, [](const ResolvedOp &o) { return I(o, "out"); }),
                largest(configs, [](const ResolvedOp &o) { return o.in[0]; }), B(configs[0], "bias"));
  }
  at::Tensor forward(const ResolvedOp &op, const at::Tensor &x) override {
    int64_t out = I(op, "out");
    if (x.size(2) == 1 && x.size(3) == 1)
      return fc_.forward(x.flatten(1), out).unsqueeze(2).unsqueeze(3);
    return fc_.forward(x.permute({0, 2, 3, 1}), out).permute({0, 3, 1, 2});
  }
  Slices slices(const ResolvedOp &op) override {
    Slices s;
    fc_.add(s, "fc.", I(op, "out"), op.in[0]);
    return s;
  }

private:
  Dense fc_;
};

class LayerNormLayer : public Kernel {
public:
  explicit LayerNormLayer(const std::vector<ResolvedOp> &configs) {
    norm_ = layerNorm("norm", largest(configs, [](const ResolvedOp &o) { return o.in[0]; }), B(configs[0], "affine"));
  }
  at::Tensor forward(const ResolvedOp &, const at::Tensor &x) override {
    return norm_.forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
  }
  Slices slices(const ResolvedOp &op) override {
    Slices s;
    norm_.add(s, "norm.", op.in[0]);
    return s;
  }

private:
  LayerNorm norm_;
};

/// patch_embed: a p x p convolution of stride p to `dim` channels plus a
/// learned position embedding (its grid fixed by the signature).
class PatchEmbedLayer : public Kernel {
public:
  explicit PatchEmbedLayer(const std::vector<ResolvedOp> &configs) {
    const ResolvedOp &op = configs[0];
    int64_t dim = largest(configs, [](const ResolvedOp &o) { return I(o, "dim"); }), p = I(op, "patch");
    pos_ = param("pos", torch::zeros({1, dim, op.in[1] / p, op.in[2] / p}));
    torch::nn::init::normal_(pos_, 0.0, 0.02);
    proj_ = conv("proj", dim, largest(configs, [](const ResolvedOp &o) { return o.in[0]; }), {p}, p, false, true);
  }
  at::Tensor forward(const ResolvedOp &op, const at::Tensor &x) override {
    int64_t dim = I(op, "dim"), p = I(op, "patch");
    return torch::conv2d(x, proj_.sliced(dim, x.size(1), p, p), proj_.biasFor(dim), {p, p}) + first(pos_, 1, dim);
  }
  Slices slices(const ResolvedOp &op) override {
    int64_t dim = I(op, "dim"), p = I(op, "patch");
    Slices s{{"pos", first(pos_, 1, dim)}};
    proj_.add(s, "proj.", dim, op.in[0], p, p);
    return s;
  }

private:
  at::Tensor pos_;
  Conv proj_;
};

/// transformer_block with AutoFormer's weight entanglement: the first c
/// embedding channels, the first `dim` rows of Q, K and V (the first heads),
/// the first hidden units of the MLP.
class TransformerLayer : public Kernel {
public:
  explicit TransformerLayer(const std::vector<ResolvedOp> &configs) {
    int64_t c = largest(configs, [](const ResolvedOp &o) { return o.in[0]; });
    int64_t dim = largest(configs, [](const ResolvedOp &o) { return I(o, "dim"); });
    int64_t hidden = largest(configs, hiddenOf);
    ln1_ = layerNorm("ln1", c), ln2_ = layerNorm("ln2", c);
    q_ = dense("q", dim, c), k_ = dense("k", dim, c), v_ = dense("v", dim, c), o_ = dense("o", c, dim);
    fc1_ = dense("fc1", hidden, c), fc2_ = dense("fc2", c, hidden);
  }
  static int64_t hiddenOf(const ResolvedOp &op) { return std::llround(op.in[0] * asDouble(op.param("mlp_ratio"))); }

  at::Tensor forward(const ResolvedOp &op, const at::Tensor &x) override {
    int64_t c = x.size(1), dim = I(op, "dim"), heads = I(op, "heads"), hidden = hiddenOf(op);
    at::Tensor t = x.flatten(2).transpose(1, 2);
    at::Tensor n = ln1_.forward(t);
    int64_t b = t.size(0), len = t.size(1);
    auto split = [&](const at::Tensor &y) { return y.view({b, len, heads, -1}).transpose(1, 2); };
    at::Tensor q = split(q_.forward(n, dim)), k = split(k_.forward(n, dim)), v = split(v_.forward(n, dim));
    at::Tensor w = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(q.size(-1))), -1);
    t = t + o_.forward(torch::matmul(w, v).transpose(1, 2).reshape({b, len, -1}), c);
    t = t + fc2_.forward(torch::gelu(fc1_.forward(ln2_.forward(t), hidden)), c);
    return t.transpose(1, 2).reshape(x.sizes());
  }
  bool sortByImportance() override { // the MLP's hidden units
    torch::NoGradGuard g;
    at::Tensor order = std::get<1>(fc2_.weight.abs().sum(0).sort(0, /*descending=*/true));
    permute(fc2_.weight, 1, order);
    permute(fc1_.weight, 0, order), permute(fc1_.bias, 0, order);
    return true;
  }

  Slices slices(const ResolvedOp &op) override {
    Slices s;
    int64_t c = op.in[0], dim = I(op, "dim"), hidden = hiddenOf(op);
    ln1_.add(s, "ln1.", c), ln2_.add(s, "ln2.", c);
    q_.add(s, "attn.q.", dim, c), k_.add(s, "attn.k.", dim, c), v_.add(s, "attn.v.", dim, c);
    o_.add(s, "attn.o.", c, dim);
    fc1_.add(s, "fc1.", hidden, c), fc2_.add(s, "fc2.", c, hidden);
    return s;
  }

private:
  LayerNorm ln1_, ln2_;
  Dense q_, k_, v_, o_, fc1_, fc2_;
};

std::string text(const runtime::Json &j) { return j.dump(); }

} // namespace

std::optional<std::string> elasticSignature(const ResolvedOp &op) {
  const std::string &impl = op.impl;
  if (impl == "conv2d" || impl == "conv_bn_relu" || impl == "relu_conv_bn") {
    auto kind = convKind(op, ConvLayer::groups(op));
    if (!kind)
      return std::nullopt;
    int64_t k = I(op, "kernel"), kw = ConvLayer::kernelW(op);
    std::string sig = impl + "|" + *kind + "|stride=" + text(op.param("stride")) +
                      "|dilation=" + std::to_string(ConvLayer::dilation(op));
    if (impl == "conv2d")
      sig += "|bias=" + text(op.param("bias"));
    if (k != kw) // a kernel that is not square does not change
      sig += "|kernel=" + std::to_string(k) + "x" + std::to_string(kw);
    return sig;
  }
  if (impl == "mbconv") {
    if (I(op, "groups") != 1)
      return std::nullopt;
    std::string sig = impl;
    for (const char *p : {"stride", "act", "se", "se_gate", "expand_conv", "skip"})
      sig += std::string("|") + p + "=" + text(op.param(p));
    return sig;
  }
  if (impl == "batch_norm2d" || impl == "layer_norm")
    return impl + "|affine=" + text(op.param("affine"));
  if (impl == "linear")
    return impl + "|bias=" + text(op.param("bias"));
  if (impl == "squeeze_excite")
    return impl + "|gate=" + text(op.param("gate"));
  if (impl == "patch_embed")
    return impl + "|patch=" + text(op.param("patch")) + "|grid=" + std::to_string(op.in[1]) + "x" +
           std::to_string(op.in[2]);
  if (impl == "transformer_block")
    return impl;
  return std::nullopt;
}

std::shared_ptr<ElasticLayer> makeElasticLayer(const std::vector<ResolvedOp> &configs) {
  if (configs.empty())
    throw std::invalid_argument("an elastic layer needs a configuration");
  auto sig = elasticSignature(configs[0]);
  if (!sig)
    throw std::invalid_argument("op '" + configs[0].op + "' (" + configs[0].key() + ") does not slice");
  for (const ResolvedOp &op : configs)
    if (elasticSignature(op) != sig)
      throw std::invalid_argument("elastic layer: " + op.key() + " and " + configs[0].key() +
                                  " differ in more than sliceable sizes");
  const std::string &impl = configs[0].impl;
  if (impl == "conv2d" || impl == "conv_bn_relu" || impl == "relu_conv_bn")
    return std::make_shared<ConvLayer>(configs);
  if (impl == "mbconv")
    return std::make_shared<MBConvLayer>(configs);
  if (impl == "batch_norm2d")
    return std::make_shared<BatchNormLayer>(configs);
  if (impl == "layer_norm")
    return std::make_shared<LayerNormLayer>(configs);
  if (impl == "linear")
    return std::make_shared<LinearLayer>(configs);
  if (impl == "squeeze_excite")
    return std::make_shared<SqueezeExciteLayer>(configs);
  if (impl == "patch_embed")
    return std::make_shared<PatchEmbedLayer>(configs);
  return std::make_shared<TransformerLayer>(configs); // the signature admits nothing else
}

} // namespace nasc::nn
