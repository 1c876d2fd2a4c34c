// Layers are applied to tensors: `layer(x)`, `layer(a, b)` or `x |> layer`.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";

// expected-note @+1 {{declared here}}
cell Two() {
  input a;
  input b;
  output sum(a, b);
}

cell C() {
  input x;
  input y;
  // A pipe supplies one input; a two-input cell needs both.
  // expected-error @+1 {{cell 'Two' takes 2 inputs but is applied to 1; a pipe supplies one, call it with all inputs instead}}
  node p = x |> Two();
  // expected-error @+1 {{cell 'Two' takes 2 inputs but is applied to 3}}
  node q = Two()(x, y, x);
  // expected-error @+1 {{takes 1 input but is applied to 2}}
  node r = relu()(x, y);
  let width = 16;
  // expected-error @+1 {{only ops and template instances can be applied, but this is int}}
  node s = width(x);
  // expected-error @+1 {{the right side of '|>' must be an op or template instance, got int}}
  node t = x |> width;
  // expected-error @+1 {{a layer is applied to tensors, but this is int}}
  node u = conv(16)(width);
  // expected-error @+1 {{a layer is applied to tensors, but this is int}}
  node v = 3 |> relu;
  // expected-error @+1 {{a layer is applied to tensors by position; named argument 'src' is not allowed here}}
  node w = conv(16)(src=x);
  // The alternatives of a mixed op take one number of inputs.
  // expected-error @+1 {{alternatives of one list must take the same number of inputs}}
  choice e: [relu, Two()];
  node z = e(x);
  // Fine: a two-input cell called with both, ops chained with pipes.
  node ok = Two()(x, y) |> conv(16, kernel=3) |> relu;
  output concat(p, q, r, s, t, u, v, w, z, ok);
}
