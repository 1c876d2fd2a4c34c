// A few ops for tests that exercise diagnostics whose notes point at an
// imported declaration.
op conv(out: int = in_channels, kernel: int = 3, stride: int = 1) = "conv2d" {
  out_channels = out;
  stride = stride;
  require kernel >= 1, "kernel size must be at least 1";
  require out >= 1, "output channels must be positive";
}
op relu() = "relu";
