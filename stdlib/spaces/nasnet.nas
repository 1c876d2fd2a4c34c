// std/spaces/nasnet: the NASNet search space (Zoph, Vasudevan, Shlens & Le,
// CVPR 2018).
//
// A cell takes h0 (the output two cells back) and h1 (the previous cell's),
// each preprocessed to C channels, and builds 5 blocks. Block b:
//   1. picks a hidden state from [h0, h1, the outputs of blocks 0..b-1],
//   2. picks a second hidden state from the same set (it may be the same),
//   3. picks an operation for the first,
//   4. picks an operation for the second,
//   5. picks how to combine the two results: add, or concatenate (then a
//      1x1 ReLU-conv-BN back to C channels).
// The cell outputs the concatenation of its 5 blocks (5C channels). NASNet
// concatenates only the blocks no other block consumed; which those are
// depends on the choices, so this space concatenates all five (as DARTS and
// ENAS do with their intermediate nodes).
//
// Reduction cells have stride 2 on operations applied to h0 or h1, so an
// operation's stride depends on which hidden state was picked. Each input
// slot therefore applies its chosen operation (`op_b_a`, a name from
// NASNET_OP_NAMES) to every candidate at the right stride and picks one of
// the results (`in_b_a: 1 of [...]`): the same decisions as picking the
// state then the op.
//
// Counting, per cell: block b has (b + 2)^2 input pairs, 13^2 op pairs and 2
// combiners: prod_{b=0..4} (b + 2)^2 * 13^10 * 2^5 = 720^2 * 13^10 * 32
// ~ 2.3e18. One decision set for all normal cells and one for all reduction
// cells: ~ 5.2e36 architectures.

import "std/ops";

// The 13 operations of the NASNet paper.
const NASNET_OP_NAMES = ["identity", "conv_1x3_3x1", "conv_1x7_7x1", "dil_conv_3x3",
                         "avg_pool_3x3", "max_pool_3x3", "max_pool_5x5", "max_pool_7x7",
                         "conv_1x1", "conv_3x3", "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7"];

// ReLU, a 1 x n convolution then an n x 1 convolution, BN.
block FactorizedConv(n: int, stride: int = 1) {
  input x;
  output x |> relu |> conv(kernel=1, kernel_w=n, stride=stride) |> conv(kernel=n, kernel_w=1) |> batch_norm;
}

// The NASNet operation called `name`, with the given stride (on C-channel maps).
block NasNetOp(name: string, stride: int = 1) {
  input x;
  let layer =
    if name == "identity" then (if stride == 1 then identity else factorized_reduce)
    else if name == "conv_1x3_3x1" then FactorizedConv(3, stride)
    else if name == "conv_1x7_7x1" then FactorizedConv(7, stride)
    else if name == "dil_conv_3x3" then dil_conv(kernel=3, stride=stride, dilation=2)
    else if name == "avg_pool_3x3" then avg_pool(3, stride=stride)
    else if name == "max_pool_3x3" then max_pool(3, stride=stride)
    else if name == "max_pool_5x5" then max_pool(5, stride=stride)
    else if name == "max_pool_7x7" then max_pool(7, stride=stride)
    else if name == "conv_1x1" then relu_conv_bn(kernel=1, stride=stride)
    else if name == "conv_3x3" then relu_conv_bn(kernel=3, stride=stride)
    else if name == "sep_conv_3x3" then sep_conv(kernel=3, stride=stride)
    else if name == "sep_conv_5x5" then sep_conv(kernel=5, stride=stride)
    else sep_conv(kernel=7, stride=stride);
  output x |> layer;
}

// The two combiners: element-wise addition, or concatenation along the
// channels followed by a 1x1 ReLU-conv-BN back to C channels.
block AddCombine {
  input a;
  input b;
  output sum(a, b);
}

block ConcatCombine(C: int) {
  input a;
  input b;
  output concat(a, b) |> relu_conv_bn(C, kernel=1);
}

// One NASNet cell with C channels per block.
cell NasNetCell(C: int, reduction: bool = false, reduction_prev: bool = false) {
  input s0;
  input s1;

  node h0 = s0 |> (if reduction_prev then factorized_reduce(C) else relu_conv_bn(C, kernel=1));
  node h1 = s1 |> relu_conv_bn(C, kernel=1);

  let s = if reduction then 2 else 1;
  let COMBINERS = [AddCombine, ConcatCombine(C)];

  // Block 0: hidden states from [h0, h1].
  choice op0_a: NASNET_OP_NAMES;
  choice op0_b: NASNET_OP_NAMES;
  choice in0_a: 1 of [NasNetOp(op0_a, s)(h0), NasNetOp(op0_a, s)(h1)];
  choice in0_b: 1 of [NasNetOp(op0_b, s)(h0), NasNetOp(op0_b, s)(h1)];
  choice comb0: COMBINERS;
  node b0 = comb0(in0_a[0], in0_b[0]);

  // Block 1: from [h0, h1, b0].
  choice op1_a: NASNET_OP_NAMES;
  choice op1_b: NASNET_OP_NAMES;
  choice in1_a: 1 of [NasNetOp(op1_a, s)(h0), NasNetOp(op1_a, s)(h1), NasNetOp(op1_a)(b0)];
  choice in1_b: 1 of [NasNetOp(op1_b, s)(h0), NasNetOp(op1_b, s)(h1), NasNetOp(op1_b)(b0)];
  choice comb1: COMBINERS;
  node b1 = comb1(in1_a[0], in1_b[0]);

  // Block 2: from [h0, h1, b0, b1].
  choice op2_a: NASNET_OP_NAMES;
  choice op2_b: NASNET_OP_NAMES;
  choice in2_a: 1 of [NasNetOp(op2_a, s)(h0), NasNetOp(op2_a, s)(h1), NasNetOp(op2_a)(b0), NasNetOp(op2_a)(b1)];
  choice in2_b: 1 of [NasNetOp(op2_b, s)(h0), NasNetOp(op2_b, s)(h1), NasNetOp(op2_b)(b0), NasNetOp(op2_b)(b1)];
  choice comb2: COMBINERS;
  node b2 = comb2(in2_a[0], in2_b[0]);

  // Block 3: from [h0, h1, b0, b1, b2].
  choice op3_a: NASNET_OP_NAMES;
  choice op3_b: NASNET_OP_NAMES;
  choice in3_a: 1 of [NasNetOp(op3_a, s)(h0), NasNetOp(op3_a, s)(h1), NasNetOp(op3_a)(b0), NasNetOp(op3_a)(b1),
                      NasNetOp(op3_a)(b2)];
  choice in3_b: 1 of [NasNetOp(op3_b, s)(h0), NasNetOp(op3_b, s)(h1), NasNetOp(op3_b)(b0), NasNetOp(op3_b)(b1),
                      NasNetOp(op3_b)(b2)];
  choice comb3: COMBINERS;
  node b3 = comb3(in3_a[0], in3_b[0]);

  // Block 4: from [h0, h1, b0, b1, b2, b3].
  choice op4_a: NASNET_OP_NAMES;
  choice op4_b: NASNET_OP_NAMES;
  choice in4_a: 1 of [NasNetOp(op4_a, s)(h0), NasNetOp(op4_a, s)(h1), NasNetOp(op4_a)(b0), NasNetOp(op4_a)(b1),
                      NasNetOp(op4_a)(b2), NasNetOp(op4_a)(b3)];
  choice in4_b: 1 of [NasNetOp(op4_b, s)(h0), NasNetOp(op4_b, s)(h1), NasNetOp(op4_b)(b0), NasNetOp(op4_b)(b1),
                      NasNetOp(op4_b)(b2), NasNetOp(op4_b)(b3)];
  choice comb4: COMBINERS;
  node b4 = comb4(in4_a[0], in4_b[0]);

  output concat(b0, b1, b2, b3, b4);
}

// NASNet for CIFAR-10 with N = 2 normal cells per stage: stem 3x3 conv to 3C
// channels + BN; normal x2, reduction, normal x2, reduction, normal x2, with
// C, 2C, 4C channels; ReLU, global average pooling, linear classifier.
network NasNet(C: int = 32, classes: int = 10) {
  input image: tensor(3, 32, 32);

  node stem = image |> conv(3 * C, kernel=3) |> batch_norm;

  node n0 = (NasNetCell(C) shared as normal)(stem, stem);
  node n1 = (NasNetCell(C) shared as normal)(stem, n0);
  node r0 = (NasNetCell(2 * C, reduction=true) shared as reduce)(n0, n1);
  node n2 = (NasNetCell(2 * C, reduction_prev=true) shared as normal)(n1, r0);
  node n3 = (NasNetCell(2 * C) shared as normal)(r0, n2);
  node r1 = (NasNetCell(4 * C, reduction=true) shared as reduce)(n2, n3);
  node n4 = (NasNetCell(4 * C, reduction_prev=true) shared as normal)(n3, r1);
  node n5 = (NasNetCell(4 * C) shared as normal)(r1, n4);

  output n5 |> relu |> global_avg_pool |> linear(classes);
}
