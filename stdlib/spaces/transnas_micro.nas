// std/spaces/transnas_micro: the cell-level ("micro") search space of
// TransNAS-Bench-101 (Duan, Chen, Xu, Chen, Liang, Zhang & Li,
// "TransNAS-Bench-101: Improving Transferability and Generalizability of
// Cross-Task Neural Architecture Search", CVPR 2021); reference code
// yawen-d/TransNASBench, lib/models/net_infer/{net_macro,cell_micro}.py and
// lib/models/net_ops/cell_ops.py.
//
// The cell is NAS-Bench-201's: 4 nodes, 6 edges i -> j (i < j), node j the
// sum of its incoming edges, each edge one of 4 operations (NAS-Bench-201's
// without avg_pool_3x3): none, skip_connect, nor_conv_1x1, nor_conv_3x3. All
// 10 cells of the network share one design (`shared as cell`), so the space
// has 4^6 = 4,096 architectures: exactly the benchmark's micro space.
//
// The benchmark writes an architecture as "64-41414-a_bc_def": base width
// 64, the fixed skeleton 41414, then the edge codes (0 none, 1 skip_connect,
// 2 nor_conv_1x1, 3 nor_conv_3x3) in the order e0_1; e0_2, e1_2; e0_3, e1_3,
// e2_3, e.g. "64-41414-1_02_333". Here those are the decisions cell/e0_1 ..
// cell/e2_3.
//
// The encoder (MacroNet, structure 'backbone'), for the benchmark's 256 x 256
// inputs (`resolution`; the widths do not depend on it):
//   stem      3x3 convolution, stride 2, to C/2 = 32 channels (no bias), batch
//             norm, then ReLU-conv3x3-BN, stride 2, to C = 64: 64 x 64 x 64
//   modules   41414: five modules of two cells each; a module coded 4 doubles
//             the channels and halves the resolution in its first cell, a
//             module coded 1 keeps both: 128, 128, 256, 256, 512 channels,
//             512 x 8 x 8 at the end
// As in the reference cell, an edge leaving the cell's input (node 0) maps
// the input's channels to the cell's at the cell's stride (a strided
// skip_connect is FactorizedReduce, a strided none outputs zeros of the new
// shape); the other edges keep C channels at stride 1. The two lists below
// spell those two kinds; their labels differ only by the suffix `_in`.
//
// Simplified: of the benchmark's seven task heads only the classification
// decoder (FFDecoder: global average pooling and a linear layer; 75 classes
// for object classification, class_object, the default; 47 for scene
// classification) is modelled. The dense-prediction decoders (semantic
// segmentation, surface normals, autoencoding: ConvTranspose2d layers),
// room layout's regression head and jigsaw's siamese 9-piece encoder are not
// ops of std/ops and are left out.
//
// Parameters (encoder + object-classification head), checked by
// test/stdlib/transnas_micro.test against Inputs/transnas_reference_params.py,
// which counts the reference code's modules: 57,963 (every edge none) ..
// 41,450,091 (every edge nor_conv_3x3, "64-41414-3_33_333"); nasc's range is
// exactly that, and its per-architecture counts agree with the reference.
//
// Distinct networks: 1,229 by nasc's algebraic rule, which the reference
// script's own count confirms reading normal and reduction cells together
// (a skip_connect from the input is the identity in the former and a
// FactorizedReduce in the latter). No unique count is published for the
// benchmark.

import "std/ops";

// One cell with C output channels; its input has cin channels and the cell
// has the given stride (2 in the first cell of a module coded 4).
cell TransNasMicroCell(C: int, cin: int, stride: int) {
  input x0;

  // The operations on an edge leaving node 0: cin -> C at the cell's stride.
  const none_in = zero(stride=stride, out=C);
  const skip_connect_in = if stride == 1 && cin == C then identity else factorized_reduce(C);
  const nor_conv_1x1_in = relu_conv_bn(C, kernel=1, stride=stride);
  const nor_conv_3x3_in = relu_conv_bn(C, kernel=3, stride=stride);
  const FROM_INPUT = [none_in, skip_connect_in, nor_conv_1x1_in, nor_conv_3x3_in];

  // The operations on the other edges: C -> C at stride 1 (none and
  // skip_connect are std/ops').
  const nor_conv_1x1 = relu_conv_bn(C, kernel=1);
  const nor_conv_3x3 = relu_conv_bn(C, kernel=3);
  const INNER = [none, skip_connect, nor_conv_1x1, nor_conv_3x3];

  choice e0_1: FROM_INPUT;
  choice e0_2: FROM_INPUT;
  choice e1_2: INNER;
  choice e0_3: FROM_INPUT;
  choice e1_3: INNER;
  choice e2_3: INNER;

  node x1 = e0_1(x0);
  node x2 = sum(e0_2(x0), e1_2(x1));
  output sum(e0_3(x0), e1_3(x1), e2_3(x2));
}

// The encoder of the 64-41414 skeleton and the classification decoder.
network TransNasMicro(C: int = 64, classes: int = 75, resolution: int = 256) {
  input image: tensor(3, resolution, resolution);

  node stem = image |> conv(round(C / 2), kernel=3, stride=2) |> batch_norm
                    |> relu_conv_bn(C, kernel=3, stride=2);
  // 4: channels x2, resolution / 2
  node m1 = stem |> TransNasMicroCell(2 * C, C, 2) shared as cell
                 |> TransNasMicroCell(2 * C, 2 * C, 1) shared as cell;
  // 1: plain
  node m2 = m1 |> TransNasMicroCell(2 * C, 2 * C, 1) shared as cell
               |> TransNasMicroCell(2 * C, 2 * C, 1) shared as cell;
  // 4
  node m3 = m2 |> TransNasMicroCell(4 * C, 2 * C, 2) shared as cell
               |> TransNasMicroCell(4 * C, 4 * C, 1) shared as cell;
  // 1
  node m4 = m3 |> TransNasMicroCell(4 * C, 4 * C, 1) shared as cell
               |> TransNasMicroCell(4 * C, 4 * C, 1) shared as cell;
  // 4
  node m5 = m4 |> TransNasMicroCell(8 * C, 4 * C, 2) shared as cell
               |> TransNasMicroCell(8 * C, 8 * C, 1) shared as cell;

  output m5 |> global_avg_pool |> linear(classes);
}
