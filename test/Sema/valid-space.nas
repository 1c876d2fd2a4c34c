// A complete, correct program: no errors, no warnings, no output.
// RUN: nasc check %s 2>&1 | count 0
// RUN: nasc check --verify-diagnostics %s
// It lowers and counts: 387,000 architectures over 12 decisions.
// RUN: nasc info %s | FileCheck %s
// CHECK: space Net.space (network Net)
// CHECK-NEXT: size: 387000 architectures
// CHECK: decisions: 12

op relu() = "relu" { trait activation, parameter_free; }
op batch_norm() = "batch_norm" { trait normalization; params = 2 * in_channels; }
op conv(out: int = in_channels, kernel: int = 3, stride: int = 1) = "conv2d" {
  out_channels = out;
  stride = stride;
  params = in_channels * out * kernel * kernel;
  flops = in_channels * out * kernel * kernel * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
  require kernel >= 1, "kernel size must be at least 1";
  require out >= 1, "output channels must be positive";
}
op identity() = "identity" { trait identity, parameter_free; }
op zero() = "zero" { trait zero, parameter_free; }
op avg_pool(kernel: int = 3, stride: int = 1) = "avg_pool" {
  stride = stride;
  trait pooling, parameter_free;
}
op linear(out: int) = "linear" { out_channels = out; params = in_channels * out + out; }
op global_pool() = "global_avg_pool" { trait pooling; }

metric accuracy: float maximize;
metric params: int minimize;
metric latency(device: string): float minimize;
strategy evolution(population: int = 50, sample: int = 10) = "regularized_evolution";
estimator train(epochs: int = 12, budget: duration = 1h) = "full_training";
dataset cifar10() = "cifar10";
optimizer sgd(lr: float = 0.1, momentum: float = 0.0) = "sgd";

const nor_conv_3x3 = conv(kernel=3);
const OPS = [zero, identity, nor_conv_3x3, conv(kernel=1), avg_pool];
const CHANNELS: int[] = [16, 32, 64];

cell NB201Cell() {
  input x0;
  choice e01: OPS;
  choice e02: OPS;
  choice e12: OPS;
  node x1 = e01(x0);
  node x2 = sum(e02(x0), x1 |> e12);
  output x2;
}

block MBBlock(out: int, stride: int = 1) {
  input x;
  choice kernel: [3, 5, 7];
  choice expand: 3..6 step 3;
  let hidden = out * expand;
  require hidden <= 1024, "hidden layer too wide";
  node h = x |> conv(hidden, kernel=1) |> batch_norm |> relu
             |> conv(out, kernel=kernel, stride=stride) |> batch_norm;
  output if stride == 1 then sum(h, x |> conv(out, kernel=1)) else h;
}

cell DartsCell() {
  input s0;
  input s1;
  node a = s0 |> relu;
  node b = s1 |> relu;
  choice picks: 2 of [a, b, s0];
  choice skips: any of [a, b];
  output concat(sum(picks), concat(a, skips));
}

network Net(C: int = 16, N: int = 5) {
  input image: tensor(3, 32, 32);
  choice depth: 0..2;
  node stem = image |> conv(C) |> batch_norm;
  node cells = stem |> repeat(N, NB201Cell() shared as normal) |> NB201Cell shared as normal |> relu;
  node deep = cells |> repeat(depth, MBBlock(C) independent);
  node both = (DartsCell() shared as darts)(stem, deep);
  node pooled = both |> MBBlock(CHANNELS[1], stride=2) independent |> global_pool;
  output pooled |> linear(10);
}

search NB201 {
  space = Net(C=16, N=5);
  dataset = cifar10();
  estimator = train(epochs=12, budget=90min);
  strategy = evolution(population=64);
  optimizer = sgd(lr=0.05, momentum=0.9);
  seed = 0;
  evaluations = 1_000;
  time_limit = 24h;
  maximize accuracy * (latency("pixel3") / 80.0) ** -0.07;
  minimize params;
  require latency("pixel3") <= 80.0;
}
