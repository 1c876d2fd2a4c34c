// A division by zero or an index out of range that happens for one value of
// a choice is an error whatever surrounds it: an op without requirements, or
// a requirement that other values already satisfy.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
const KERNELS = [3, 5, 7];

cell C() {
  input x;
  choice i: [0, 1, 2, 3];
  // expected-error @+1 {{index 3 is out of range for a list of 3 elements (when i = 3)}}
  node a = x |> conv(kernel=KERNELS[i]);
  choice groups: [1, 0];
  // expected-error @+1 {{division by zero (when groups = 0)}}
  node b = a |> conv(round(32 / groups));
  choice g: [2, 0];
  // expected-error @+1 {{division by zero (when g = 0)}}
  let q = 8 / g;
  require q > 1.0;
  output b;
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> C() independent;
}
