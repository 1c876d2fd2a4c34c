cell Broken {
  input x;
  output x |> nosuchop;
}
