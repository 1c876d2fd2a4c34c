// std/spaces/nb201: the NAS-Bench-201 search space (Dong & Yang, ICLR 2020).
//
// A cell is a DAG of 4 nodes; each of its 6 edges i -> j (i < j) carries one of
// 5 operations, and node j sums its incoming edges. All 15 cells of the
// network share ONE decision set (`shared as nb201_cell`), so the space has
// 5^6 = 15,625 architectures: exactly the benchmark's.
//
// An architecture's benchmark string |e0_1~0|+|e0_2~0|e1_2~1|+|e0_3~0|e1_3~1|e2_3~2|
// lists the choices in this order: e0_1; e0_2, e1_2; e0_3, e1_3, e2_3.

import "std/ops";

// The benchmark's operation names (none, skip_connect, avg_pool_3x3 are in std/ops).
const nor_conv_1x1 = relu_conv_bn(kernel=1);
const nor_conv_3x3 = relu_conv_bn(kernel=3);

const NB201_OPS = [none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3];

cell NB201Cell {
  input x0;

  choice e0_1: NB201_OPS;
  choice e0_2: NB201_OPS;
  choice e1_2: NB201_OPS;
  choice e0_3: NB201_OPS;
  choice e1_3: NB201_OPS;
  choice e2_3: NB201_OPS;

  node x1 = e0_1(x0);
  node x2 = sum(e0_2(x0), e1_2(x1));
  node x3 = sum(e0_3(x0), e1_3(x1), e2_3(x2));
  output x3;
}

// The CIFAR network of the benchmark: stem 3x3 conv (C channels) + BN; three
// stages of N cells with C, 2C, 4C channels joined by ResNet basic blocks of
// stride 2; BN, ReLU, global average pooling, linear classifier.
network NasBench201(C: int = 16, N: int = 5, classes: int = 10) {
  input image: tensor(3, 32, 32);

  node stem = image |> conv(C, kernel=3) |> batch_norm;
  node stage1 = stem |> repeat(N, NB201Cell shared as nb201_cell);
  node stage2 = stage1 |> residual_block(2 * C, stride=2) |> repeat(N, NB201Cell shared as nb201_cell);
  node stage3 = stage2 |> residual_block(4 * C, stride=2) |> repeat(N, NB201Cell shared as nb201_cell);

  output stage3 |> batch_norm |> relu |> global_avg_pool |> linear(classes);
}
