// One error: an unknown operation.
network Net() {
  input image: tensor(3, 32, 32);
  output image |> relx();
}
