// Values known at compile time are checked: repeat counts, divisions and
// list indices, also for every value of the choices they depend on.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d" {
  require kernel >= 1;
}
const KERNELS = [3, 5, 7];

cell C() {
  input x;
  // expected-error @+1 {{repeat count must not be negative, got -2}}
  node a = x |> repeat(-2, relu);
  choice depth: [2, 0, -1];
  // expected-error @+1 {{repeat count must not be negative, got -1 (when depth = -1)}}
  node b = a |> repeat(depth, relu);
  // expected-error @+1 {{division by zero}}
  let half = 16 / 0;
  // expected-error @+1 {{remainder by zero}}
  let rest = 16 % (4 - 4);
  // expected-error @+1 {{division by zero}}
  node c = b |> conv(round(32 / 0));
  // expected-error @+1 {{index 3 is out of range for a list of 3 elements}}
  node d = c |> conv(kernel=KERNELS[3]);
  choice i: [0, 1, 2, 3];
  // expected-error @+1 {{index 3 is out of range for a list of 3 elements (when i = 3)}}
  node e = d |> conv(kernel=KERNELS[i]);
  // expected-error @+1 {{index -1 is out of range for a list of 3 elements}}
  let last = KERNELS[-1];
  require half + rest + last > 0;
  output e;
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> C() independent;
}
