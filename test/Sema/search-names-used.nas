// Names of a search block used by its settings or objectives are used: a
// training hyperparameter searched as a choice and passed to the optimizer
// is the documented way to tune it.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
metric accuracy: float maximize;
optimizer sgd(lr: float = 0.1, momentum: float = 0.0) = "sgd";

network Net() {
  input image: tensor(3, 8, 8);
  output image |> relu;
}

search S {
  space = Net();
  choice lr: 0.01..0.2 log;
  optimizer = sgd(lr=lr, momentum=0.9);
  let target = 0.9;
  maximize accuracy - target;
  const budget = 100;
  evaluations = budget;
  // Only this one is unused.
  // expected-warning @+1 {{choice 'wd' is never used: it multiplies the space without changing any network}}
  choice wd: [0.0, 0.0001];
}
