// One warning and no error.
op relu() = "relu";
network Net() {
  input image: tensor(3, 32, 32);
  let unused = 3;
  output image |> relu;
}
