// A cycle among lets is reported once, and the values on it are unknown
// afterwards: using them (in an op argument, a requirement or a search
// setting) must not send the value checks around the cycle forever.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3) = "conv2d" {
  require out >= 1;
}

cell C() {
  input x;
  // expected-error @+1 {{cycle in cell 'C': let 'p' depends on itself through p -> q -> r -> p}}
  let p = q + 1;
  let q = r * 2;
  let r = p - 1;
  // expected-note @-1 {{'r' uses 'p' here, closing the cycle}}
  require p > 0;
  output x |> conv(p);
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> C();
}

search S { maximize accuracy;
  space = Net();
  // expected-error @+1 {{cycle in search 'S': let 'u' depends on itself through u -> v -> u}}
  let u = v;
  let v = u;
  // expected-note @-1 {{'v' uses 'u' here, closing the cycle}}
  evaluations = u;
}

// Searches need an objective.
metric accuracy: float maximize;
