// Search settings: which space, how to search it, and with what budget.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
metric accuracy: float maximize;
strategy evolution(population: int = 50) = "evolution";
dataset cifar10() = "cifar10";

// expected-note @+1 {{declared here}}
cell Cell() {
  input x;
  output x |> relu;
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> Cell();
}

// expected-error @+1 {{search 'NoSpace' does not say which space to search; add 'space = NETWORK(...);'}}
search NoSpace { maximize accuracy;
  maximize accuracy;
}

search CellSpace { maximize accuracy;
  // expected-error @+1 {{'space' must be a network, but 'Cell' is a cell}}
  space = Cell();
  maximize accuracy;
}

search OpSpace { maximize accuracy;
  // expected-error @+1 {{'space' must be a network, got an op}}
  space = relu;
  maximize accuracy;
}

search Budgets { maximize accuracy;
  space = Net();
  // expected-error @+1 {{'evaluations' must be at least 1, got 0}}
  evaluations = 0;
  // expected-error @+1 {{'seed' must not be negative, got -1}}
  seed = -1;
  // expected-error @+1 {{'time_limit' must be positive, got 0s}}
  time_limit = 0s;
  // expected-error @+1 {{search setting 'evaluations' is set twice}}
  evaluations = 10;
  // expected-note @-7 {{previously set here}}
  maximize accuracy;
}

search NegativeTime { maximize accuracy;
  space = Net();
  // expected-error @+1 {{'time_limit' must be positive, got -60s}}
  time_limit = 0s - 1min;
  // expected-error @+1 {{'evaluations' must be at least 1, got -5}}
  evaluations = 5 - 10;
}

search Types { maximize accuracy;
  space = Net();
  // expected-error @+1 {{'strategy' must be a strategy, got dataset}}
  strategy = cifar10();
  // expected-error @+1 {{'dataset' must be a dataset, got strategy}}
  dataset = evolution;
  // expected-error @+1 {{'seed' must be an int, got float}}
  seed = 1.5;
  // expected-error @+1 {{'time_limit' must be a duration, got int}}
  time_limit = 3600;
  // expected-error @+1 {{'evaluations' must be an int, got string}}
  evaluations = "many";
  maximize accuracy;
}

// expected-error @+1 {{search 'Types' cannot be used as a value}}
const T = Types;
