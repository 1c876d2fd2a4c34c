// A DARTS-style cell whose two inputs come from before and after a
// reduction: summing them breaks unless the older one is reduced too.
// RUN: not nasc compile --emit=mlir-lowered %s 2>&1 | FileCheck %s

op conv(out: int = in_channels, stride: int = 1) = "conv2d" { out_channels = out; stride = stride; }
op identity() = "identity";

cell Cell(reduce_prev: bool = false) {
  input s0;
  input s1;
  node h0 = s0 |> (if reduce_prev then conv(16, stride=2) else identity);
  // CHECK: reduction-inputs.nas:[[@LINE+1]]:13: error: sum: input 2 has another spatial size than input 1, but height of input 1 = 32, height of input 2 = 16
  output sum(h0, s1);
}

network Net() {
  input image: tensor(3, 32, 32);
  node stem = image |> conv(16);
  node down = stem |> conv(16, stride=2);
  // The second cell forgets that its older input was not reduced.
  node ok = Cell(true)(stem, down);
  output Cell()(stem, ok);
}
// CHECK-NOT: error:
