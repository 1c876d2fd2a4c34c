// A metric is only known once an architecture has been evaluated, so it may
// appear in objectives and requirements only, not in anything that builds
// the network or configures the search.
// RUN: nasc check --verify-diagnostics %s

op drop(p: float = 0.1) = "dropout";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
metric accuracy: float maximize;
metric params: int minimize;
metric latency(device: string): float minimize;

// expected-error @+1 {{metric 'params' is only known after an architecture is evaluated; use it in an objective or a 'require'}}
const P = params;

cell C() {
  input x;
  // expected-error @+1 {{metric 'accuracy' is only known after an architecture is evaluated; use it in an objective or a 'require'}}
  node a = x |> drop(accuracy);
  // expected-error @+1 {{metric 'params' is only known after an architecture is evaluated}}
  choice k: [params, 3];
  // expected-error @+1 {{metric 'latency' is only known after an architecture is evaluated}}
  output a |> conv(kernel=round(latency("cpu")));
  // A requirement over metrics is fine.
  require params <= 1000000;
  require k > 0;
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> C() independent;
}

search S {
  space = Net();
  // expected-error @+1 {{metric 'params' is only known after an architecture is evaluated}}
  seed = params;
  maximize accuracy;
}
