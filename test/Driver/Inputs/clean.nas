// A correct program: nothing to report.
op relu() = "relu";
network Net() {
  input image: tensor(3, 32, 32);
  output image |> relu;
}
