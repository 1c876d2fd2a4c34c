// Blocks inside blocks, each used only in some architectures
// (test/Shapes/feasible-components.nas). Counted by hand:
//   Cell: k in {3, 5}                                          2
//   Deep: depth 1..3 copies of Cell, each its own k:  2 + 4 + 8 = 14
//   Wide: width x mode = 6, less (24, "fast")                  5
//   top:  choice [Deep, Wide, conv(4)]
//   raw:      14 + 6 + 1 = 21
//   feasible: 14 + 5 + 1 = 20
// Wide's first values (24, "fast") break its requirement: where Wide is not
// chosen they are what its decisions read, and the requirement must not
// bind there.
op conv(out: int = in_channels, kernel: int = 3) = "conv2d" { out_channels = out; }

block Cell {
  input x;
  choice k: [3, 5];
  output x |> conv(8, kernel=k);
}

block Deep {
  input x;
  choice depth: 1..3;
  output x |> repeat(depth, Cell independent);
}

block Wide {
  input x;
  choice width: [24, 8, 16];
  choice mode: ["fast", "slow"];
  require mode == "slow" || width != 24;
  output x |> conv(width);
}

network Net() {
  input image: tensor(3, 8, 8);
  choice top: [Deep independent, Wide independent, conv(4)];
  output image |> top;
}
