// 30 layers, each with its own width and head count and its own requirement
// (test/Shapes/feasible-components.nas): 9^30 decision vectors, 7^30
// feasible. Each layer's requirement links only its own two decisions, so
// the count is 30 small enumerations multiplied, not 9^30 checks.
op conv(out: int = in_channels) = "conv2d" { out_channels = out; }
op mha(heads: int = 4) = "mha";

block Layer {
  input x;
  choice width: [16, 24, 32];
  choice heads: [2, 3, 4];
  require width % heads == 0;
  output x |> conv(width) |> mha(heads);
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> repeat(30, Layer independent);
}
