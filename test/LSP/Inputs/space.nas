import "std/ops";

// A cell of two edges.
cell TinyCell() {
  input x0;
  choice which: [conv(kernel=3), identity];
  node x1 = which(x0);
  output x1;
}

network Tiny(classes: int = 10) {
  input image: tensor(3, 8, 8);
  choice width: [8, 16];
  node stem = image |> conv(width, kernel=3);
  output stem |> repeat(2, TinyCell() shared as tiny) |> global_avg_pool |> linear(classes);
}
