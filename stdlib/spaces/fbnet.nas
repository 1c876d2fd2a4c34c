// std/spaces/fbnet: the layer-wise search space of FBNet (Wu et al., CVPR
// 2019), also the FBNet space of HW-NAS-Bench (Li et al., ICLR 2021).
//
// A fixed macro skeleton (the paper's Table 1) of 22 searched layers, each
// choosing on its own among 9 candidate blocks (Table 2):
//
//   k3_e1, k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip
//
// kK_eE is an inverted bottleneck with a K x K depthwise convolution and
// expansion E: 1x1 conv, BN, ReLU; depthwise, BN, ReLU; 1x1 conv, BN; the
// input added when the stride is 1 and the channels stay. FBNet keeps the 1x1
// expansion at E = 1. _g2 makes both 1x1 convolutions grouped (2 groups),
// with a channel shuffle after the first. `skip` is the identity, or where the
// layer changes the channels or the stride a 1x1 conv + BN + ReLU (FBNet's
// Identity block).
//
// Counting: 9^22 = 984,770,902,183,611,232,881 architectures (22 independent
// layers of 9 candidates), the published size.
//
// FBNet-B in this space (the paper's Figure 4; `FBNET_B` in
// test/stdlib/fbnet.test) has 296.7 M multiply-accumulates at 224 x 224, the
// paper's 295 M, and 4,813,048 parameters where the paper's table says 4.5 M:
// counting without BN parameters (4.78 M) or without the expansion at E = 1
// (4.75 M) does not close the gap, so it is left open until the reference
// model (facebookresearch/mobile-vision) can be instantiated and counted.
//
// Unique architectures: 81 x 5,265^5 = 327,700,343,401,999,790,625. Where a
// layer keeps stride and channels its skip is the identity, and where it
// stands in a stage does not matter: a stage of a fixed first layer (9) and
// three such layers has 9 x (1 + 8 + 8^2 + 8^3) = 5,265 networks; the
// one-layer stages 16 -> 16 (skip: identity) and 184 -> 352 have 9 each.

import "std/ops";

// One searched layer: `in_c` channels in, `out` out, the stage's stride on
// its first layer.
block FBNetLayer(in_c: int, out: int, stride: int) {
  input x;

  const k3_e1 = mbconv(out, 1, 3, stride, expand_conv=true);
  const k3_e1_g2 = mbconv(out, 1, 3, stride, groups=2, expand_conv=true);
  const k3_e3 = mbconv(out, 3, 3, stride);
  const k3_e6 = mbconv(out, 6, 3, stride);
  const k5_e1 = mbconv(out, 1, 5, stride, expand_conv=true);
  const k5_e1_g2 = mbconv(out, 1, 5, stride, groups=2, expand_conv=true);
  const k5_e3 = mbconv(out, 3, 5, stride);
  const k5_e6 = mbconv(out, 6, 5, stride);
  const skip = if stride == 1 && in_c == out then identity else conv_bn_relu(out, kernel=1, stride=stride);

  choice candidate: [k3_e1, k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip];
  output x |> candidate;
}

// A stage of `layers` searched layers; the first changes channels and stride.
block FBNetStage(in_c: int, out: int, layers: int, stride: int) {
  input x;
  output x |> FBNetLayer(in_c, out, stride) independent
           |> repeat(layers - 1, FBNetLayer(out, out, 1) independent);
}

// Table 1 of the paper, for 224 x 224 ImageNet: 3x3 conv to 16 channels at
// stride 2; stages (channels, layers, stride) (16, 1, 1), (24, 4, 2),
// (32, 4, 2), (64, 4, 2), (112, 4, 1), (184, 4, 2), (352, 1, 1); 1x1 conv to
// 1984; global pooling; classifier. HW-NAS-Bench's CIFAR-100 variant is
// `FBNet(resolution=32, classes=100)` with the same strides.
network FBNet(resolution: int = 224, classes: int = 1000) {
  input image: tensor(3, resolution, resolution);

  node stem = image |> conv_bn_relu(16, kernel=3, stride=2);
  node s1 = stem |> FBNetStage(16, 16, 1, 1) independent;
  node s2 = s1 |> FBNetStage(16, 24, 4, 2) independent;
  node s3 = s2 |> FBNetStage(24, 32, 4, 2) independent;
  node s4 = s3 |> FBNetStage(32, 64, 4, 2) independent;
  node s5 = s4 |> FBNetStage(64, 112, 4, 1) independent;
  node s6 = s5 |> FBNetStage(112, 184, 4, 2) independent;
  node s7 = s6 |> FBNetStage(184, 352, 1, 1) independent;

  output s7 |> conv_bn_relu(1984, kernel=1) |> global_avg_pool |> linear(classes);
}
