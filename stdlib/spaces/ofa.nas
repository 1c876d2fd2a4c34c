// std/spaces/ofa: the Once-for-All MobileNetV3 space (Cai et al., ICLR 2020),
// as its reference code builds OFAMobileNetV3 at width 1.0.
//
// MobileNetV3-Large's skeleton. Five searched stages, each of depth 2, 3 or 4;
// each layer of a stage picks its depthwise kernel (3, 5, 7) and expansion
// ratio (3, 4, 6) on its own. The layers past a stage's depth are dropped,
// so a layer's choices count only when the depth reaches it:
//
//   per stage  9^2 + 9^3 + 9^4 = 7,371
//   in all     7,371^5 = 21,758,655,492,572,485,851 (resolution left out, as the
//              paper's count "~10^19" does)
//
// The blocks are MobileNetV3's inverted bottlenecks: ReLU in the first two
// stages and hard swish after; squeeze-and-excite in stages 1, 3, 4 and 5
// (OFA's SEModule: on the expanded width, squeeze = make_divisible(mid / 4, 8),
// ReLU inside, hard-sigmoid gate); the input added back on every layer but a
// stage's first.
//
// Parameters at 224 x 224 and 1,000 classes: 3,410,792 (every stage depth 2,
// kernel 3, expansion 3) .. 7,664,760 (depth 4, kernel 7, expansion 6: the
// full network the progressive shrinking starts from; OFA reports 7.7 M). Unique: every
// architecture is a different network (no skip alternative), counted by
// owner: each stage's depth decides which of its layers are used.
//
// Trained as OFA trains it: estimator = supernet(mode="progressive") keeps
// one weight tensor per layer, sliced per sub-network (7,664,760 parameters,
// the full network's, plus 14,120 in the kernel transformation matrices;
// 30.4 M with weights per configuration: `nasc supernet`), and strategy =
// ofa_specialize(targets=...) picks a network per latency target without
// training again (docs/runtime.md, docs/runtime-search.md). The resolution
// is a parameter here; OFA's elastic resolution is a search's choice passed
// to it, `choice res: 128..224 step 4; space = OnceForAll(resolution=res);`
// (25 sizes: 25 x 7,371^5 = 543,966,387,314,312,146,275 architectures), which
// the progressive shrinking samples in every stage, resizing each batch to
// the path's size (docs/runtime.md, "Elastic resolution").

import "std/ops";

// One layer of a stage: `stride` and the channel change on the first only.
block OFALayer(out: int, stride: int, act: string, se: bool) {
  input x;
  choice kernel: [3, 5, 7];
  choice expand: [3, 4, 6];
  output x |> mbconv(out, expand, kernel, stride, act=act, se=se, se_expanded=true, se_divisor=8,
                     se_gate="hard_sigmoid");
}

block OFAStage(out: int, stride: int, act: string, se: bool) {
  input x;
  choice depth: [2, 3, 4];
  output x |> OFALayer(out, stride, act, se) independent
           |> repeat(depth - 1, OFALayer(out, 1, act, se) independent);
}

// 224 x 224 ImageNet: 3x3 conv to 16 channels at stride 2 (BN, hard swish);
// a fixed MBConv 3x3, expansion 1, to 16 (ReLU, residual); stages (channels,
// stride, activation, SE) (24, 2, relu, no), (40, 2, relu, yes),
// (80, 2, hard swish, no), (112, 1, hard swish, yes), (160, 2, hard swish,
// yes); 1x1 conv to 960 (BN, hard swish); global pooling; 1x1 conv to 1280
// without BN (hard swish); classifier.
network OnceForAll(resolution: int = 224, classes: int = 1000) {
  input image: tensor(3, resolution, resolution);

  node stem = image |> conv(16, kernel=3, stride=2) |> batch_norm |> hard_swish
                    |> mbconv(16, 1, 3);
  node s1 = stem |> OFAStage(24, 2, "relu", false) independent;
  node s2 = s1 |> OFAStage(40, 2, "relu", true) independent;
  node s3 = s2 |> OFAStage(80, 2, "hard_swish", false) independent;
  node s4 = s3 |> OFAStage(112, 1, "hard_swish", true) independent;
  node s5 = s4 |> OFAStage(160, 2, "hard_swish", true) independent;

  output s5 |> conv(960, kernel=1) |> batch_norm |> hard_swish |> global_avg_pool
            |> conv(1280, kernel=1) |> hard_swish |> linear(classes);
}
