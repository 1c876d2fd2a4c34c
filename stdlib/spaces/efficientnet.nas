// std/spaces/efficientnet: compound scaling (Tan & Le, ICML 2019).
//
// EfficientNet-B0 (found by a MnasNet-style search) is scaled by one
// coefficient phi: depth by alpha^phi, width by beta^phi and input resolution
// by gamma^phi, with alpha = 1.2, beta = 1.1, gamma = 1.15 found by a small
// grid search under alpha * beta^2 * gamma^2 ~ 2 (so each step of phi about
// doubles the FLOPs). Channel counts round to multiples of 8 (never more than
// 10% down), layer counts round up, the resolution to the nearest pixel.
//
// phi is a parameter here, so one declaration serves every scale (an input
// shape may depend on a choice too, but a parameter keeps EfficientNet-B{phi}
// nameable). Searching phi is a choice of the search block, passed to the space:
//
//   search Scaling { choice phi: 0..7; space = EfficientNet(phi=phi); ... }
//
// (examples/efficientnet_phi.nas): 8 networks for phi in 0..7.
// The published B1..B7 use hand-tuned coefficients near these
// (e.g. B7: width 2.0, depth 3.1, 600 px); this file follows the formula.

import "std/ops";

// Conv (no bias), BN, swish, with width-scaled and rounded channels.
block ConvBNSwish(channels: int, width: float, kernel: int = 1, stride: int = 1) {
  input x;
  let raw = channels * width;
  let rounded = max(8, floor((raw + 4) / 8) * 8);
  let out = if rounded < 0.9 * raw then rounded + 8 else rounded;
  output x |> conv(out, kernel=kernel, stride=stride) |> batch_norm |> swish;
}

// One stage of B0 scaled by (width, depth): ceil(depth * repeats) MBConv
// layers with squeeze-and-excite (0.25) and swish; the first has the stage's
// stride, the others stride 1 with an identity residual.
block MBStage(expand: int, channels: int, repeats: int, stride: int, kernel: int,
              width: float = 1.0, depth: float = 1.0) {
  input x;
  let raw = channels * width;
  let rounded = max(8, floor((raw + 4) / 8) * 8);
  let out = if rounded < 0.9 * raw then rounded + 8 else rounded;
  let layers = ceil(depth * repeats);
  output x
    |> mbconv(out, expand, kernel, stride, se=true, act="swish")
    |> repeat(layers - 1, mbconv(out, expand, kernel, 1, se=true, act="swish"));
}

// EfficientNet-B{phi} by the compound-scaling formula.
network EfficientNet(phi: int = 0, classes: int = 1000) {
  const alpha = 1.2;  // depth
  const beta = 1.1;   // width
  const gamma = 1.15; // resolution
  require abs(alpha * beta ** 2 * gamma ** 2 - 2.0) < 0.1, "compound scaling wants alpha * beta^2 * gamma^2 close to 2";
  require phi >= 0, "the compound coefficient phi must not be negative";

  let depth = alpha ** phi;
  let width = beta ** phi;
  let resolution = round(224 * gamma ** phi);

  input image: tensor(3, resolution, resolution);

  // B0: (expand, channels, repeats, stride, kernel) per stage.
  node stem = image |> ConvBNSwish(32, width, kernel=3, stride=2);
  node s1 = stem |> MBStage(1, 16, 1, 1, 3, width, depth);
  node s2 = s1 |> MBStage(6, 24, 2, 2, 3, width, depth);
  node s3 = s2 |> MBStage(6, 40, 2, 2, 5, width, depth);
  node s4 = s3 |> MBStage(6, 80, 3, 2, 3, width, depth);
  node s5 = s4 |> MBStage(6, 112, 3, 1, 5, width, depth);
  node s6 = s5 |> MBStage(6, 192, 4, 2, 5, width, depth);
  node s7 = s6 |> MBStage(6, 320, 1, 1, 3, width, depth);

  // Dropout grows from 0.2 (B0) to 0.5 (B6, B7).
  output s7
    |> ConvBNSwish(1280, width)
    |> global_avg_pool
    |> dropout(min(0.5, 0.2 + 0.1 * floor(phi / 2)))
    |> linear(classes);
}
