// The expectation below is wrong and the error it should expect is missing.
op relu() = "relu";
network Net() {
  input image: tensor(3, 32, 32);
  // expected-error @+1 {{unknown operation 'relx'}}
  output image |> relu;
  node n = image |> nope;
}
