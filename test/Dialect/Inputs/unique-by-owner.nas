// 10 to 20 layers, each its own width and a pass-through chosen two ways
// (two ops with trait `identity`: one function). Per layer 4 decision
// vectors, 2 functions. Far too many to enumerate (sum of 4^d over
// d = 10..20), so nas-count-unique counts by owner: per depth d, 2^d
// distinct networks, in all 2^21 - 2^10 = 2,096,128.
op conv(out: int = in_channels) = "conv2d" { out_channels = out; }
op identity() = "identity" { trait identity, parameter_free; }
op pass() = "identity" { trait identity, parameter_free; }

block Layer {
  input x;
  choice w: [8, 16];
  choice through: [identity, pass];
  output x |> conv(w) |> through;
}

network Deep() {
  input image: tensor(3, 8, 8);
  choice depth: 10..20;
  output image |> repeat(depth, Layer independent);
}
