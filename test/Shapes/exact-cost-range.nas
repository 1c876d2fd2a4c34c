// RUN: nasc info %s | FileCheck %s
// A small space's cost range is exact: each architecture is costed.
// Interval arithmetic alone cannot see that both layers' widths come from
// one decision: conv 1->w is 9w, conv w->(24-w) is 9w(24-w), together
// 9w(25-w): 1224 for w = 8, 1296 for w = 16; intervals say 648 .. 2448.
// CHECK: params: 1224 .. 1296
import "std/ops";

network Correlated {
  input image: tensor(1, 4, 4);
  choice w: [8, 16];
  output image |> conv(w) |> conv(24 - w);
}
