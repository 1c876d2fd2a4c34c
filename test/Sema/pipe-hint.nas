// The hint for a multi-input cell used in a pipe shows code that can be
// written as it reads: the cell's name, its (empty) arguments, its inputs.
// RUN: nasc check --verify-diagnostics %s

// expected-note @+1 {{declared here}}
cell Two() {
  input a;
  input b;
  output sum(a, b);
}

cell C() {
  input x;
  // expected-error @+1 {{a pipe supplies one, call it with all inputs instead: Two()(a, b)}}
  output x |> Two();
}
