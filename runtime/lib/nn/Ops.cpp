//===- Ops.cpp - LibTorch modules for the stdlib's kernels ----------------===//
//
// Architectures follow the papers' reference code where the op comes from
// one (NAS-Bench-201's ReLUConvBN and ResNet block, DARTS's SepConv/DilConv/
// FactorizedReduce, MobileNetV2's inverted bottleneck). 'same' padding
// everywhere: an op with stride s maps H to ceil(H / s), as the cost rules say.
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/Ops.h"

#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>

namespace nasc::nn {

using runtime::asBool;
using runtime::asDouble;
using runtime::asInt;
using runtime::asString;
using runtime::ResolvedOp;
namespace F = torch::nn::functional;

namespace {

int64_t I(const ResolvedOp &op, const char *name) { return asInt(op.param(name)); }
double D(const ResolvedOp &op, const char *name) { return asDouble(op.param(name)); }
bool B(const ResolvedOp &op, const char *name) { return asBool(op.param(name)); }

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kh, int64_t kw, int64_t stride = 1, int64_t dilation = 1,
                       int64_t groups = 1, bool bias = false) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, {kh, kw})
                               .stride(stride)
                               .padding({dilation * (kh - 1) / 2, dilation * (kw - 1) / 2})
                               .dilation(dilation)
                               .groups(groups)
                               .bias(bias));
}

torch::nn::BatchNorm2d bn(int64_t c, bool affine = true) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).affine(affine));
}

/// A stack of modules run in order, each registered under its position.
class Chain : public Layer {
public:
  template <typename M> Chain &add(M m) {
    auto name = std::to_string(steps_.size());
    auto held = register_module(name, m);
    steps_.push_back([held](const at::Tensor &x) { return held->forward(x); });
    return *this;
  }
  Chain &fn(std::function<at::Tensor(const at::Tensor &)> f) {
    steps_.push_back(std::move(f));
    return *this;
  }
  /// The kernels' ReLU; first in the chain, it can be shared (leadingRelu).
  Chain &relu() {
    leadingRelu_ = steps_.empty();
    return fn(nasc::nn::relu);
  }
  at::Tensor forward(const at::Tensor &x) override { return runFrom(0, x); }
  bool leadingRelu() const override { return leadingRelu_; }
  at::Tensor forwardAfterRelu(const at::Tensor &relued) override { return runFrom(leadingRelu_ ? 1 : 0, relued); }

private:
  std::vector<std::function<at::Tensor(const at::Tensor &)>> steps_;
  bool leadingRelu_ = false;
  at::Tensor runFrom(size_t first, const at::Tensor &x) {
    at::Tensor y = x;
    for (size_t i = first; i < steps_.size(); ++i)
      y = steps_[i](y);
    return y;
  }
};

/// Where ReLUs report which units they let through (NASWOT reads the
/// binary codes); null almost always.
thread_local std::vector<at::Tensor> *reluCodes = nullptr;

at::Tensor reluRecorded(const at::Tensor &x) {
  if (reluCodes)
    reluCodes->push_back((x > 0).flatten(1).to(torch::kDouble));
  return torch::relu(x);
}

// ---- convolutions ----------------------------------------------------------------

std::shared_ptr<Layer> conv2d(const ResolvedOp &op) {
  auto c = std::make_shared<Chain>();
  c->add(conv(op.in[0], I(op, "out"), I(op, "kernel"), I(op, "kernel_w"), I(op, "stride"), I(op, "dilation"),
              I(op, "groups"), B(op, "bias")));
  return c;
}

std::shared_ptr<Layer> sepConv(const ResolvedOp &op) {
  int64_t c = op.in[0], k = I(op, "kernel"), out = I(op, "out");
  auto l = std::make_shared<Chain>();
  l->relu().add(conv(c, c, k, k, I(op, "stride"), 1, c)).add(conv(c, c, 1, 1)).add(bn(c));
  l->fn(reluRecorded).add(conv(c, c, k, k, 1, 1, c)).add(conv(c, out, 1, 1)).add(bn(out));
  return l;
}

std::shared_ptr<Layer> dilConv(const ResolvedOp &op) {
  int64_t c = op.in[0], k = I(op, "kernel"), out = I(op, "out");
  auto l = std::make_shared<Chain>();
  l->relu().add(conv(c, c, k, k, I(op, "stride"), I(op, "dilation"), c)).add(conv(c, out, 1, 1)).add(bn(out));
  return l;
}

std::shared_ptr<Layer> reluConvBn(const ResolvedOp &op) {
  int64_t k = I(op, "kernel"), out = I(op, "out");
  auto l = std::make_shared<Chain>();
  l->relu().add(conv(op.in[0], out, k, k, I(op, "stride"), I(op, "dilation"))).add(bn(out));
  return l;
}

std::shared_ptr<Layer> convBnRelu(const ResolvedOp &op) {
  int64_t out = I(op, "out");
  auto l = std::make_shared<Chain>();
  l->add(conv(op.in[0], out, I(op, "kernel"), I(op, "kernel_w"), I(op, "stride"), 1, I(op, "groups")))
      .add(bn(out))
      .fn(reluRecorded);
  return l;
}

/// DARTS FactorizedReduce; the second path is shifted by one pixel. Odd
/// sizes are padded first so both paths give ceil(H / 2) (NAS-Bench-201's way).
class FactorizedReduce : public Layer {
public:
  explicit FactorizedReduce(const ResolvedOp &op) {
    int64_t c = op.in[0], out = I(op, "out");
    a_ = register_module("a", conv(c, out / 2, 1, 1, 2));
    b_ = register_module("b", conv(c, out - out / 2, 1, 1, 2));
    bn_ = register_module("bn", bn(out));
  }
  at::Tensor forward(const at::Tensor &x) override {
    at::Tensor y = torch::relu(x);
    at::Tensor shifted = F::pad(y, F::PadFuncOptions({0, 1, 0, 1})).narrow(2, 1, y.size(2)).narrow(3, 1, y.size(3));
    return bn_->forward(torch::cat({a_->forward(y), b_->forward(shifted)}, 1));
  }

private:
  torch::nn::Conv2d a_{nullptr}, b_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};

// ---- pooling, identity, zero -------------------------------------------------------

/// TensorFlow's 'SAME' padding of one dimension for an even kernel:
/// {before, after} so that the output has ceil(size / stride) positions.
std::pair<int64_t, int64_t> samePad(int64_t size, int64_t k, int64_t s) {
  int64_t total = std::max<int64_t>(0, ((size + s - 1) / s - 1) * s + k - size);
  return {total / 2, total - total / 2};
}

std::shared_ptr<Layer> pool(const ResolvedOp &op, bool max) {
  int64_t k = I(op, "kernel"), s = I(op, "stride");
  auto l = std::make_shared<Chain>();
  if (k % 2 == 0) { // even kernel: pad explicitly, the padding counted by neither pool
    l->fn([=](const at::Tensor &x) {
      auto [top, bottom] = samePad(x.size(2), k, s);
      auto [left, right] = samePad(x.size(3), k, s);
      F::PadFuncOptions pad({left, right, top, bottom});
      if (max)
        return torch::max_pool2d(F::pad(x, pad.value(-std::numeric_limits<double>::infinity())), {k, k}, {s, s});
      // the mean over the window's real positions: window sums over window counts
      at::Tensor ones = torch::ones({1, 1, x.size(2), x.size(3)}, x.options());
      return torch::avg_pool2d(F::pad(x, pad), {k, k}, {s, s}) / torch::avg_pool2d(F::pad(ones, pad), {k, k}, {s, s});
    });
    return l;
  }
  if (max)
    l->fn([=](const at::Tensor &x) { return torch::max_pool2d(x, {k, k}, {s, s}, {k / 2, k / 2}); });
  else
    l->fn([=](const at::Tensor &x) {
      return torch::avg_pool2d(x, {k, k}, {s, s}, {k / 2, k / 2}, /*ceil_mode=*/false, /*count_include_pad=*/false);
    });
  return l;
}

class Zero : public Layer {
public:
  explicit Zero(const ResolvedOp &op) : out_(op.out) {}
  at::Tensor forward(const at::Tensor &x) override {
    return torch::zeros({x.size(0), out_[0], out_[1], out_[2]}, x.options());
  }
  bool isZero() const override { return true; }

private:
  runtime::Shape out_;
};

std::shared_ptr<Layer> elementwise(std::function<at::Tensor(const at::Tensor &)> f) {
  auto l = std::make_shared<Chain>();
  l->fn(std::move(f));
  return l;
}

class Dropout : public Layer {
public:
  explicit Dropout(double p) : p_(p) {}
  at::Tensor forward(const at::Tensor &x) override { return p_ > 0 ? torch::dropout(x, p_, is_training()) : x; }

private:
  double p_;
};

/// Layer norm over the channels of each position.
class ChannelLayerNorm : public Layer {
public:
  ChannelLayerNorm(int64_t c, bool affine) {
    norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c}).elementwise_affine(affine)));
  }
  at::Tensor forward(const at::Tensor &x) override {
    return norm_->forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
  }

private:
  torch::nn::LayerNorm norm_{nullptr};
};

// ---- blocks --------------------------------------------------------------------------

at::Tensor channelShuffle(const at::Tensor &x, int64_t groups) {
  int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({b, groups, c / groups, h, w}).transpose(1, 2).reshape({b, c, h, w});
}

class SqueezeExcite : public Layer {
public:
  SqueezeExcite(int64_t c, int64_t squeezed, bool hardGate = false) : hardGate_(hardGate) {
    reduce_ = register_module("reduce", conv(c, squeezed, 1, 1, 1, 1, 1, true));
    expand_ = register_module("expand", conv(squeezed, c, 1, 1, 1, 1, 1, true));
  }
  at::Tensor forward(const at::Tensor &x) override {
    at::Tensor s = expand_->forward(torch::relu(reduce_->forward(x.mean({2, 3}, /*keepdim=*/true))));
    return x * (hardGate_ ? torch::hardsigmoid(s) : torch::sigmoid(s));
  }

private:
  torch::nn::Conv2d reduce_{nullptr}, expand_{nullptr};
  bool hardGate_;
};

int64_t squeezeWidth(double base, double ratio) { return std::max<int64_t>(1, std::llround(base * ratio)); }

class MBConv : public Layer {
public:
  explicit MBConv(const ResolvedOp &op) {
    int64_t c = op.in[0], e = I(op, "expand"), k = I(op, "kernel"), out = I(op, "out"), s = I(op, "stride");
    int64_t g = I(op, "groups");
    Activation act = activation(asString(op.param("act")));
    int64_t mid = c * e;
    body_ = std::make_shared<Chain>();
    if (B(op, "expand_conv")) {
      body_->add(conv(c, mid, 1, 1, 1, 1, g)).add(bn(mid)).fn(act);
      if (g > 1) // FBNet: shuffle so the grouped projection sees every group
        body_->fn([g](const at::Tensor &x) { return channelShuffle(x, g); });
    }
    body_->add(conv(mid, mid, k, k, s, 1, mid)).add(bn(mid)).fn(act);
    if (B(op, "se"))
      body_->add(std::make_shared<SqueezeExcite>(mid, I(op, "se_width"), asString(op.param("se_gate")) == "hard_sigmoid"));
    body_->add(conv(mid, out, 1, 1, 1, 1, g)).add(bn(out));
    register_module("body", body_);
    residual_ = B(op, "skip") && s == 1 && out == c;
  }
  at::Tensor forward(const at::Tensor &x) override {
    at::Tensor y = body_->forward(x);
    return residual_ ? y + x : y;
  }

private:
  std::shared_ptr<Chain> body_;
  bool residual_ = false;
};

/// A fully connected layer over the channels of each position.
class Linear : public Layer {
public:
  Linear(int64_t in, int64_t out, bool bias) {
    fc_ = register_module("fc", torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias)));
  }
  at::Tensor forward(const at::Tensor &x) override {
    if (x.size(2) == 1 && x.size(3) == 1) // the classifier: no permutes
      return fc_->forward(x.flatten(1)).unsqueeze(2).unsqueeze(3);
    return fc_->forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
  }

private:
  torch::nn::Linear fc_{nullptr};
};

/// NAS-Bench-201's ResNetBasicblock.
class ResNetBasicBlock : public Layer {
public:
  explicit ResNetBasicBlock(const ResolvedOp &op) {
    int64_t c = op.in[0], out = I(op, "out"), s = I(op, "stride");
    auto a = std::make_shared<Chain>(), b = std::make_shared<Chain>();
    a->fn(reluRecorded).add(conv(c, out, 3, 3, s)).add(bn(out));
    b->fn(reluRecorded).add(conv(out, out, 3, 3)).add(bn(out));
    a_ = register_module("conv_a", a);
    b_ = register_module("conv_b", b);
    if (s == 2) {
      auto d = std::make_shared<Chain>();
      d->fn([](const at::Tensor &x) { return torch::avg_pool2d(x, {2, 2}, {2, 2}, {0, 0}, /*ceil_mode=*/true); })
          .add(conv(c, out, 1, 1));
      down_ = register_module("downsample", d);
    } else if (c != out) {
      auto d = std::make_shared<Chain>();
      d->fn(reluRecorded).add(conv(c, out, 1, 1)).add(bn(out));
      down_ = register_module("downsample", d);
    }
  }
  at::Tensor forward(const at::Tensor &x) override {
    at::Tensor y = b_->forward(a_->forward(x));
    return y + (down_ ? down_->forward(x) : x);
  }

private:
  std::shared_ptr<Chain> a_, b_, down_;
};

std::shared_ptr<Layer> reductionBlock(const ResolvedOp &op) {
  int64_t out = I(op, "out");
  auto l = std::make_shared<Chain>();
  l->fn([](const at::Tensor &x) { return torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1}); })
      .add(conv(op.in[0], out, 1, 1))
      .add(bn(out))
      .fn(reluRecorded);
  return l;
}

// ---- transformers ---------------------------------------------------------------------

class PatchEmbed : public Layer {
public:
  explicit PatchEmbed(const ResolvedOp &op) {
    int64_t dim = I(op, "dim"), p = I(op, "patch");
    proj_ = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(op.in[0], dim, p).stride(p)));
    pos_ = register_parameter("pos", torch::zeros({1, dim, op.in[1] / p, op.in[2] / p}));
    torch::nn::init::normal_(pos_, 0.0, 0.02);
  }
  at::Tensor forward(const at::Tensor &x) override { return proj_->forward(x) + pos_; }

private:
  torch::nn::Conv2d proj_{nullptr};
  at::Tensor pos_;
};

/// Multi-head self-attention over the H * W positions of a map.
class Attention : public Layer {
public:
  Attention(int64_t c, int64_t dim, int64_t heads) : heads_(heads) {
    q_ = register_module("q", torch::nn::Linear(c, dim));
    k_ = register_module("k", torch::nn::Linear(c, dim));
    v_ = register_module("v", torch::nn::Linear(c, dim));
    o_ = register_module("o", torch::nn::Linear(dim, c));
  }
  /// tokens: [B, T, C] -> [B, T, C].
  at::Tensor attend(const at::Tensor &t) {
    int64_t b = t.size(0), n = t.size(1);
    auto split = [&](const at::Tensor &y) { return y.view({b, n, heads_, -1}).transpose(1, 2); };
    at::Tensor q = split(q_->forward(t)), k = split(k_->forward(t)), v = split(v_->forward(t));
    at::Tensor w = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(q.size(-1))), -1);
    return o_->forward(torch::matmul(w, v).transpose(1, 2).reshape({b, n, -1}));
  }
  at::Tensor forward(const at::Tensor &x) override {
    at::Tensor t = x.flatten(2).transpose(1, 2);
    return attend(t).transpose(1, 2).reshape(x.sizes());
  }

private:
  int64_t heads_;
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, o_{nullptr};
};

/// Pre-norm transformer encoder block.
class TransformerBlock : public Layer {
public:
  explicit TransformerBlock(const ResolvedOp &op) {
    int64_t c = op.in[0], hidden = std::llround(c * D(op, "mlp_ratio"));
    ln1_ = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c})));
    ln2_ = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c})));
    attn_ = register_module("attn", std::make_shared<Attention>(c, I(op, "dim"), I(op, "heads")));
    fc1_ = register_module("fc1", torch::nn::Linear(c, hidden));
    fc2_ = register_module("fc2", torch::nn::Linear(hidden, c));
  }
  at::Tensor forward(const at::Tensor &x) override {
    at::Tensor t = x.flatten(2).transpose(1, 2);
    t = t + attn_->attend(ln1_->forward(t));
    t = t + fc2_->forward(torch::gelu(fc1_->forward(ln2_->forward(t))));
    return t.transpose(1, 2).reshape(x.sizes());
  }

private:
  torch::nn::LayerNorm ln1_{nullptr}, ln2_{nullptr};
  std::shared_ptr<Attention> attn_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};

using Factory = std::function<std::shared_ptr<Layer>(const ResolvedOp &)>;

const std::map<std::string, Factory> &factories() {
  static const std::map<std::string, Factory> table = {
      {"conv2d", conv2d},
      {"sep_conv", sepConv},
      {"dil_conv", dilConv},
      {"relu_conv_bn", reluConvBn},
      {"conv_bn_relu", convBnRelu},
      {"factorized_reduce", [](const ResolvedOp &op) { return std::make_shared<FactorizedReduce>(op); }},
      {"max_pool2d", [](const ResolvedOp &op) { return pool(op, true); }},
      {"avg_pool2d", [](const ResolvedOp &op) { return pool(op, false); }},
      {"global_avg_pool",
       [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return x.mean({2, 3}, true); }); }},
      {"identity", [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return x; }); }},
      {"zero", [](const ResolvedOp &op) { return std::make_shared<Zero>(op); }},
      {"batch_norm2d",
       [](const ResolvedOp &op) {
         auto l = std::make_shared<Chain>();
         l->add(bn(op.in[0], B(op, "affine")));
         return l;
       }},
      {"instance_norm2d",
       [](const ResolvedOp &op) {
         auto l = std::make_shared<Chain>();
         l->add(torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(op.in[0]).affine(B(op, "affine"))));
         return l;
       }},
      {"layer_norm",
       [](const ResolvedOp &op) { return std::make_shared<ChannelLayerNorm>(op.in[0], B(op, "affine")); }},
      {"relu", [](const ResolvedOp &) { return elementwise(reluRecorded); }},
      {"relu6", [](const ResolvedOp &) { return elementwise(activation("relu6")); }},
      {"mish", [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return torch::mish(x); }); }},
      {"channel_shuffle",
       [](const ResolvedOp &op) {
         int64_t g = I(op, "groups");
         return elementwise([g](const at::Tensor &x) { return channelShuffle(x, g); });
       }},
      {"swish", [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return torch::silu(x); }); }},
      {"hard_swish",
       [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return torch::hardswish(x); }); }},
      {"gelu", [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return torch::gelu(x); }); }},
      {"sigmoid",
       [](const ResolvedOp &) { return elementwise([](const at::Tensor &x) { return torch::sigmoid(x); }); }},
      {"dropout", [](const ResolvedOp &op) { return std::make_shared<Dropout>(D(op, "p")); }},
      {"squeeze_excite",
       [](const ResolvedOp &op) {
         return std::make_shared<SqueezeExcite>(op.in[0], squeezeWidth(double(I(op, "base")), D(op, "ratio")),
                                                asString(op.param("gate")) == "hard_sigmoid");
       }},
      {"mbconv", [](const ResolvedOp &op) { return std::make_shared<MBConv>(op); }},
      {"linear",
       [](const ResolvedOp &op) { return std::make_shared<Linear>(op.in[0], I(op, "out"), B(op, "bias")); }},
      {"resnet_basic_block", [](const ResolvedOp &op) { return std::make_shared<ResNetBasicBlock>(op); }},
      {"reduction_block", reductionBlock},
      {"patch_embed", [](const ResolvedOp &op) { return std::make_shared<PatchEmbed>(op); }},
      {"multi_head_attention",
       [](const ResolvedOp &op) {
         return std::make_shared<Attention>(op.in[0], I(op, "dim"), I(op, "heads"));
       }},
      {"transformer_block", [](const ResolvedOp &op) { return std::make_shared<TransformerBlock>(op); }},
  };
  return table;
}

} // namespace

at::Tensor relu(const at::Tensor &x) { return reluRecorded(x); }

at::Tensor reuseRelu(const at::Tensor &relued) {
  if (reluCodes) // relu(x) > 0 exactly where x > 0
    reluCodes->push_back((relued > 0).flatten(1).to(torch::kDouble));
  return relued;
}

Activation activation(const std::string &name) {
  if (name == "relu6")
    return [](const at::Tensor &x) { return torch::hardtanh(x, 0.0, 6.0); };
  if (name == "swish")
    return [](const at::Tensor &x) { return torch::silu(x); };
  if (name == "hard_swish")
    return [](const at::Tensor &x) { return torch::hardswish(x); };
  if (name == "relu")
    return reluRecorded;
  throw std::invalid_argument("unknown activation '" + name + "'");
}

std::shared_ptr<Layer> makeLayer(const ResolvedOp &op) {
  auto it = factories().find(op.impl);
  if (it == factories().end()) {
    std::string known;
    for (auto &[name, f] : factories())
      known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument("op '" + op.op + "': the runtime has no kernel '" + op.impl + "' (it has " + known +
                                ")");
  }
  return it->second(op);
}

std::vector<std::string> kernelNames() {
  std::vector<std::string> out;
  for (auto &[name, f] : factories())
    out.push_back(name);
  return out;
}

ReluCodeRecorder::ReluCodeRecorder(std::vector<at::Tensor> &codes) : previous_(reluCodes) { reluCodes = &codes; }
ReluCodeRecorder::~ReluCodeRecorder() { reluCodes = previous_; }

int64_t countParameters(const torch::nn::Module &m) {
  int64_t n = 0;
  for (const auto &p : m.parameters())
    n += p.numel();
  return n;
}

} // namespace nasc::nn
