op conv(out: int = in_channels) = "conv2d" { out_channels = out; }

block Inner() {
  input x;
  choice w: [8, 16];
  output x |> conv(w) |> conv(8);
}

cell Cell() {
  input x;
  output x |> Inner() independent |> Inner() independent;
}

network Net() {
  input image: tensor(8, 8, 8);
  output image |> repeat(3, Cell() shared as cells);
}
