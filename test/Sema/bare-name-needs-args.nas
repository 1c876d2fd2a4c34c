// A bare op, template, extern or metric name is a call with every default;
// it is an error when a parameter has no default.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
// expected-note @+1 {{declared here}}
op conv(out: int, kernel: int = 3) = "conv2d";
// expected-note @+1 {{declared here}}
cell Widen(factor: int) {
  input x;
  output x |> conv(factor * 8);
}
// expected-note @+1 {{declared here}}
metric latency(device: string): float minimize;
metric accuracy: float maximize;
// expected-note @+1 {{declared here}}
strategy evolution(population: int) = "evolution";

network Net() {
  input image: tensor(3, 32, 32);
  // expected-error @+1 {{op 'conv' needs arguments: 'out' has no default}}
  node a = image |> relu |> conv;
  // expected-error @+1 {{cell 'Widen' needs arguments: 'factor' has no default}}
  node b = a |> Widen;
  output b;
}

search S {
  space = Net();
  // expected-error @+1 {{strategy 'evolution' needs arguments: 'population' has no default}}
  strategy = evolution;
  maximize accuracy;
  // expected-error @+1 {{metric 'latency' needs arguments: 'device' has no default}}
  minimize latency;
}
