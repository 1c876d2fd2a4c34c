// `op` is the type of a layer value and can be written wherever a type can,
// alone or as a list, although it is also the keyword that declares ops.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
const ACTS: op[] = [relu, conv(kernel=1)];
const ACT: op = relu;

cell Cell(act: op = relu, choices: op[] = ACTS) {
  input x;
  choice e: choices;
  output x |> act |> e;
}

network Net() {
  input image: tensor(3, 32, 32);
  output image |> Cell(act=ACT) independent;
}
