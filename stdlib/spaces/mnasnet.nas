// std/spaces/mnasnet: the factorized hierarchical search space of MnasNet
// (Tan et al., CVPR 2019).
//
// The network is MobileNetV2's skeleton cut into 7 blocks. Each block is
// searched on its own (`independent`: every block has its own decisions) and
// all layers inside a block are identical (they share the block's decisions):
//
//   conv_op   "conv" (regular conv), "sep_conv" (depthwise separable: an
//             mbconv with expansion 1) or "mbconv" (inverted bottleneck)
//   expand    mbconv expansion ratio 3 or 6
//   kernel    3 or 5
//   se        squeeze-and-excite (ratio 0.25) or not
//   skip      identity residual on the layers after the first, or no skip
//   width     filters = the MobileNetV2 filters x 0.75, 1.0 or 1.25 (to a multiple of 8)
//   layers    the MobileNetV2 layer count -1, +0 or +1 (a block may vanish
//             only where its stride is 1, i.e. where its count can reach 0)
//
// Counting: 3 * 2 * 2 * 2 * 2 * 3 * 3 = 432 decision vectors per block,
// less where a decision is unused: `skip` only matters when the block has a
// second layer, the others only when it has a first, `expand` not for a
// plain conv (blocks 1 and 7 have 181, block 2 has 300, the others 360), so
// the size is 181 x 300 x 360^4 x 181 ~ 1.65e17 (test/stdlib/space-sizes.test). Unique
// networks: 23,223,139,408,281,600 = 97 x 240 x 288^4 x 145 (`expand` is
// only read by mbconv; small blocks' widths 0.75 and 1.0 round alike; a
// block of 0 layers is one network whatever else it says). The paper
// folds expansion into the op (conv, sep_conv, mbconv3, mbconv6) and has 3
// skip ops (pooling, identity, none), also S = 432 per block; the pooling
// skip is not modelled here.

import "std/ops";

// One layer of a block. The first layer of a block has the block's stride and
// changes the channel count, so it never has a skip.
block MnasLayer(conv_op: string, out: int, expand: int, kernel: int, stride: int, se: bool, skip: bool) {
  input x;
  let core = if conv_op == "conv" then conv_bn_relu(out, kernel, stride=stride)
             else mbconv(out, if conv_op == "mbconv" then expand else 1, kernel, stride, se=se, skip=false);
  // mbconv has squeeze-and-excite inside; a regular conv gets it appended.
  let excite = if se && conv_op == "conv" then squeeze_excite(0.25) else identity;
  node y = x |> core |> excite;
  output if skip then sum(x, y) else y;
}

// A block of the factorized space: `filters` and `layers` are MobileNetV2's.
block MnasBlock(filters: int, layers: int, stride: int) {
  input x;

  choice conv_op: ["conv", "sep_conv", "mbconv"];
  choice expand: [3, 6];
  choice kernel: [3, 5];
  choice se: [false, true];
  choice skip: [true, false];
  choice width: [0.75, 1.0, 1.25];
  choice n: layers - 1 .. layers + 1;

  let out = 8 * max(1, round(filters * width / 8));
  let first = MnasLayer(conv_op, out, expand, kernel, stride, se, false);
  let rest = MnasLayer(conv_op, out, expand, kernel, 1, se, skip);

  output x |> repeat(min(n, 1), first) |> repeat(max(n - 1, 0), rest);
}

// MobileNetV2's skeleton for 224 x 224 ImageNet: stem 3x3 conv, 32 channels,
// stride 2; 7 searched blocks whose base (filters, layers, stride) are
// MobileNetV2's: (16, 1, 1), (24, 2, 2), (32, 3, 2), (64, 4, 2), (96, 3, 1),
// (160, 3, 2), (320, 1, 1); 1x1 conv to 1280, global pooling, classifier.
network MnasNet(classes: int = 1000) {
  input image: tensor(3, 224, 224);

  node stem = image |> conv_bn_relu(32, kernel=3, stride=2);
  node b1 = stem |> MnasBlock(16, 1, 1) independent;
  node b2 = b1 |> MnasBlock(24, 2, 2) independent;
  node b3 = b2 |> MnasBlock(32, 3, 2) independent;
  node b4 = b3 |> MnasBlock(64, 4, 2) independent;
  node b5 = b4 |> MnasBlock(96, 3, 1) independent;
  node b6 = b5 |> MnasBlock(160, 3, 2) independent;
  node b7 = b6 |> MnasBlock(320, 1, 1) independent;

  output b7 |> conv_bn_relu(1280, kernel=1) |> global_avg_pool |> linear(classes);
}
