// A template may not instantiate itself, directly or through others.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";

// expected-note @+1 {{cell 'Direct' is declared here}}
cell Direct() {
  input x;
  // expected-error @+1 {{cell 'Direct' instantiates itself}}
  output x |> relu |> Direct();
}

// expected-note @+1 {{block 'A' is declared here}}
block A() {
  input x;
  // expected-error @+1 {{block 'A' instantiates itself through A -> B -> C -> A}}
  output x |> B();
}

// expected-note @+1 {{block 'B' is declared here}}
block B() {
  input x;
  // expected-error @+1 {{block 'B' instantiates itself through B -> C -> A -> B}}
  output x |> C();
}

// expected-note @+1 {{cell 'C' is declared here}}
cell C() {
  input x;
  // expected-error @+1 {{cell 'C' instantiates itself through C -> A -> B -> C}}
  output x |> A();
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> Direct() |> A();
}
