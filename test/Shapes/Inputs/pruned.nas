// A space with requirements over two decisions (test/Shapes/requirements.nas).
op conv(out: int = in_channels) = "conv2d" { out_channels = out; }
op mha(heads: int = 4) = "mha";
network Net() {
  input image: tensor(3, 8, 8);
  choice width: [16, 24, 32];
  choice heads: [2, 3, 4, 5];
  require width % heads == 0;
  require heads != 4 || width >= 24;
  output image |> conv(width) |> mha(heads);
}
