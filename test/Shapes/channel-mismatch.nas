// Shape and channel inference checks every alternative of every decision
// before anything trains, and names the values that break a rule.
// RUN: not nasc compile --emit=mlir-lowered %s 2>&1 | FileCheck %s

op conv(out: int = in_channels, kernel: int = 3, stride: int = 1, groups: int = 1) = "conv2d" {
  require in_channels % groups == 0, "groups must divide the input channels";
  out_channels = out;
  stride = stride;
}
op relu() = "relu";

// One alternative changes the channels: summing it with the input breaks.
cell Residual() {
  input x;
  choice which: [relu, conv(32), conv(16)];
  // CHECK: channel-mismatch.nas:[[@LINE+1]]:13: error: sum: input 2 has other channels than input 1, but channels of input 1 = 16, channels of input 2 = 32 (when Residual#0/which = conv(32))
  output sum(x, which(x));
}

// A strided branch next to an unstrided one: the sizes disagree in concat.
cell TwoPaths() {
  input x;
  choice s: [1, 2];
  // CHECK: channel-mismatch.nas:[[@LINE+1]]:16: error: concat: input 2 has another spatial size than input 1, but height of input 1 = 32, height of input 2 = 16 (when TwoPaths#0/s = 2)
  output concat(x, x |> conv(8, stride=s));
}

// A requirement that reads the input: known only once the input is.
cell Grouped() {
  input x;
  choice g: [1, 2, 5];
  // CHECK: channel-mismatch.nas:[[@LINE+1]]:15: error: 'conv' requires in_channels % groups == 0 (groups must divide the input channels), but groups = 5, in_channels = 24 (when Grouped#0/g = 5)
  output x |> conv(16, groups=g);
}

network Net() {
  input image: tensor(3, 32, 32);
  node stem = image |> conv(16);
  node a = stem |> Residual() independent;
  node b = a |> TwoPaths() independent;
  output b |> Grouped() independent;
}
// CHECK-NOT: error:
