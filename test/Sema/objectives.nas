// Objectives and search requirements are numbers computed from metrics.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
metric accuracy: float maximize;
metric params: int minimize;
metric latency(device: string): float minimize;
// expected-error @+1 {{metric 'name' must be int or float, not string}}
metric name: string;
// expected-error @+1 {{metric 'ok' must be int or float, not bool}}
metric ok(device: string): bool;

network Net() {
  input image: tensor(3, 8, 8);
  output image |> relu;
}

search S {
  space = Net();
  // expected-error @+1 {{unknown metric 'acc'}}
  maximize acc;
  // expected-error @+1 {{this objective does not depend on any metric (such as accuracy, params or latency), so every architecture scores the same}}
  maximize 1.0;
  // expected-error @+1 {{an objective must be a number, got bool}}
  maximize accuracy > 0.5;
  // expected-error @+1 {{an objective must be a number, got string}}
  minimize "latency";
  // expected-error @+1 {{metric 'accuracy' takes no arguments}}
  maximize accuracy("gpu");
  // A scalarized reward and a hard constraint: fine.
  maximize accuracy * (latency("pixel3") / 80.0) ** -0.07;
  require latency("pixel3") <= 80.0;
  require params <= 5000000;
  // expected-error @+1 {{requirement must be a condition (bool), got float}}
  require latency("cpu");
}

// A search must say what it optimizes.
// expected-error @+1 {{search 'NoObjective' has no objective; add one, e.g. 'maximize accuracy;'}}
search NoObjective {
  space = Net();
}
