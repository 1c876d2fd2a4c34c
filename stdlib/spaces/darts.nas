// std/spaces/darts: the DARTS search space (Liu, Simonyan & Yang, ICLR 2019).
//
// A cell takes the outputs of the two previous cells (inputs 0 and 1, each
// preprocessed to C channels) and builds 4 intermediate nodes 2..5; node j
// combines exactly 2 of the nodes before it, each through its own operation
// among the 8 DARTS candidates; the cell outputs the concatenation of nodes
// 2..5 (4C channels). A normal cell keeps the spatial size, a reduction cell
// halves it (the operations on edges that leave its inputs have stride 2).
//
// Formulation. Every edge i -> j carries an operation choice `ei_j` (the
// DARTS supernet's mixed op) and node j picks 2 of its incoming edges with an
// input choice `inj: 2 of [...]` (the top-2 edges DARTS keeps when it
// discretizes). Node 2 has exactly two predecessors, so it sums both edges.
// Picking 2 distinct inputs, each with its own operation, is DARTS's genotype
// exactly: an input may not be chosen twice, and the order does not matter.
//
// Counting, per cell: 14 edge choices of 8 ops and input choices of
// C(3,2) * C(4,2) * C(5,2) = 3 * 6 * 10 = 180, so 8^14 * 180 ~ 7.9e14 decision
// vectors. Only the ops on the 8 chosen edges matter, so the cell has
// 8^8 * 180 ~ 3.0e9 distinct genotypes (7^8 * 180 ~ 1.0e9 without `none`,
// which DARTS never keeps). All normal cells share one decision set and all
// reduction cells another: (8^8 * 180)^2 ~ 9.1e18 architectures
// ((7^8 * 180)^2 ~ 1.1e18: the "10^18" of the DARTS paper).
//
// Parameters (C=16, checked by test/stdlib/darts-params.test against the
// reference code's modules): the supernet holds 1,987,194, which is the DARTS
// code's search network (1,930,618, its "param size = 1.930618MB") plus the
// scale and shift of its batch norms, which DARTS builds with affine=False
// while searching and std/ops keeps as in the evaluation network. DARTS_V2
// as an 8-cell network here has 246,106 parameters, the code's count.

import "std/ops";

// The candidate operation names of DARTS (none, max_pool_3x3, avg_pool_3x3 and
// skip_connect are in std/ops).
const sep_conv_3x3 = sep_conv(kernel=3);
const sep_conv_5x5 = sep_conv(kernel=5);
const dil_conv_3x3 = dil_conv(kernel=3, dilation=2);
const dil_conv_5x5 = dil_conv(kernel=5, dilation=2);

const DARTS_OPS = [none, max_pool_3x3, avg_pool_3x3, skip_connect,
                   sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5];

// The same operations with stride 2, in the same order, for the edges that
// leave a reduction cell's inputs; the strided skip_connect is a
// factorized reduction, as in the DARTS code.
const DARTS_OPS_REDUCE = [zero(stride=2), max_pool(3, stride=2), avg_pool(3, stride=2), factorized_reduce,
                          sep_conv(kernel=3, stride=2), sep_conv(kernel=5, stride=2),
                          dil_conv(kernel=3, stride=2, dilation=2), dil_conv(kernel=5, stride=2, dilation=2)];

// One DARTS cell with C channels per node. reduction_prev: the previous cell
// was a reduction cell, so input 0 (two cells back) has twice this cell's
// spatial size and is reduced by a factorized reduction.
cell DartsCell(C: int, reduction: bool = false, reduction_prev: bool = false) {
  input s0;
  input s1;

  node x0 = s0 |> (if reduction_prev then factorized_reduce(C) else relu_conv_bn(C, kernel=1));
  node x1 = s1 |> relu_conv_bn(C, kernel=1);

  // Edges leaving the cell inputs: strided in a reduction cell.
  let IN_OPS = if reduction then DARTS_OPS_REDUCE else DARTS_OPS;

  // Node 2: both of its two predecessors.
  choice e0_2: IN_OPS;
  choice e1_2: IN_OPS;
  node x2 = sum(e0_2(x0), e1_2(x1));

  // Node 3: 2 of its 3 incoming edges.
  choice e0_3: IN_OPS;
  choice e1_3: IN_OPS;
  choice e2_3: DARTS_OPS;
  choice in3: 2 of [e0_3(x0), e1_3(x1), e2_3(x2)];
  node x3 = sum(in3);

  // Node 4: 2 of 4.
  choice e0_4: IN_OPS;
  choice e1_4: IN_OPS;
  choice e2_4: DARTS_OPS;
  choice e3_4: DARTS_OPS;
  choice in4: 2 of [e0_4(x0), e1_4(x1), e2_4(x2), e3_4(x3)];
  node x4 = sum(in4);

  // Node 5: 2 of 5.
  choice e0_5: IN_OPS;
  choice e1_5: IN_OPS;
  choice e2_5: DARTS_OPS;
  choice e3_5: DARTS_OPS;
  choice e4_5: DARTS_OPS;
  choice in5: 2 of [e0_5(x0), e1_5(x1), e2_5(x2), e3_5(x3), e4_5(x4)];
  node x5 = sum(in5);

  output concat(x2, x3, x4, x5);
}

// The DARTS CIFAR search network: stem 3x3 conv to 3C channels + BN, then
// 8 cells with reduction cells at 1/3 and 2/3 of the depth (cells 2 and 5),
// channels doubling at each; global average pooling, linear
// classifier. Each cell reads the two cells before it (the stem twice at first).
network Darts(C: int = 16, classes: int = 10) {
  input image: tensor(3, 32, 32);

  node stem = image |> conv(3 * C, kernel=3) |> batch_norm;

  node c0 = (DartsCell(C) shared as normal)(stem, stem);
  node c1 = (DartsCell(C) shared as normal)(stem, c0);
  node c2 = (DartsCell(2 * C, reduction=true) shared as reduce)(c0, c1);
  node c3 = (DartsCell(2 * C, reduction_prev=true) shared as normal)(c1, c2);
  node c4 = (DartsCell(2 * C) shared as normal)(c2, c3);
  node c5 = (DartsCell(4 * C, reduction=true) shared as reduce)(c3, c4);
  node c6 = (DartsCell(4 * C, reduction_prev=true) shared as normal)(c4, c5);
  node c7 = (DartsCell(4 * C) shared as normal)(c5, c6);

  output c7 |> global_avg_pool |> linear(classes);
}
