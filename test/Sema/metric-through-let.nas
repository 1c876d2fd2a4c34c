// A let may name a metric so that requirements can share it, but passing
// that let on to something that builds the network or configures the search
// is the same mistake as naming the metric there directly.
// RUN: nasc check --verify-diagnostics %s

op drop(p: float = 0.1) = "dropout";
metric accuracy: float maximize;
metric params: int minimize;

cell C() {
  input x;
  let m = accuracy;
  let n = params;
  require m > 0.5;
  // expected-error @+1 {{metric}}
  node y = x |> drop(m);
  // expected-error @+1 {{metric}}
  output y |> repeat(n, drop);
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> C();
}

search S {
  space = Net();
  let q = accuracy;
  maximize q;
  // expected-error @+1 {{metric}}
  evaluations = round(q * 100);
}
