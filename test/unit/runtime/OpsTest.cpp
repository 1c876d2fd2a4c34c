//===- OpsTest.cpp - Every kernel: output shape, parameters, gradient -----===//
//
// Each op of the standard library is built through the artefact's op table
// (defaults and cost formulas as the compiler wrote them) and checked:
// the module's output shape is the one the shape rules give, its learnable
// parameter count equals the `params` formula, and gradients reach the input
// and every parameter.
#include "Compile.h"

#include "nasc/nn/Ops.h"

#include <torch/torch.h>

#include <set>

using namespace nasc;
using runtime::Json;

namespace {

struct Case {
  const char *op;
  Json args;
  runtime::Shape in;
};

const runtime::Artefact &stdlibArtefact() {
  static runtime::Artefact a = test::compileFile("examples/nb201_evolution.nas");
  return a;
}

Json consts(const Json &args) {
  Json out = Json::object();
  for (auto &[k, v] : args.items())
    out[k] = Json{{"const", v}};
  return out;
}

std::vector<Case> cases() {
  return {
      {"conv", {{"out", 8}, {"kernel", 3}, {"stride", 2}, {"groups", 2}, {"bias", true}}, {4, 9, 9}},
      {"conv", {{"out", 6}, {"kernel", 1}, {"kernel_w", 3}, {"dilation", 2}}, {3, 8, 8}},
      {"sep_conv", {{"out", 6}, {"kernel", 5}, {"stride", 2}}, {4, 8, 8}},
      {"dil_conv", {{"out", 6}, {"kernel", 3}, {"dilation", 2}}, {4, 8, 8}},
      {"relu_conv_bn", {{"out", 6}, {"kernel", 1}}, {4, 8, 8}},
      {"relu_conv_bn", {{"kernel", 3}, {"stride", 2}}, {4, 7, 7}},
      {"conv_bn_relu", {{"out", 6}, {"kernel", 3}, {"kernel_w", 5}}, {4, 8, 8}},
      {"factorized_reduce", {{"out", 6}}, {4, 7, 7}},
      {"max_pool", {{"kernel", 3}, {"stride", 2}}, {4, 7, 7}},
      {"max_pool", {{"kernel", 2}, {"stride", 2}}, {4, 7, 7}},
      {"avg_pool", {{"kernel", 2}, {"stride", 2}}, {4, 7, 6}},
      {"avg_pool", {{"kernel", 4}}, {4, 5, 5}},
      {"avg_pool", {{"kernel", 3}}, {4, 6, 6}},
      {"global_avg_pool", Json::object(), {4, 5, 3}},
      {"identity", Json::object(), {4, 5, 5}},
      {"zero", {{"stride", 2}, {"out", 6}}, {4, 5, 5}},
      {"batch_norm", Json::object(), {4, 5, 5}},
      {"batch_norm", {{"affine", false}}, {4, 5, 5}},
      {"layer_norm", Json::object(), {4, 3, 3}},
      {"instance_norm", Json::object(), {4, 3, 3}},
      {"instance_norm", {{"affine", false}}, {4, 3, 3}},
      {"relu6", Json::object(), {4, 3, 3}},
      {"mish", Json::object(), {4, 3, 3}},
      {"channel_shuffle", {{"groups", 2}}, {4, 3, 3}},
      {"relu", Json::object(), {4, 3, 3}},
      {"swish", Json::object(), {4, 3, 3}},
      {"hard_swish", Json::object(), {4, 3, 3}},
      {"gelu", Json::object(), {4, 3, 3}},
      {"sigmoid", Json::object(), {4, 3, 3}},
      {"dropout", {{"p", 0.5}}, {4, 3, 3}},
      {"squeeze_excite", {{"ratio", 0.25}}, {8, 4, 4}},
      {"squeeze_excite", {{"ratio", 0.5}, {"gate", "hard_sigmoid"}}, {8, 4, 4}},
      // ProxylessNAS (relu6), FBNet (expansion conv at e = 1, grouped 1x1s with
      // a shuffle), MobileNetV3/OFA (hard swish, SE on the expanded width
      // rounded to a multiple of 8 with a hard-sigmoid gate)
      {"mbconv", {{"out", 8}, {"expand", 3}, {"kernel", 7}, {"act", "relu6"}}, {8, 8, 8}},
      {"mbconv", {{"out", 8}, {"expand", 1}, {"expand_conv", true}, {"groups", 2}}, {8, 8, 8}},
      {"mbconv", {{"out", 8}, {"expand", 3}, {"kernel", 5}, {"groups", 2}, {"stride", 2}}, {4, 8, 8}},
      {"mbconv",
       {{"out", 16}, {"expand", 6}, {"kernel", 5}, {"act", "hard_swish"}, {"se", true}, {"se_expanded", true},
        {"se_divisor", 8}, {"se_gate", "hard_sigmoid"}},
       {16, 6, 6}},
      {"mbconv", {{"out", 4}, {"expand", 6}, {"kernel", 5}, {"se", true}, {"act", "swish"}}, {4, 8, 8}},
      {"mbconv", {{"out", 8}, {"expand", 1}, {"kernel", 3}, {"stride", 2}}, {4, 8, 8}},
      {"linear", {{"out", 5}}, {4, 1, 1}},
      {"linear", {{"out", 5}, {"bias", false}}, {4, 3, 3}},
      {"residual_block", {{"out", 8}, {"stride", 2}}, {4, 8, 8}},
      {"residual_block", {{"out", 8}}, {4, 8, 8}},
      {"residual_block", Json::object(), {4, 8, 8}},
      {"reduction_block", {{"out", 8}}, {4, 7, 7}},
      {"patch_embed", {{"dim", 12}, {"patch", 4}}, {3, 8, 8}},
      {"multi_head_attention", {{"heads", 2}, {"dim", 8}}, {6, 3, 3}},
      {"transformer_block", {{"heads", 2}, {"mlp_ratio", 2.0}, {"dim", 8}}, {6, 3, 3}},
  };
}

} // namespace

TEST(Ops, ShapeParametersAndGradientOfEveryKernel) {
  const Json &ops = stdlibArtefact().ops();
  runtime::Env env;
  std::set<std::string> tested;
  for (const Case &c : cases()) {
    SCOPED_TRACE(std::string(c.op) + " " + c.args.dump());
    runtime::ResolvedOp r = runtime::resolveOp(ops, c.op, consts(c.args), env, c.in);
    torch::manual_seed(0);
    std::shared_ptr<nn::Layer> m = nn::makeLayer(r);
    EXPECT_EQ(nn::countParameters(*m), int64_t(r.params)) << "the params formula disagrees with the module";
    at::Tensor x = torch::randn({2, c.in[0], c.in[1], c.in[2]}, torch::requires_grad());
    at::Tensor y = m->forward(x);
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, r.out[0], r.out[1], r.out[2]}));
    if (m->isZero()) { // zeros whatever the input: nothing to differentiate
      EXPECT_EQ(y.abs().sum().item<double>(), 0.0);
      tested.insert(r.impl);
      continue;
    }
    (y * torch::randn_like(y)).sum().backward();
    {
      ASSERT_TRUE(x.grad().defined());
      EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
      EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0) << "no gradient reaches the input";
    }
    for (auto &p : m->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key() << " gets no gradient";
      EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
    }
    tested.insert(r.impl);
  }
  // Every kernel the standard library binds an op to is covered above.
  for (auto &[name, op] : ops.items())
    EXPECT_TRUE(tested.count(op.at("impl").get<std::string>())) << "op '" << name << "' is not tested";
}

TEST(Ops, SamePaddingMatchesTheStrideRule) {
  // ceil(H / stride) for odd and even sizes, through pooling and convolutions.
  const Json &ops = stdlibArtefact().ops();
  runtime::Env env;
  for (int64_t h : {5, 6, 7, 8})
    for (const char *op : {"conv", "max_pool", "avg_pool", "sep_conv", "dil_conv", "factorized_reduce"}) {
      Json args = std::string(op) == "factorized_reduce" ? consts({{"out", 4}}) : consts({{"stride", 2}});
      runtime::ResolvedOp r = runtime::resolveOp(ops, op, args, env, {4, h, h});
      at::Tensor y = nn::makeLayer(r)->forward(torch::randn({1, 4, h, h}));
      EXPECT_EQ(y.size(2), (h + 1) / 2) << op << " on " << h;
    }
}

TEST(Ops, EvenPoolsPadLikeTensorFlowSame) {
  // A 2x2 (or 4x4) pool gives ceil(H / stride); padding changes neither the
  // maximum of negative values nor the mean of a constant map.
  const Json &ops = stdlibArtefact().ops();
  runtime::Env env;
  for (int64_t h : {5, 6, 7, 8})
    for (const char *op : {"max_pool", "avg_pool"})
      for (int64_t k : {2, 4}) {
        runtime::ResolvedOp r = runtime::resolveOp(ops, op, consts({{"kernel", k}, {"stride", 2}}), env, {3, h, h});
        at::Tensor y = nn::makeLayer(r)->forward(torch::full({1, 3, h, h}, -5.0));
        EXPECT_EQ(y.size(2), (h + 1) / 2) << op << " " << k << " on " << h;
        EXPECT_EQ(r.out[1], (h + 1) / 2);
        EXPECT_TRUE(torch::allclose(y, torch::full_like(y, -5.0))) << op << " " << k << " on " << h;
      }
}

TEST(Ops, SqueezeWidthFollowsMobileNetV3Rounding) {
  // make_divisible(floor(base * ratio), d): nearest multiple of d, at least d,
  // plus d when rounding lost more than 10 %; base is the expanded width with
  // se_expanded. {in, expand, divisor, expected}.
  const Json &ops = stdlibArtefact().ops();
  runtime::Env env;
  struct W { int64_t in, expand, divisor, width; };
  for (W w : std::vector<W>{{40, 3, 8, 32}, {11, 4, 8, 16}, {8, 1, 8, 8}, {40, 3, 1, 30}, {18, 2, 8, 16}}) {
    SCOPED_TRACE(std::to_string(w.in) + " x " + std::to_string(w.expand) + " / " + std::to_string(w.divisor));
    Json args = consts({{"expand", w.expand}, {"se", true}, {"se_expanded", true}, {"se_divisor", w.divisor}});
    runtime::ResolvedOp r = runtime::resolveOp(ops, "mbconv", args, env, {w.in, 4, 4});
    EXPECT_EQ(runtime::asInt(r.param("se_width")), w.width);
    EXPECT_EQ(nn::countParameters(*nn::makeLayer(r)), int64_t(r.params));
  }
}

TEST(Ops, UnknownKernelIsAClearError) {
  runtime::ResolvedOp r;
  r.op = "mystery";
  r.impl = "no_such_kernel";
  try {
    nn::makeLayer(r);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("no kernel 'no_such_kernel'"), std::string::npos) << e.what();
  }
}
