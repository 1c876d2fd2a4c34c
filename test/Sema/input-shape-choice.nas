// A network's input shape may depend on a choice: resolution is searched
// (EfficientNet's compound scaling, OFA). Each value is still checked.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";

network Resolution() {
  choice res: [224, 192, 160];
  input image: tensor(3, res, res);
  output image |> relu;
}

network Scaled() {
  choice r: [32, 0];
  // expected-error @+1 {{tensor dimensions must be at least 1, got 0 (when r = 0)}}
  input image: tensor(3, r, 32);
  output image |> relu;
}
