// A template has inputs and exactly one output; network inputs have shapes.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";

// expected-error @+1 {{cell 'NoOutput' has no output; add 'output EXPR;'}}
cell NoOutput() {
  input x;
  node y = x |> relu;
}

cell TwoOutputs() {
  input x;
  output x |> relu;
  // expected-note @-1 {{first output is here}}
  // expected-error @+1 {{cell 'TwoOutputs' has more than one output}}
  output x;
}

// expected-error @+1 {{block 'NoInput' has no input; add 'input x;'}}
block NoInput() {
  // expected-error @+1 {{the output of block 'NoInput' must be a tensor, got op}}
  output relu;
}

cell IntOutput() {
  // expected-warning @+1 {{input 'x' is never used}}
  input x;
  // expected-error @+1 {{the output of cell 'IntOutput' must be a tensor, got int}}
  output 3;
}

cell TypedInput() {
  // expected-error @+1 {{input 'x' must be a tensor, not int}}
  input x: int;
  output x;
}

network Shapes(channels: int = 3) {
  // expected-error @+1 {{network input 'bare' needs a shape, e.g. 'input bare: tensor(3, 32, 32);'}}
  input bare;
  // expected-error @+1 {{network input 'empty' needs a shape, e.g. 'input empty: tensor(3, 32, 32);'}}
  input empty: tensor;
  // expected-error @+1 {{tensor dimensions must be at least 1, got 0}}
  input zero: tensor(3, 0, 32);
  // expected-error @+1 {{tensor dimensions must be at least 1, got -4}}
  input negative: tensor(channels - 7, 32, 32);
  // expected-error @+1 {{tensor dimensions must be int, got float}}
  input fractional: tensor(3, 32.5, 32);
  output concat(bare, empty, zero, negative, fractional);
}
