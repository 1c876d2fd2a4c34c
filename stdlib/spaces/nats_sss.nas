// std/spaces/nats_sss: the size search space of NATS-Bench (Dong, Liu, Musial
// & Gabrys, "NATS-Bench: Benchmarking NAS Algorithms for Architecture
// Topology and Size", TPAMI 2021), the "sss" benchmark; in the reference code
// xautodl's DynamicShapeTinyNet (xautodl/models/shape_infers/InferTinyCellNet.py).
//
// The topology is fixed and the channels are searched. The network is the
// NAS-Bench-201 skeleton with N = 1 cell per stage, five layers:
//
//   stem       3x3 convolution to c0 channels (no bias), batch norm
//   layer 0    cell, c0 -> c0
//   layer 1    ResNet basic block, c0 -> c1, stride 2
//   layer 2    cell, c1 -> c2
//   layer 3    ResNet basic block, c2 -> c3, stride 2
//   layer 4    cell, c3 -> c4
//   head       batch norm, ReLU, global average pooling, linear classifier
//
// Each ci is chosen from {8, 16, 24, 32, 40, 48, 56, 64}: 8^5 = 32,768
// architectures, the benchmark's size (each one differs: 32,768 unique). The
// benchmark writes an architecture as "c0:c1:c2:c3:c4" (e.g. "64:64:64:64:64").
//
// The cell is the topology search space's best cell,
// |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|,
// built as xautodl's InferCell builds it: an edge leaving the cell's input
// (node 0) maps C_in to C_out channels, every other edge C_out to C_out. So
// in layers 2 and 4, where c1 != c2 or c3 != c4, the skip_connect edge from
// node 0 is not the identity but FactorizedReduce at stride 1: a 1x1
// convolution (no bias) and batch norm, with no ReLU. The ResNet basic block
// is std/ops' residual_block (NAS-Bench-201's ResNetBasicblock: its stride-2
// shortcut is 2x2 average pooling and a 1x1 convolution).
//
// Parameters (CIFAR-10, 10 classes), checked by test/stdlib/nats_sss.test
// against Inputs/nats_sss_reference_params.py, which counts the reference
// code's modules: the largest network, 64:64:64:64:64, has 713,674; the
// smallest, 8:8:8:8:8, has 11,714; nasc's per-architecture counts agree with
// the reference on every network it checks. `nasc info`'s range,
// 11,714 .. 713,674, is exact.
//
// Not modelled: the channel-masking supernets that NATS-Bench's size-search
// methods (TAS, FBNet-V2, TuNAS) train; nasc's differentiable supernet needs
// feature maps whose shape does not depend on a decision.

import "std/ops";

const NATS_SSS_CHANNELS = [8, 16, 24, 32, 40, 48, 56, 64];

// The fixed cell, cin -> cout channels. The three edges that leave node 0 map
// cin to cout (relu_conv_bn(cout) reads its input's width); the other three
// map cout to cout.
block NatsSssCell(cin: int, cout: int) {
  input x0;
  node x1 = x0 |> relu_conv_bn(cout, kernel=3);
  node x2 = sum(x0 |> relu_conv_bn(cout, kernel=3), x1 |> relu_conv_bn(cout, kernel=3));
  // skip_connect~0: the identity when the widths agree, else FactorizedReduce
  // at stride 1 (1x1 convolution, batch norm).
  node skip = if cin == cout then x0 else (x0 |> conv(cout, kernel=1) |> batch_norm);
  output sum(skip, x1 |> relu_conv_bn(cout, kernel=3), x2 |> relu_conv_bn(cout, kernel=3));
}

// CIFAR-10 by default; CIFAR-100 is classes=100, ImageNet16-120 classes=120
// and resolution=16.
network NatsBenchSize(classes: int = 10, resolution: int = 32) {
  input image: tensor(3, resolution, resolution);

  choice c0: NATS_SSS_CHANNELS;
  choice c1: NATS_SSS_CHANNELS;
  choice c2: NATS_SSS_CHANNELS;
  choice c3: NATS_SSS_CHANNELS;
  choice c4: NATS_SSS_CHANNELS;

  node stem = image |> conv(c0, kernel=3) |> batch_norm;
  node l0 = stem |> NatsSssCell(c0, c0);
  node l1 = l0 |> residual_block(c1, stride=2);
  node l2 = l1 |> NatsSssCell(c1, c2);
  node l3 = l2 |> residual_block(c3, stride=2);
  node l4 = l3 |> NatsSssCell(c3, c4);

  output l4 |> batch_norm |> relu |> global_avg_pool |> linear(classes);
}
