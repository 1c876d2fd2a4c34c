// std/spaces/proxylessnas: the mobile search space of ProxylessNAS (Cai, Zhu
// and Han, ICLR 2019), as its reference code builds it (super_proxyless.py).
//
// MobileNetV2's skeleton with 21 searched layers in 6 stages. Every layer
// picks an inverted bottleneck (ReLU6) with a 3x3, 5x5 or 7x7 depthwise
// kernel and expansion 3 or 6:
//
//   k3_e3, k3_e6, k5_e3, k5_e6, k7_e3, k7_e6
//
// and a layer that keeps the stride and the channels (every layer of a stage
// but its first) may also be skipped: the reference code's Zero op, whose
// block then passes its input through the identity shortcut.
//
// Counting: 6 choices for each of the 6 first layers and 7 for each of the
// 15 others: 6^6 x 7^15 = 221,502,229,807,900,608 architectures.
//
// Parameters: 2,154,984 .. 5,103,336 at 224 x 224 and 1,000 classes. The
// released ProxylessNAS-Mobile network (4.1 M parameters) is not a point of
// this space as the search code's defaults build it: its first searched stage
// has 32 channels where the search code's width_stages say 24.
//
// Unique architectures: 1,554^5 x 6 = 54,375,883,032,510,144. Where a
// skipped layer stands in a stage does not matter: a stage's first layer (6)
// followed by 0..3 of its other layers' 6 blocks, 6 x (1 + 6 + 36 + 216) =
// 1,554; the last stage has 6.

import "std/ops";

// A stage's first layer: it changes channels (and maybe the stride), so it is
// never skipped and has no residual.
block ProxylessFirst(out: int, stride: int) {
  input x;

  const k3_e3 = mbconv(out, 3, 3, stride, act="relu6");
  const k3_e6 = mbconv(out, 6, 3, stride, act="relu6");
  const k5_e3 = mbconv(out, 3, 5, stride, act="relu6");
  const k5_e6 = mbconv(out, 6, 5, stride, act="relu6");
  const k7_e3 = mbconv(out, 3, 7, stride, act="relu6");
  const k7_e6 = mbconv(out, 6, 7, stride, act="relu6");

  choice conv_op: [k3_e3, k3_e6, k5_e3, k5_e6, k7_e3, k7_e6];
  output x |> conv_op;
}

// A later layer of a stage: stride 1, channels kept, the input added back
// (mbconv's residual); `skip` leaves only the shortcut.
block ProxylessLayer(out: int) {
  input x;

  const k3_e3 = mbconv(out, 3, 3, act="relu6");
  const k3_e6 = mbconv(out, 6, 3, act="relu6");
  const k5_e3 = mbconv(out, 3, 5, act="relu6");
  const k5_e6 = mbconv(out, 6, 5, act="relu6");
  const k7_e3 = mbconv(out, 3, 7, act="relu6");
  const k7_e6 = mbconv(out, 6, 7, act="relu6");
  const skip = identity;

  choice conv_op: [k3_e3, k3_e6, k5_e3, k5_e6, k7_e3, k7_e6, skip];
  output x |> conv_op;
}

block ProxylessStage(out: int, layers: int, stride: int) {
  input x;
  output x |> ProxylessFirst(out, stride) independent
           |> repeat(layers - 1, ProxylessLayer(out) independent);
}

// 224 x 224 ImageNet: 3x3 conv to 32 channels at stride 2 (BN, ReLU6); a fixed
// MBConv1 3x3 to 16; stages (channels, layers, stride) (24, 4, 2), (40, 4, 2),
// (80, 4, 2), (96, 4, 1), (192, 4, 2), (320, 1, 1); 1x1 conv to 1280 (BN,
// ReLU6); global pooling; classifier.
network ProxylessNAS(resolution: int = 224, classes: int = 1000) {
  input image: tensor(3, resolution, resolution);

  node stem = image |> conv(32, kernel=3, stride=2) |> batch_norm |> relu6
                    |> mbconv(16, 1, 3, act="relu6");
  node s1 = stem |> ProxylessStage(24, 4, 2) independent;
  node s2 = s1 |> ProxylessStage(40, 4, 2) independent;
  node s3 = s2 |> ProxylessStage(80, 4, 2) independent;
  node s4 = s3 |> ProxylessStage(96, 4, 1) independent;
  node s5 = s4 |> ProxylessStage(192, 4, 2) independent;
  node s6 = s5 |> ProxylessStage(320, 1, 1) independent;

  output s6 |> conv(1280, kernel=1) |> batch_norm |> relu6 |> global_avg_pool |> linear(classes);
}
