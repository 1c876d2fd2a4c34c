// std/spaces/transnas_macro: the macro-level search space of
// TransNAS-Bench-101 (Duan, Chen, Xu, Chen, Liang, Zhang & Li,
// "TransNAS-Bench-101: Improving Transferability and Generalizability of
// Cross-Task Neural Architecture Search", CVPR 2021); reference code
// yawen-d/TransNASBench, lib/models/net_infer/{net_macro,cell_micro}.py.
//
// The cell is fixed (a ResNet basic block) and the skeleton is searched: a
// residual network of 4 to 6 modules, each module two basic blocks, each
// module one of
//   1  plain
//   2  channels x2
//   3  stride 2 (resolution / 2)
//   4  channels x2 and stride 2
// (the first block of a module changes the channels and the resolution, the
// second keeps them). The benchmark writes an architecture as "64-1234-basic":
// base width 64, the module codes, the cell. Here the codes are the
// decisions m1..m6; m5 = 0 and m6 = 0 mean that the network has no fifth or
// sixth module.
//
// Constraints, as the paper states them and NASLib's sampler for this space
// implements them (1 to 4 downsamplings and 1 to 3 doublings, shuffled over
// 4 to 6 modules): the network downsamples between 1 and 4 times and
// doubles its channels between 1 and 3 times. Counting: 4^4 + 4^5 + 4^6 = 5,376 module sequences,
// of which 3,256 meet both constraints: the benchmark's 3,256 macro
// architectures (its API: "Search space 'macro' contains 3256
// architectures"; 3,256 + 4,096 micro = the 7,352 of the paper).
//
// How it is written. A decision cannot be conditional on another one's value
// except through a decided `repeat` or a choice among blocks, and a block
// cannot read its input's channel count, so the depth is not a decision of
// its own: the fifth and sixth module codes also offer 0 (no module), and a
// requirement keeps a sixth module only after a fifth. `nasc info` reports
// 5 * 5 * 4^4 = 6,400 decision vectors ("size"), 5,376 distinct networks
// ("unique": m5 = 0 with m6 > 0 builds a 5-module network another vector
// also builds) and 3,256 feasible architectures; the channel and stride
// bookkeeping is written out with lets.
//
// The network, for the benchmark's 256 x 256 inputs (`resolution`; the widths
// do not depend on it):
//   stem     3x3 convolution, stride 2, to C/2 = 32 channels (no bias), batch
//            norm, then ReLU-conv3x3-BN, stride 2, to C = 64: 64 x 64 x 64
//   modules  as chosen: up to 64 * 2^3 = 512 channels and 64 / 2^4 = 4 pixels
//   head     the object-classification decoder: global average pooling,
//            linear to 75 classes (47 for scene classification)
// The basic block is the benchmark's own (cell_micro.ResNetBasicblock):
// ReLU-conv3x3-BN (stride), ReLU-conv3x3-BN, plus a shortcut that is a 1x1
// convolution with the block's stride and batch norm whenever the stride or
// the channels change. (std/ops' residual_block is NAS-Bench-201's, whose
// shortcuts differ.) The reference code builds that shortcut's batch norm as
// BatchNorm2d(planes, affine, track_running_stats), which passes True as eps
// and momentum; the parameters are the same, nasc's batch norm uses the
// usual eps and momentum.
//
// Simplified: of the benchmark's seven task heads only the classification
// decoder is modelled. The dense-prediction decoders (semantic segmentation,
// surface normals, autoencoding: ConvTranspose2d layers), room layout's
// regression head and jigsaw's siamese 9-piece encoder are not ops of
// std/ops and are left out.
//
// Parameters (encoder + object-classification head), checked by
// test/stdlib/transnas_macro.test against Inputs/transnas_reference_params.py,
// which counts the reference code's modules: over the 3,256 architectures
// they range from 998,635 ("64-1114-basic": one module that downsamples and
// doubles, last) to 40,190,315 ("64-224333-basic" and its reorderings of the
// first three codes); nasc's per-architecture counts agree with the reference
// on every architecture the test checks (e.g. "64-1234-basic": 3,419,499).
// `nasc info`'s range, 998,635 .. 40,190,315, is exact over the feasible
// architectures (the infeasible 6-doubling "64-222222-basic" would have
// 716,060,523).

import "std/ops";

// TransNAS-Bench-101's ResNet basic block, cin -> out channels.
block TransNasBasicBlock(out: int, cin: int, stride: int) {
  input x;
  node y = x |> relu_conv_bn(out, kernel=3, stride=stride) |> relu_conv_bn(out, kernel=3);
  node shortcut = if stride != 1 || cin != out
                  then (x |> conv(out, kernel=1, stride=stride) |> batch_norm)
                  else x;
  output sum(y, shortcut);
}

// A module: two basic blocks, the first with the module's stride and width.
block TransNasModule(out: int, cin: int, stride: int) {
  input x;
  output x |> TransNasBasicBlock(out, cin, stride) |> TransNasBasicBlock(out, out, 1);
}

network TransNasMacro(C: int = 64, classes: int = 75, resolution: int = 256) {
  input image: tensor(3, resolution, resolution);

  // Module codes: 1 plain, 2 channels x2, 3 stride 2, 4 both; 0 no module.
  choice m1: 1..4;
  choice m2: 1..4;
  choice m3: 1..4;
  choice m4: 1..4;
  choice m5: 0..4;
  choice m6: 0..4;
  require m5 != 0 || m6 == 0, "a sixth module needs a fifth";

  let downsamplings = (if m1 >= 3 then 1 else 0) + (if m2 >= 3 then 1 else 0) + (if m3 >= 3 then 1 else 0)
                    + (if m4 >= 3 then 1 else 0) + (if m5 >= 3 then 1 else 0) + (if m6 >= 3 then 1 else 0);
  let doublings = (if m1 == 2 || m1 == 4 then 1 else 0) + (if m2 == 2 || m2 == 4 then 1 else 0)
                + (if m3 == 2 || m3 == 4 then 1 else 0) + (if m4 == 2 || m4 == 4 then 1 else 0)
                + (if m5 == 2 || m5 == 4 then 1 else 0) + (if m6 == 2 || m6 == 4 then 1 else 0);
  require downsamplings >= 1 && downsamplings <= 4, "the network downsamples 1 to 4 times";
  require doublings >= 1 && doublings <= 3, "the network doubles its channels 1 to 3 times";

  // The channels after each module.
  let c1 = if m1 == 2 || m1 == 4 then 2 * C else C;
  let c2 = if m2 == 2 || m2 == 4 then 2 * c1 else c1;
  let c3 = if m3 == 2 || m3 == 4 then 2 * c2 else c2;
  let c4 = if m4 == 2 || m4 == 4 then 2 * c3 else c3;
  let c5 = if m5 == 2 || m5 == 4 then 2 * c4 else c4;
  let c6 = if m6 == 2 || m6 == 4 then 2 * c5 else c5;

  node stem = image |> conv(round(C / 2), kernel=3, stride=2) |> batch_norm
                    |> relu_conv_bn(C, kernel=3, stride=2);
  node x1 = stem |> TransNasModule(c1, C, if m1 >= 3 then 2 else 1);
  node x2 = x1 |> TransNasModule(c2, c1, if m2 >= 3 then 2 else 1);
  node x3 = x2 |> TransNasModule(c3, c2, if m3 >= 3 then 2 else 1);
  node x4 = x3 |> TransNasModule(c4, c3, if m4 >= 3 then 2 else 1);
  node x5 = if m5 == 0 then x4 else (x4 |> TransNasModule(c5, c4, if m5 >= 3 then 2 else 1));
  node x6 = if m6 == 0 then x5 else (x5 |> TransNasModule(c6, c5, if m6 >= 3 then 2 else 1));

  output x6 |> global_avg_pool |> linear(classes);
}
