// Copies of a repetition of decided depth are judged only where they are
// used; every architecture gets the same input, so the output shape is known.
// RUN: nasc compile --emit=mlir-lowered %s | FileCheck %s

op conv(out: int = in_channels, stride: int = 1) = "conv2d" { out_channels = out; stride = stride; }

// The first layer changes channels, the others keep them and add a skip.
block Stage(out: int) {
  input x;
  choice n: 1..3;
  output x |> repeat(min(n, 1), conv(out, stride=2)) |> repeat(max(n - 1, 0), Skip() independent);
}
block Skip() {
  input x;
  output sum(x, x |> conv());
}

network Net() {
  input image: tensor(3, 32, 32);
  output image |> conv(8) |> Stage(16) independent;
}
// CHECK: nas.space @Net.space
// CHECK: nas.output
// CHECK-NOT: error
