import "std/ops";
network N {
  input x: tensor(1, 8, 8);
  node a = x |> conv(4, kernel=3);
  output a |> conv2(4);
}
