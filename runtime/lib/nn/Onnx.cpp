//===- Onnx.cpp - A child network as an ONNX model -------------------------===//
//
// Walks the child's plan as Network::forward does (input, apply, sum,
// concat, and what picks and switches route) and writes each op's kernel as
// ONNX nodes, reading the weights from the op's module (Ops.cpp: a Chain
// registers its torch modules in the order they run; the
// ReLUs between them are plain functions, so each kernel's order is spelled
// out here, next to Ops.cpp's). A Chain names each module by its position
// among all steps, ReLUs included: sep_conv's first conv is "1".
//
//===----------------------------------------------------------------------===//
#include "nasc/nn/Onnx.h"

#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include <limits>
#include <map>
#include <set>

namespace nasc::nn {

namespace {

using runtime::PlacedOp;
using runtime::ResolvedOp;

class Builder {
public:
  explicit Builder(onnx::GraphProto &g) : g_(g) {}

  std::string fresh(const std::string &prefix) { return prefix + "_" + std::to_string(counter_++); }

  onnx::NodeProto &node(const std::string &type, const std::vector<std::string> &in, const std::string &out) {
    onnx::NodeProto &n = *g_.add_node();
    n.set_op_type(type);
    n.set_name(out);
    for (const std::string &i : in)
      n.add_input(i);
    n.add_output(out);
    return n;
  }
  static void ints(onnx::NodeProto &n, const std::string &name, const std::vector<int64_t> &v) {
    onnx::AttributeProto &a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v)
      a.add_ints(x);
  }
  static void integer(onnx::NodeProto &n, const std::string &name, int64_t v) {
    onnx::AttributeProto &a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(v);
  }
  static void real(onnx::NodeProto &n, const std::string &name, float v) {
    onnx::AttributeProto &a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(v);
  }

  /// A float initializer holding `t`.
  std::string weight(const std::string &name, const at::Tensor &t) {
    at::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    onnx::TensorProto &p = *g_.add_initializer();
    p.set_name(name);
    p.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : c.sizes())
      p.add_dims(d);
    p.set_raw_data(std::string(reinterpret_cast<const char *>(c.data_ptr<float>()), size_t(c.numel()) * sizeof(float)));
    return name;
  }
  std::string int64s(const std::string &name, const std::vector<int64_t> &v) {
    onnx::TensorProto &p = *g_.add_initializer();
    p.set_name(name);
    p.set_data_type(onnx::TensorProto::INT64);
    p.add_dims(int64_t(v.size()));
    for (int64_t x : v)
      p.add_int64_data(x);
    return name;
  }

private:
  onnx::GraphProto &g_;
  int64_t counter_ = 0;
};

at::Tensor parameter(torch::nn::Module &m, const std::string &name) {
  for (const auto &p : m.named_parameters(true))
    if (p.key() == name)
      return p.value();
  for (const auto &b : m.named_buffers(true))
    if (b.key() == name)
      return b.value();
  return at::Tensor();
}

std::shared_ptr<torch::nn::Module> child(torch::nn::Module &m, const std::string &name) {
  for (const auto &c : m.named_children())
    if (c.key() == name)
      return c.value();
  std::string have;
  for (const auto &c : m.named_children())
    have += " " + c.key();
  throw std::logic_error(m.name() + " has no module '" + name + "' (it has:" + have + ")");
}

/// What one kernel's modules are, in the order they run.
class KernelWriter {
public:
  KernelWriter(Builder &b, torch::nn::Module &layer, const std::string &prefix)
      : b_(b), layer_(layer), prefix_(prefix) {}
  torch::nn::Module &layer() { return layer_; }

  std::string relu(const std::string &x) { return b_.node("Relu", {x}, b_.fresh(prefix_ + "relu")).output(0); }

  /// Module `name` of the layer, a Conv2d.
  std::string conv(const std::string &x, const std::string &name) {
    auto m = child(layer_, name);
    auto *conv = m->as<torch::nn::Conv2dImpl>();
    if (!conv)
      throw std::logic_error("module " + name + " is not a convolution");
    const auto &o = conv->options;
    std::vector<std::string> in{x, b_.weight(prefix_ + name + ".weight", conv->weight)};
    if (conv->bias.defined())
      in.push_back(b_.weight(prefix_ + name + ".bias", conv->bias));
    auto &n = b_.node("Conv", in, b_.fresh(prefix_ + "conv"));
    auto k = conv->weight.sizes();
    int64_t dh = (*o.dilation())[0], dw = (*o.dilation())[1];
    // Ops.cpp's conv(): 'same' padding, dilation * (kernel - 1) / 2 each side.
    int64_t ph = dh * (k[2] - 1) / 2, pw = dw * (k[3] - 1) / 2;
    Builder::ints(n, "kernel_shape", {k[2], k[3]});
    Builder::ints(n, "strides", {(*o.stride())[0], (*o.stride())[1]});
    Builder::ints(n, "dilations", {dh, dw});
    Builder::ints(n, "pads", {ph, pw, ph, pw});
    Builder::integer(n, "group", o.groups());
    return n.output(0);
  }

  /// Module `name`, a BatchNorm2d, with its running statistics.
  std::string bn(const std::string &x, const std::string &name) {
    auto m = child(layer_, name);
    auto *bn = m->as<torch::nn::BatchNorm2dImpl>();
    if (!bn)
      throw std::logic_error("module " + name + " is not a batch norm");
    int64_t c = bn->options.num_features();
    at::Tensor scale = bn->weight.defined() ? bn->weight : torch::ones({c});
    at::Tensor shift = bn->bias.defined() ? bn->bias : torch::zeros({c});
    auto &n = b_.node("BatchNormalization",
                      {x, b_.weight(prefix_ + name + ".weight", scale), b_.weight(prefix_ + name + ".bias", shift),
                       b_.weight(prefix_ + name + ".running_mean", bn->running_mean),
                       b_.weight(prefix_ + name + ".running_var", bn->running_var)},
                      b_.fresh(prefix_ + "bn"));
    Builder::real(n, "epsilon", float(bn->options.eps()));
    return n.output(0);
  }

  /// An activation by MBConv's name (Ops.cpp's activation()).
  std::string activation(const std::string &x, const std::string &name) {
    if (name == "relu")
      return relu(x);
    if (name == "relu6") { // relu(x) - relu(x - 6): OpenCV 4.6 reads only opset 6's Clip
      std::string shifted =
          b_.node("Sub", {x, b_.weight(b_.fresh(prefix_ + "six"), torch::full({1}, 6.0))}, b_.fresh(prefix_ + "sub"))
              .output(0);
      return b_.node("Sub", {relu(x), relu(shifted)}, b_.fresh(prefix_ + "relu6")).output(0);
    }
    if (name == "swish")
      return b_.node("Mul", {x, gate(x, false)}, b_.fresh(prefix_ + "swish")).output(0);
    if (name == "hard_swish")
      return b_.node("Mul", {x, gate(x, true)}, b_.fresh(prefix_ + "hswish")).output(0);
    throw std::invalid_argument("activation '" + name + "' has no ONNX form in this exporter");
  }
  /// sigmoid(x), or PyTorch's hardsigmoid (x / 6 + 1/2, clipped to [0, 1]).
  std::string gate(const std::string &x, bool hard) {
    if (!hard)
      return b_.node("Sigmoid", {x}, b_.fresh(prefix_ + "sigmoid")).output(0);
    // (relu(x + 3) - relu(x - 3)) / 6 rather than HardSigmoid: OpenCV 4.6
    // fuses a HardSigmoid that follows a convolution into it and loses its
    // alpha and beta (0.35 off on squeeze-excite's gate, measured).
    auto constant = [&](const char *what, double v) { return b_.weight(b_.fresh(prefix_ + what), torch::full({1}, v)); };
    std::string up = b_.node("Add", {x, constant("three", 3.0)}, b_.fresh(prefix_ + "add")).output(0);
    std::string down = b_.node("Sub", {x, constant("three", 3.0)}, b_.fresh(prefix_ + "sub")).output(0);
    std::string clipped = b_.node("Sub", {relu(up), relu(down)}, b_.fresh(prefix_ + "clip")).output(0);
    return b_.node("Mul", {clipped, constant("sixth", 1.0 / 6.0)}, b_.fresh(prefix_ + "hsigmoid")).output(0);
  }
  /// Ops.cpp's channelShuffle as a 1x1 convolution by the permutation
  /// (output channel j*g + i is input channel i*(C/g) + j): exact, and read
  /// by every runtime (OpenCV 4.6 does not take the 5-D reshape of the usual
  /// Reshape-Transpose-Reshape). Costs C*C weights.
  std::string shuffle(const std::string &x, int64_t groups, const runtime::Shape &s, int64_t batch) {
    (void)batch;
    int64_t c = s[0], n = c / groups;
    at::Tensor perm = torch::zeros({c, c, 1, 1});
    for (int64_t o = 0; o < c; ++o)
      perm[o][(o % groups) * n + o / groups][0][0] = 1.0;
    auto &conv = b_.node("Conv", {x, b_.weight(b_.fresh(prefix_ + "permutation"), perm)}, b_.fresh(prefix_ + "shuffle"));
    Builder::ints(conv, "kernel_shape", {1, 1});
    return conv.output(0);
  }
  /// SqueezeExcite module `m` (its `reduce` and `expand` 1x1 convs) on x.
  std::string squeezeExcite(const std::string &x, torch::nn::Module &m, const std::string &prefix, bool hard) {
    KernelWriter inner(b_, m, prefix);
    std::string pooled = b_.node("GlobalAveragePool", {x}, b_.fresh(prefix + "squeeze")).output(0);
    std::string s = inner.conv(inner.relu(inner.conv(pooled, "reduce")), "expand");
    return b_.node("Mul", {x, gate(s, hard)}, b_.fresh(prefix + "excite")).output(0);
  }

  /// A chain of steps: "relu", "conv:N", "bn:N".
  std::string chain(std::string x, const std::vector<std::string> &steps) {
    for (const std::string &s : steps) {
      if (s == "relu")
        x = relu(x);
      else if (s.rfind("conv:", 0) == 0)
        x = conv(x, s.substr(5));
      else
        x = bn(x, s.substr(3));
    }
    return x;
  }

private:
  Builder &b_;
  torch::nn::Module &layer_;
  std::string prefix_;
};

/// TensorFlow's 'SAME' split of one dimension's padding (Ops.cpp's samePad).
std::pair<int64_t, int64_t> samePad(int64_t size, int64_t k, int64_t s) {
  int64_t total = std::max<int64_t>(0, ((size + s - 1) / s - 1) * s + k - size);
  return {total / 2, total - total / 2};
}

int64_t intParam(const ResolvedOp &op, const char *name) { return runtime::asInt(op.param(name)); }

const std::set<std::string> &kernels() {
  static const std::set<std::string> k = {"conv2d",      "sep_conv",     "dil_conv",        "relu_conv_bn",
                                          "conv_bn_relu", "batch_norm2d", "factorized_reduce", "max_pool2d",
                                          "avg_pool2d",  "global_avg_pool", "identity",       "dropout",
                                          "zero",        "relu",         "relu6",           "sigmoid",         "swish",
                                          "hard_swish",  "channel_shuffle", "squeeze_excite", "mbconv",
                                          "linear",      "resnet_basic_block", "reduction_block", "mish",
                                          "gelu",        "layer_norm",   "instance_norm2d", "patch_embed",
                                          "multi_head_attention", "transformer_block"};
  return k;
}

/// (x - mean) / sqrt(var + eps), then weight and bias (when defined) per
/// channel as a depthwise 1x1 Conv named `weights` + ".weight"/".bias";
/// `mean` writes the nodes that give each element its group's mean
/// (instance norm: the channel's positions; layer norm: the position's
/// channels), in a shape as x's.
std::string normalized(Builder &b, const std::string &prefix, const std::string &x,
                       const std::function<std::string(const std::string &)> &mean, double eps,
                       const at::Tensor &weight, const at::Tensor &bias, int64_t c, const std::string &weights) {
  std::string centred = b.node("Sub", {x, mean(x)}, b.fresh(prefix + "centre")).output(0);
  std::string square = b.node("Mul", {centred, centred}, b.fresh(prefix + "square")).output(0);
  std::string var = b.node("Add", {mean(square), b.weight(b.fresh(prefix + "eps"), torch::full({1}, eps))},
                           b.fresh(prefix + "var"))
                        .output(0);
  std::string sd = b.node("Sqrt", {var}, b.fresh(prefix + "sd")).output(0);
  std::string y = b.node("Div", {centred, sd}, b.fresh(prefix + "normed")).output(0);
  if (!weight.defined())
    return y;
  auto &affine = b.node("Conv",
                        {y, b.weight(weights + ".weight", weight.reshape({c, 1, 1, 1})),
                         b.weight(weights + ".bias", bias)},
                        b.fresh(prefix + "affine"));
  Builder::ints(affine, "kernel_shape", {1, 1});
  Builder::integer(affine, "group", c);
  return affine.output(0);
}

/// A LayerNorm over each position's channels (torch::nn::LayerNorm on the
/// tokens): the moments as 1x1 convolutions by a C x C matrix of 1/C (opset
/// 13 has no LayerNormalization; OpenCV 4.6 fails on a channel ReduceMean
/// broadcast back), the affine part a depthwise 1x1 convolution.
std::string channelLayerNorm(Builder &b, const std::string &prefix, const std::string &x, torch::nn::LayerNormImpl &ln,
                             int64_t c, const std::string &weights) {
  std::string averaging = b.weight(b.fresh(prefix + "average"), torch::full({c, c, 1, 1}, 1.0 / double(c)));
  auto mean = [&](const std::string &v) {
    auto &n = b.node("Conv", {v, averaging}, b.fresh(prefix + "mean"));
    Builder::ints(n, "kernel_shape", {1, 1});
    return n.output(0);
  };
  return normalized(b, prefix, x, mean, ln.options.eps(), ln.weight, ln.bias, c, weights);
}

/// The exact GELU: x / 2 * (1 + erf(x / sqrt(2))).
std::string gelu(Builder &b, const std::string &prefix, const std::string &x) {
  auto constant = [&](const char *what, double v) { return b.weight(b.fresh(prefix + what), torch::full({1}, v)); };
  std::string scaled = b.node("Mul", {x, constant("rsqrt2", 1.0 / std::sqrt(2.0))}, b.fresh(prefix + "scale")).output(0);
  std::string e = b.node("Erf", {scaled}, b.fresh(prefix + "erf")).output(0);
  std::string one = b.node("Add", {e, constant("one", 1.0)}, b.fresh(prefix + "add")).output(0);
  std::string half = b.node("Mul", {x, constant("half", 0.5)}, b.fresh(prefix + "half")).output(0);
  return b.node("Mul", {half, one}, b.fresh(prefix + "gelu")).output(0);
}

/// A torch Linear applied at every position of a map: a 1x1 convolution
/// with its weights (times `scale`).
std::string pointwise(Builder &b, const std::string &x, torch::nn::Module &m, const std::string &name,
                      double scale = 1.0) {
  auto *lin = m.as<torch::nn::LinearImpl>();
  if (!lin)
    throw std::logic_error("module " + name + " is not a linear layer");
  int64_t out = lin->weight.size(0), in = lin->weight.size(1);
  std::vector<std::string> inputs{x, b.weight(name + ".weight", lin->weight.reshape({out, in, 1, 1}) * scale)};
  if (lin->bias.defined())
    inputs.push_back(b.weight(name + ".bias", lin->bias * scale));
  auto &conv = b.node("Conv", inputs, b.fresh(name));
  Builder::ints(conv, "kernel_shape", {1, 1});
  return conv.output(0);
}

/// Ops.cpp's Attention (modules q, k, v, o) on a C x H x W map, kept
/// channel-major: per head, Q and K as [d, T] (T = H * W positions); the
/// scores K^T Q are [T_keys, T_queries], softmax over the keys (axis 2),
/// V [d, T_keys] times them gives the head's [d, T_queries]. The 1/sqrt(d)
/// scale is folded into Q's weights. Reshapes copy the batch (0), so the
/// batch may be dynamic.
std::string attention(Builder &b, const std::string &prefix, const std::string &x, torch::nn::Module &m,
                      int64_t heads, int64_t h, int64_t w) {
  auto q = child(m, "q"), k = child(m, "k"), v = child(m, "v"), o = child(m, "o");
  int64_t dim = q->as<torch::nn::LinearImpl>()->weight.size(0), d = dim / heads;
  std::string split = b.int64s(b.fresh(prefix + "heads"), {0, heads, d, h * w});
  auto project = [&](torch::nn::Module &lin, const std::string &name, double scale) {
    std::string y = pointwise(b, x, lin, prefix + name, scale);
    return b.node("Reshape", {y, split}, b.fresh(prefix + name + "_heads")).output(0);
  };
  std::string qh = project(*q, "q", 1.0 / std::sqrt(double(d))), kh = project(*k, "k", 1.0),
              vh = project(*v, "v", 1.0);
  auto &kt = b.node("Transpose", {kh}, b.fresh(prefix + "k_t"));
  Builder::ints(kt, "perm", {0, 1, 3, 2});
  std::string scores = b.node("MatMul", {kt.output(0), qh}, b.fresh(prefix + "scores")).output(0);
  auto &soft = b.node("Softmax", {scores}, b.fresh(prefix + "softmax"));
  Builder::integer(soft, "axis", 2);
  std::string mixed = b.node("MatMul", {vh, soft.output(0)}, b.fresh(prefix + "mixed")).output(0);
  std::string map = b.node("Reshape", {mixed, b.int64s(b.fresh(prefix + "map"), {0, dim, h, w})},
                           b.fresh(prefix + "merged"))
                        .output(0);
  return pointwise(b, map, *o, prefix + "o");
}

/// One op of an apply node: its ONNX nodes on `x`; returns the output name.
std::string writeOp(Builder &b, const PlacedOp &placed, torch::nn::Module &layer, const std::string &x,
                    const std::string &prefix, int64_t batch) {
  const ResolvedOp &op = placed.op;
  const std::string &k = op.impl;
  KernelWriter w(b, layer, prefix);
  if (!kernels().count(k))
    throw std::invalid_argument("op '" + op.op + "' (kernel " + k + ") has no ONNX form in this exporter; it writes " +
                                [] {
                                  std::string all;
                                  for (const std::string &n : kernels())
                                    all += (all.empty() ? "" : ", ") + n;
                                  return all;
                                }());
  if (k == "conv2d")
    return w.chain(x, {"conv:0"});
  if (k == "sep_conv")
    return w.chain(x, {"relu", "conv:1", "conv:2", "bn:3", "relu", "conv:5", "conv:6", "bn:7"});
  if (k == "dil_conv")
    return w.chain(x, {"relu", "conv:1", "conv:2", "bn:3"});
  if (k == "relu_conv_bn")
    return w.chain(x, {"relu", "conv:1", "bn:2"});
  if (k == "conv_bn_relu")
    return w.chain(x, {"conv:0", "bn:1", "relu"});
  if (k == "batch_norm2d")
    return w.chain(x, {"bn:0"});
  if (k == "factorized_reduce") {
    // relu; conv a on it; conv b on it shifted by one pixel (padded at the
    // bottom and right, then rows and columns 1..H); concat; bn.
    std::string y = w.relu(x);
    std::string a = w.conv(y, "a");
    std::string padded = b.node("Pad", {y, b.int64s(b.fresh(prefix + "pads"), {0, 0, 0, 0, 0, 0, 1, 1})},
                                b.fresh(prefix + "pad"))
                             .output(0);
    std::string shifted =
        b.node("Slice",
               {padded, b.int64s(b.fresh(prefix + "starts"), {1, 1}),
                b.int64s(b.fresh(prefix + "ends"), {op.in[1] + 1, op.in[2] + 1}), b.int64s(b.fresh(prefix + "axes"), {2, 3})},
               b.fresh(prefix + "shift"))
            .output(0);
    std::string bb = w.conv(shifted, "b");
    auto &cat = b.node("Concat", {a, bb}, b.fresh(prefix + "cat"));
    Builder::integer(cat, "axis", 1);
    return w.bn(cat.output(0), "bn");
  }
  if (k == "max_pool2d" || k == "avg_pool2d") {
    int64_t kernel = intParam(op, "kernel"), stride = intParam(op, "stride");
    std::vector<int64_t> pads;
    if (kernel % 2 == 0) {
      auto [top, bottom] = samePad(op.in[1], kernel, stride);
      auto [left, right] = samePad(op.in[2], kernel, stride);
      pads = {top, left, bottom, right};
    } else {
      pads = {kernel / 2, kernel / 2, kernel / 2, kernel / 2};
    }
    auto &n = b.node(k == "max_pool2d" ? "MaxPool" : "AveragePool", {x}, b.fresh(prefix + "pool"));
    Builder::ints(n, "kernel_shape", {kernel, kernel});
    Builder::ints(n, "strides", {stride, stride});
    Builder::ints(n, "pads", pads);
    if (k == "avg_pool2d")
      Builder::integer(n, "count_include_pad", 0); // the mean over the window's real positions
    return n.output(0);
  }
  if (k == "global_avg_pool")
    return b.node("GlobalAveragePool", {x}, b.fresh(prefix + "gap")).output(0);
  if (k == "identity" || k == "dropout") // dropout is the identity at inference
    return b.node("Identity", {x}, b.fresh(prefix + "id")).output(0);
  if (k == "zero")
    throw std::logic_error("a zero op is folded into a constant, not written");
  if (k == "relu")
    return w.relu(x);
  if (k == "sigmoid")
    return b.node("Sigmoid", {x}, b.fresh(prefix + "sigmoid")).output(0);
  if (k == "swish" || k == "hard_swish" || k == "relu6")
    return w.activation(x, k);
  if (k == "channel_shuffle")
    return w.shuffle(x, intParam(op, "groups"), op.in, batch);
  if (k == "squeeze_excite")
    return w.squeezeExcite(x, layer, prefix, runtime::asString(op.param("gate")) == "hard_sigmoid");
  if (k == "mbconv") {
    // Ops.cpp's MBConv: [1x1 expand, bn, act, (shuffle)], depthwise kxk,
    // bn, act, [squeeze-excite], 1x1 project, bn; + x when it keeps the shape.
    auto body = child(layer, "body");
    KernelWriter c(b, *body, prefix + "body.");
    std::string act = runtime::asString(op.param("act"));
    int64_t groups = intParam(op, "groups"), mid = op.in[0] * intParam(op, "expand");
    size_t step = 0; // Chain names modules by step position
    std::string y = x;
    if (runtime::asBool(op.param("expand_conv"))) {
      y = c.activation(c.bn(c.conv(y, std::to_string(step)), std::to_string(step + 1)), act);
      step += 3;
      if (groups > 1) {
        y = c.shuffle(y, groups, {mid, op.in[1], op.in[2]}, batch);
        step += 1;
      }
    }
    y = c.activation(c.bn(c.conv(y, std::to_string(step)), std::to_string(step + 1)), act);
    step += 3;
    if (runtime::asBool(op.param("se"))) {
      y = c.squeezeExcite(y, *child(*body, std::to_string(step)), prefix + "body." + std::to_string(step) + ".",
                          runtime::asString(op.param("se_gate")) == "hard_sigmoid");
      step += 1;
    }
    y = c.bn(c.conv(y, std::to_string(step)), std::to_string(step + 1));
    bool residual = runtime::asBool(op.param("skip")) && intParam(op, "stride") == 1 && intParam(op, "out") == op.in[0];
    return residual ? b.node("Add", {y, x}, b.fresh(prefix + "residual")).output(0) : y;
  }
  if (k == "resnet_basic_block") {
    // NAS-Bench-201's ResNetBasicblock (Ops.cpp): relu-conv-bn twice, plus
    // the input, or its downsampling: 2x2 average pooling then a 1x1 conv
    // (stride 2), relu-conv-bn (a channel change).
    auto a = child(layer, "conv_a"), bb = child(layer, "conv_b");
    KernelWriter ca(b, *a, prefix + "conv_a."), cb(b, *bb, prefix + "conv_b.");
    std::string y = cb.chain(ca.chain(x, {"relu", "conv:1", "bn:2"}), {"relu", "conv:1", "bn:2"});
    std::string shortcut = x;
    if (intParam(op, "stride") == 2) {
      auto d = child(layer, "downsample");
      KernelWriter cd(b, *d, prefix + "downsample.");
      auto &pool = b.node("AveragePool", {x}, b.fresh(prefix + "pool"));
      Builder::ints(pool, "kernel_shape", {2, 2});
      Builder::ints(pool, "strides", {2, 2});
      Builder::integer(pool, "ceil_mode", 1);
      shortcut = cd.conv(pool.output(0), "1");
    } else if (intParam(op, "out") != op.in[0]) {
      auto d = child(layer, "downsample");
      KernelWriter cd(b, *d, prefix + "downsample.");
      shortcut = cd.chain(x, {"relu", "conv:1", "bn:2"});
    }
    return b.node("Add", {y, shortcut}, b.fresh(prefix + "residual")).output(0);
  }
  if (k == "reduction_block") { // 3x3 max pooling (stride 2, pad 1), 1x1 conv, bn, relu
    auto &pool = b.node("MaxPool", {x}, b.fresh(prefix + "pool"));
    Builder::ints(pool, "kernel_shape", {3, 3});
    Builder::ints(pool, "strides", {2, 2});
    Builder::ints(pool, "pads", {1, 1, 1, 1});
    return w.chain(pool.output(0), {"conv:1", "bn:2", "relu"});
  }
  if (k == "mish") { // x * tanh(softplus(x))
    std::string soft = b.node("Softplus", {x}, b.fresh(prefix + "softplus")).output(0);
    std::string t = b.node("Tanh", {soft}, b.fresh(prefix + "tanh")).output(0);
    return b.node("Mul", {x, t}, b.fresh(prefix + "mish")).output(0);
  }
  if (k == "gelu")
    return gelu(b, prefix, x);
  if (k == "instance_norm2d") {
    // (x - mean) / sqrt(var + eps) over each channel's positions, as
    // PyTorch computes it; OpenCV 4.6 reads InstanceNormalization as
    // (x - mean) / (sd + eps), off by 1e-2 on trained weights (measured).
    // The moments are average pools whose (2H-1) x (2W-1) window, padded
    // and not counting the padding, covers the whole map from every
    // position: each position gets its channel's mean, no broadcasting.
    auto m = child(layer, "0");
    auto *in = m->as<torch::nn::InstanceNorm2dImpl>();
    int64_t c = op.in[0], h = op.in[1], wd = op.in[2];
    auto mean = [&](const std::string &v) {
      auto &n = b.node("AveragePool", {v}, b.fresh(prefix + "mean"));
      Builder::ints(n, "kernel_shape", {2 * h - 1, 2 * wd - 1});
      Builder::ints(n, "pads", {h - 1, wd - 1, h - 1, wd - 1});
      Builder::integer(n, "count_include_pad", 0);
      return n.output(0);
    };
    return normalized(b, prefix, x, mean, in ? in->options.eps() : 1e-5, in ? in->weight : at::Tensor(),
                      in ? in->bias : at::Tensor(), c, prefix + "0");
  }
  if (k == "layer_norm")
    return channelLayerNorm(b, prefix, x, *child(layer, "norm")->as<torch::nn::LayerNormImpl>(), op.in[0],
                            prefix + "norm");
  if (k == "patch_embed") {
    // A patch x patch convolution with stride patch (no padding), plus the
    // position embedding [1, dim, H/patch, W/patch] (broadcast over the batch).
    auto *proj = child(layer, "proj")->as<torch::nn::Conv2dImpl>();
    int64_t p = intParam(op, "patch");
    auto &conv = b.node("Conv", {x, b.weight(prefix + "proj.weight", proj->weight), b.weight(prefix + "proj.bias", proj->bias)},
                        b.fresh(prefix + "patches"));
    Builder::ints(conv, "kernel_shape", {p, p});
    Builder::ints(conv, "strides", {p, p});
    // The embedding as [dim, h, w] (broadcast over the batch), with a
    // Reshape to the same shape before it: OpenCV 4.6 fuses an Add of a
    // constant that follows a convolution into its bias and fails on one
    // that is not per channel, and misreads a [1, dim, h, w] constant at a
    // batch above 1 (both measured).
    int64_t dim = proj->weight.size(0), h = op.out[1], wd = op.out[2];
    std::string kept = b.node("Reshape", {conv.output(0), b.int64s(b.fresh(prefix + "shape"), {0, dim, h, wd})},
                              b.fresh(prefix + "unfused"))
                           .output(0);
    return b.node("Add", {kept, b.weight(prefix + "pos", parameter(layer, "pos")[0])}, b.fresh(prefix + "pos")).output(0);
  }
  if (k == "multi_head_attention")
    return attention(b, prefix, x, layer, intParam(op, "heads"), op.in[1], op.in[2]);
  if (k == "transformer_block") {
    // Pre-norm: x + attention(LN1(x)), then + fc2(gelu(fc1(LN2(.)))), the
    // token-wise layers as 1x1 convolutions on the map.
    int64_t c = op.in[0];
    auto norm = [&](const char *name, const std::string &v) {
      return channelLayerNorm(b, prefix + name + ".", v, *child(layer, name)->as<torch::nn::LayerNormImpl>(), c,
                              prefix + name);
    };
    std::string a = attention(b, prefix + "attn.", norm("ln1", x), *child(layer, "attn"), intParam(op, "heads"),
                              op.in[1], op.in[2]);
    std::string t = b.node("Add", {x, a}, b.fresh(prefix + "residual")).output(0);
    std::string hidden = gelu(b, prefix + "mlp.", pointwise(b, norm("ln2", t), *child(layer, "fc1"), prefix + "fc1"));
    std::string mlp = pointwise(b, hidden, *child(layer, "fc2"), prefix + "fc2");
    return b.node("Add", {t, mlp}, b.fresh(prefix + "residual")).output(0);
  }
  // linear: Ops.cpp's Linear. On a 1 x 1 map (the classifier) a Gemm; on a
  // larger map, the same weights at every position: a 1x1 convolution.
  auto fc = child(layer, "fc");
  auto *lin = fc->as<torch::nn::LinearImpl>();
  if (op.in[1] != 1 || op.in[2] != 1) {
    std::vector<std::string> in{x, b.weight(prefix + "fc.weight", lin->weight.reshape({op.out[0], op.in[0], 1, 1}))};
    if (lin->bias.defined())
      in.push_back(b.weight(prefix + "fc.bias", lin->bias));
    auto &conv = b.node("Conv", in, b.fresh(prefix + "fc"));
    Builder::ints(conv, "kernel_shape", {1, 1});
    return conv.output(0);
  }
  std::string flat = b.node("Flatten", {x}, b.fresh(prefix + "flat")).output(0);
  std::vector<std::string> in{flat, b.weight(prefix + "fc.weight", lin->weight)};
  if (lin->bias.defined())
    in.push_back(b.weight(prefix + "fc.bias", lin->bias));
  auto &gemm = b.node("Gemm", in, b.fresh(prefix + "gemm"));
  Builder::integer(gemm, "transB", 1);
  return b.node("Reshape", {gemm.output(0), b.int64s(b.fresh(prefix + "shape"), {0, op.out[0], 1, 1})},
                b.fresh(prefix + "fc"))
      .output(0);
}

void valueInfo(onnx::ValueInfoProto &v, const std::string &name, const std::vector<int64_t> &dims) {
  v.set_name(name);
  auto *t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (size_t i = 0; i < dims.size(); ++i) {
    auto *d = t->mutable_shape()->add_dim();
    if (i == 0 && dims[i] == 0)
      d->set_dim_param("batch"); // a dynamic batch
    else
      d->set_dim_value(dims[i]);
  }
}

} // namespace

std::vector<std::string> onnxKernels() { return {kernels().begin(), kernels().end()}; }

std::string exportOnnx(Network &net, const Space &space, int64_t batch, const std::string &name) {
  if (net.mode() != Mode::Child)
    throw std::invalid_argument("only a child network (one architecture) is written as ONNX");
  net.eval();
  torch::NoGradGuard noGrad;
  const runtime::Plan &plan = net.plan();
  // A dynamic batch (0) relies on every constant reaching the output only
  // through a feature map of the input, which broadcasts it.
  if (batch == 0 && !plan.readsInput)
    throw std::invalid_argument("this network's output does not depend on its input: it is written with a fixed "
                                "batch only (--batch N)");
  const runtime::Json &nodes = space.json().at("nodes");
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("nasc");
  model.set_producer_version("0.1.0");
  model.add_opset_import()->set_version(13);
  onnx::GraphProto &g = *model.mutable_graph();
  g.set_name(name);
  Builder b(g);
  std::map<std::string, std::shared_ptr<torch::nn::Module>> modules;
  for (const auto &c : net.named_children())
    modules[c.key()] = c.value();

  std::vector<std::string> value(nodes.size());
  auto kindOf = [&](size_t i) { return nodes[i].at("kind").get<std::string>(); };
  // Operands of a sum or concat: a pick/subset stands for what it routes.
  auto operands = [&](size_t i) {
    std::vector<std::string> out;
    for (const runtime::Json &j : nodes[i].at("inputs")) {
      size_t k = j.get<size_t>();
      std::string kind = kindOf(k);
      if (kind == "pick" || kind == "subset")
        for (int64_t c : plan.routed[k])
          out.push_back(value[size_t(c)]);
      else
        out.push_back(value[k]);
    }
    return out;
  };
  // Values that do not depend on the input (a `zero` op, and what ops make
  // of such values) are folded: computed by LibTorch on one sample and
  // written as constants where something reads them. OpenCV 4.6 cannot run
  // most layers on a constant, and a sum does not need its zeros.
  std::map<std::string, at::Tensor> constants; // value name -> [1, C, H, W]
  std::set<std::string> written;
  auto read = [&](const std::string &v) {
    auto c = constants.find(v);
    if (c == constants.end() || written.count(v))
      return v;
    written.insert(v);
    // A fixed batch repeats the sample; a dynamic one gets [C, H, W], which
    // broadcasts (OpenCV 4.6 misreads a [1, C, H, W] constant at batch > 1).
    return b.weight(v, batch == 0 ? c->second[0] : c->second.expand({batch, -1, -1, -1}));
  };
  auto isZeros = [&](const std::string &v) {
    auto c = constants.find(v);
    return c != constants.end() && !c->second.ne(0).any().item<bool>();
  };
  std::string inputName;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!plan.live[i])
      continue;
    std::string kind = kindOf(i), id = "n" + std::to_string(i);
    if (kind == "input") {
      if (!inputName.empty())
        throw std::invalid_argument("a network with several inputs is not written as ONNX yet");
      const std::optional<runtime::Shape> &s = plan.shapes[i];
      if (!s)
        throw std::invalid_argument("the input's shape is not known");
      inputName = "image";
      valueInfo(*g.add_input(), inputName, {batch, (*s)[0], (*s)[1], (*s)[2]});
      value[i] = inputName;
    } else if (kind == "apply") {
      std::string x = value[nodes[i].at("inputs")[0].get<size_t>()];
      for (size_t k = 0; k < plan.ops[i].size(); ++k) {
        const PlacedOp &placed = plan.ops[i][k];
        auto m = modules.find(net.moduleNameOf(int64_t(i), placed));
        if (m == modules.end())
          throw std::logic_error("no module for " + net.moduleNameOf(int64_t(i), placed));
        std::string prefix = id + "." + std::to_string(k) + ".";
        if (placed.op.impl == "zero" || constants.count(x)) {
          auto *layer = dynamic_cast<Layer *>(m->second.get());
          if (!layer)
            throw std::logic_error(net.moduleNameOf(int64_t(i), placed) + " is not a layer");
          const runtime::Shape &in = placed.op.in;
          at::Tensor sample = constants.count(x) ? constants[x] : torch::zeros({1, in[0], in[1], in[2]});
          std::string name = prefix + "constant";
          constants[name] = layer->forward(sample).detach().to(torch::kCPU, torch::kFloat).contiguous();
          x = name;
        } else {
          x = writeOp(b, placed, *m->second, x, prefix, batch);
        }
      }
      value[i] = x;
    } else if (kind == "sum") {
      // Zeros add nothing. The other constants are added up here and once
      // to the sum of the feature maps (OpenCV 4.6 cannot read a Sum of more
      // than two inputs with a constant among them), after a Reshape to the
      // same shape when the sum is one map (OpenCV fuses an Add of a constant
      // that follows a Conv into its bias, and fails when not per channel).
      std::vector<std::string> maps, all = operands(i);
      at::Tensor constant;
      for (const std::string &v : all) {
        if (!constants.count(v))
          maps.push_back(v);
        else if (!isZeros(v))
          constant = constant.defined() ? constant + constants[v] : constants[v].clone();
      }
      if (maps.empty()) {
        value[i] = id + "_constant";
        constants[value[i]] = constant.defined() ? constant : constants[all.at(0)];
        continue;
      }
      std::string y = maps.size() == 1 ? maps[0] : b.node("Sum", maps, id + "_sum").output(0);
      if (constant.defined()) {
        if (maps.size() == 1) {
          const runtime::Shape &s = plan.shapes[i].value();
          y = b.node("Reshape", {y, b.int64s(id + "_shape", {0, s[0], s[1], s[2]})}, id + "_unfused").output(0);
        }
        constants[id + "_added"] = constant;
        y = b.node("Add", {y, read(id + "_added")}, id + "_plus").output(0);
      }
      value[i] = y;
    } else if (kind == "concat") {
      std::vector<std::string> in = operands(i);
      for (std::string &v : in) {
        if (batch == 0 && constants.count(v))
          throw std::invalid_argument("a concatenation takes a feature map that does not depend on the input (" +
                                      nodes[i].value("name", id) +
                                      "): this network is written with a fixed batch only (--batch N)");
        v = read(v);
      }
      auto &n = b.node("Concat", in, id + "_cat");
      Builder::integer(n, "axis", 1);
      value[i] = n.output(0);
    } else if (kind == "switch" || kind == "select" || kind == "item") {
      value[i] = value[size_t(plan.routed[i].at(0))];
    }
    // pick / subset: read through their consumers.
  }
  auto &flat = b.node("Flatten", {read(value[size_t(plan.output)])}, "logits");
  Builder::integer(flat, "axis", 1);
  const std::optional<runtime::Shape> &out = plan.shapes[size_t(plan.output)];
  valueInfo(*g.add_output(), "logits", {batch, out ? (*out)[0] * (*out)[1] * (*out)[2] : -1});
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw std::runtime_error("cannot serialize the ONNX model");
  return bytes;
}

} // namespace nasc::nn
